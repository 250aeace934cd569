"""The Neo4j ingest decisions that need no server: URI handling, the server's
facts -> a strategy, database naming, and how a graph is split into bounded
transactions. (What the driver then does with them: tests/test_neo4j_bolt.py
against a scripted Bolt server; against a real Neo4j: test_engine_neo4j.py.)"""

from __future__ import annotations

import pytest

from nhskg.core.errors import EngineUnavailable, UserError
from nhskg.core.settings import Settings
from nhskg.graph.neo4j_engine import Neo4jStore
from nhskg.graph.neo4j_plan import (
    ALIAS_SWITCH,
    SINGLE_TRANSACTION,
    ServerFacts,
    Topology,
    built_by_us,
    choose_plan,
    facts_from_rows,
    new_database_name,
    parse_uri,
    statement_rows,
    transaction_batches,
)
from nhskg.graph.store import GraphData, NodeRow, RelRow, build_statement, load_statements, new_build

# ------------------------------------------------------------------ URIs --


@pytest.mark.parametrize(
    ("uri", "routing", "encrypted", "aura"),
    [
        ("bolt://localhost:7687", False, False, False),
        ("bolt+s://db.example.org:7687", False, True, False),
        ("neo4j://core1.example.org:7687", True, False, False),
        ("neo4j+ssc://10.0.0.5", True, True, False),
        ("neo4j+s://abcd1234.databases.neo4j.io", True, True, True),
        ("NEO4J://Core1:7687", True, False, False),
    ],
)
def test_accepted_uris(uri: str, routing: bool, encrypted: bool, aura: bool) -> None:
    target = parse_uri(uri)
    assert (target.routing, target.encrypted, target.aura) == (routing, encrypted, aura)


@pytest.mark.parametrize(
    ("uri", "words"),
    [
        ("http://localhost:7474", "scheme must be one of"),
        ("localhost:7687", "scheme must be one of"),
        ("neo4j://", "needs a host"),
        ("bolt://:7687", "needs a host"),
        ("bolt://db:port", "needs a host"),
    ],
)
def test_rejected_uris_are_one_line(uri: str, words: str) -> None:
    with pytest.raises(EngineUnavailable, match=words) as err:
        parse_uri(uri)
    assert "\n" not in str(err.value)


def test_a_store_opens_no_connection_until_used() -> None:
    # Port 9 (discard) on a documentation address: nothing may be contacted.
    store = Neo4jStore("neo4j://192.0.2.1:9", password="x", verify=False)
    try:
        assert store._driver is None
        assert "reads routed to followers and read replicas" in store.describe()
    finally:
        store.close()


def test_settings_read_the_single_transaction_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEO4J_SINGLE_TX_LIMIT", "250_000")
    assert Settings.from_env("/tmp/x").neo4j_single_tx_limit == 250_000
    monkeypatch.setenv("NEO4J_SINGLE_TX_LIMIT", "lots")
    with pytest.raises(UserError, match="NEO4J_SINGLE_TX_LIMIT must be a whole number"):
        Settings.from_env("/tmp/x")


# ------------------------------------------------------ facts -> strategy --

COMMUNITY = [{"name": "Neo4j Kernel", "versions": ["5.26.0"], "edition": "community"}]
ENTERPRISE = [{"name": "Neo4j Kernel", "versions": ["5.26.0"], "edition": "enterprise"}]
STANDALONE_DBS = [
    {"name": "neo4j", "type": "standard", "requestedPrimariesCount": None, "requestedSecondariesCount": None},
    {"name": "system", "type": "system"},
]


def cluster_dbs(name: str) -> list[dict]:
    # SHOW DATABASES gives one row per server hosting the database.
    row = {"name": name, "type": "standard", "requestedPrimariesCount": 3, "requestedSecondariesCount": 2}
    return [dict(row, address=f"core{i}:7687") for i in range(5)] + [{"name": "system", "type": "system"}]


def test_facts_from_community_rows() -> None:
    facts = facts_from_rows("neo4j", COMMUNITY, STANDALONE_DBS, [], aura=False)
    assert facts == ServerFacts("community", "5.26.0", False, "database")
    assert not facts.multi_database


