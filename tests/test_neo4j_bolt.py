"""The Neo4j engine through the real `neo4j` driver against a scripted Bolt
peer (tests/bolt_stub.py: NOT a Neo4j server; it models databases and
aliases just enough to follow an ingest). What these tests pin down:

- through a routing URI (neo4j://) read transactions go to the read replica
  in READ mode and writes to the writer, and a read after this process's
  ingest carries that ingest's bookmark (causal consistency);
- the alias switch: the new database is created, loaded in bounded
  transactions, checked, then the alias moved and the old database dropped;
  a failure before the switch drops the new database and leaves the alias;
- Community (and a plain database) above the limit is refused before any write.

Whether Neo4j itself accepts the statements is checked by its parser
(tests/test_cypher_neo4j_parser.py) and, with NEO4J_URI set, by
tests/test_engine_neo4j.py against a live server.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from bolt_stub import Dbms, Failure, cluster
from nhskg.core.errors import QueryError, UserError
from nhskg.graph.neo4j_engine import Neo4jStore
from nhskg.graph import neo4j_plan
from nhskg.graph.store import GraphData, NodeRow, RelRow

NEW_DB = re.compile(r"nhskg-b[0-9a-f]{12}")


def graph(tag: str, nodes: int = 3, rels: int = 2) -> GraphData:
    return GraphData(
        [NodeRow(f"org:{tag}-{i}", ("Organisation",), {"name": f"{tag} {i}"}) for i in range(nodes)],
        [RelRow(f"rel:{tag}-{i}", "ACCOUNTABLE_TO", f"org:{tag}-{i % nodes}", f"org:{tag}-{(i + 1) % nodes}", {}) for i in range(rels)],
    )


@contextmanager
def opened(uri: str, database: str, **options: Any) -> Iterator[Neo4jStore]:
    store = Neo4jStore(uri, password="x", database=database, retry_s=0.0, **options)
    try:
        yield store
    finally:
        store.close()


def ids(store: Neo4jStore) -> set[str]:
    return {r["id"] for r in store.run_read("MATCH (n:Entity) RETURN n.id AS id", {})}


def begins(dbms: Dbms, *, db: str | None = None, mode: str | None = None) -> list:
    return [s for s in dbms.seen if s.kind == "begin" and (db is None or s.db == db) and (mode is None or s.mode == mode)]


def runs(dbms: Dbms, prefix: str) -> list:
    return [s for s in dbms.seen if s.kind == "run" and s.query.startswith(prefix)]


def transactions(dbms: Dbms, db: str, prefixes: tuple[str, ...]) -> list[list]:
    """The statements (starting with one of `prefixes`) of each write
    transaction on `db` that ran any."""
    txs: list[list] = []
    for s in dbms.seen:
        if s.kind == "begin" and s.db == db and s.mode == "w":
            txs.append([])
        elif s.kind == "run" and s.db == db and s.query.startswith(prefixes) and txs:
            txs[-1].append(s)
    return [tx for tx in txs if tx]


def test_routing_uri_reads_from_the_replica_writes_to_the_writer() -> None:
    with cluster() as c:
        with opened(c.uri, database="neo4j") as store:
            store.replace_graph(graph("a"))  # Enterprise, plain database, small: one transaction
            write_commits = [s for s in c.dbms.seen if s.kind == "commit" and s.db == "neo4j" and s.mode == "w"]
            assert ids(store) == {"org:a-0", "org:a-1", "org:a-2"}
    data_writes = begins(c.dbms, db="neo4j", mode="w")
    data_reads = begins(c.dbms, db="neo4j", mode="r")
    assert data_writes and {s.server for s in data_writes} == {"writer"}
    assert data_reads and {s.server for s in data_reads} == {"reader"}
    # The read after the ingest waits for it: it carries the ingest's bookmark.
    assert write_commits and write_commits[-1].bookmarks[0] in data_reads[-1].bookmarks


def test_bolt_uri_talks_to_one_server_and_still_reads_in_read_mode() -> None:
    with cluster() as c:
        with opened(c.direct_uri, database="neo4j") as store:
            store.replace_graph(graph("a"))
            assert ids(store) == {"org:a-0", "org:a-1", "org:a-2"}
    assert {s.server for s in c.dbms.seen} == {"writer"}
    assert not [s for s in c.dbms.seen if s.kind == "route"]
    assert begins(c.dbms, db="neo4j", mode="r")


def test_alias_switch_loads_a_new_database_in_bounded_transactions_then_moves_the_alias(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(neo4j_plan, "TRANSACTION_ROWS", 1_000)  # two 500-row statements per transaction
    big = graph("big", nodes=2_300, rels=1_700)
    with cluster() as c:
        with opened(c.uri, database="nhskg") as store:
            assert ids(store) == set()  # no alias yet: an empty graph, not an error
            store.replace_graph(big, version="v1")
            first = c.dbms.aliases["nhskg"]
            assert NEW_DB.fullmatch(first)
            assert len(ids(store)) == len(big.nodes)
            build = store.build_info()
            assert build is not None and build.source_version == "v1"

            store.replace_graph(graph("small"), version="v2")
            second = c.dbms.aliases["nhskg"]
            assert second != first and NEW_DB.fullmatch(second)
            assert ids(store) == {"org:small-0", "org:small-1", "org:small-2"}
    assert first not in c.dbms.databases  # ours, so dropped after the switch
    assert set(c.dbms.databases) == {"system", "neo4j", second}

    # Administration went to the system database on the writer, in this order.
    admin = [s.query.split(" `")[0] for s in c.dbms.seen if s.kind == "run" and s.db == "system" and not s.query.startswith(("CALL dbms", "SHOW"))]
    assert admin == ["CREATE DATABASE", "CREATE ALIAS", "CREATE DATABASE", "ALTER ALIAS", "DROP DATABASE"]
    assert {s.server for s in c.dbms.seen if s.db == "system" and s.mode == "w"} == {"writer"}

    # The first load: several write transactions into the new database, each
    # of at most TRANSACTION_ROWS rows (500-row statements), none touching the
    # database readers used.
    loads = transactions(c.dbms, first, ("UNWIND",))
    assert len(loads) >= 3
    assert max(len(tx) for tx in loads) * 500 <= neo4j_plan.TRANSACTION_ROWS
    assert sum(len(tx) for tx in loads) == -(-len(big.nodes) // 500) + -(-len(big.relationships) // 500)


def test_a_failure_before_the_switch_drops_the_new_database_and_keeps_the_alias() -> None:
    with cluster() as c:
        with opened(c.uri, database="nhskg") as store:
            store.replace_graph(graph("old"), version="v1")
            live = c.dbms.aliases["nhskg"]

            def fail(query: str, db: str) -> None:
                if query.startswith("UNWIND $rows AS row MATCH") and db != live:
                    raise Failure("Neo.ClientError.Statement.TypeError", "Property values can only be of primitive types")

            c.dbms.fail = fail
            with pytest.raises(QueryError, match="previous graph is unchanged"):
                store.replace_graph(graph("new"), version="v2")
            assert c.dbms.aliases["nhskg"] == live
            assert set(c.dbms.databases) == {"system", "neo4j", live}  # the half-built one is gone
            assert ids(store) == {"org:old-0", "org:old-1", "org:old-2"}
    assert not runs(c.dbms, "ALTER ALIAS")


def test_a_relationship_to_a_missing_node_stops_the_switch() -> None:
    broken = graph("new")
    broken.relationships.append(RelRow("rel:dangling", "ACCOUNTABLE_TO", "org:new-0", "org:nowhere", {}))
    with cluster() as c:
        with opened(c.uri, database="nhskg") as store:
            with pytest.raises(QueryError, match="a relationship to a missing node"):
                store.replace_graph(broken)
    assert "nhskg" not in c.dbms.aliases
    assert set(c.dbms.databases) == {"system", "neo4j"}


def test_community_refuses_a_large_graph_before_writing_anything() -> None:
    with cluster(edition="community") as c:
        with opened(c.uri, database="neo4j", single_tx_limit=4) as store:
            with pytest.raises(UserError, match="Neo4j Community has one user database") as err:
                store.replace_graph(graph("a"))  # 3 nodes + 2 relationships = 5 > 4
            assert "\n" not in str(err.value)
            store.replace_graph(graph("b", nodes=2, rels=1))  # 3 <= 4: one transaction
            assert ids(store) == {"org:b-0", "org:b-1"}
    assert not runs(c.dbms, "SHOW ALIASES")  # Community has none: not even asked
    assert not runs(c.dbms, "CREATE DATABASE")
    # the data went in ONE write transaction: clear + load + build record
    data_txs = transactions(c.dbms, "neo4j", ("MATCH (n:Entity) DETACH", "MATCH (n:NhskgBuild) DETACH", "UNWIND", "CREATE (b:NhskgBuild)"))
    assert [len(tx) for tx in data_txs] == [5]


def test_a_cluster_keeps_its_read_replicas_across_the_switch() -> None:
    with cluster() as c:
        c.dbms.topology = (3, 2)
        with opened(c.uri, database="nhskg") as store:
            store.replace_graph(graph("a"))  # first build: the default database's shape
            store.replace_graph(graph("b"))  # then: the shape of the database it replaces
    creates = [s.query for s in runs(c.dbms, "CREATE DATABASE")]
    assert len(creates) == 2 and all(" TOPOLOGY 3 PRIMARIES 2 SECONDARIES WAIT " in q for q in creates)


def test_a_switch_whose_commit_outcome_is_unknown_drops_nothing() -> None:
    from nhskg.core.errors import EngineUnavailable

    with cluster() as c:
        with opened(c.uri, database="nhskg") as store:
            store.replace_graph(graph("old"))
            old = c.dbms.aliases["nhskg"]
            c.dbms.cut_after_commit = lambda queries: any(q.startswith("ALTER ALIAS") for q in queries)
            with pytest.raises(EngineUnavailable, match="outcome is unknown") as err:
                store.replace_graph(graph("new"))
            assert "unchanged" not in str(err.value)
    new = c.dbms.aliases["nhskg"]  # in this run the switch did happen
    assert new != old
    assert {old, new} <= set(c.dbms.databases)  # neither database was dropped
    assert not runs(c.dbms, "DROP DATABASE")


def test_a_user_who_may_not_ask_the_system_database_gets_one_transaction() -> None:
    def forbid(query: str, db: str) -> None:
        if db == "system":
            raise Failure("Neo.ClientError.Security.Forbidden", "Permission denied.")

    with cluster() as c:
        c.dbms.fail = forbid
        with opened(c.uri, database="neo4j") as store:
            store.replace_graph(graph("a"))
            assert ids(store) == {"org:a-0", "org:a-1", "org:a-2"}
    assert not runs(c.dbms, "CREATE DATABASE")


def test_status_names_the_alias_target_and_databases_left_over() -> None:
    from bolt_stub import Database

    with cluster() as c:
        with opened(c.uri, database="nhskg") as store:
            store.replace_graph(graph("a"))
            live = c.dbms.aliases["nhskg"]
            c.dbms.databases["nhskg-b0000000000ff"] = Database()  # as a killed ingest leaves it
            text = store.describe()
    assert f"database 'nhskg' = alias of '{live}'" in text
    assert "Neo4j enterprise 5.26.0" in text
    assert "drop by hand: nhskg-b0000000000ff" in text and f"hand: {live}" not in text
    assert "reads routed to followers and read replicas" in text


def test_a_read_terminated_by_an_alias_switch_runs_again_once() -> None:
    state = {"terminations": 0, "limit": 1}

    def terminate(query: str, db: str) -> None:
        if query.startswith("MATCH (n:Entity) RETURN n.id") and state["terminations"] < state["limit"]:
            state["terminations"] += 1
            raise Failure("Neo.ClientError.Transaction.Terminated", "The transaction has been terminated. Retry your operation in a new transaction.")

    with cluster() as c:
        with opened(c.uri, database="nhskg") as store:
            store.replace_graph(graph("a"))
            c.dbms.fail = terminate
            assert ids(store) == {"org:a-0", "org:a-1", "org:a-2"}  # terminated once, run again
            state.update(terminations=0, limit=2)
            with pytest.raises(QueryError, match="terminated"):
                ids(store)  # only once: a second termination is an error
    assert state["terminations"] == 2
