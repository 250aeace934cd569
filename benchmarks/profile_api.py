"""Where one request's time goes, per endpoint family, in process.

    .venv/bin/python -m benchmarks.profile_api --data-dir DIR [--count 600] [--family commissioners] [--out profile.txt]

Ingests the knowledge base into DIR if it is empty, then sends the workload's
URLs (benchmarks/workload.py) through the real ASGI app in THIS thread:
an httpx ASGI transport on an event loop in the main thread, with FastAPI's
thread-pool hand-off replaced by a direct call, so cProfile sees the route,
the catalogue queries, the post-processing and the response validation and
JSON (cProfile only profiles the thread it runs in; under TestClient the
routes run in other threads and the profile is empty).

Prints, per family: requests, mean ms per request, reads per request (the
catalogue queries and the ETag's read of the live build), the round trips
they took and the share of the time spent waiting on the engine
(`store.run_reads`, which includes the client's reply parsing); then the
cProfile listing (cumulative and own time) of all families together.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import dataclasses
import io
import os
import pstats
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import fastapi.dependencies.utils
import fastapi.routing
import httpx

from benchmarks.workload import FAMILIES, family_of, graph_ids, urls
from nhskg.api.app import create_app
from nhskg.core.settings import Settings
from nhskg.graph import GraphStore, open_store
from nhskg.ingest.pipeline import ingest

T = TypeVar("T")


async def _inline(func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    return func(*args, **kwargs)


class _EngineClock:
    """Counts catalogue reads, the round trips they took and the time spent
    in them (GraphStore.run_reads, and run_reads_async for the routes on the
    event loop: every read goes through one of them, one round trip a call
    on FalkorDB)."""

    def __init__(self, store: GraphStore) -> None:
        self.calls = 0
        self.trips = 0
        self.seconds = 0.0
        original, original_async = store.run_reads, store.run_reads_async

        def count(reads: Any, started: float) -> None:
            self.calls += len(reads)
            self.trips += 1
            self.seconds += time.perf_counter() - started

        def timed(reads: Any) -> list[list[dict[str, Any]]]:
            started = time.perf_counter()
            try:
                return original(reads)
            finally:
                count(reads, started)

        async def timed_async(reads: Any) -> list[list[dict[str, Any]]]:
            started = time.perf_counter()
            try:
                return await original_async(reads)
            finally:
                count(reads, started)

        store.run_reads, store.run_reads_async = timed, timed_async  # type: ignore[method-assign]


async def _send_all(app: Any, todo: list[str], clock: _EngineClock, profiler: cProfile.Profile) -> dict[str, list[tuple[float, int, int, float]]]:
    per_family: dict[str, list[tuple[float, int, int, float]]] = defaultdict(list)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://profile") as client:
        for url in todo[:50]:
            await client.get(url)  # warm-up: imports, the catalogue, the OpenAPI models
        for url in todo:
            calls, trips, engine = clock.calls, clock.trips, clock.seconds
            profiler.enable()
            started = time.perf_counter()
            status = (await client.get(url)).status_code
            elapsed = time.perf_counter() - started
            profiler.disable()
            assert status < 500, (url, status)
            per_family[family_of(url)].append((elapsed, clock.calls - calls, clock.trips - trips, clock.seconds - engine))
    return per_family


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--count", type=int, default=600)
    parser.add_argument("--family", choices=list(FAMILIES), help="only this endpoint family")
    parser.add_argument("--lines", type=int, default=40, help="rows of each cProfile listing")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    # Everything in this thread, so cProfile sees it.
    fastapi.routing.run_in_threadpool = _inline  # type: ignore[assignment]
    fastapi.dependencies.utils.run_in_threadpool = _inline  # type: ignore[assignment]
    # The answer cache off, as in the throughput benchmark: every request is query work.
    settings = dataclasses.replace(Settings.from_env(data_dir=args.data_dir), answer_cache_mb=0)
    with open_store(settings) as store:
        if store.counts().nodes == 0:
            ingest(store)
        todo = urls(graph_ids(store), args.count, families=[args.family] if args.family else None)
        clock = _EngineClock(store)
        profiler = cProfile.Profile()
        per_family = asyncio.run(_send_all(create_app(settings, store=store), todo, clock, profiler))
    lines = [f"{'family':16s} {'n':>5s} {'mean ms':>8s} {'queries':>8s} {'trips':>6s} {'engine %':>9s}"]
    for name, samples in sorted(per_family.items()):
        total = sum(s[0] for s in samples)
        lines.append(
            f"{name:16s} {len(samples):5d} {total / len(samples) * 1000:8.1f} {sum(s[1] for s in samples) / len(samples):8.1f} {sum(s[2] for s in samples) / len(samples):6.1f} {100 * sum(s[3] for s in samples) / total:8.0f}%"
        )
    summary = "\n".join(lines)
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    if os.environ.get("NHSKG_PROFILE_DUMP"):
        profiler.dump_stats(os.environ["NHSKG_PROFILE_DUMP"])
    stats.sort_stats("cumulative").print_stats(args.lines)
    stats.sort_stats("tottime").print_stats(args.lines)
    print(summary)
    print(text.getvalue())
    if args.out:
        args.out.write_text(summary + "\n\n" + text.getvalue())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
