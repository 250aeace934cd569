"""The server engine: Neo4j 5 through the official `neo4j` driver.

Reads run in READ transactions, so the server refuses a write smuggled into
a read path. replace_graph deletes this project's nodes (label Entity) and
writes the new graph inside ONE write transaction: readers keep seeing the
committed old graph until it commits, and a failure rolls everything back.
That suits a graph of thousands of elements, the size of the curated
knowledge base; a much larger graph would want a versioned-label swap.
Schema (constraints, indexes) is applied before, in its own transactions,
because Neo4j does not allow schema and data changes in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import neo4j
from neo4j import GraphDatabase
from neo4j.exceptions import AuthError, ClientError, ConfigurationError, Neo4jError, ServiceUnavailable

from nhskg.graph.schema import ALL_LABELS, BASE_LABEL
from nhskg.graph.store import GraphData, GraphStore, Progress, Statement, load_statements, plain
from nhskg.core.errors import EngineUnavailable, QueryError


def _one_line(exc: BaseException) -> str:
    """The driver's messages span lines; the CLI and API show one."""
    return " ".join(str(exc).split())


class Neo4jStore(GraphStore):
    engine = "neo4j"

    def __init__(
        self,
        uri: str,
        user: str = "neo4j",
        password: str = "",
        database: str = "neo4j",
    ) -> None:
        self.uri = uri
        self.database = database
        try:
            self.driver = GraphDatabase.driver(uri, auth=(user, password), connection_timeout=10)
        except (ValueError, ConfigurationError) as exc:  # a malformed URI or unsupported scheme
            raise EngineUnavailable(f"NEO4J_URI {uri!r} is not a Neo4j URI: {_one_line(exc)}") from None
        try:
            self.driver.verify_connectivity()
        except AuthError:
            self.driver.close()
            raise EngineUnavailable(f"Neo4j at {uri} refused the credentials for user {user!r} (check NEO4J_USER / NEO4J_PASSWORD)") from None
        except (ServiceUnavailable, OSError, Neo4jError) as exc:
            self.driver.close()
            raise EngineUnavailable(f"Neo4j at {uri} is unreachable: {_one_line(exc)}") from None

    def _session(self, mode: str) -> neo4j.Session:
        return self.driver.session(database=self.database, default_access_mode=mode)

    def run_read(self, cypher: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        def work(tx: neo4j.ManagedTransaction) -> list[dict[str, Any]]:
            return [plain(record.data()) for record in tx.run(cypher, params)]

        try:
            with self._session(neo4j.READ_ACCESS) as session:
                return session.execute_read(work)
        except ServiceUnavailable as exc:
            raise EngineUnavailable(f"Neo4j at {self.uri} is unreachable: {_one_line(exc)}") from None
        except Neo4jError as exc:
            raise QueryError(f"Neo4j rejected the query: {_one_line(exc)}") from None

    def apply_schema(self) -> None:
        statements = [f"CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:{BASE_LABEL}) REQUIRE n.id IS UNIQUE"]
        statements += [
            f"CREATE INDEX {label.lower()}_id IF NOT EXISTS FOR (n:{label}) ON (n.id)"
            for label in sorted(ALL_LABELS - {BASE_LABEL})
        ]
        try:
            with self._session(neo4j.WRITE_ACCESS) as session:
                for statement in statements:
                    session.run(statement).consume()
        except ClientError as exc:
            raise QueryError(f"Neo4j refused the schema: {_one_line(exc)}") from None

    def _write(self, statements: list[Statement], progress: Progress | None, *, clear: bool) -> None:
        def work(tx: neo4j.ManagedTransaction) -> None:
            if clear:
                tx.run(f"MATCH (n:{BASE_LABEL}) DETACH DELETE n").consume()
            for done, (cypher, params) in enumerate(statements, start=1):
                tx.run(cypher, params).consume()
                if progress:
                    progress(done, len(statements))

        try:
            with self._session(neo4j.WRITE_ACCESS) as session:
                session.execute_write(work)
        except ServiceUnavailable as exc:
            raise EngineUnavailable(f"Neo4j at {self.uri} is unreachable; the previous graph is unchanged: {_one_line(exc)}") from None
        except Neo4jError as exc:
            raise QueryError(f"Neo4j rejected a write; the previous graph is unchanged: {_one_line(exc)}") from None

    def write_batches(self, statements: Iterable[Statement], progress: Progress | None = None) -> None:
        self._write(list(statements), progress, clear=False)

    def replace_graph(self, data: GraphData, progress: Progress | None = None) -> None:
        self.apply_schema()
        self._write(load_statements(data), progress, clear=True)

    def describe(self) -> str:
        return f"{self.uri} (database {self.database!r})"

    def close(self) -> None:
        self.driver.close()
