"""The server engine: Neo4j 5 through the official `neo4j` driver.

Reads run in READ transactions, so the server refuses a write smuggled into
a read path. replace_graph deletes this project's nodes (label Entity, and
the NhskgBuild node that records what the graph was built from) and writes
the new graph inside ONE write transaction: readers keep seeing the
committed old graph until it commits, and a failure rolls everything back.
Nothing else in the database is read, counted or touched. That suits a graph
of thousands of elements, the size of the curated knowledge base; a much
larger graph would want a versioned-label swap. Schema (constraints,
indexes) is applied before, in its own transactions, because Neo4j does not
allow schema and data changes in one transaction.

Faults: every transaction has a server-side timeout, the driver retries a
transaction for a bounded time, and then errors map by what they mean
(engine_error): the server or a session unavailable, a transient failure or
a timeout -> EngineUnavailable (503 at the API, exit 3 at the CLI); a
refused query -> QueryError; a commit whose outcome never came back ->
EngineUnavailable saying the outcome is unknown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import neo4j
from neo4j import GraphDatabase
from neo4j.exceptions import (
    AuthError,
    ClientError,
    ConfigurationError,
    DriverError,
    IncompleteCommit,
    Neo4jError,
)

from nhskg.graph.schema import ALL_LABELS, BASE_LABEL
from nhskg.graph.store import BUILD_LABEL, GraphData, GraphStore, Progress, Statement, build_statement, load_statements, new_build, plain
from nhskg.core.errors import EngineUnavailable, QueryError, UserError

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


def _one_line(exc: BaseException) -> str:
    """The driver's messages span lines; the CLI and API show one."""
    return " ".join(str(exc).split()) or type(exc).__name__


def engine_error(exc: Exception, uri: str, *, writing: bool = False) -> UserError:
    """A driver or server error -> the error a user sees (see the module docstring)."""
    unchanged = "; the previous graph is unchanged" if writing else ""
    if isinstance(exc, IncompleteCommit):  # before ServiceUnavailable: it is one
        return EngineUnavailable(
            f"Neo4j at {uri} lost the connection while committing, so the outcome is unknown: the new graph may or may "
            f"not be live; check `nhskg status` and run the ingest again ({_one_line(exc)})"
        )
    if isinstance(exc, Neo4jError) and "TransactionTimedOut" in (exc.code or ""):
        limit = WRITE_TIMEOUT_S if writing else READ_TIMEOUT_S
        return EngineUnavailable(f"Neo4j at {uri} did not finish within {limit:.0f}s{unchanged}: {_one_line(exc)}")
    if isinstance(exc, ClientError):
        what = "a write" if writing else "the query"
        return QueryError(f"Neo4j rejected {what}{unchanged}: {_one_line(exc)}")
    if isinstance(exc, (DriverError, Neo4jError, OSError)):
        # ServiceUnavailable, SessionExpired, TransientError (DatabaseUnavailable,
        # ...), DatabaseError: the server, not the request, is the problem.
        return EngineUnavailable(f"Neo4j at {uri} is unavailable{unchanged}: {_one_line(exc)}")
    raise exc


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
    ) -> None:
        self.uri = uri
        self.database = database
        try:
            self.driver = GraphDatabase.driver(
                uri,
                auth=(user, password),
                connection_timeout=CONNECT_TIMEOUT_S,
                connection_acquisition_timeout=CONNECT_TIMEOUT_S * 2,
                max_transaction_retry_time=retry_s,
            )
        except (ValueError, ConfigurationError) as exc:  # a malformed URI or unsupported scheme
            raise EngineUnavailable(f"NEO4J_URI {uri!r} is not a Neo4j URI: {_one_line(exc)}") from None
        if not verify:
            return
        try:
            self.driver.verify_connectivity()
        except AuthError:
            self.driver.close()
            raise EngineUnavailable(f"Neo4j at {uri} refused the credentials for user {user!r} (check NEO4J_USER / NEO4J_PASSWORD)") from None
        except (DriverError, OSError, Neo4jError) as exc:
            self.driver.close()
            raise EngineUnavailable(f"Neo4j at {uri} is unreachable: {_one_line(exc)}") from None

    def _session(self, mode: str) -> neo4j.Session:
        return self.driver.session(database=self.database, default_access_mode=mode)

    def _run(self, mode: str, work: Callable[[neo4j.ManagedTransaction], T], *, writing: bool = False) -> T:
        try:
            with self._session(mode) as session:
                if mode == neo4j.READ_ACCESS:
                    return session.execute_read(work)
                return session.execute_write(work)
        except (DriverError, Neo4jError, OSError) as exc:
            raise engine_error(exc, self.uri, writing=writing) from None

    def run_read(self, cypher: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        @neo4j.unit_of_work(timeout=READ_TIMEOUT_S)
        def work(tx: neo4j.ManagedTransaction) -> list[dict[str, Any]]:
            return [plain(record.data()) for record in tx.run(cypher, params)]

        return self._run(neo4j.READ_ACCESS, work)

    def apply_schema(self) -> None:
        statements = [f"CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:{BASE_LABEL}) REQUIRE n.id IS UNIQUE"]
        statements += [
            f"CREATE INDEX {label.lower()}_id IF NOT EXISTS FOR (n:{label}) ON (n.id)"
            for label in sorted(ALL_LABELS - {BASE_LABEL})
        ]
        for statement in statements:
            # Schema changes cannot share a transaction with each other's data;
            # each runs in its own managed (retried, time-limited) transaction.
            @neo4j.unit_of_work(timeout=READ_TIMEOUT_S)
            def work(tx: neo4j.ManagedTransaction, statement: str = statement) -> None:
                tx.run(statement).consume()

            self._run(neo4j.WRITE_ACCESS, work, writing=True)

    def _write(self, statements: list[Statement], progress: Progress | None, *, clear: bool) -> None:
        @neo4j.unit_of_work(timeout=WRITE_TIMEOUT_S)
        def work(tx: neo4j.ManagedTransaction) -> None:
            if clear:
                tx.run(f"MATCH (n:{BASE_LABEL}) DETACH DELETE n").consume()
                tx.run(f"MATCH (n:{BUILD_LABEL}) DETACH DELETE n").consume()
            for done, (cypher, params) in enumerate(statements, start=1):
                tx.run(cypher, params).consume()
                if progress:
                    progress(done, len(statements))

        self._run(neo4j.WRITE_ACCESS, work, writing=True)

    def write_batches(self, statements: Iterable[Statement], progress: Progress | None = None) -> None:
        self._write(list(statements), progress, clear=False)

    def replace_graph(self, data: GraphData, progress: Progress | None = None, version: str | None = None) -> None:
        self.apply_schema()
        self._write([*load_statements(data), build_statement(new_build(version))], progress, clear=True)

    def describe(self) -> str:
        return f"{self.uri} (database {self.database!r})"

    def close(self) -> None:
        self.driver.close()
