"""/queries: the catalogue over HTTP; every query runs on the embedded engine; docs/queries.md is current."""

from __future__ import annotations

from pathlib import Path

import pytest

from nhskg.queries.catalogue import load_catalogue
from nhskg.queries.run import ask_all
from nhskg.queries.docgen import render

REPO = Path(__file__).resolve().parents[1]
CATALOGUE = load_catalogue()


def test_catalogue_lists_every_query_with_typed_parameters(api):
    body = api.get("/queries").json()
    names = [q["name"] for q in body["items"]]
    assert names == sorted(q.name for q in CATALOGUE)
    acc = next(q for q in body["items"] if q["name"] == "accountability_chains")
    assert {"name": "as_of", "type": "date", "optional": True}.items() <= next(p for p in acc["parameters"] if p["name"] == "as_of").items()
    assert {"from", "to", "status"} <= {p["name"] for p in acc["parameters"]}
    assert acc["description"]


@pytest.mark.parametrize("name", [q.name for q in CATALOGUE])
def test_every_catalogue_query_runs_with_its_example(kg_store, name):
    entry = CATALOGUE.get(name)
    assert entry.description, f"{name} has no description"
    (rows,) = ask_all(kg_store, (entry.cypher, entry.coerce(entry.example)))
    assert isinstance(rows, list)


def test_every_landscape_query_takes_a_window():
    """Every query that walks the landscape applies the one time-and-status
    rule: it is windowed and its Cypher holds the expanded fragment, never a
    hand-written copy of the predicate."""
    walking = [q for q in CATALOGUE if "*1.." in q.cypher or "*0.." in q.cypher or "COMMISSIONS" in q.cypher or "DELEGAT" in q.cypher or "PART_OF" in q.cypher]
    assert walking
    for q in walking:
        if q.name.startswith("source_"):
            continue  # sources are not the landscape
        assert q.windowed, q.name
        assert "$statuses" in q.cypher and "$from_date" in q.cypher, q.name
    for path in sorted((REPO / "queries").glob("*.cypher")):
        text = path.read_text(encoding="utf-8")
        assert "'0000-01-01'" not in text and "$as_of" not in text, f"{path.name} writes the time rule by hand; use @valid(x)"


def test_run_query_over_http(api):
    r = api.get("/queries/accountability_chains", params={"id": "type:icb", "as_of": "2024-01-01"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["params"] == {"id": "type:icb", "from_date": "2024-01-01", "to_date": "2024-01-02", "statuses": ["in_force"], "undated_too": False}
    assert body["rows"] and body["truncated"] is False


def test_run_query_list_params(api):
    r = api.get("/queries/entity_briefs", params={"ids": "type:icb,type:ccg"})
    assert sorted(row["id"] for row in r.json()["rows"]) == ["type:ccg", "type:icb"]
    r = api.get("/queries/entity_briefs", params=[("ids", "type:icb"), ("ids", "type:ccg")])
    assert sorted(row["id"] for row in r.json()["rows"]) == ["type:ccg", "type:icb"]


def test_run_query_as_of_defaults_to_today(api):
    import datetime as dt

    body = api.get("/queries/accountability_chains", params={"id": "type:icb"}).json()
    assert body["params"]["from_date"] == dt.date.today().isoformat()


def test_run_query_errors(api):
    r = api.get("/queries/no_such_query")
    assert r.status_code == 404 and "no_such_query" in r.json()["detail"]
    r = api.get("/queries/accountability_chains", params={"id": "type:icb", "as_of": "2024-02-30"})
    assert r.status_code == 422 and "as_of" in r.json()["detail"]
    r = api.get("/queries/accountability_chains", params={"as_of": "2024-01-01"})
    assert r.status_code == 422 and "'id'" in r.json()["detail"]
    r = api.get("/queries/accountability_chains", params={"id": "type:icb", "color": "red"})
    assert r.status_code == 422 and "color" in r.json()["detail"]
    r = api.get("/queries/entity_search", params={"limit": "ten", "offset": 0})
    assert r.status_code == 422 and "limit" in r.json()["detail"]


def test_queries_are_read_only(kg_store):
    from nhskg.core.errors import QueryError

    with pytest.raises(QueryError):
        kg_store.run_read("CREATE (:Entity {id: 'x:y'})", {})


def test_docs_queries_md_is_current():
    assert (REPO / "docs" / "queries.md").read_text(encoding="utf-8") == render(), (
        "docs/queries.md is stale: run  python -m nhskg.queries.docgen > docs/queries.md"
    )


def test_a_catalogue_parameter_may_be_called_name(tmp_path, monkeypatch) -> None:
    """Route helpers take (store, name) positionally, so a query parameter
    called `name` cannot clash with them."""
    from nhskg.graph.falkordb_engine import FalkorDBStore
    from nhskg.ingest.pipeline import ingest
    from nhskg.queries import run
    from nhskg.queries.catalogue import Catalogue, parse_query_file

    query_file = tmp_path / "entity_by_name.cypher"
    query_file.write_text(
        "// name: entity_by_name\n// param: name string Exact name\n// example: {}\n"
        "MATCH (n:Entity) WHERE n.name = $name RETURN n.id AS id\n"
    )
    catalogue = Catalogue({"entity_by_name": parse_query_file(query_file)})
    monkeypatch.setattr(run, "load_catalogue", lambda: catalogue)
    store = FalkorDBStore(tmp_path / "data")
    try:
        ingest(store)
        assert run.ask(store, "entity_by_name", name="NHS England") == [{"id": "org:nhs-england"}]
    finally:
        store.close()
