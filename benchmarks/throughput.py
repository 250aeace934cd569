"""Throughput as a ratio to the HTTP floor, per endpoint and for the mixed workload.

    .venv/bin/python -m benchmarks.throughput [--data-dir DIR] [--workers N] [--seconds 8] [--rounds 2] [--write benchmarks/RESULTS.md]

Starts `nhskg serve --workers N` on DIR (a temporary directory with the
knowledge base ingested when not given) and the floor (benchmarks/floor_app.py
under uvicorn with N workers), then, for each round, runs `wrk -t2 -c32` for
--seconds against the floor, each endpoint family and the mixed workload,
interleaved, so every ratio compares runs made under the same load. Each
endpoint family varies its parameters (benchmarks/workload.py: random
entities, services and dates 1995-2026), so no URL is replayed. The load
average is recorded with each run: the machine is shared.

The server runs with its answer cache off (NHSKG_ANSWER_CACHE_MB=0, unless
--cache-mb says otherwise) and wrk sends no If-None-Match, so every request
is answered from the graph: wrk walks each URL list round and round, and a
cache would turn the second pass into replays. ETags are still computed
(one small query per request for the live build), so their cost is counted.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "tests"))
from faults import free_port, get, start_serve, wait_until  # noqa: E402  (the tests' bounded process helpers)

from benchmarks.results import write_section  # noqa: E402
from benchmarks.workload import FAMILIES, graph_ids, urls  # noqa: E402
from nhskg.core.settings import Settings  # noqa: E402
from nhskg.graph import open_store  # noqa: E402

def markers(section: str | None) -> tuple[str, str]:
    """RESULTS.md markers of this benchmark's section; a named section (e.g.
    the run over the 100k synthetic graph) sits beside the default one."""
    name = f"throughput benchmark {section}" if section else "throughput benchmark"
    return f"<!-- {name}: begin -->", f"<!-- {name}: end -->"
TARGET_RATIO = {"paths": 0.3, "subgraph": 0.3}  # the rest: 0.6
TARGET_P99_MS = {"paths": 150, "subgraph": 150}  # the rest: 50


@dataclass
class Run:
    name: str
    rate: float
    p99_ms: float
    requests: int
    non_200: int
    server_errors: int
    load: float


def wrk(base: str, url_file: Path, seconds: int, connections: int) -> tuple[float, float, int, int, int]:
    env = {**os.environ, "NHSKG_URL_FILE": str(url_file)}
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "--latency", "-s", str(HERE / "urls.lua"), base]
    out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, env=env).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    m = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)", out, re.M)
    p99 = float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]
    total = int(re.search(r"(\d+) requests in", out).group(1))
    non_200 = int(re.search(r"non-200 answers: (\d+)", out).group(1))
    server_errors = int(re.search(r"5xx answers: (\d+)", out).group(1))
    return rate, p99, total, non_200, server_errors


def start_floor(workers: int, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    with open(log, "w") as handle:
        proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "benchmarks.floor_app:app", "--port", str(port), "--workers", str(workers), "--log-level", "warning", "--no-access-log"],
            cwd=REPO, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    if not wait_until(lambda: get(f"{base}/floor", 2)[0] == 200, 30, 0.1):
        os.killpg(proc.pid, signal.SIGKILL)
        raise SystemExit(f"the floor app did not start: {log.read_text()}")
    return proc, base


def url_files(data_dir: Path, tmp: Path, count: int) -> dict[str, Path]:
    with open_store(Settings.from_env(data_dir=data_dir)) as store:
        ids = graph_ids(store)
    files = {}
    for family in [*FAMILIES, "mixed"]:
        chosen = urls(ids, count, seed=hash(family) % 1000 if family != "mixed" else 12, families=None if family == "mixed" else [family])
        files[family] = tmp / f"{family}.txt"
        files[family].write_text("\n".join(chosen) + "\n")
    (tmp / "floor.txt").write_text("/floor\n")
    files["floor"] = tmp / "floor.txt"
    return files


def warm_up(base: str, files: dict[str, Path], per_family: int = 20) -> None:
    """A few requests of each family first, so the first family measured does
    not also pay the workers' first-request costs (catalogue, models, imports)."""
    for name, path in files.items():
        if name != "floor":
            for url in path.read_text().split()[:per_family]:
                get(base + url, 30)