def test_facts_of_an_alias_carry_its_targets_topology() -> None:
    aliases = [{"name": "nhskg", "database": "nhskg-b0123456789ab", "location": "local"}]
    facts = facts_from_rows("NHSKG", ENTERPRISE, cluster_dbs("nhskg-b0123456789ab"), aliases, aura=False)
    assert (facts.kind, facts.alias_target, facts.topology) == ("alias", "nhskg-b0123456789ab", Topology(3, 2))
    assert facts.multi_database


def test_facts_of_aura_and_of_a_remote_alias() -> None:
    aura = facts_from_rows("neo4j", ENTERPRISE, STANDALONE_DBS, [], aura=True)
    assert aura.kind == "database" and not aura.multi_database
    remote = facts_from_rows("nhskg", ENTERPRISE, STANDALONE_DBS, [{"name": "nhskg", "database": "x", "location": "remote"}], aura=False)
    assert remote.kind == "remote-alias"
    assert facts_from_rows("nhskg", ENTERPRISE, STANDALONE_DBS, [], aura=False).kind == "missing"


def test_small_graph_on_community_is_one_transaction() -> None:
    facts = facts_from_rows("neo4j", COMMUNITY, STANDALONE_DBS, [], aura=False)
    plan = choose_plan(facts, "neo4j", 5_000, single_tx_limit=100_000)
    assert plan.strategy == SINGLE_TRANSACTION and plan.database == "neo4j"


@pytest.mark.parametrize(("aura", "where"), [(False, "Neo4j Community"), (True, "Aura")])
def test_large_graph_without_aliases_is_refused_in_one_line(aura: bool, where: str) -> None:
    components = ENTERPRISE if aura else COMMUNITY
    facts = facts_from_rows("neo4j", components, STANDALONE_DBS, [], aura=aura)
    with pytest.raises(UserError) as err:
        choose_plan(facts, "neo4j", 664_642, single_tx_limit=100_000)
    message = str(err.value)
    assert "\n" not in message
    assert where in message and "Enterprise" in message and "NEO4J_SINGLE_TX_LIMIT" in message


def test_enterprise_alias_or_new_name_switches_at_any_size() -> None:
    aliases = [{"name": "nhskg", "database": "nhskg-b0123456789ab", "location": "local"}]
    facts = facts_from_rows("nhskg", ENTERPRISE, cluster_dbs("nhskg-b0123456789ab"), aliases, aura=False)
    for size in (10, 10_000_000):
        plan = choose_plan(facts, "nhskg", size, single_tx_limit=100_000)
        assert plan.strategy == ALIAS_SWITCH
        assert (plan.previous, plan.drop_previous, plan.topology) == ("nhskg-b0123456789ab", True, Topology(3, 2))
    first = choose_plan(facts_from_rows("nhskg", ENTERPRISE, STANDALONE_DBS, [], aura=False), "nhskg", 10)
    assert first.strategy == ALIAS_SWITCH and first.previous is None and not first.drop_previous


def test_an_alias_someone_else_pointed_is_switched_but_its_database_kept() -> None:
    aliases = [{"name": "nhskg", "database": "landscape2024", "location": "local"}]
    facts = facts_from_rows("nhskg", ENTERPRISE, STANDALONE_DBS + [{"name": "landscape2024", "type": "standard"}], aliases, aura=False)
    plan = choose_plan(facts, "nhskg", 10)
    assert plan.strategy == ALIAS_SWITCH and plan.previous == "landscape2024" and not plan.drop_previous


def test_enterprise_plain_database_small_in_place_large_refused_with_the_fix() -> None:
    facts = facts_from_rows("neo4j", ENTERPRISE, STANDALONE_DBS, [], aura=False)
    assert choose_plan(facts, "neo4j", 100_000, single_tx_limit=100_000).strategy == SINGLE_TRANSACTION
    with pytest.raises(UserError, match="set NEO4J_DATABASE to a name that is not a database"):
        choose_plan(facts, "neo4j", 100_001, single_tx_limit=100_000)


def test_missing_database_without_multi_database_is_refused() -> None:
    facts = facts_from_rows("nhskg", COMMUNITY, STANDALONE_DBS, [], aura=False)
    with pytest.raises(UserError, match="set NEO4J_DATABASE to the existing database"):
        choose_plan(facts, "nhskg", 10)


def test_remote_alias_is_refused() -> None:
    facts = facts_from_rows("nhskg", ENTERPRISE, STANDALONE_DBS, [{"name": "nhskg", "database": "x", "location": "remote"}], aura=False)
    with pytest.raises(UserError, match="remote alias"):
        choose_plan(facts, "nhskg", 10)


