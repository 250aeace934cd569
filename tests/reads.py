"""Counting a real store's round trips to the engine, for tests that hold a
route to a number of them (no mock: the reads still go to the engine); and
waiting for what a worker loads of the live build in the background."""

from __future__ import annotations

import contextlib
import dataclasses
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import httpx
from fastapi.testclient import TestClient

from nhskg.api.app import create_app
from nhskg.core.settings import Settings
from nhskg.graph import GraphStore
from nhskg.graph.falkordb_engine import FalkorDBStore
from nhskg.graph.store import GraphData
from nhskg.queries.directory import PerBuild

T = TypeVar("T")


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


def loaded(kept: PerBuild[T], store: GraphStore, *options: Any, what: str = "what the worker keeps", start: bool = True, seconds: float = 20) -> T:
    """What this worker holds of the live build once its background load is
    done: started here (`kept.get`), or, with start=False, only waited for
    (`kept.held`: a test that the app starts the load itself). Fails,
    naming `what`, after `seconds`."""
    build = store.build_info()
    assert build is not None
    deadline = time.monotonic() + seconds
    while (found := kept.get(store, build.build_id, *options) if start else kept.held(build.build_id)) is None:
        assert time.monotonic() < deadline, f"{what} of build {build.build_id} did not load in {seconds} s"
        time.sleep(0.02)
    return found


def served_from_engine_and_memory(store: GraphStore, tmp_path: Path, urls: list[str], memory_off: dict[str, int], load: Callable[[], Any]) -> tuple[list[httpx.Response], list[httpx.Response]]:
    """The app's answers to `urls` with a per-worker memory turned off by
    `memory_off` (settings; the engine answers), then with it on once
    `load()` has loaded it: for tests that hold the two to the same bytes.
    The answer cache is off both times."""
    settings = dataclasses.replace(Settings.from_env(data_dir=tmp_path / "unused"), answer_cache_mb=0)
    with TestClient(create_app(dataclasses.replace(settings, **memory_off), store=store)) as client:
        from_engine = [client.get(url) for url in urls]
    load()
    with TestClient(create_app(settings, store=store)) as client:
        from_memory = [client.get(url) for url in urls]
    return from_engine, from_memory


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
