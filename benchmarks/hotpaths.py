"""One request at a time, answer cache off, on the synthetic landscape: the
slowest families, for before/after comparisons of a hot-path change.

    PYTHONPATH=. .venv/bin/python -m benchmarks.hotpaths --organisations 20000 --keep /tmp/syn20k [--only accountable-bodies ...]
    PYTHONPATH=. .venv/bin/python -m benchmarks.hotpaths --keep /tmp/syn20k --plan accountable_bodies_page '{"id": "org:nhs-england", "limit": 20, "offset": 0}' --as-of 2024-01-01

The first builds the landscape (tests/synthetic.py) into the kept data
directory when it is empty, then sends each URL once to warm up and
`--reps` times more through the real app (TestClient), printing the median
ms, the status and the answer's size, with the load average before the run
(the machine is shared: compare ratios, not absolute numbers). `--plan`
prints a catalogue query's time and FalkorDB's GRAPH.PROFILE instead.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import statistics
import time
from pathlib import Path

from fastapi.testclient import TestClient

from nhskg.api.app import create_app
from nhskg.core.settings import Settings
from nhskg.core.timescope import Window
from nhskg.graph.falkordb_engine import FalkorDBStore, params_header
from nhskg.queries.run import question

URLS = [
    "/entities?q=trust",
    "/entities?q=nhs",
    "/entities?q=leeds",
    "/entities?limit=50",
    "/entities?q=comissioning+bord",
    "/entities/org:nhs-englnd",
    "/entities?instance_of=type:ccg&as_of=2016-01-01",
    "/services/service:urgent-and-emergency-care/commissioners?as_of=2016-06-01",
    "/services/service:urgent-and-emergency-care/timeline",
    "/paths/delegation?delegator=org:nhs-england&as_of=2024-06-01",
    "/subgraph?seed=type:icb&depth=2&as_of=2024-06-01",
    "/subgraph?seed=org:nhs-england&depth=1&as_of=2024-06-01",
    "/entities/type:icb/accountability?as_of=2024-01-01",
    "/entities/org:nhs-england/accountable-bodies?as_of=2024-01-01",
    "/changes?as_of=2013-04-01",
    "/services/service:syn-57/commissioners?as_of=2016-06-01",
    "/services/service:syn-57/timeline",
    "/entities/org:syn-019998/accountability?as_of=2016-06-01",
]


def build(data_dir: Path, organisations: int) -> None:
    from tests.synthetic import synthetic_landscape  # the benchmark's landscape, as the tests build it

    store = FalkorDBStore(data_dir)
    try:
        if store.counts().nodes:
            return
        started = time.perf_counter()
        data = synthetic_landscape(organisations)
        derived = time.perf_counter()
        store.replace_graph(data, version="synthetic")
        print(f"built: derive {derived - started:.1f} s, replace {time.perf_counter() - derived:.1f} s, {len(data.nodes)} nodes, {len(data.relationships)} relationships")
    finally:
        store.close()


def single_requests(data_dir: Path, only: list[str], reps: int) -> None:
    urls = [u for u in URLS if not only or any(o in u for o in only)]
    store = FalkorDBStore(data_dir)
    settings = dataclasses.replace(Settings.from_env(data_dir=data_dir), answer_cache_mb=0)
    print("load average", " ".join(f"{x:.2f}" for x in os.getloadavg()))
    try:
        with TestClient(create_app(settings, store=store)) as client:
            for url in urls:
                r = client.get(url)
                times = []
                for _ in range(reps):
                    started = time.perf_counter()
                    r = client.get(url)
                    times.append(time.perf_counter() - started)
                print(f"{statistics.median(times) * 1000:8.1f} ms  {r.status_code} {len(r.content):8d} B  {url}", flush=True)
    finally:
        store.close()


def plan(data_dir: Path, name: str, params: dict, as_of: str | None) -> None:
    store = FalkorDBStore(data_dir)
    try:
        cypher, checked = question(name, Window.on(as_of) if as_of else None, **params)
        started = time.perf_counter()
        rows = store.run_read(cypher, checked)
        print(f"{name}: {(time.perf_counter() - started) * 1000:.1f} ms, {len(rows)} rows")
        for line in store.conn.execute_command("GRAPH.PROFILE", store.graph_name, params_header(checked) + cypher):
            print(line.decode() if isinstance(line, bytes) else line)
    finally:
        store.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--organisations", type=int, default=20_000)
    parser.add_argument("--keep", type=Path, required=True, help="the data directory (built when empty)")
    parser.add_argument("--only", nargs="*", default=[], help="only the URLs containing one of these")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--plan", nargs=2, metavar=("QUERY", "PARAMS_JSON"))
    parser.add_argument("--as-of")
    args = parser.parse_args()
    build(args.keep, args.organisations)
    if args.plan:
        plan(args.keep, args.plan[0], json.loads(args.plan[1]), args.as_of)
    else:
        single_requests(args.keep, args.only, args.reps)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