def measure(serve_base: str, floor_base: str, files: dict[str, Path], rounds: int, seconds: int, connections: int) -> list[list[tuple[Run, Run]]]:
    """Each family right after its own floor run: the machine is shared and its
    load moves within a minute, so a ratio compares two runs seconds apart."""
    out = []
    for _ in range(rounds):
        pairs = []
        for name, path in files.items():
            if name == "floor":
                continue
            pair = []
            for base, label, url_file in ((floor_base, "floor", files["floor"]), (serve_base, name, path)):
                load = os.getloadavg()[0]
                rate, p99, total, non_200, errors = wrk(base, url_file, seconds, connections)
                pair.append(Run(label, rate, p99, total, non_200, errors, load))
            print(f"  {name:16s} {pair[1].rate:8.0f} req/s (floor {pair[0].rate:6.0f}, ratio {pair[1].rate / pair[0].rate:.2f})  p99 {pair[1].p99_ms:7.1f} ms  non-200 {pair[1].non_200}  load {pair[1].load:.2f}", flush=True)
            pairs.append((pair[0], pair[1]))
        out.append(pairs)
    return out


def section(rounds: list[list[tuple[Run, Run]]], workers: int, seconds: int, connections: int, nodes: int, rels: int, note: str, command: str, name: str | None = None) -> str:
    begin, end = markers(name)
    lines = [
        begin,
        f"## Throughput against the floor ({connections} connections, {workers} worker(s) each side){f': {name}' if name else ''}",
        "",
        "Produced by:",
        "",
        f"    {command}",
        "",
        f"`wrk -t2 -c{connections} -d{seconds}s` per run; the floor is benchmarks/floor_app.py (a bare FastAPI `def` endpoint) under",
        f"uvicorn with {workers} worker(s), measured in the same run, each family run right after a floor run, {len(rounds)} rounds.",
        "Every family varies its parameters (benchmarks/workload.py: random ids, dates 1995-2026); `mixed` draws from",
        f"all of them. Graph: {nodes} nodes, {rels} relationships. {note}",
        "Non-200 answers are 404/422 the random parameters provoke (e.g. a delegation path from a body with no",
        "delegations), never 5xx; they are counted as answers.",
        f"With {connections} connections always busy, the mean latency is {connections} / req/s (Little's law): the floor's own",
        "p99 is given beside each family's, since no server here can beat the floor's.",
        "",
        "| round | family | req/s | floor req/s (just before) | ratio | target | p99 (ms) | floor p99 (ms) | p99 target | non-200 | 5xx | load avg (1 min) |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for i, pairs in enumerate(rounds, start=1):
        for floor, r in pairs:
            ratio = r.rate / floor.rate if floor.rate else 0.0
            p99_target = "" if r.name == "mixed" else str(TARGET_P99_MS.get(r.name, 50))
            lines.append(
                f"| {i} | {r.name} | {r.rate:.0f} | {floor.rate:.0f} | {ratio:.2f} | {TARGET_RATIO.get(r.name, 0.6):.1f} | {r.p99_ms:.1f} | {floor.p99_ms:.1f} | {p99_target} "
                f"| {r.non_200} | {r.server_errors} | {r.load:.2f} |"
            )
    lines.append(end)
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, help="an ingested data directory (default: a temporary one, ingested)")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--count", type=int, default=3000, help="distinct URLs per family")
    parser.add_argument("--families", help="comma list of families to run (default: all, and mixed)")
    parser.add_argument("--cache-mb", type=int, default=0, help="the server's answer cache (default 0: off, so requests are query work, not replays)")
    parser.add_argument("--note", default="")
    parser.add_argument("--write", type=Path)
    parser.add_argument("--section", help="name of the RESULTS.md section to write (default: the main one), e.g. '100k' for a run over the synthetic graph")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is not installed (Debian: apt-get install wrk)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        data_dir = args.data_dir or tmp / "data"
        extra = ["--workers", str(args.workers)]
        os.environ["NHSKG_ANSWER_CACHE_MB"] = str(args.cache_mb)  # read by the serve process (cli_env passes the environment on)
        server = start_serve(data_dir, tmp / "serve.log", *extra, ready_timeout=300)
        floor = None
        try:
            _, health, _ = get(f"{server.url}/health")
            files = url_files(data_dir, tmp, args.count)
            if args.families:
                files = {k: v for k, v in files.items() if k == "floor" or k in args.families.split(",")}
            warm_up(server.url, files)
            floor, floor_base = start_floor(args.workers, tmp / "floor.log")
            time.sleep(1)
            rounds = measure(server.url, floor_base, files, args.rounds, args.seconds, args.connections)
        finally:
            if floor is not None:
                os.killpg(floor.pid, signal.SIGTERM)
                floor.wait(timeout=20)
            server.stop(signal.SIGTERM)
    cache = "Answer cache off (NHSKG_ANSWER_CACHE_MB=0), no If-None-Match: every request is query work." if args.cache_mb == 0 else f"Answer cache ON ({args.cache_mb} MB): repeated URLs are replays."
    command = ".venv/bin/python -m benchmarks.throughput " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    text = section(rounds, args.workers, args.seconds, args.connections, health.get("nodes", 0), health.get("relationships", 0), f"{cache} {args.note}".strip(), command, args.section)
    print(text)
    if args.write:
        write_section(args.write, text, *markers(args.section))
    return 0


if __name__ == "__main__":
    sys.exit(main())
