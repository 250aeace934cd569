"""The alias switch: a whole new graph into Neo4j Enterprise without one
giant transaction, and without readers ever seeing it half-built.

1. CREATE DATABASE <alias>-b<build> (with the topology of the database it
   replaces, so a cluster keeps its read replicas) WAIT until it is online.
2. Schema there, then the graph in transactions of at most
   neo4j_plan.TRANSACTION_ROWS rows each, then the build record.
3. Check the new database holds exactly what was written.
4. ALTER ALIAS <alias> SET DATABASE TARGET <new> (CREATE ALIAS the first
   time), one system-database transaction: readers move over at once.
5. Drop the previous database, if this project built it.

A failure before step 4 drops the new database and leaves the alias where
it was ("the previous graph is unchanged" is then true). A step 4 whose
commit outcome never came back leaves both databases in place and says the
outcome is unknown. A failure in step 5 only leaves the old database behind
(a warning names it).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import neo4j
from neo4j.exceptions import DriverError, IncompleteCommit, Neo4jError

from nhskg.core.errors import EngineUnavailable, QueryError, UserError
from nhskg.graph import neo4j_admin as admin_cypher
from nhskg.graph.neo4j_admin import SYSTEM_DATABASE
from nhskg.graph.neo4j_errors import engine_error
from nhskg.graph import neo4j_plan
from nhskg.graph.neo4j_plan import LoadPlan, new_database_name, statement_rows, transaction_batches
from nhskg.graph.store import BuildInfo, GraphData, Progress, build_statement, load_statements

if TYPE_CHECKING:
    from nhskg.graph.neo4j_engine import Neo4jStore

log = logging.getLogger(__name__)

# One bounded batch gets less time than a whole single-transaction replace.
BATCH_TIMEOUT_S = 120.0


def switch_alias(store: Neo4jStore, plan: LoadPlan, data: GraphData, build: BuildInfo, progress: Progress | None) -> None:
    fresh = new_database_name(plan.database, build.build_id)
    try:
        _create(store, fresh, plan)
        _load(store, fresh, data, build, progress)
        _check(store, fresh, data)
    except UserError:
        _discard(store, fresh)
        raise
    _point(store, plan, fresh)
    if plan.previous and plan.drop_previous:
        try:
            store.admin(admin_cypher.drop_database(plan.previous))
        except UserError as exc:
            log.warning("the new graph is live in %s, but the previous database %s was not dropped: %s", fresh, plan.previous, exc)


def _create(store: Neo4jStore, fresh: str, plan: LoadPlan) -> None:
    rows = store.admin(admin_cypher.create_database(fresh, plan.topology))
    failed = [r for r in rows if r.get("success") is False]
    if failed:
        detail = "; ".join(f"{r.get('address')}: {r.get('state')} {r.get('message')}" for r in failed)
        raise EngineUnavailable(
            f"Neo4j did not bring the new database {fresh!r} online within {admin_cypher.WAIT_S}s ({detail}); "
            "the previous graph is unchanged"
        )


def _load(store: Neo4jStore, fresh: str, data: GraphData, build: BuildInfo, progress: Progress | None) -> None:
    store.apply_schema(fresh)
    statements = [*load_statements(data), build_statement(build)]
    total = sum(statement_rows(s) for s in statements)
    done = 0
    for batch in transaction_batches(statements, neo4j_plan.TRANSACTION_ROWS):
        store.write_transaction(batch, database=fresh, timeout_s=BATCH_TIMEOUT_S)
        done += sum(statement_rows(s) for s in batch)
        if progress:
            progress(done, total)


def _check(store: Neo4jStore, fresh: str, data: GraphData) -> None:
    """Before readers move: the new database holds every node (and the build
    record) and every relationship. A relationship whose end node is missing
    is skipped by MATCH without an error; this is where that is caught."""
    want_nodes = len({n.id for n in data.nodes}) + 1
    want_rels = len({r.id for r in data.relationships})
    rows = store.read_from(fresh, admin_cypher.LOADED_COUNTS, {})
    got = rows[0] if rows else {"nodes": 0, "relationships": 0}
    if (got["nodes"], got["relationships"]) != (want_nodes, want_rels):
        raise QueryError(
            f"the new database {fresh!r} holds {got['nodes']} nodes and {got['relationships']} relationships where "
            f"{want_nodes} and {want_rels} were written (a relationship to a missing node?); the previous graph is unchanged"
        )


def _point(store: Neo4jStore, plan: LoadPlan, fresh: str) -> None:
    """Move the alias; on a failure known not to have switched, discard the
    new database."""
    statement = admin_cypher.point_alias(plan.database, fresh, exists=plan.previous is not None)

    @neo4j.unit_of_work(timeout=BATCH_TIMEOUT_S)
    def work(tx: neo4j.ManagedTransaction) -> None:
        tx.run(statement).consume()

    try:
        with store.session(neo4j.WRITE_ACCESS, SYSTEM_DATABASE) as session:
            session.execute_write(work)
    except IncompleteCommit as exc:  # it may have switched: keep both databases
        raise engine_error(exc, store.uri, writing=True) from None
    except (DriverError, Neo4jError, OSError) as exc:
        _discard(store, fresh)
        raise engine_error(exc, store.uri, writing=True) from None


def _discard(store: Neo4jStore, fresh: str) -> None:
    try:
        store.admin(admin_cypher.drop_database(fresh))
    except UserError as exc:
        log.warning("could not drop the half-built database %s (drop it by hand: DROP DATABASE `%s`): %s", fresh, fresh, exc)
