"""/subgraph: JSON, and GraphML / CSV round trips through networkx."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import networkx as nx
import pytest

# Depth 1 and the node cap raised: with the registers, the real ICBs and their
# neighbours exceed the default caps.
PARAMS = {"seed": "type:icb", "depth": 1, "as_of": "2024-01-01", "max_nodes": 1000}


def valid(x, day):
    return (x.get("valid_from") or "0000-01-01") <= day < (x.get("valid_to") or "9999-12-31")


NODE_BRIEF = {"id", "name", "labels", "valid_from", "valid_to", "status"}
EDGE_BRIEF = {"id", "type", "from", "to", "valid_from", "valid_to", "status", "source_ids"}
EDGE_FLAGS = {"derived", "event", "date", "quantifier"}


@pytest.fixture(scope="module")
def sub_json(api):
    """Full records: the shape the GraphML and CSV exports carry."""
    r = api.get("/subgraph", params={**PARAMS, "expand": "nodes,edges"})
    assert r.status_code == 200, r.text
    return r.json()


@pytest.fixture(scope="module")
def sub_brief(api):
    r = api.get("/subgraph", params=PARAMS)
    assert r.status_code == 200, r.text
    return r.json()


def test_json_shape_and_time_rule(sub_json):
    ids = {n["id"] for n in sub_json["nodes"]}
    assert "type:icb" in ids and "org:nhs-england" in ids
    assert sub_json["edges"] and sub_json["expand"] == ["nodes", "edges"]
    for e in sub_json["edges"]:
        assert set(e) >= {"id", "type", "from", "to", "valid_from", "valid_to", "status", "evidence"}
        assert e["from"] in ids and e["to"] in ids
        assert valid(e, "2024-01-01")
    for n in sub_json["nodes"]:
        assert n["id"] == "type:icb" or valid(n, "2024-01-01")
        assert "evidence" in n
    assert sub_json["caps"]["depth"] == 4 and sub_json["truncated"] is False


def test_briefs_by_default_same_graph_as_full_records(sub_brief, sub_json):
    assert sub_brief["expand"] == []
    assert [n["id"] for n in sub_brief["nodes"]] == [n["id"] for n in sub_json["nodes"]]
    assert [e["id"] for e in sub_brief["edges"]] == [e["id"] for e in sub_json["edges"]]
    full_nodes = {n["id"]: n for n in sub_json["nodes"]}
    for n in sub_brief["nodes"]:
        assert set(n) == NODE_BRIEF
        assert {k: full_nodes[n["id"]][k] for k in NODE_BRIEF} == n
    full_edges = {e["id"]: e for e in sub_json["edges"]}
    for e in sub_brief["edges"]:
        assert EDGE_BRIEF <= set(e) <= EDGE_BRIEF | EDGE_FLAGS
        full = full_edges[e["id"]]
        assert {k: full.get(k) for k in EDGE_BRIEF} == {k: e[k] for k in EDGE_BRIEF}
        # The flags that change how an edge reads are there exactly when set.
        assert e.get("derived", False) == bool(full.get("derived")) and e.get("event", False) == bool(full.get("event"))
        assert e.get("quantifier", "all") == (full.get("quantifier") or "all") and e.get("date") == full.get("date")
        # Provenance: every brief names its sources, and its id leads to the evidence.
        assert e["source_ids"] and {ev["source_id"] for ev in full["evidence"]} <= set(e["source_ids"])
    assert any(e.get("derived") for e in sub_brief["edges"]) and any("quantifier" in e for e in sub_brief["edges"])


def test_expand_one_side(api, sub_brief, sub_json):
    nodes_only = api.get("/subgraph", params={**PARAMS, "expand": "nodes"}).json()
    assert nodes_only["expand"] == ["nodes"] and nodes_only["nodes"] == sub_json["nodes"] and nodes_only["edges"] == sub_brief["edges"]
    edges_only = api.get("/subgraph", params={**PARAMS, "expand": " edges "}).json()
    assert edges_only["expand"] == ["edges"] and edges_only["edges"] == sub_json["edges"] and edges_only["nodes"] == sub_brief["nodes"]


def test_relationship_by_id_gives_the_full_record_and_its_evidence(api, sub_brief, sub_json):
    full_edges = {e["id"]: e for e in sub_json["edges"]}
    for e in sub_brief["edges"][:3] + [x for x in sub_brief["edges"] if x.get("derived")][:2]:
        r = api.get(f"/relationships/{e['id']}")
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["relationship"] == full_edges[e["id"]]
        assert (body["from"]["id"], body["to"]["id"]) == (e["from"], e["to"]) and body["from"]["name"]
        assert {s["id"] for s in body["sources"]} == set(e["source_ids"])
    # Any date: a relationship that ended long ago is still there by id.
    past = api.get("/subgraph", params={"seed": "type:ccg", "depth": 1, "as_of": "2016-01-01"}).json()["edges"]
    ended = next(e for e in past if e["valid_to"] and e["valid_to"] < "2024-01-01")
    assert api.get(f"/relationships/{ended['id']}").json()["relationship"]["valid_to"] == ended["valid_to"]


def test_unknown_relationship_is_a_one_line_404(api):
    r = api.get("/relationships/rel:nope")
    assert r.status_code == 404
    assert r.json()["detail"] == "no relationship with id 'rel:nope'"


def test_unknown_expand_value_is_422(api):
    r = api.get("/subgraph", params={**PARAMS, "expand": "nodes,evidence"})
    assert r.status_code == 422 and r.json()["detail"].startswith("expand: unknown value 'evidence'")


def test_nothing_from_before_the_date(api):
    body = api.get("/subgraph", params={"seed": "org:nhs-england", "depth": 1, "as_of": "2015-01-01"}).json()
    ids = {n["id"] for n in body["nodes"]}
    assert "type:icb" not in ids  # ICBs did not exist in 2015
    body = api.get("/subgraph", params={"seed": "org:nhs-england", "depth": 1, "as_of": "2024-01-01"}).json()
    assert "type:ccg" not in {n["id"] for n in body["nodes"]}


def test_seed_not_valid_on_date_comes_back_alone(api):
    body = api.get("/subgraph", params={"seed": "type:icb", "depth": 2, "as_of": "2015-01-01"}).json()
    assert [n["id"] for n in body["nodes"]] == ["type:icb"] and body["edges"] == []


def test_depth_zero_is_the_seed(api):
    body = api.get("/subgraph", params={"seed": "type:icb", "depth": 0, "as_of": "2024-01-01"}).json()
    assert [n["id"] for n in body["nodes"]] == ["type:icb"]


def test_label_filter(api):
    body = api.get("/subgraph", params={**PARAMS, "labels": "Organisation,OrganisationType"}).json()
    assert all({"Organisation", "OrganisationType"} & set(n["labels"]) for n in body["nodes"])


def test_node_cap_truncates(api):
    body = api.get("/subgraph", params={**PARAMS, "max_nodes": 2}).json()
    assert len(body["nodes"]) == 2 and body["truncated"] is True


def test_graphml_round_trip(api, sub_json):
    r = api.get("/subgraph", params={**PARAMS, "format": "graphml"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/graphml+xml")
    g = nx.read_graphml(io.BytesIO(r.content), force_multigraph=True)
    assert isinstance(g, nx.MultiDiGraph)
    assert set(g.nodes) == {n["id"] for n in sub_json["nodes"]}
    assert {k for _, _, k in g.edges(keys=True)} == {e["id"] for e in sub_json["edges"]}
    by_id = {e["id"]: e for e in sub_json["edges"]}
    for u, v, k, data in g.edges(keys=True, data=True):
        e = by_id[k]
        assert (u, v) == (e["from"], e["to"])
        assert data["type"] == e["type"] and data["from"] == u and data["to"] == v
        assert json.loads(data["evidence"]) == e["evidence"]
        assert data.get("valid_from") == e["valid_from"] and data.get("status") == e["status"]
    for n in sub_json["nodes"]:
        data = g.nodes[n["id"]]
        assert data["name"] == n["name"]
        assert json.loads(data["labels"]) == n["labels"]


def test_csv_zip_round_trip(api, sub_json):
    r = api.get("/subgraph", params={**PARAMS, "format": "csv"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(r.content))
    assert sorted(archive.namelist()) == ["edges.csv", "nodes.csv"]
    nodes = list(csv.DictReader(io.StringIO(archive.read("nodes.csv").decode("utf-8"))))
    edges = list(csv.DictReader(io.StringIO(archive.read("edges.csv").decode("utf-8"))))
    g = nx.MultiDiGraph()
    for n in nodes:
        g.add_node(n["id"], **n)
    for e in edges:
        g.add_edge(e["from"], e["to"], key=e["id"], **e)
    assert set(g.nodes) == {n["id"] for n in sub_json["nodes"]}
    assert {k for _, _, k in g.edges(keys=True)} == {e["id"] for e in sub_json["edges"]}
    by_id = {e["id"]: e for e in sub_json["edges"]}
    for e in edges:
        assert e["type"] == by_id[e["id"]]["type"]
        assert json.loads(e["evidence"]) == by_id[e["id"]]["evidence"]
        assert (e["valid_from"] or None) == by_id[e["id"]]["valid_from"]
    assert list(edges[0])[:8] == ["id", "type", "from", "to", "valid_from", "valid_to", "status", "evidence"]
    assert list(nodes[0])[:3] == ["id", "name", "labels"]


def test_subgraph_errors(api):
    r = api.get("/subgraph", params={"seed": "type:icb", "depth": 5})
    assert r.status_code == 422 and "depth" in r.json()["detail"]
    r = api.get("/subgraph", params={"seed": "type:icb", "format": "xml"})
    assert r.status_code == 422 and "format" in r.json()["detail"]
    r = api.get("/subgraph", params={"seed": "type:icb", "labels": "Organisation,Nonsense"})
    assert r.status_code == 422 and "Nonsense" in r.json()["detail"] and "OrganisationType" in r.json()["detail"]
    r = api.get("/subgraph", params={"seed": "type:icb", "max_nodes": 100000})
    assert r.status_code == 422 and "max_nodes" in r.json()["detail"]
    r = api.get("/subgraph", params={"seed": "type:nope"})
    assert r.status_code == 404 and "type:nope" in r.json()["detail"]
    r = api.get("/subgraph")
    assert r.status_code == 422 and "seed" in r.json()["detail"]


def test_caps_are_in_openapi(api):
    spec = api.get("/openapi.json").json()
    params = {p["name"]: p for p in spec["paths"]["/subgraph"]["get"]["parameters"]}
    assert params["depth"]["schema"]["maximum"] == 4
    assert params["max_nodes"]["schema"]["maximum"] == 1000
    entity_params = {p["name"]: p for p in spec["paths"]["/entities"]["get"]["parameters"]}
    assert entity_params["limit"]["schema"]["maximum"] == 500


def test_relationship_lookup_hint_and_fallback(api):
    from nhskg.api.routes.relationships import start_hint

    assert start_hint("rel:accountable_to:type:icb:org:nhs-england") == "type:icb"
    assert start_hint("drv:delegates_to:type:icb:type:place-based-partnership") == "type:icb"
    assert start_hint("rel:funded-by:icb-running-costs-pod") is None
    # An id ingest wrote by hand (not rel:<type>:<from>:<to>) is found by the scan.
    body = api.get("/relationships/rel:funded-by:icb-running-costs-pod").json()
    assert body["relationship"]["id"] == "rel:funded-by:icb-running-costs-pod" and body["relationship"]["evidence"]
