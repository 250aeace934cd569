"""Load benchmark: a fixed number of requests at a fixed concurrency against a
real `nhskg serve` (own temporary data directory, loopback only), counting
every answer that is not a 200 and every socket error. The target is zero.

    .venv/bin/python benchmarks/load.py [--requests 10000] [--connections 32] [--write benchmarks/RESULTS.md]

It uses `wrk` (Debian: apt-get install wrk) when it is on PATH, with
benchmarks/load.lua cycling over the endpoints and counting non-200 answers;
wrk runs for a duration, so the duration is set from a short calibration run
to give at least the requested number. Otherwise a bounded Python generator
(one keep-alive connection per worker thread) sends exactly that number.
With --write it replaces its own section of RESULTS.md, between the markers.
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
from faults import engine_pids, start_serve  # noqa: E402  (the tests' bounded process helpers)

sys.path.insert(0, str(HERE.parent))
from benchmarks.results import write_section  # noqa: E402

# A mix of what researchers ask, light and heavy (the heavy ones dominate the time).
PATHS = [
    "/health",
    "/entities/org:nhs-england",
    "/entities?q=commissioning&limit=20",
    "/entities/type:icb/accountability?as_of=2024-01-01",
    "/services/service:urgent-and-emergency-care/commissioners?as_of=2016-06-01",
    "/entities/org:nhs-england/delegations?direction=out&as_of=2024-01-01",
    "/entities/type:ccg/history",
    "/budgets",
]
BEGIN, END = "<!-- load benchmark: begin -->", "<!-- load benchmark: end -->"
TIME_LIMIT_S = 600  # the whole run is bounded


@dataclass
class Result:
    tool: str
    command: str
    requests: int
    errors: int
    non_200: int
    seconds: float
    p50_ms: float | None
    p99_ms: float | None

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def _wrk(base: str, connections: int, seconds: int, threads: int) -> tuple[list[str], str]:
    env = {**os.environ, "NHSKG_LOAD_PATHS": ",".join(PATHS)}
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "--latency", "-s", str(HERE / "load.lua"), base]
    out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, env=env).stdout
    return command, out


def run_wrk(base: str, requests: int, connections: int, threads: int = 2) -> Result:
    """wrk runs for a duration, not a count: a short calibration run gives the
    rate, then the measured run lasts long enough for at least `requests`."""
    _, calibration = _wrk(base, connections, 3, threads)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", calibration).group(1))
    seconds = min(int(requests / max(rate, 1.0) * 1.3) + 2, TIME_LIMIT_S)
    command, out = _wrk(base, connections, seconds, threads)
    total = int(re.search(r"(\d+) requests in", out).group(1))
    socket_errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non_200 = int(m.group(1)) if (m := re.search(r"non-200 answers: (\d+)", out)) else 0

    def latency(pct: str) -> float | None:
        m = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)", out, re.M)
        return float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)] if m else None

    shown = " ".join(command).replace(str(HERE.parent) + "/", "")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    return Result("wrk", shown, total, socket_errors, non_200, total / rate if rate else 0.0, latency("50"), latency("99"))


def run_python(host: str, port: int, requests: int, connections: int) -> Result:
    lock = threading.Lock()
    counts = {"done": 0, "errors": 0, "non_200": 0}
    latencies: list[float] = []
    next_index = iter(range(requests))
    deadline = time.monotonic() + TIME_LIMIT_S

    def worker() -> None:
        conn = http.client.HTTPConnection(host, port, timeout=10)
        while time.monotonic() < deadline:
            with lock:
                i = next(next_index, None)
            if i is None:
                break
            started = time.perf_counter()
            try:
                conn.request("GET", PATHS[i % len(PATHS)])
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=10)
                status = 0
            with lock:
                latencies.append((time.perf_counter() - started) * 1000)
                counts["done"] += 1
                counts["errors"] += status == 0
                counts["non_200"] += status not in (0, 200)
        conn.close()

    started = time.perf_counter()
    workers = [threading.Thread(target=worker) for _ in range(connections)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=TIME_LIMIT_S)
    seconds = time.perf_counter() - started
    latencies.sort()
    command = f".venv/bin/python benchmarks/load.py --requests {requests} --connections {connections} --python"
    return Result(
        "python", command, counts["done"], counts["errors"], counts["non_200"], seconds,
        latencies[len(latencies) // 2] if latencies else None, latencies[int(len(latencies) * 0.99) - 1] if latencies else None,
    )


def section(result: Result, requests: int, connections: int) -> str:
    ok = result.errors == 0 and result.non_200 == 0 and result.requests >= requests
    fmt = lambda v: f"{v:.1f}" if v is not None else "n/a"  # noqa: E731
    return "\n".join(
        [
            BEGIN,
            "## Load (10,000 requests at 32 connections)",
            "",
            "Produced by:",
            "",
            f"    .venv/bin/python benchmarks/load.py --requests {requests} --connections {connections} --write benchmarks/RESULTS.md",
            "",
            f"which starts `nhskg serve` (one process, embedded FalkorDB) on a temporary data directory and runs `{result.command}`",
            f"over a mix of {len(PATHS)} endpoints ({', '.join(f'`{p}`' for p in PATHS)}). Target: zero errors.",
            "The rate depends on what else the 2 shared cores run at the time (see the speed table above for",
            "single-request latency); the figure this benchmark checks is the error count.",
            "",
            f"Machine: {platform.machine()}, {platform.system()} {platform.release()}, Python {platform.python_version()}, {os.cpu_count()} cores",
            "",
            "| requests | connections | socket errors | non-200 answers | seconds | requests/s | p50 (ms) | p99 (ms) | zero errors |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---|",
            f"| {result.requests} | {connections} | {result.errors} | {result.non_200} | {result.seconds:.1f} | {result.rate:.0f} | "
            f"{fmt(result.p50_ms)} | {fmt(result.p99_ms)} | {'yes' if ok else 'NO'} |",
            END,
        ]
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=10000)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--python", action="store_true", help="use the Python generator even if wrk is installed")
    parser.add_argument("--write", type=Path)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        server = start_serve(data_dir, Path(tmp) / "serve.log", ready_timeout=120)
        try:
            if shutil.which("wrk") and not args.python:
                result = run_wrk(server.url, args.requests, args.connections)
            else:
                result = run_python("127.0.0.1", server.port, args.requests, args.connections)
        finally:
            server.stop(signal.SIGTERM)
            assert engine_pids(data_dir) == [], "the engine outlived the server"
    text = section(result, args.requests, args.connections)
    print(text)
    if args.write:
        write_section(args.write, text, BEGIN, END)
    return 0 if result.errors == 0 and result.non_200 == 0 and result.requests >= args.requests else 1


if __name__ == "__main__":
    sys.exit(main())
