"""Speed targets for ingest and the API, measured against a real FalkorDB.

    .venv/bin/python benchmarks/speed.py [--repeat 50] [--write benchmarks/RESULTS.md]

Measures: a full ingest of the knowledge base (validate, compile, atomic
replace); a cold start of the embedded engine on a persisted graph; and
the latency of the main endpoints through the real ASGI app (in-process, so
the numbers are the app plus the engine, not the network). Each target is
checked here and the table is recorded in RESULTS.md. No timing is asserted
in the unit tests.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from nhskg.api.app import create_app  # noqa: E402
from nhskg.graph.falkordb_engine import FalkorDBStore  # noqa: E402
from nhskg.ingest.pipeline import ingest  # noqa: E402
from nhskg.core.settings import Settings  # noqa: E402

# (name, target in milliseconds)
TARGETS_MS = {
    "ingest (validate + compile + atomic replace)": 5000,
    "cold start on a persisted graph": 2000,
    "endpoint p95": 150,
}

ENDPOINTS = [
    "/health",
    "/entities?q=commissioning&limit=20",
    "/entities/org:nhs-england",
    "/entities/type:icb/accountability?as_of=2024-01-01",
    "/entities/org:nws-ccg/accountability?as_of=2016-01-01",
    "/services/service:urgent-and-emergency-care/commissioners?as_of=2016-06-01",
    "/entities/org:nhs-england/delegations?direction=out&as_of=2024-01-01",
    "/paths/delegation?from=org:nhs-england&as_of=2024-06-01",
    "/entities/type:ccg/history",
    "/budgets",
    "/subgraph?seed=org:nhs-england&depth=2&as_of=2024-01-01",
    "/sources/source:kingsfund-2023",
]


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--write", type=Path)
    args = parser.parse_args()

    rows: list[tuple[str, float, float, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        store = FalkorDBStore(data_dir)
        ingest_ms = [timed(lambda: ingest(store)) for _ in range(3)]
        counts = store.counts()
        store.close()
        started = time.perf_counter()
        store = FalkorDBStore(data_dir)  # owns (and later stops) the restarted server
        store.counts()
        cold = (time.perf_counter() - started) * 1000
        rows.append(("ingest (validate + compile + atomic replace)", statistics.median(ingest_ms), max(ingest_ms), f"{counts.nodes} nodes, {counts.relationships} relationships; median/max of 3"))
        rows.append(("cold start on a persisted graph", cold, cold, "start the server, load the RDB, count"))
        worst_p95 = 0.0
        with TestClient(create_app(Settings(data_dir=data_dir), store=store)) as client:
            for url in ENDPOINTS:
                assert client.get(url).status_code == 200, url  # warm-up and sanity
                samples = sorted(timed(lambda: client.get(url)) for _ in range(args.repeat))
                p50 = samples[len(samples) // 2]
                p95 = samples[int(len(samples) * 0.95) - 1]
                worst_p95 = max(worst_p95, p95)
                rows.append((f"GET {url}", p50, p95, f"p50/p95 of {args.repeat}"))
        store.close()

    lines = [
        f"Machine: {platform.machine()}, {platform.system()} {platform.release()}, Python {platform.python_version()}",
        "",
        "| measurement | median / p50 (ms) | max / p95 (ms) | note |",
        "|---|---:|---:|---|",
        *(f"| `{name}` | {a:.1f} | {b:.1f} | {note} |" for name, a, b, note in rows),
        "",
        "| target | limit (ms) | measured (ms) | met |",
        "|---|---:|---:|---|",
    ]
    measured = {
        "ingest (validate + compile + atomic replace)": rows[0][2],
        "cold start on a persisted graph": rows[1][2],
        "endpoint p95": worst_p95,
    }
    ok = True
    for name, limit in TARGETS_MS.items():
        met = measured[name] <= limit
        ok &= met
        lines.append(f"| {name} | {limit} | {measured[name]:.1f} | {'yes' if met else 'NO'} |")
    table = "\n".join(lines)
    print(table)
    if args.write:
        # Keep the sections other benchmarks write (load.py's), which follow ours.
        old = args.write.read_text(encoding="utf-8") if args.write.exists() else ""
        others = old[old.index("<!-- "):] if "<!-- " in old else ""
        args.write.write_text(
            "# Benchmark results\n\nProduced by:\n\n    .venv/bin/python benchmarks/speed.py --write benchmarks/RESULTS.md\n\n"
            "The targets are in `benchmarks/speed.py` (`TARGETS_MS`). The machine is 2 cores and 24 GiB.\n\n" + table + "\n"
            + ("\n" + others if others else ""),
            encoding="utf-8",
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
