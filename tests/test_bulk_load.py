"""replace_graph writes with GRAPH.BULK (graph/falkordb_bulk.py): every
property of every node and relationship reads back equal to the rows
written, for the real knowledge base and a synthetic landscape, and the
graph is the one the Cypher path (`UNWIND ... MERGE`, still used by
write_batches) builds from the same rows. (Not in the same internal order:
the Cypher path's MERGE numbers a batch's rows in an order of its own.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from nhskg.core.errors import QueryError
from nhskg.graph.falkordb_bulk import COMMAND_BYTES, bulk_commands
from nhskg.graph.falkordb_engine import FalkorDBStore
from nhskg.graph.store import BUILD_LABEL, GraphData, NodeRow, RelRow, load_statements
from nhskg.ingest.pipeline import build_graph, complete_graph
from test_derive_fingerprint import read_input

NODES = f"MATCH (n) WHERE NOT n:{BUILD_LABEL} RETURN ID(n) AS key, labels(n) AS labels, properties(n) AS props ORDER BY key"
RELS = "MATCH (a)-[r]->(b) RETURN ID(r) AS key, type(r) AS type, a.id AS src, b.id AS dst, properties(r) AS props ORDER BY key"


def stored(props: dict[str, Any], row_id: str) -> dict[str, Any]:
    """What the graph holds for a row: its id, and no null properties."""
    return {k: v for k, v in {"id": row_id, **props}.items() if v is not None}


def read_back(store: FalkorDBStore) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    return store.run_read(NODES, {}), store.run_read(RELS, {})


def by_id(store: FalkorDBStore) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The graph's rows without the engine's numbering, ordered by id."""
    nodes, rels = read_back(store)
    nodes = [{**n, "labels": sorted(n["labels"])} for n in nodes]
    return tuple(sorted(({k: v for k, v in row.items() if k != "key"} for row in rows), key=lambda row: str(row["props"]["id"])) for rows in (nodes, rels))  # type: ignore[return-value]


def assert_round_trip(store: FalkorDBStore, data: GraphData) -> None:
    nodes, rels = read_back(store)
    assert len(nodes) == len(data.nodes) and len(rels) == len(data.relationships)
    by_id = {n["props"]["id"]: n for n in nodes}
    for node in data.nodes:
        got = by_id[node.id]
        assert got["props"] == stored(node.props, node.id), node.id
        assert sorted(got["labels"]) == sorted({"Entity", *node.labels}), node.id
    rels_by_id = {r["props"]["id"]: r for r in rels}
    for rel in data.relationships:
        got = rels_by_id[rel.id]
        assert (got["type"], got["src"], got["dst"]) == (rel.type, rel.from_id, rel.to_id), rel.id
        assert got["props"] == stored(rel.props, rel.id), rel.id


@pytest.fixture(scope="module")
def kb_graph() -> GraphData:
    return build_graph()


@pytest.fixture(scope="module")
def synthetic_graph() -> GraphData:
    return complete_graph(read_input("synthetic"))


@pytest.mark.parametrize("graph", ["kb_graph", "synthetic_graph"])
def test_every_property_reads_back_as_written(fresh_store: FalkorDBStore, graph: str, request: pytest.FixtureRequest) -> None:
    data = request.getfixturevalue(graph)
    fresh_store.replace_graph(data)
    assert_round_trip(fresh_store, data)


def test_bulk_and_cypher_paths_build_the_same_graph(tmp_path: Path, kb_graph: GraphData) -> None:
    bulk, cypher = FalkorDBStore(tmp_path / "bulk"), FalkorDBStore(tmp_path / "cypher")
    try:
        bulk.replace_graph(kb_graph)
        cypher.write_batches(load_statements(kb_graph))  # the Cypher path
        assert by_id(bulk) == by_id(cypher)
    finally:
        bulk.close()
        cypher.close()


AWKWARD = GraphData(
    nodes=[
        NodeRow("org:a", ("Organisation", "StatutoryBody"), {
            "name": 'quotes " and \\ and `ticks`', "unicode": "é ü — 😀", "empty": "", "n": -(2**63), "big": 2**63 - 1,
            "share": 0.25, "tiny": 1.5e-300, "exact": 0.1 + 0.2, "flag": False, "on": True, "none": None, "nothing": [],
            "many": [f"item {i}" for i in range(300)], "mixed": ["a", 1, 2.5, True], "nested": [["a", "b"], ["c"]],
        }),
        NodeRow("org:b", ("Organisation",), {"name": "b", "valid_from": "2020-01-01"}),
        NodeRow("org:c", ("Organisation",), {"other": 1}),  # another key set in the same label group
    ],
    relationships=[
        RelRow("rel:1", "ACCOUNTABLE_TO", "org:a", "org:b", {"id": "rel:1", "evidence": ["x", "y"], "n": 3}),
        RelRow("rel:2", "ACCOUNTABLE_TO", "org:b", "org:c", {"status": None, "quantifier": "all"}),  # no id among its props
    ],
)


def test_awkward_values_round_trip(fresh_store: FalkorDBStore) -> None:
    fresh_store.replace_graph(AWKWARD)
    # A double reads back with 15 significant digits (the engine's reply
    # format, whatever wrote it); the engine compares the stored one exactly.
    exact = 0.1 + 0.2
    assert fresh_store.run_read("MATCH (n:Entity {id: 'org:a'}) RETURN n.exact = $x AS same", {"x": exact}) == [{"same": True}]
    assert_round_trip(fresh_store, GraphData([NodeRow(n.id, n.labels, {**n.props, "exact": round(exact, 15)} if "exact" in n.props else n.props) for n in AWKWARD.nodes], AWKWARD.relationships))


