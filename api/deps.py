"""The store a request uses, opened lazily so the app starts even when the
engine is down (then /health says 503 and why, and the next request retries)."""

from __future__ import annotations

import threading

from fastapi import Request

from nhskg.graph import GraphStore, open_store
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

    def build_id(self) -> str | None:
        """The live graph's build id (read now, never remembered: an ingest
        may have replaced the graph since the last request)."""
        build = self.get().build_info()
        return build.build_id if build else None

    def close(self) -> None:
        with self._lock:
            if self._store is not None and self._owned:
                self._store.close()
                self._store = None


# Set in the request scope by nhskg.api.answer_cache when the answer needs the
# live build for its ETag; get_store fills it in, in the thread it runs in anyway.
BUILD_SCOPE_KEY = "nhskg.build"


def get_store(request: Request) -> GraphStore:
    holder: StoreHolder = request.app.state.holder
    store = holder.get()
    if request.scope.get(BUILD_SCOPE_KEY, "") is None:
        # Read before the route asks anything: an answer is never labelled
        # with a build older than the graph it was read from.
        try:
            build_id = holder.build_id()
        except UserError:  # EngineUnavailable is one: the route will answer 503 itself
            build_id = None
        request.scope[BUILD_SCOPE_KEY] = build_id or ""
    return store
