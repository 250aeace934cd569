"""Tables: format=csv and format=ndjson on the list endpoints (one renderer,
the stable columns docs/api.md lists), and /changes' order, filters and
summary, against the real graph."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from nhskg.api import serialise as ser

DOCS = Path(__file__).resolve().parents[1] / "docs" / "api.md"

TABLES = [
    ("/entities", {"instance_of": "type:ccg", "as_of": "2019-06-01", "limit": 500}),
    ("/changes", {"from": "2013-04-01", "to": "2013-04-02", "limit": 2000}),
    ("/changes?summary=true", {"from": "2013-04-01", "to": "2013-04-02"}),
    ("/budgets", {"fiscal_year": "2017/18"}),
    ("/services/{id}/commissioners", {"as_of": "2015-06-01"}),
    ("/services/{id}/timeline", {}),
    ("/entities/{id}/accountable-bodies", {"as_of": "2024-01-01"}),
    ("/statutes/{id}/effects", {}),
]
IDS = {
    "/services/{id}/commissioners": "service:urgent-and-emergency-care",
    "/services/{id}/timeline": "service:dental-services",
    "/entities/{id}/accountable-bodies": "org:nhs-england",
    "/statutes/{id}/effects": "statute:health-and-social-care-act-2012",
}


def _url(endpoint: str) -> tuple[str, dict[str, str]]:
    path, _, query = endpoint.partition("?")
    extra = dict(p.split("=") for p in query.split("&")) if query else {}
    return path.replace("{id}", IDS.get(endpoint, "")), extra


@pytest.mark.parametrize(("endpoint", "params"), TABLES, ids=[t[0] for t in TABLES])
def test_csv_and_ndjson_carry_the_json_rows(api: TestClient, endpoint: str, params: dict[str, object]) -> None:
    path, extra = _url(endpoint)
    asked = {**params, **extra}
    body = api.get(path, params=asked).json()
    rows = body["items"]
    assert rows, endpoint

    answer = api.get(path, params={**asked, "format": "csv"})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    assert answer.headers["x-total-count"] == str(body.get("total", len(rows))) and answer.headers["x-row-count"] == str(len(rows))
    table = list(csv.reader(io.StringIO(answer.text)))
    assert table[0] == list(ser.TABLE_COLUMNS[endpoint])  # the stable columns, in order
    assert len(table) == len(rows) + 1
    first = dict(zip(table[0], table[1]))
    for column in table[0]:
        assert first[column] == ser.table_cell(ser.column_value(rows[0], column)), column

    lines = api.get(path, params={**asked, "format": "ndjson"})
    assert lines.headers["content-type"].startswith("application/x-ndjson")
    assert [json.loads(line) for line in lines.text.splitlines()] == rows


def test_the_columns_are_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for endpoint, columns in ser.TABLE_COLUMNS.items():
        assert f"`{endpoint}`: " + ", ".join(f"`{c}`" for c in columns) in text, endpoint


def test_csv_cells() -> None:
    assert ser.table_cell(None) == "" and ser.table_cell(True) == "true" and ser.table_cell(["a", "b"]) == "a;b"
    assert json.loads(ser.table_cell([{"source_id": "s", "quote": "a;b"}])) == [{"source_id": "s", "quote": "a;b"}]
    assert ser.column_value({"entities": [{"id": "a"}, {"id": "b"}]}, "entities.id") == ["a", "b"]


def test_csv_pages_like_json(api: TestClient) -> None:
    params = {"instance_of": "type:ccg", "as_of": "2019-06-01", "format": "csv", "limit": 100}
    first = api.get("/entities", params=params)
    second = api.get("/entities", params={**params, "offset": 100})
    ids = [r[0] for r in list(csv.reader(io.StringIO(first.text)))[1:] + list(csv.reader(io.StringIO(second.text)))[1:]]
    assert first.headers["x-total-count"] == "191" and len(ids) == len(set(ids)) == 191


def test_changes_put_the_headline_before_the_register_rows(api: TestClient) -> None:
    items = api.get("/changes", params={"from": "2013-04-01", "to": "2013-04-02", "limit": 2000}).json()["items"]
    # A register row: a body's own change, with no type and no Act among its entities
    # (a body established by an Act that day is a statute change, listed with the headline).
    def register_row(i: dict) -> bool:
        return all("OrganisationType" not in e["labels"] and not e["id"].startswith("statute:") for e in i["entities"])

    first_register_row = next(n for n, i in enumerate(items) if register_row(i))
    headlines = [i for i in items if "OrganisationType" in i["entities"][0]["labels"]]
    assert headlines and all(items.index(h) < first_register_row for h in headlines)
    ccg = next(i for i in items if i["entities"][0]["id"] == "type:ccg" and i["kind"] == "established")
    ccg_rows = api.get("/changes", params={"from": "2013-04-01", "to": "2013-04-02", "kind": "established", "instance_of": "type:ccg", "limit": 2000}).json()
    # The 211 CCGs of April 2013 (NHS England's CCG list, 2013/14).
    assert ccg["instance_count"] == ccg_rows["total"] == 211
    assert all(i["instance_count"] is None for i in items if "OrganisationType" not in i["entities"][0]["labels"])
    # The day before, none of it.
    assert not api.get("/changes", params={"from": "2013-03-31", "to": "2013-04-01", "instance_of": "type:ccg"}).json()["items"]


def test_changes_filter_by_label(api: TestClient) -> None:
    types = api.get("/changes", params={"from": "2013-04-01", "to": "2013-04-02", "label": "OrganisationType"}).json()
    assert types["items"] and all("OrganisationType" in i["entities"][0]["labels"] for i in types["items"])
    assert {"type:ccg", "type:pct", "type:sha"} <= {i["entities"][0]["id"] for i in types["items"]}
    bad = api.get("/changes", params={"label": "Nonsense"})
    assert bad.status_code == 422 and "label" in bad.json()["detail"]
    unknown = api.get("/changes", params={"instance_of": "type:nonsense"})
    assert unknown.status_code == 404 and "instance_of" in unknown.json()["detail"]


def test_changes_summary_counts_by_kind_and_type(api: TestClient) -> None:
    body = api.get("/changes", params={"from": "2013-04-01", "to": "2013-04-02", "summary": "true"}).json()
    rows = body["items"]
    change_rows = [r for r in rows if r["row"] == "change"]
    assert change_rows and rows[: len(change_rows)] == change_rows  # headlines first
    counts = {(r["kind"], (r["type"] or {}).get("id")): r["count"] for r in rows if r["row"] == "count"}
    assert counts[("established", "type:ccg")] == 211
    listed = api.get("/changes", params={"from": "2013-04-01", "to": "2013-04-02", "limit": 2000}).json()
    assert sum(body["by_kind"].values()) == listed["total"]


def test_changes_fold_the_register_rows_a_type_level_change_stands_for(api: TestClient) -> None:
    window = {"from": "2013-04-01", "to": "2013-04-02", "limit": 2000}
    whole = api.get("/changes", params=window).json()
    folded = api.get("/changes", params={**window, "fold": "true"}).json()
    ccg = next(i for i in folded["items"] if i["entities"][0]["id"] == "type:ccg" and i["kind"] == "established")
    assert ccg["instance_count"] == 211
    assert folded["total"] == whole["total"] - sum(i["instance_count"] or 0 for i in folded["items"])
    assert not any(i["kind"] == "established" and "CCG" in (i["entities"][0]["name"] or "") and "OrganisationType" not in i["entities"][0]["labels"] for i in folded["items"])


def test_a_type_level_succession_stands_only_for_successions_to_its_successor_type(api: TestClient) -> None:
    """On 1 April 2013 PCTs were succeeded by CCGs and by local authorities
    (two type-level rows), and the register also has Gloucestershire PCT
    (5QH) succeeded by Gloucestershire Care Services NHS Trust (R1J): neither
    type-level row stands for that one, so neither counts it and fold keeps
    it (it was counted by both and folded once)."""
    window = {"from": "2013-04-01", "to": "2013-04-02", "limit": 2000, "kind": "succeeded"}
    whole = api.get("/changes", params=window).json()
    folded = api.get("/changes", params={**window, "fold": "true"}).json()
    pct = {i["entities"][-1]["id"]: i["instance_count"] for i in whole["items"] if i["entities"][0]["id"] == "type:pct"}
    assert pct == {"type:ccg": 0, "type:local-authority": 0}
    trust = [[e["id"] for e in i["entities"]] for i in folded["items"] if i["instance_count"] is None]
    assert ["org:ods-5qh", "org:ods-r1j"] in trust
    assert folded["total"] == whole["total"] - sum(i["instance_count"] or 0 for i in folded["items"])
    # The day before nothing was succeeded: the rows are the day's.
    assert api.get("/changes", params={**window, "from": "2013-03-31", "to": "2013-04-01"}).json()["total"] == 0


@pytest.mark.parametrize("q", ["Ā&E", "Gloucestershire – care", "ñ"])
def test_a_download_named_from_non_ascii_text_is_served(api: TestClient, q: str) -> None:
    """The file name goes into a (latin-1) Content-Disposition header: text
    outside ASCII becomes _, and the answer is the table, not a 500."""
    for path in ("/budgets", "/entities"):
        answer = api.get(path, params={"q": q, "format": "csv"})
        assert answer.status_code == 200, answer.text
        name = answer.headers["content-disposition"].split('filename="')[1].rstrip('"')
        assert name.isascii() and name.endswith(".csv") and set(name[:-4]) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
