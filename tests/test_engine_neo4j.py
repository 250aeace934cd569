"""The Neo4j engine against a live server (replace, read-only reads, the
single-transaction limit, and on Enterprise the alias switch). Runs when NEO4J_URI is set
(with NEO4J_USER / NEO4J_PASSWORD / NEO4J_DATABASE); skipped otherwise.

WARNING: it replaces this project's nodes (label Entity) in that database.
"""

from __future__ import annotations

import os

import pytest

from nhskg.graph.store import GraphData, NodeRow, RelRow
from nhskg.ingest.pipeline import ingest
from nhskg.core.settings import Settings
from nhskg.core.errors import QueryError

pytestmark = pytest.mark.skipif(not os.environ.get("NEO4J_URI"), reason="NEO4J_URI is not set: no live Neo4j to test against")


@pytest.fixture
def neo4j_store():
    from nhskg.graph.neo4j_engine import Neo4jStore

    s = Settings.from_env()
    store = Neo4jStore(s.neo4j_uri or "", s.neo4j_user, s.neo4j_password, s.neo4j_database)
    yield store
    store.close()


def graph(tag: str) -> GraphData:
    return GraphData(
        [NodeRow(f"org:{tag}-1", ("Organisation",), {"name": "one"}), NodeRow(f"org:{tag}-2", ("Organisation",), {"name": "two"})],
        [RelRow(f"rel:{tag}", "ACCOUNTABLE_TO", f"org:{tag}-1", f"org:{tag}-2", {"id": f"rel:{tag}"})],
    )


def ids(store) -> set[str]:
    return {r["id"] for r in store.run_read("MATCH (n:Entity) RETURN n.id AS id", {})}


def test_replace_and_read(neo4j_store) -> None:
    neo4j_store.replace_graph(graph("a"))
    assert ids(neo4j_store) == {"org:a-1", "org:a-2"}
    assert neo4j_store.counts().by_type.get("ACCOUNTABLE_TO") == 1


def test_reads_are_read_only(neo4j_store) -> None:
    neo4j_store.replace_graph(graph("a"))
    with pytest.raises(QueryError):
        neo4j_store.run_read("CREATE (n:Entity {id: 'org:smuggled'}) RETURN n.id AS id", {})
    assert "org:smuggled" not in ids(neo4j_store)


def test_failed_replace_leaves_previous_graph(neo4j_store) -> None:
    neo4j_store.replace_graph(graph("old"))
    broken = graph("new")
    broken.relationships.append(RelRow("rel:bad", "ACCOUNTABLE_TO", "org:new-1", "org:new-2", {"id": "rel:bad", "nested": {"map": 1}}))
    with pytest.raises(QueryError):
        neo4j_store.replace_graph(broken)
    assert ids(neo4j_store) == {"org:old-1", "org:old-2"}


def test_knowledge_base_ingests(neo4j_store) -> None:
    summary = ingest(neo4j_store)
    assert neo4j_store.counts().nodes == summary.nodes


def test_other_data_in_the_database_is_neither_counted_nor_touched(neo4j_store) -> None:
    neo4j_store.replace_graph(graph("a"), version="v-test")
    neo4j_store._run(
        "WRITE",
        lambda tx: tx.run("MERGE (o:NhskgTestForeign {id: 'foreign'}) MERGE (o)-[:NHSKG_TEST_LINK]->(o)").consume(),
        writing=True,
    )
    try:
        counts = neo4j_store.counts()
        assert counts.nodes == 2 and counts.relationships == 1 and counts.version == "v-test"
        assert "NhskgTestForeign" not in counts.by_label and "NHSKG_TEST_LINK" not in counts.by_type
        neo4j_store.replace_graph(graph("b"), version="v-test-2")
        left = neo4j_store.run_read("MATCH (o:NhskgTestForeign) RETURN count(o) AS n", {})
        assert left == [{"n": 1}]
        assert neo4j_store.counts().version == "v-test-2"
    finally:
        neo4j_store._run("WRITE", lambda tx: tx.run("MATCH (o:NhskgTestForeign) DETACH DELETE o").consume(), writing=True)


# --- ingest strategies (graph/neo4j_plan.py) against the live server --------


def test_a_graph_over_the_single_transaction_limit_is_refused_on_a_plain_database(neo4j_store) -> None:
    from nhskg.core.errors import UserError

    facts = neo4j_store.server_facts()
    if facts.kind != "database":
        pytest.skip(f"NEO4J_DATABASE is a {facts.kind} here, not a plain database")
    neo4j_store.replace_graph(graph("kept"), version="v-kept")
    neo4j_store.single_tx_limit = 2
    with pytest.raises(UserError, match="NEO4J_SINGLE_TX_LIMIT"):
        neo4j_store.replace_graph(graph("refused"))  # 3 elements > 2
    assert ids(neo4j_store) == {"org:kept-1", "org:kept-2"}


@pytest.fixture
def alias_store():
    """A store reading through a fresh alias; skipped where aliases cannot be created."""
    from nhskg.graph.neo4j_admin import drop_alias, drop_database
    from nhskg.graph.neo4j_engine import Neo4jStore

    s = Settings.from_env()
    store = Neo4jStore(s.neo4j_uri or "", s.neo4j_user, s.neo4j_password, "nhskg-test-alias")
    facts = store.server_facts()
    if not facts.multi_database:
        store.close()
        pytest.skip(f"Neo4j {facts.edition}{' (Aura)' if facts.aura else ''} cannot create databases and aliases through Cypher")
    yield store
    target = store.server_facts().alias_target
    store.admin(drop_alias("nhskg-test-alias"))
    if target:
        store.admin(drop_database(target))
    store.close()


def test_alias_switch_builds_a_new_database_and_moves_the_alias(alias_store) -> None:
    assert ids(alias_store) == set()  # no alias yet reads as an empty graph
    alias_store.replace_graph(graph("first"), version="v1")
    first = alias_store.server_facts().alias_target
    assert ids(alias_store) == {"org:first-1", "org:first-2"}
    alias_store.replace_graph(graph("second"), version="v2")
    second = alias_store.server_facts().alias_target
    assert second != first
    assert ids(alias_store) == {"org:second-1", "org:second-2"}
    assert alias_store.counts().version == "v2"
    names = {r["name"] for r in alias_store.read_from("system", "SHOW DATABASES YIELD name", {})}
    assert first not in names and second in names


def test_alias_switch_failure_keeps_the_alias_and_drops_the_half_built_database(alias_store) -> None:
    alias_store.replace_graph(graph("old"), version="v1")
    live = alias_store.server_facts().alias_target
    broken = graph("new")
    broken.relationships.append(RelRow("rel:bad", "ACCOUNTABLE_TO", "org:new-1", "org:new-2", {"id": "rel:bad", "nested": {"map": 1}}))
    with pytest.raises(QueryError, match="previous graph is unchanged"):
        alias_store.replace_graph(broken)
    assert alias_store.server_facts().alias_target == live
    assert ids(alias_store) == {"org:old-1", "org:old-2"}
    names = {r["name"] for r in alias_store.read_from("system", "SHOW DATABASES YIELD name", {})}
    assert not [n for n in names if n.startswith("nhskg-test-alias-b") and n != live]
