"""The store a request uses, opened lazily so the app starts even when the
engine is down (then /health says 503 and why, and the next request retries)."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from typing import Any

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from nhskg.graph import GraphStore, open_store
from nhskg.graph.store import BUILD_READ, GraphData, Progress, Statement, build_from_rows
from nhskg.core.errors import EngineUnavailable, UserError
from nhskg.core.settings import Settings

# What a 503 tells a client to wait before retrying: an engine restart takes
# well under a second, a restart with a snapshot to load a little more.
RETRY_AFTER_S = 2


class StoreHolder:
    def __init__(self, settings: Settings, store: GraphStore | None = None) -> None:
        self.settings = settings
        self._store = store
        self._owned = store is None
        self._lock = threading.Lock()

    @property
    def engine(self) -> str:
        return self._store.engine if self._store else self.settings.engine

    def get(self) -> GraphStore:
        with self._lock:
            if self._store is None:
                try:
                    self._store = open_store(self.settings)
                except EngineUnavailable:
                    raise
                except UserError as exc:
                    # Whatever stops the engine opening (an unwritable data
                    # directory, a lock file), a request sees 503, not a 4xx.
                    raise EngineUnavailable(f"the graph engine cannot be opened: {exc}") from None
            return self._store

    def opened(self) -> GraphStore | None:
        """The store if it is open already (no lock, no I/O: the fast path of
        every request)."""
        return self._store

    async def build_id(self) -> str | None:
        """The live graph's build id (read now, never remembered: an ingest
        may have replaced the graph since the last request), read on the
        event loop (GraphStore.run_reads_async)."""
        store = self.opened() or await run_in_threadpool(self.get)
        build = build_from_rows((await store.run_reads_async([BUILD_READ]))[0])
        return build.build_id if build else None

    def close(self) -> None:
        with self._lock:
            if self._store is not None and self._owned:
                self._store.close()
                self._store = None


# Set to None in the request scope by nhskg.api.answer_cache when the answer
# needs the live build for its ETag; the request's first read fills it in
# (the build id, or "" when the graph records none).
BUILD_SCOPE_KEY = "nhskg.build"


class BuildStampedReads(GraphStore):
    """The store as one request sees it when its ETag needs the live build:
    the request's first read also reads the build, in the same round trip
    (GraphStore.run_reads) and before the route's own questions. So the
    label is never a build newer than the graph the answer came from (a
    swap in between gives an ETag no later request matches, never a 304 for
    an old answer), and it costs neither a round trip nor a thread hand-off
    of its own. A request only reads: the write methods refuse."""

    def __init__(self, store: GraphStore, scope: dict[str, Any]) -> None:
        self._store = store
        self._scope = scope
        self.engine = store.engine

    def run_read(self, cypher: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        return self.run_reads([(cypher, params)])[0]

    def _stamped(self) -> bool:
        return self._scope.get(BUILD_SCOPE_KEY, "") is not None

    def _stamp(self, build_rows: list[dict[str, Any]]) -> None:
        build = build_from_rows(build_rows)
        self._scope[BUILD_SCOPE_KEY] = build.build_id if build else ""

    def run_reads(self, reads: Sequence[tuple[str, dict[str, Any]]]) -> list[list[dict[str, Any]]]:
        if self._stamped():
            return self._store.run_reads(reads)
        build_rows, *rows = self._store.run_reads([BUILD_READ, *reads])
        self._stamp(build_rows)
        return rows

    async def run_reads_async(self, reads: Sequence[tuple[str, dict[str, Any]]]) -> list[list[dict[str, Any]]]:
        if self._stamped():
            return await self._store.run_reads_async(reads)
        build_rows, *rows = await self._store.run_reads_async([BUILD_READ, *reads])
        self._stamp(build_rows)
        return rows

    def write_batches(self, statements: Iterable[Statement], progress: Progress | None = None) -> None:
        raise TypeError("a request reads the graph; it never writes")

    def apply_schema(self) -> None:
        raise TypeError("a request reads the graph; it never writes")

    def replace_graph(self, data: GraphData, progress: Progress | None = None, version: str | None = None) -> None:
        raise TypeError("a request reads the graph; it never writes")

    def describe(self) -> str:
        return self._store.describe()

    def close(self) -> None:
        """Nothing: the store outlives the request (StoreHolder closes it)."""


async def request_build(request: Request, store: GraphStore) -> str | None:
    """The build id this request answers from: the one its ETag names when
    that is read already (the answer cache's, or the request's first read);
    else read now through the request's store, so that the ETag names the
    same build and no second read is needed for it."""
    known = request.scope.get(BUILD_SCOPE_KEY)
    if known:
        return known
    if isinstance(store, BuildStampedReads):
        await store.run_reads_async([])  # the build alone, stamped for the ETag
        return request.scope.get(BUILD_SCOPE_KEY) or None
    holder: StoreHolder = request.app.state.holder
    return await holder.build_id()


async def get_store(request: Request) -> GraphStore:
    """async, doing no I/O once the store is open: a `def` dependency costs
    each request a thread hand-off of its own (FastAPI runs it apart from the
    route), which under load was a fifth of a small answer's time."""
    holder: StoreHolder = request.app.state.holder
    store = holder.opened() or await run_in_threadpool(holder.get)
    if request.scope.get(BUILD_SCOPE_KEY, "") is None:
        return BuildStampedReads(store, request.scope)
    return store


async def live_build(request: Request, store: GraphStore = Depends(get_store)) -> str | None:
    """request_build as a dependency, for a `def` route: request_build reads
    on the event loop, so a route running in a worker thread cannot call it
    (it would get a coroutine, not a build id)."""
    return await request_build(request, store)
