"""The embedded engine against a real FalkorDB process: lifecycle, recovery,
read-only enforcement, sharing a data directory, atomic replace."""

from __future__ import annotations

import os
import re
import signal
import time
from pathlib import Path

import pytest

from nhskg.graph.falkordb_engine import INDEXED_LABELS, FalkorDBStore
from nhskg.graph.store import GraphCounts, GraphData, GraphStore, NodeRow, RelRow
from nhskg.core.errors import QueryError, UserError


def small_graph(tag: str = "a") -> GraphData:
    return GraphData(
        nodes=[
            NodeRow(f"org:{tag}-one", ("Organisation", "StatutoryBody"), {"name": f"{tag} one", "source_ids": ["source:x"]}),
            NodeRow(f"org:{tag}-two", ("Organisation",), {"name": f"{tag} two"}),
        ],
        relationships=[
            RelRow(f"rel:{tag}", "ACCOUNTABLE_TO", f"org:{tag}-one", f"org:{tag}-two", {"id": f"rel:{tag}", "evidence": ["a quote"], "valid_from": "2013-04-01"}),
        ],
    )


def ids(store: FalkorDBStore) -> set[str]:
    return {r["id"] for r in store.run_read("MATCH (n:Entity) RETURN n.id AS id", {})}


def test_empty_data_dir_reads_as_empty_graph(fresh_store: FalkorDBStore) -> None:
    counts = fresh_store.counts()
    assert (counts.nodes, counts.relationships) == (0, 0)


def test_counts_by_label_and_type_agree_with_the_one_query_count(kg_store: FalkorDBStore, fresh_store: FalkorDBStore) -> None:
    # FalkorDB counts one label or type at a time (O(1) each, in one MULTI);
    # the engine-neutral query walks every relationship. Same answer, on the
    # ingested landscape and on a graph never written.
    counted = kg_store.counts()
    assert counted == GraphStore.counts(kg_store)
    assert counted.nodes > 1000 and counted.by_type["ACCOUNTABLE_TO"] > 0 and counted.version
    assert fresh_store.counts() == GraphStore.counts(fresh_store) == GraphCounts(0, 0, {}, {}, None)


