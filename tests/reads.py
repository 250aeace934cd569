"""Counting a real store's round trips to the engine, for tests that hold a
route to a number of them (no mock: the reads still go to the engine)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from nhskg.graph import GraphStore
from nhskg.graph.falkordb_engine import FalkorDBStore
from nhskg.graph.store import GraphData


@contextlib.contextmanager
def round_trips(store: GraphStore) -> Iterator[list[list[str]]]:
    """Every round trip `store` makes inside the block, as the list of the
    Cypher it sent, on both read paths: run_reads (which run_read goes
    through) and run_reads_async (which routes on the event loop await).
    The store's own methods are put back afterwards."""
    trips: list[list[str]] = []
    run_reads, run_reads_async = store.run_reads, store.run_reads_async

    def counted(reads: Sequence[tuple[str, dict[str, Any]]]) -> list[list[dict[str, Any]]]:
        trips.append([cypher for cypher, _ in reads])
        return run_reads(reads)

    async def counted_async(reads: Sequence[tuple[str, dict[str, Any]]]) -> list[list[dict[str, Any]]]:
        trips.append([cypher for cypher, _ in reads])
        return await run_reads_async(reads)

    store.run_reads, store.run_reads_async = counted, counted_async  # type: ignore[method-assign]
    try:
        yield trips
    finally:
        store.run_reads, store.run_reads_async = run_reads, run_reads_async  # type: ignore[method-assign]


@contextlib.contextmanager
def store_holding(directory: Path, graph: GraphData, version: str) -> Iterator[FalkorDBStore]:
    """Its own embedded FalkorDB in `directory`, holding `graph` (as
    `nhskg ingest` leaves one), closed after the block."""
    store = FalkorDBStore(directory)
    store.replace_graph(graph, version=version)
    try:
        yield store
    finally:
        store.close()
