"""The write path's own parameter serialisation (graph/falkordb_engine.py
params_header): whatever the rows hold comes back from the engine unchanged."""

from __future__ import annotations

import pytest

from nhskg.graph.falkordb_engine import FalkorDBStore, params_header
from nhskg.graph.store import GraphData, NodeRow, RelRow

AWKWARD = [
    'a "quoted" word',
    "back\\slash and \\\" both",
    "line one\nline two\ttabbed",
    "unicode: é ü — 😀",
    "",
    "`backtick` inside a value",
]


def test_awkward_values_round_trip_through_replace_graph(fresh_store: FalkorDBStore) -> None:
    nodes = [
        NodeRow(
            f"org:t{i}", ("Organisation",),
            {"name": text, "aliases": [text, "x"], "n": i, "share": 0.25 + i, "flag": i % 2 == 0, "valid_from": "2020-01-01"},
        )
        for i, text in enumerate(AWKWARD)
    ]
    rels = [RelRow("rel:t", "ACCOUNTABLE_TO", "org:t0", "org:t1", {"note": AWKWARD[1], "valid_from": "2020-01-01"})]
    fresh_store.replace_graph(GraphData(nodes, rels))
    rows = fresh_store.run_read("MATCH (n:Organisation) RETURN n.id AS id, n.name AS name, n.aliases AS aliases, n.n AS n, n.share AS share, n.flag AS flag ORDER BY n.n", {})
    assert [r["name"] for r in rows] == AWKWARD
    assert [r["aliases"] for r in rows] == [[t, "x"] for t in AWKWARD]
    assert [(r["n"], r["share"], r["flag"]) for r in rows] == [(i, 0.25 + i, i % 2 == 0) for i in range(len(AWKWARD))]
    assert fresh_store.run_read("MATCH ()-[r:ACCOUNTABLE_TO]->() RETURN r.note AS note", {}) == [{"note": AWKWARD[1]}]


def test_a_property_name_with_a_backtick_is_refused() -> None:
    with pytest.raises(ValueError, match="backtick"):
        params_header({"rows": [{"bad`key": 1}]})


def test_an_unwritable_value_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot write a set"):
        params_header({"rows": [{"k": {1, 2}}]})