def test_graph_survives_stop_and_restart(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    store = FalkorDBStore(data_dir)
    store.replace_graph(small_graph())
    server_pid = store.server.pid
    store.close()
    with pytest.raises(ProcessLookupError):
        os.kill(server_pid, 0)  # the owner stopped its server on close
    again = FalkorDBStore(data_dir)
    try:
        assert ids(again) == {"org:a-one", "org:a-two"}
        assert again.counts().by_type == {"ACCOUNTABLE_TO": 1}
    finally:
        again.close()


def test_killed_server_is_restarted_with_the_persisted_graph(fresh_store: FalkorDBStore) -> None:
    fresh_store.replace_graph(small_graph())
    old_pid = fresh_store.server.pid
    os.kill(old_pid, signal.SIGKILL)
    time.sleep(0.2)
    assert ids(fresh_store) == {"org:a-one", "org:a-two"}  # the next call recovers
    assert fresh_store.server.pid != old_pid


def test_reads_are_read_only_at_the_engine(fresh_store: FalkorDBStore) -> None:
    fresh_store.replace_graph(small_graph())
    with pytest.raises(QueryError, match="read-only|RO_QUERY"):
        fresh_store.run_read("CREATE (n:Entity {id: 'org:smuggled'}) RETURN n.id AS id", {})
    with pytest.raises(QueryError):
        fresh_store.run_read("MATCH (n:Entity) DETACH DELETE n", {})
    assert "org:smuggled" not in ids(fresh_store)
    assert fresh_store.counts().nodes == 2


def test_two_handles_share_one_server(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    first = FalkorDBStore(data_dir)
    second = FalkorDBStore(data_dir)
    try:
        assert first.server.owned and not second.server.owned  # reused, not a second server
        first.replace_graph(small_graph())
        assert ids(second) == {"org:a-one", "org:a-two"}
        # When the owner goes away, the other handle restarts the server itself.
        first.close()
        assert ids(second) == {"org:a-one", "org:a-two"}
        assert second.server.owned
    finally:
        first.close()
        second.close()


def test_failed_replace_leaves_previous_graph(fresh_store: FalkorDBStore) -> None:
    fresh_store.replace_graph(small_graph("old"))
    broken = small_graph("new")
    # The last batch fails inside the engine after earlier batches were written.
    broken.relationships.append(RelRow("rel:bad", "ACCOUNTABLE_TO", "org:new-one", "org:new-two", {"id": "rel:bad", "nested": {"map": "not allowed"}}))
    with pytest.raises(QueryError, match="previous graph is unchanged"):
        fresh_store.replace_graph(broken)
    assert ids(fresh_store) == {"org:old-one", "org:old-two"}
    graphs = fresh_store.conn.execute_command("GRAPH.LIST")
    assert [g for g in graphs if "__build_" in str(g)] == []  # the temporary graph was removed


def test_write_batches_records_a_new_build(fresh_store: FalkorDBStore) -> None:
    # Anything keyed by the build (ETags, the API's answer cache) must see a
    # graph changed in place as a new graph; what it was built from stays.
    fresh_store.replace_graph(small_graph(), version="v1")
    before = fresh_store.build_info()
    assert before is not None
    fresh_store.write_batches([("MATCH (n:Entity {id: $id}) SET n.name = $name", {"id": "org:a-one", "name": "renamed"})])
    after = fresh_store.build_info()
    assert after is not None and after.build_id != before.build_id
    assert after.source_version == "v1"


def test_write_batches_is_all_or_nothing(fresh_store: FalkorDBStore) -> None:
    fresh_store.replace_graph(small_graph())
    good = ("MATCH (n:Entity {id: $id}) SET n.name = $name", {"id": "org:a-one", "name": "renamed"})
    bad = ("MATCH (n:Entity {id: $id}) SET n.name = $name", {"id": "org:a-two", "name": {"not": "storable"}})
    with pytest.raises(QueryError):
        fresh_store.write_batches([good, bad])
    names = {r["id"]: r["name"] for r in fresh_store.run_read("MATCH (n:Entity) RETURN n.id AS id, n.name AS name", {})}
    assert names["org:a-one"] == "a one"
    fresh_store.write_batches([good])
    names = {r["id"]: r["name"] for r in fresh_store.run_read("MATCH (n:Entity) RETURN n.id AS id, n.name AS name", {})}
    assert names["org:a-one"] == "renamed"


def test_replace_is_idempotent(fresh_store: FalkorDBStore) -> None:
    fresh_store.replace_graph(small_graph())
    first = fresh_store.counts()
    fresh_store.replace_graph(small_graph())
    assert fresh_store.counts() == first


def test_schema_indexes_the_looked_up_labels_and_unique_id(fresh_store: FalkorDBStore) -> None:
    fresh_store.replace_graph(small_graph())
    indexed = {r["label"] for r in fresh_store.run_read("CALL db.indexes() YIELD label RETURN label", {})}
    assert indexed == INDEXED_LABELS
    assert {"Entity", "Service", "Delegation", "Budget", "Source"} <= indexed
    constraints = fresh_store.run_read("CALL db.constraints() YIELD type, label, properties RETURN type, label, properties", {})
    assert {"type": "UNIQUE", "label": "Entity", "properties": ["id"]} in constraints


def test_every_label_the_catalogue_looks_up_by_id_is_indexed() -> None:
    """`(x:Label {id: $p})` or `MATCH (x:Label) WHERE x.id IN/= $p` without
    an index on Label would scan every node of the label."""
    looked_up: dict[str, set[str]] = {}
    for path in sorted((Path(__file__).parents[1] / "queries").glob("*.cypher")):
        text = path.read_text()
        labels = set(re.findall(r"\(\w*:(\w+)(?::\w+)*\s*\{id:", text))
        for var, label in re.findall(r"\((\w+):(\w+)\)", text):
            if re.search(rf"\b{var}\.id\s+(IN|=)\s+\$", text):
                labels.add(label)
        for label in labels:
            looked_up.setdefault(label, set()).add(path.name)
    assert "Service" in looked_up and "Entity" in looked_up  # the scan finds them
    assert {label: files for label, files in looked_up.items() if label not in INDEXED_LABELS} == {}


def test_unwritable_data_dir_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(UserError, match="not writable"):
        FalkorDBStore(blocker / "data")


def test_long_data_dir_gets_a_short_socket(tmp_path: Path) -> None:
    deep = tmp_path / ("d" * 60) / ("e" * 60)
    store = FalkorDBStore(deep)
    try:
        assert len(str(store.server.socket_path)) <= 100
        store.replace_graph(small_graph())
        assert store.counts().nodes == 2
    finally:
        store.close()


def test_nul_in_a_parameter_is_a_user_error(fresh_store: FalkorDBStore) -> None:
    fresh_store.replace_graph(small_graph())
    with pytest.raises(UserError, match="parameter id contains a NUL character"):
        fresh_store.run_read("MATCH (n:Entity {id: $id}) RETURN n.id AS id", {"id": "org:a\x00"})


def test_a_rejected_query_retried_after_a_restart_stays_a_response_error(fresh_store: FalkorDBStore) -> None:
    import redis

    fresh_store.replace_graph(small_graph())
    os.kill(fresh_store.server.pid, signal.SIGKILL)
    time.sleep(0.2)
    graph = fresh_store.db.select_graph(fresh_store.graph_name)
    # The first attempt meets the dead socket; the retry, on the restarted
    # server, is refused as a write on the read path. That refusal must stay
    # a query error (a 400 at the API), not be reported as the engine being down.
    with pytest.raises(redis.ResponseError, match="read-only|RO_QUERY"):
        fresh_store._call(lambda: graph.ro_query("CREATE (n:Entity {id: 'org:smuggled'}) RETURN n"))
    assert "org:smuggled" not in ids(fresh_store)


READ_ONE = ("MATCH (n:Entity {id: $id}) RETURN n.id AS id, n.name AS name", {"id": "org:a-one"})
READ_ALL = ("MATCH (n:Entity) RETURN n.id AS id ORDER BY id", {})


def test_reads_in_one_round_trip_answer_as_one_by_one(fresh_store: FalkorDBStore) -> None:
    fresh_store.replace_graph(small_graph())
    reads = [READ_ONE, READ_ALL, ("MATCH (n:Entity {id: $id}) RETURN n.id AS id", {"id": "org:nowhere"}), READ_ONE]
    assert fresh_store.run_reads(reads) == [fresh_store.run_read(c, p) for c, p in reads]
    assert fresh_store.run_reads(reads)[1] == [{"id": "org:a-one"}, {"id": "org:a-two"}]
    assert fresh_store.run_reads([]) == []


def test_reads_in_one_round_trip_keep_each_reads_errors(fresh_store: FalkorDBStore) -> None:
    # Before any ingest every read is of an empty graph, not an error.
    assert fresh_store.run_reads([READ_ONE, READ_ALL]) == [[], []]
    fresh_store.replace_graph(small_graph())
    # A write among them is refused as on its own (a query error, a 400 at
    # the API), and writes nothing.
    with pytest.raises(QueryError, match="read-only|RO_QUERY"):
        fresh_store.run_reads([READ_ONE, ("CREATE (n:Entity {id: 'org:smuggled'}) RETURN n.id AS id", {}), READ_ALL])
    with pytest.raises(UserError, match="parameter id contains a NUL character"):
        fresh_store.run_reads([READ_ALL, ("MATCH (n:Entity {id: $id}) RETURN n.id AS id", {"id": "org:a\x00"})])
    assert "org:smuggled" not in ids(fresh_store)


def test_reads_in_one_round_trip_recover_a_killed_server(fresh_store: FalkorDBStore) -> None:
    fresh_store.replace_graph(small_graph())
    os.kill(fresh_store.server.pid, signal.SIGKILL)
    time.sleep(0.2)
    assert fresh_store.run_reads([READ_ONE, READ_ALL])[1] == [{"id": "org:a-one"}, {"id": "org:a-two"}]