# -------------------------------------------------------------- naming --


def test_new_database_names_follow_neo4j_naming_rules() -> None:
    build = new_build("v1")
    name = new_database_name("NHSKG", build.build_id)
    assert name == f"nhskg-b{build.build_id[:12]}"
    assert 3 <= len(name) <= 63 and name[0].isalpha() and name[-1] not in ".-"
    assert set(name) <= set("abcdefghijklmnopqrstuvwxyz0123456789-")
    assert built_by_us(name, "nhskg") and not built_by_us(name, "other") and not built_by_us("nhskg", "nhskg")


@pytest.mark.parametrize("bad", ["", "1abc", "has space", "back`tick", "dot.ted", "x" * 49, "trailing-"])
def test_alias_names_are_checked(bad: str) -> None:
    with pytest.raises(UserError, match="NEO4J_DATABASE"):
        new_database_name(bad, "0123456789abcdef")


# ------------------------------------------------ bounded transactions --


def synthetic(nodes: int, rels: int) -> GraphData:
    labels = ("Organisation",), ("Service",), ("Organisation", "Statute")
    return GraphData(
        [NodeRow(f"org:n{i}", labels[i % 3], {"name": f"n{i}"}) for i in range(nodes)],
        [RelRow(f"rel:{i}", ("ACCOUNTABLE_TO", "COMMISSIONS")[i % 2], f"org:n{i % nodes}", f"org:n{(i * 7) % nodes}", {}) for i in range(rels)],
    )


@pytest.mark.parametrize("max_rows", [1, 499, 500, 501, 2_000, 10_000])
def test_every_element_is_in_exactly_one_bounded_transaction(max_rows: int) -> None:
    data = synthetic(7_003, 12_011)
    statements = [*load_statements(data), build_statement(new_build("v"))]
    batches = transaction_batches(statements, max_rows)
    for batch in batches:
        rows = sum(statement_rows(s) for s in batch)
        assert rows <= max(max_rows, max(statement_rows(s) for s in batch))
        assert rows <= max(max_rows, 500)  # a statement never exceeds store.BATCH_SIZE rows
    flat = [s for batch in batches for s in batch]
    assert flat == statements  # nothing lost, nothing repeated, order kept
    node_ids = [row["id"] for cypher, p in flat if "MERGE (n:" in cypher for row in p["rows"]]
    rel_ids = [row["id"] for cypher, p in flat if "MERGE (a)-[r:" in cypher for row in p["rows"]]
    assert sorted(node_ids) == sorted(n.id for n in data.nodes)
    assert sorted(rel_ids) == sorted(r.id for r in data.relationships)
    # every node statement comes before every relationship statement that MATCHes nodes
    kinds = ["rel" if "MERGE (a)-[r:" in cypher else "node" for cypher, _ in flat[:-1]]
    assert kinds == sorted(kinds, key=lambda k: k == "rel")


def test_transactions_are_as_full_as_the_bound_allows() -> None:
    statements = [("X", {"rows": [0] * 500})] * 45
    assert [sum(statement_rows(s) for s in b) for b in transaction_batches(statements, 10_000)] == [10_000, 10_000, 2_500]
    assert transaction_batches([], 10) == []
    with pytest.raises(ValueError):
        transaction_batches(statements, 0)


def test_the_first_build_takes_the_default_databases_topology() -> None:
    dbs = [dict(r, default=r["name"] == "neo4j") for r in cluster_dbs("neo4j")]
    plan = choose_plan(facts_from_rows("nhskg", ENTERPRISE, dbs, [], aura=False), "nhskg", 10)
    assert plan.previous is None and plan.topology == Topology(3, 2)


def test_databases_built_for_the_alias_but_not_its_target_are_left_over() -> None:
    dbs = STANDALONE_DBS + [{"name": n} for n in ("nhskg-b0123456789ab", "nhskg-b00000000000f", "other-b0123456789ab", "nhskg-old")]
    aliases = [{"name": "nhskg", "database": "nhskg-b0123456789ab", "location": "local"}]
    facts = facts_from_rows("nhskg", ENTERPRISE, dbs, aliases, aura=False)
    assert facts.left_over == ("nhskg-b00000000000f",)
    assert facts_from_rows("nhskg", ENTERPRISE, dbs, [], aura=False).left_over == ("nhskg-b00000000000f", "nhskg-b0123456789ab")