def test_several_commands_with_split_blobs_round_trip(fresh_store: FalkorDBStore, monkeypatch: pytest.MonkeyPatch) -> None:
    import nhskg.graph.falkordb_bulk as bulk

    monkeypatch.setattr(bulk, "COMMAND_BYTES", 4096)  # a command every few blobs
    monkeypatch.setattr(bulk, "SLICE_ROWS", 7)  # a blob every few rows
    data = complete_graph(read_input("synthetic"))
    data = GraphData(data.nodes[:400], [r for r in data.relationships[:3000]])
    keep = {n.id for n in data.nodes}
    data.relationships = [r for r in data.relationships if r.from_id in keep and r.to_id in keep]
    total, commands = bulk_commands(data)
    assert len(list(commands)) > 10 and total == len(data.nodes) + len(data.relationships)
    fresh_store.replace_graph(data)
    assert_round_trip(fresh_store, data)
    assert COMMAND_BYTES == 8 * 1024 * 1024  # the module constant, not the patched one, is the default


def test_repeated_ids_merge_in_row_order_and_a_missing_end_drops_the_row(tmp_path: Path) -> None:
    data = GraphData(
        nodes=[
            NodeRow("org:x", ("Organisation",), {"name": "first", "kept": "yes", "dropped": "soon"}),
            NodeRow("org:y", ("Organisation",), {"name": "y"}),
            NodeRow("org:x", ("Organisation",), {"name": "second", "dropped": None}),  # MERGE + SET +=
        ],
        relationships=[
            RelRow("rel:r", "ACCOUNTABLE_TO", "org:x", "org:y", {"id": "rel:r", "a": 1}),
            RelRow("rel:r", "ACCOUNTABLE_TO", "org:x", "org:y", {"id": "rel:r", "b": 2}),
            RelRow("rel:gone", "ACCOUNTABLE_TO", "org:x", "org:nowhere", {"id": "rel:gone"}),  # MATCH finds no end
        ],
    )
    bulk, cypher = FalkorDBStore(tmp_path / "bulk"), FalkorDBStore(tmp_path / "cypher")
    try:
        bulk.replace_graph(data)
        # A later row's `SET +=` wins (the Cypher path runs one batch's MERGEs
        # in an order of its own, so there the first row can win instead).
        nodes, rels = read_back(bulk)
        assert {n["props"]["id"]: n["props"] for n in nodes}["org:x"] == {"id": "org:x", "name": "second", "kept": "yes"}
        assert [r["props"] for r in rels] == [{"id": "rel:r", "a": 1, "b": 2}]
        cypher.write_batches(load_statements(GraphData(data.nodes[:2], data.relationships[2:])))
        assert by_id(cypher)[1] == []  # the Cypher path drops the relationship with no end too
    finally:
        bulk.close()
        cypher.close()


@pytest.mark.parametrize(
    ("props", "message"),
    [
        ({"bad": "nul\x00inside"}, "org:bad property bad: a text value contains a NUL character"),
        ({"bad": ["ok", "nul\x00"]}, "org:bad property bad: a text value contains a NUL character"),
        ({"bad": 2**64}, "does not fit in 64 bits"),
        ({"bad": float("nan")}, "not a finite number"),
        ({"bad": {"a": "map"}}, "cannot write a dict"),
        ({"bad": "\ud800"}, "org:bad property bad"),
    ],
)
def test_an_unstorable_value_fails_the_write_and_changes_nothing(fresh_store: FalkorDBStore, props: dict[str, Any], message: str) -> None:
    fresh_store.replace_graph(AWKWARD)
    before = read_back(fresh_store)
    data = GraphData([*AWKWARD.nodes, NodeRow("org:bad", ("Organisation",), props)], AWKWARD.relationships)
    with pytest.raises(QueryError, match="previous graph is unchanged") as raised:
        fresh_store.replace_graph(data)
    assert message in str(raised.value)
    assert read_back(fresh_store) == before


def test_progress_counts_rows_to_the_end(fresh_store: FalkorDBStore, synthetic_graph: GraphData) -> None:
    seen: list[tuple[int, int]] = []
    fresh_store.replace_graph(synthetic_graph, lambda done, total: seen.append((done, total)))
    total = len(synthetic_graph.nodes) + len(synthetic_graph.relationships) + 1
    assert seen[-1] == (total, total)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen) and {t for _, t in seen} == {total}


def test_prefetched_keeps_order_raises_in_the_caller_and_stops_its_thread() -> None:
    import threading

    from nhskg.graph.falkordb_bulk import prefetched

    assert list(prefetched(iter(range(50)))) == list(range(50))

    def failing() -> Any:
        yield 1
        yield 2
        raise UnstorableValueForTest("made in the thread")

    got = []
    with pytest.raises(UnstorableValueForTest, match="made in the thread"):
        for item in prefetched(failing()):
            got.append(item)
    assert got == [1, 2]

    def endless() -> Any:
        n = 0
        while True:
            n += 1
            yield n

    for item in prefetched(endless()):
        if item == 3:
            break
    assert not [t for t in threading.enumerate() if t.name == "bulk-encoder"]  # stopped, not left running


class UnstorableValueForTest(ValueError):
    pass


def test_one_id_under_two_label_sets_is_refused_and_changes_nothing(fresh_store: FalkorDBStore) -> None:
    fresh_store.replace_graph(AWKWARD)
    before = read_back(fresh_store)
    data = GraphData([*AWKWARD.nodes, NodeRow("org:a", ("Service",), {"name": "a service now"})], [])
    with pytest.raises(QueryError, match="org:a appears twice with different labels.*previous graph is unchanged|previous graph is unchanged.*org:a appears twice"):
        fresh_store.replace_graph(data)
    assert read_back(fresh_store) == before
