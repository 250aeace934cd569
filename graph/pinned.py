"""One build per answer: every read of one answer comes from one graph.

An answer may need several round trips to the engine (a route that reads,
then reads again with what it found). An ingest may swap the graph between
them, and the answer would then mix two builds (a name from one, an edge
from the other; a 404 whose suggestion is the very id asked for). Neither
engine can keep a replaced graph readable for the rest of a request, so
this does not pin the old graph: it detects the change and the answer is
asked again.

Every round trip of a OneBuildReads is sent as [build, *reads, build] in
one go (FalkorDB pipelines it, Neo4j reads it in turn). Build ids are unique
per graph written and a graph once replaced never comes back, and both
engines run the reads of one round trip in the order sent, each against
the graph live when it starts (FalkorDB resolves the key when it dispatches
the command, in order; Neo4j's alias switch moves new transactions only).
So when the build read before and after a round trip agree, every read in
it saw that build; and when each round trip agrees with the first, the
whole answer did. Otherwise BuildChanged is raised, before anything is
answered, and the API's bounds middleware asks the route again
(nhskg.api.bounds). Routes and catalogue helpers need nothing special: they
read through the store they are given.

A graph that is not there at all (the snapshot gone, the key empty) is
GraphMissing, a 503, never an empty answer.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence
from typing import Any

from nhskg.core.errors import EngineUnavailable
from nhskg.graph.store import BUILD_READ, GraphData, GraphStore, Progress, Statement, build_from_rows

log = logging.getLogger("nhskg.graph")

# The build id a graph with no build record reads as (a graph changed only
# through write_batches from empty; still one graph, so still comparable).
_UNRECORDED = ""
_UNSET = object()
# One log line per this many seconds while the graph is missing, not one per request.
_MISSING_LOG_EVERY_S = 10.0
_missing_logged_at = -_MISSING_LOG_EVERY_S


class BuildChanged(Exception):
    """The graph was replaced between two reads of one answer; ask again.

    Not a UserError: nothing a caller did, and never answered as such. The
    API retries the request (nhskg.api.bounds) and, if the graph keeps
    changing, answers 503 with Retry-After."""


class GraphMissing(EngineUnavailable):
    """The engine answers but holds no graph under our name."""


def _missing(store: GraphStore) -> GraphMissing:
    global _missing_logged_at
    now = time.monotonic()
    if now - _missing_logged_at >= _MISSING_LOG_EVERY_S:
        _missing_logged_at = now
        log.error("no graph is loaded in %s: the snapshot is missing or empty; run `nhskg ingest` (answering 503 until then)", store.describe())
    return GraphMissing("no graph is loaded (the snapshot is missing or empty): run `nhskg ingest`")


class OneBuildReads(GraphStore):
    """The store as one answer sees it: reads only, all from one build.

    `build_id` is the build the answer reads from once its first round trip
    is done (a string; "" for a graph that records none)."""

    def __init__(self, store: GraphStore) -> None:
        self._store = store
        self.engine = store.engine
        self._pinned: Any = _UNSET

    @property
    def build_id(self) -> str | None:
        return None if self._pinned is _UNSET else self._pinned

    def _pin(self, before: list[dict[str, Any]], after: list[dict[str, Any]]) -> None:
        first, last = build_from_rows(before), build_from_rows(after)
        first_id = first.build_id if first else _UNRECORDED
        last_id = last.build_id if last else _UNRECORDED
        if first_id != last_id:
            raise BuildChanged(f"the graph was replaced during a read (build {first_id or '-'} -> {last_id or '-'})")
        if self._pinned is _UNSET:
            if first_id == _UNRECORDED and not self._store.has_graph():
                raise _missing(self._store)
            self._pinned = first_id
            self.pinned(first_id)
        elif self._pinned != first_id:
            raise BuildChanged(f"the graph was replaced between two reads of one answer (build {self._pinned or '-'} -> {first_id or '-'})")

    def pinned(self, build_id: str) -> None:
        """Called once, when the answer's build is known (a hook for the API's ETag)."""

    def run_read(self, cypher: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        return self.run_reads([(cypher, params)])[0]

    @staticmethod
    def _bracketed(reads: Sequence[tuple[str, dict[str, Any]]]) -> list[tuple[str, dict[str, Any]]]:
        # With no reads of its own, the build alone: nothing to bracket.
        return [BUILD_READ, *reads, BUILD_READ] if reads else [BUILD_READ]

    def _unbracket(self, replies: list[list[dict[str, Any]]]) -> list[list[dict[str, Any]]]:
        before, after = replies[0], replies[-1]
        self._pin(before, after)
        return replies[1:-1]

    def run_reads(self, reads: Sequence[tuple[str, dict[str, Any]]]) -> list[list[dict[str, Any]]]:
        return self._unbracket(self._store.run_reads(self._bracketed(reads)))

    async def run_reads_async(self, reads: Sequence[tuple[str, dict[str, Any]]]) -> list[list[dict[str, Any]]]:
        return self._unbracket(await self._store.run_reads_async(self._bracketed(reads)))

    def has_graph(self) -> bool:
        return self._store.has_graph()

    def counts(self):  # type: ignore[no-untyped-def]
        """The engine's own consistent counts (one transaction), then checked against the pin."""
        counts = self._store.counts()
        self.run_reads([])
        return counts

    def write_batches(self, statements: Iterable[Statement], progress: Progress | None = None) -> None:
        raise TypeError("an answer reads the graph; it never writes")

    def apply_schema(self) -> None:
        raise TypeError("an answer reads the graph; it never writes")

    def replace_graph(self, data: GraphData, progress: Progress | None = None, version: str | None = None) -> None:
        raise TypeError("an answer reads the graph; it never writes")

    def describe(self) -> str:
        return self._store.describe()

    def close(self) -> None:
        """Nothing: the store outlives the answer."""
