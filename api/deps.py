"""The store a request uses, opened lazily so the app starts even when the
engine is down (then /health says 503 and why, and the next request retries)."""

from __future__ import annotations

import threading
from typing import Any

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from nhskg.graph import GraphStore, open_store
from nhskg.graph.pinned import BuildChanged, OneBuildReads
from nhskg.graph.store import BUILD_READ, build_from_rows
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


class BuildStampedReads(OneBuildReads):
    """The store as one request sees it: every read from one build
    (nhskg.graph.pinned), and the build written into the request scope for
    the answer cache's ETag as soon as the first round trip knows it. The
    first round trip reads the build with the route's own questions, so the
    label is never a build other than the one the answer came from, and it
    costs neither a round trip nor a thread hand-off of its own."""

    def __init__(self, store: GraphStore, scope: dict[str, Any]) -> None:
        super().__init__(store)
        self._scope = scope

    def pinned(self, build_id: str) -> None:
        known = self._scope.get(BUILD_SCOPE_KEY, "")
        if known is None:
            self._scope[BUILD_SCOPE_KEY] = build_id
        elif known and known != build_id:
            # The answer cache read the build before the route ran, and the
            # graph was replaced since: the answer would be kept and tagged
            # under a build it does not come from. Ask again.
            raise BuildChanged(f"the graph was replaced after the answer cache read build {known}")


async def request_build(request: Request, store: GraphStore) -> str | None:
    """The build id this request answers from: the one its ETag names when
    that is read already (the answer cache's, or the request's first read);
    else read now through the request's store, so that the ETag names the
    same build and no second read is needed for it."""
    if isinstance(store, OneBuildReads):
        if store.build_id is None:
            await store.run_reads_async([])  # the build alone, pinned (and stamped for the ETag)
        return store.build_id or None
    known = request.scope.get(BUILD_SCOPE_KEY)
    if known:
        return known
    holder: StoreHolder = request.app.state.holder
    return await holder.build_id()


async def get_store(request: Request) -> GraphStore:
    """async, doing no I/O once the store is open: a `def` dependency costs
    each request a thread hand-off of its own (FastAPI runs it apart from the
    route), which under load was a fifth of a small answer's time."""
    holder: StoreHolder = request.app.state.holder
    store = holder.opened() or await run_in_threadpool(holder.get)
    return BuildStampedReads(store, request.scope)


async def live_build(request: Request, store: GraphStore = Depends(get_store)) -> str | None:
    """request_build as a dependency, for a `def` route: request_build reads
    on the event loop, so a route running in a worker thread cannot call it
    (it would get a coroutine, not a build id)."""
    return await request_build(request, store)
