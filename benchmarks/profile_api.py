"""Profile the API in process under the mixed workload (benchmarks/workload.py).

    .venv/bin/python -m benchmarks.profile_api --data-dir DIR [--count 600] [--out profile.txt]

Ingests the knowledge base into DIR if it is empty, sends every URL once
through the real ASGI app (TestClient: the app and the engine, no network),
and prints where the time goes (cProfile, sorted by cumulative and own time)
plus the mean milliseconds per request of each family.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import time
from collections import defaultdict
from pathlib import Path

from fastapi.testclient import TestClient

from benchmarks.workload import graph_ids, urls
from nhskg.api.app import create_app
from nhskg.core.settings import Settings
from nhskg.graph import open_store
from nhskg.ingest.pipeline import ingest


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--count", type=int, default=600)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    settings = Settings.from_env(data_dir=args.data_dir)
    with open_store(settings) as store:
        if store.counts().nodes == 0:
            ingest(store)
        todo = urls(graph_ids(store), args.count)
        per_family: dict[str, list[float]] = defaultdict(list)
        with TestClient(create_app(settings, store=store)) as client:
            for url in todo[:50]:
                client.get(url)  # warm-up
            profiler = cProfile.Profile()
            profiler.enable()
            for url in todo:
                started = time.perf_counter()
                status = client.get(url).status_code
                assert status < 500, (url, status)
                per_family[url.split("?")[0].split("/")[1] + ("/" + url.split("?")[0].rsplit("/", 1)[-1] if url.count("/") > 2 else "")].append(time.perf_counter() - started)
            profiler.disable()
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(30)
    summary = "\n".join(f"{k:40s} n={len(v):4d} mean={sum(v) / len(v) * 1000:6.1f} ms" for k, v in sorted(per_family.items()))
    print(summary)
    if args.out:
        args.out.write_text(summary + "\n\n" + text.getvalue())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
