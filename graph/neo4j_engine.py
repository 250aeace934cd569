"""The server engine: Neo4j 5 through the official `neo4j` driver.

Reads run in READ transactions, so the server refuses a write smuggled into
a read path, and through a routing URI (neo4j://, neo4j+s:// for Aura) the
driver sends them to followers and read replicas while writes go to the
leader. Every session of one store shares a bookmark manager, so a read
after this process's own ingest waits until the server it lands on has that
ingest (causal consistency); other processes see it once it has replicated.

replace_graph writes the new graph so that readers never see it half-built,
by one of two strategies (graph/neo4j_plan.py chooses from the server's
capabilities; docs/scaling.md explains):

- alias switch (Neo4j Enterprise, NEO4J_DATABASE an alias or not yet
  existing): a new database, loaded in bounded transactions, checked, then
  the alias moved to it in one system transaction (graph/neo4j_switch.py);
- single transaction (Community, Aura, or NEO4J_DATABASE a plain database):
  delete this project's nodes (label Entity, and the NhskgBuild node that
  records what the graph was built from) and write the new graph inside ONE
  write transaction, refused above NEO4J_SINGLE_TX_LIMIT elements. Nothing
  else in the database is read, counted or touched.

Schema (constraints, indexes) is applied before the data, in its own
transactions, because Neo4j does not allow schema and data changes in one
transaction.

Faults: every transaction has a server-side timeout, the driver retries a
transaction for a bounded time, and then errors map by what they mean
(graph/neo4j_errors.py).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import neo4j
from neo4j import GraphDatabase
from neo4j.exceptions import AuthError, ConfigurationError, DriverError, Neo4jError

from nhskg.graph import neo4j_admin as admin_cypher
from nhskg.graph.neo4j_admin import SYSTEM_DATABASE
from nhskg.graph.neo4j_errors import DATABASE_NOT_FOUND, engine_error, one_line, terminated
from nhskg.graph.neo4j_plan import ALIAS_SWITCH, DEFAULT_SINGLE_TX_LIMIT, LoadPlan, ServerFacts, choose_plan, facts_from_rows, parse_uri
from nhskg.graph.neo4j_switch import switch_alias
from nhskg.graph.schema import ALL_LABELS, BASE_LABEL
from nhskg.graph.store import BUILD_LABEL, GraphData, GraphStore, Progress, Statement, build_statement, load_statements, new_build, plain, rebuild_statement
from nhskg.core.errors import EngineUnavailable, QueryError, UserError

__all__ = ["Neo4jStore", "engine_error"]

T = TypeVar("T")

# Server-side cap on one read transaction, like FalkorDB's TIMEOUT_DEFAULT.
READ_TIMEOUT_S = 15.0
# A whole replace runs in one transaction; allow it longer.
WRITE_TIMEOUT_S = 300.0
# How long the driver keeps retrying a transaction that failed transiently
# (server restarting, leader switch) before giving up: short, so request
# threads are not held for the driver's default 30 s.
RETRY_S = 3.0
CONNECT_TIMEOUT_S = 5.0


# The uniqueness constraint on Entity.id (MERGE and lookups use it) and an id
# index for every other label.
SCHEMA = [f"CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:{BASE_LABEL}) REQUIRE n.id IS UNIQUE"] + [
    f"CREATE INDEX {label.lower()}_id IF NOT EXISTS FOR (n:{label}) ON (n.id)" for label in sorted(ALL_LABELS - {BASE_LABEL})
]
# What a single-transaction replace deletes first: this project's nodes only.
CLEAR = [f"MATCH (n:{BASE_LABEL}) DETACH DELETE n", f"MATCH (n:{BUILD_LABEL}) DETACH DELETE n"]


class Neo4jStore(GraphStore):
    engine = "neo4j"

    def __init__(
        self,
        uri: str,
        user: str = "neo4j",
        password: str = "",
        database: str = "neo4j",
        *,
        verify: bool = True,
        retry_s: float = RETRY_S,
        single_tx_limit: int = DEFAULT_SINGLE_TX_LIMIT,
    ) -> None:
        self.target = parse_uri(uri)  # a bad URI is one line here, before any driver
        self.uri = self.target.uri
        self.database = database
        self.single_tx_limit = single_tx_limit
        self._auth = (user, password)
        self._retry_s = retry_s
        self._driver: neo4j.Driver | None = None
        self._driver_lock = threading.Lock()
        # One bookmark manager for every session of this store: causal
        # consistency across its writes and reads, whichever server serves them.
        self.bookmarks = GraphDatabase.bookmark_manager()
        if not verify:
            return
        try:
            self.driver.verify_connectivity()
        except AuthError:
            self.close()
            raise EngineUnavailable(f"Neo4j at {uri} refused the credentials for user {user!r} (check NEO4J_USER / NEO4J_PASSWORD)") from None
        except (DriverError, OSError, Neo4jError) as exc:
            self.close()
            raise EngineUnavailable(f"Neo4j at {uri} is unreachable: {one_line(exc)}") from None

    @property
    def driver(self) -> neo4j.Driver:
        """Created on first use: constructing a store opens no connection."""
        with self._driver_lock:
            if self._driver is None:
                try:
                    self._driver = GraphDatabase.driver(
                        self.uri,
                        auth=self._auth,
                        connection_timeout=CONNECT_TIMEOUT_S,
                        connection_acquisition_timeout=CONNECT_TIMEOUT_S * 2,
                        max_transaction_retry_time=self._retry_s,
                    )
                except (ValueError, ConfigurationError) as exc:  # e.g. a routing context on bolt://
                    raise EngineUnavailable(f"NEO4J_URI {self.uri!r} is not a Neo4j URI: {one_line(exc)}") from None
            return self._driver

    def session(self, mode: str, database: str | None = None) -> neo4j.Session:
        """A session on `database` (default: the one readers use); READ mode
        routes its transactions to followers and read replicas."""
        return self.driver.session(
            database=database or self.database,
            default_access_mode=mode,
            bookmark_manager=self.bookmarks,
        )

    def _run(
        self,
        mode: str,
        work: Callable[[neo4j.ManagedTransaction], T],
        *,
        writing: bool = False,
        database: str | None = None,
        limit_s: float | None = None,
        if_missing: Callable[[], T] | None = None,
    ) -> T:
        """`work` in a managed transaction (READ or WRITE), errors mapped.
        `if_missing`: the answer when the database does not exist."""
        try:
            with self.session(mode, database) as session:
                if mode != neo4j.READ_ACCESS:
                    return session.execute_write(work)
                try:
                    return session.execute_read(work)
                except Neo4jError as exc:
                    if not terminated(exc):
                        raise
                    # Neo4j aborts transactions running on an alias while it
                    # is switched; the driver does not retry a terminated
                    # transaction (usually a user's kill), but a read is safe
                    # to run again, once, now on the new database.
                    return session.execute_read(work)
        except (DriverError, Neo4jError, OSError) as exc:
            if if_missing is not None and isinstance(exc, Neo4jError) and exc.code == DATABASE_NOT_FOUND:
                return if_missing()
            staging = writing and database not in (None, self.database, SYSTEM_DATABASE)
            raise engine_error(exc, self.uri, writing=writing, staging=staging, limit_s=limit_s) from None

    def run_read(self, cypher: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        # Before the first ingest on Enterprise the alias does not exist yet:
        # like FalkorDB's missing graph, that reads as an empty graph.
        return self.read_from(self.database, cypher, params, missing_is_empty=True)

    def read_from(self, database: str, cypher: str, params: dict[str, Any], *, missing_is_empty: bool = False) -> list[dict[str, Any]]:
        """A read transaction against `database` (the system database, or a
        database being built before readers are switched to it)."""

        @neo4j.unit_of_work(timeout=READ_TIMEOUT_S)
        def work(tx: neo4j.ManagedTransaction) -> list[dict[str, Any]]:
            return [plain(record.data()) for record in tx.run(cypher, params)]

        return self._run(neo4j.READ_ACCESS, work, database=database, limit_s=READ_TIMEOUT_S, if_missing=list if missing_is_empty else None)

    def admin(self, cypher: str) -> list[dict[str, Any]]:
        """One administration command on the system database, auto-committed:
        a command with WAIT commits its transaction itself (WAIT options)."""
        try:
            with self.session(neo4j.WRITE_ACCESS, SYSTEM_DATABASE) as session:
                return [plain(record.data()) for record in session.run(cypher)]
        except (DriverError, Neo4jError, OSError) as exc:
            raise engine_error(exc, self.uri, writing=True) from None

    def server_facts(self) -> ServerFacts:
        """What the server can do, and what NEO4J_DATABASE names there. A
        user not allowed to ask is taken to have one plain database, the
        assumption this engine made before it asked (one transaction)."""

        def ask(cypher: str, otherwise: list[dict[str, Any]]) -> list[dict[str, Any]]:
            try:
                return self.read_from(SYSTEM_DATABASE, cypher, {})
            except QueryError:  # refused (privileges, Aura); unavailable still raises
                return otherwise

        components = ask(admin_cypher.COMPONENTS, [])
        databases = ask(admin_cypher.DATABASES, [{"name": self.database, "type": "standard"}])
        enterprise = any(str(r.get("edition", "")).lower() == "enterprise" for r in components)
        aliases = ask(admin_cypher.ALIASES, []) if enterprise else []  # Community has no aliases
        return facts_from_rows(self.database, components, databases, aliases, aura=self.target.aura)

    def apply_schema(self, database: str | None = None) -> None:
        for statement in SCHEMA:
            # Schema changes cannot share a transaction with each other's data;
            # each runs in its own managed (retried, time-limited) transaction.
            @neo4j.unit_of_work(timeout=READ_TIMEOUT_S)
            def work(tx: neo4j.ManagedTransaction, statement: str = statement) -> None:
                tx.run(statement).consume()

            self._run(neo4j.WRITE_ACCESS, work, writing=True, database=database)

    def write_transaction(
        self,
        statements: list[Statement],
        *,
        database: str | None = None,
        clear: bool = False,
        progress: Progress | None = None,
        timeout_s: float = WRITE_TIMEOUT_S,
    ) -> None:
        """`statements` in ONE write transaction (retried whole on a transient
        failure); with `clear`, this project's nodes are deleted first."""

        @neo4j.unit_of_work(timeout=timeout_s)
        def work(tx: neo4j.ManagedTransaction) -> None:
            for statement in CLEAR if clear else ():
                tx.run(statement).consume()
            for done, (cypher, params) in enumerate(statements, start=1):
                tx.run(cypher, params).consume()
                if progress:
                    progress(done, len(statements))

        self._run(neo4j.WRITE_ACCESS, work, writing=True, database=database, limit_s=timeout_s)

    def write_batches(self, statements: Iterable[Statement], progress: Progress | None = None) -> None:
        self.write_transaction([*statements, rebuild_statement()], progress=progress)

    def load_plan(self, data: GraphData) -> LoadPlan:
        """How replace_graph would write `data` here (asks the server)."""
        return choose_plan(self.server_facts(), self.database, len(data.nodes) + len(data.relationships), self.single_tx_limit)

    def replace_graph(self, data: GraphData, progress: Progress | None = None, version: str | None = None) -> None:
        try:
            plan = self.load_plan(data)
        except EngineUnavailable as exc:  # nothing was written yet
            raise EngineUnavailable(f"{exc}; the previous graph is unchanged") from None
        build = new_build(version)
        if plan.strategy == ALIAS_SWITCH:
            switch_alias(self, plan, data, build, progress)
            return
        self.apply_schema()
        self.write_transaction([*load_statements(data), build_statement(build)], clear=True, progress=progress)

    def has_graph(self) -> bool:
        """This project's graph is there when any of its nodes is (a database
        holding none is a missing graph: 503, not empty answers)."""
        return bool(self.run_read(f"MATCH (n:{BASE_LABEL}) RETURN n.id AS id LIMIT 1", {}))

    def describe(self) -> str:
        """For `nhskg status`: where, what the server is, what the app's
        database name points at, and any database a killed ingest left."""
        parts = [f"database {self.database!r}"]
        try:
            facts = self.server_facts()
        except UserError:
            facts = None  # status goes on to count, which reports the fault
        if facts is not None:
            if facts.kind == "alias":
                parts[0] += f" = alias of {facts.alias_target!r}"
            parts.append(f"Neo4j {facts.edition} {facts.version}{' on Aura' if facts.aura else ''}".rstrip())
            if facts.left_over:
                names = ", ".join(facts.left_over)
                parts.append(f"left over by an interrupted ingest, drop by hand: {names}")
        if self.target.routing:
            parts.append("reads routed to followers and read replicas")
        return f"{self.uri} ({'; '.join(parts)})"

    def close(self) -> None:
        with self._driver_lock:
            if self._driver is not None:
                self._driver.close()
                self._driver = None
