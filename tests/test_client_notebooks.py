"""The notebook client against the real app served by uvicorn, and
docs/notebooks.md run as a script, as written (only the server's address
differs)."""

from __future__ import annotations

import re
from pathlib import Path


import networkx as nx
import pytest

from nhskg.client import Client, ClientError, graph_from_parts
from tests.live_server import base_url, kg, live_server  # noqa: F401  (pytest fixtures)

NOTEBOOK_DOC = Path(__file__).resolve().parents[1] / "docs" / "notebooks.md"


def test_notebook_doc_runs(base_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    text = NOTEBOOK_DOC.read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert len(blocks) >= 10 and 'kg = Client("http://127.0.0.1:8000")' in blocks[0]
    namespace: dict[str, object] = {}
    for i, block in enumerate(blocks):
        # As written, against the test server instead of port 8000.
        code = block.replace("http://127.0.0.1:8000", base_url)
        exec(compile(code, f"{NOTEBOOK_DOC.name}[block {i}]", "exec"), namespace)
    out = capsys.readouterr().out
    assert "191 of 191 CCGs on 1 June 2019" in out
    assert "truncated: True" in out and "more than 250 nodes" in out
    assert "rows in" in out and "changes-2013-04-01.csv" in out
    assert "HTTP 404" in out and "NhskgConnectionError" in out


def test_accountability_graph_keeps_evidence(kg: Client) -> None:
    g = kg.accountability("type:icb", as_of="2024-01-01")
    assert isinstance(g, nx.MultiDiGraph)
    assert g.has_edge("type:icb", "org:nhs-england")
    for _, _, attrs in g.edges(data=True):
        assert attrs["type"] == "ACCOUNTABLE_TO"
        ev = attrs["evidence"][0]
        assert ev["kind"] in ("quote", "citation", "paraphrase", "register")
        assert {"source_id", "paraphrase" if ev["kind"] == "paraphrase" else "quote"} <= set(ev)


def test_subgraph_is_a_multidigraph_with_attributes(kg: Client) -> None:
    g = kg.subgraph("type:ccg", depth=1, as_of="2016-01-01")
    assert "type:ccg" in g and g.nodes["type:ccg"]["name"]
    assert g.number_of_edges() > 0
    assert all("evidence" in d and "type" in d for _, _, d in g.edges(data=True))


def test_commissioners_as_records_and_frames(kg: Client) -> None:
    records = kg.commissioners("service:sexual-health", as_of="2020-01-01")
    assert any(r["commissioner"]["id"] == "type:local-authority" for r in records)
    frame = kg.commissioners("service:sexual-health", as_of="2020-01-01").as_frame()
    assert "commissioner.id" in frame.columns and len(frame) == len(records)
    ccgs = next(r for r in kg.commissioners("service:urgent-and-emergency-care", as_of="2015-01-01", instance_ids=True, expand=True) if r["commissioner"]["id"] == "type:ccg")
    assert len(ccgs["instances"]) == ccgs["instance_count"] > 200 and "evidence" in ccgs["commissioner"]


def test_errors_carry_the_api_message(kg: Client) -> None:
    with pytest.raises(ClientError) as caught:
        kg.commissioners("service:urgent-and-emergency-care", as_of="2016-13-45")
    assert caught.value.status == 422 and "as_of" in caught.value.detail


def test_graph_from_parts_keys_edges_by_id() -> None:
    g = graph_from_parts(
        [{"id": "a", "name": "A"}, {"id": "b", "name": "B"}],
        [{"id": "r1", "type": "X", "from": "a", "to": "b"}, {"id": "r2", "type": "X", "from": "a", "to": "b"}],
    )
    assert g.number_of_edges("a", "b") == 2 and set(g["a"]["b"]) == {"r1", "r2"}


def test_export_subgraph_saves_the_apis_graphml_and_csv(kg: Client, tmp_path: Path) -> None:
    import csv
    import io
    import zipfile

    graph = kg.subgraph("type:icb", depth=1, as_of="2024-01-01")
    graphml = kg.export_subgraph("type:icb", tmp_path / "icb.graphml", as_of="2024-01-01")
    assert set(nx.read_graphml(graphml).nodes) == set(graph.nodes)
    archive = kg.export_subgraph("type:icb", tmp_path / "icb.zip", format="csv", as_of="2024-01-01")
    with zipfile.ZipFile(archive) as z:
        nodes = list(csv.DictReader(io.StringIO(z.read("nodes.csv").decode())))
        edges = list(csv.DictReader(io.StringIO(z.read("edges.csv").decode())))
    assert {n["id"] for n in nodes} == set(graph.nodes)
    assert len(edges) == graph.number_of_edges()
    with pytest.raises(ClientError) as caught:
        kg.export_subgraph("type:icb", tmp_path / "x", format="pdf")
    assert caught.value.status == 422 and not (tmp_path / "x").exists()


def test_client_research_questions(kg: Client) -> None:
    answering = kg.accountable_bodies("org:nhs-england", as_of="2024-01-01")
    assert isinstance(answering, nx.MultiDiGraph) and answering.nodes["type:icb"]["distance"] == 1
    assert any(e["effect"] == "abolished" and e["entity"]["id"] == "type:pct" for e in kg.statute_effects("statute:health-and-social-care-act-2012"))
    assert [c["kind"] for c in kg.changes("2013-04-01", "2013-04-02", kind=["abolished"])] and all(
        c["kind"] == "abolished" for c in kg.changes("2013-04-01", "2013-04-02", kind=["abolished"])
    )
    timeline = kg.service_timeline("service:dental-services")
    # FHSAs from 1991 (the 1990 Act, era KB), health authorities from 1996,
    # then PCTs from 2002, as commissioners of primary care.
    first = [(i["from"], i["to"], i["commissioner"]["id"]) for i in timeline[:3]]
    assert first == [("1991-04-01", "1996-04-01", "type:fhsa"), ("1996-04-01", "2002-04-01", "type:health-authority"), ("2002-04-01", "2003-04-01", "type:pct")]
    assert timeline[2]["from_parent"]["id"] == "service:primary-care"
    assert any(i["from"] == "2013-04-01" for i in timeline)
    paths = kg.delegation_paths(delegator="org:nhs-england", service="service:dental-services", as_of="2024-01-01")
    assert paths and paths[0]["holder"]["id"] == "org:nhs-england"


def test_subgraph_briefs_on_request_and_an_edges_evidence_by_id(kg: Client) -> None:
    full = kg.subgraph("type:icb", depth=1, as_of="2024-01-01")
    brief = kg.subgraph("type:icb", depth=1, as_of="2024-01-01", full=False)
    assert set(brief.nodes) == set(full.nodes) and set(brief.edges(keys=True)) == set(full.edges(keys=True))
    u, v, key, attrs = next(iter(brief.edges(keys=True, data=True)))
    assert "evidence" not in attrs and attrs["source_ids"]
    record = kg.relationship(key)
    assert record["relationship"]["id"] == key and record["relationship"]["evidence"] == full.edges[u, v, key]["evidence"]
    assert (record["from"]["id"], record["to"]["id"]) == (u, v)
