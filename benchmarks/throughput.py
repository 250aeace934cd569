"""Throughput and latency of every endpoint family against the HTTP floor, in one run.

    .venv/bin/python -m benchmarks.throughput [--data-dir DIR] [--workers 2] [--seconds 8] [--rounds 2] [--write benchmarks/RESULTS.md]

One run measures, with one load generator (`wrk`, loopback only, each run
bounded by --seconds):

1. **The floor**: benchmarks/floor_app.py (a bare FastAPI `def` endpoint)
   under uvicorn with --workers workers: the same number `nhskg serve` runs.
   It stays up for the whole run and is measured right before every family
   run, so each ratio compares two runs seconds apart on a shared machine.
2. **Answer cache off** (`nhskg serve --workers N`, NHSKG_ANSWER_CACHE_MB=0):
   each family over URLs that are fresh draws (benchmarks/workload.py
   `urls`), at --connections connections: query work on every request.
3. **One client, answer cache off**: each family at one connection
   (`wrk -t1 -c1`), its p50/p99.
4. **Answer cache on** (the default size, or --cache-mb), a fresh
   `nhskg serve` on the same graph: each family over a Zipf-like list
   (`zipf_urls`: a ranked pool of URLs from the graph's ids and dates, drawn
   with weight 1 / rank^s), at --connections connections.

The floor only means something if it is CPU-bound: with every connection
busy, the floor's processes should keep the machine's cores busy. Each run
records the CPU time the measured server's processes used per request
(its workers and, for `nhskg serve`, the engine) and the machine's busy
and steal shares (/proc/stat) over the run. A floor run with the machine
less than FLOOR_BUSY_MIN busy is marked: its rate is capped by something
other than the servers (the load generator, the network path, the host),
and the ratios beside it are not valid. That check is what the floor
recorded before 2026-12 lacked (RESULTS.md, "Measuring speed").
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
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "tests"))
from faults import free_port, get, start_serve, wait_until  # noqa: E402  (the tests' bounded process helpers)

from benchmarks.results import write_section  # noqa: E402
from benchmarks.workload import FAMILIES, graph_dates, graph_ids, top_share, urls, zipf_urls  # noqa: E402
from nhskg.core.settings import Settings  # noqa: E402
from nhskg.graph import open_store  # noqa: E402

FAMILY_NAMES = {
    "accountability": "accountability",
    "accountable": "accountable bodies",
    "delegations": "delegations",
    "entity": "entity detail",
    "search": "search",
    "commissioners": "commissioners",
    "paths": "delegation paths",
    "subgraph": "subgraph (depth 2)",
    "mixed": "mixed",
}
TARGET_OFF = {"paths": 0.2, "subgraph": 0.2}  # the rest (and mixed): 0.35
TARGET_OFF_DEFAULT = 0.35
TARGET_ON = 0.9
FLOOR_BUSY_MIN = 0.85
SETTLE_BUSY = 0.15  # the serve's own processes, between runs: under this share of one core


def markers(section: str | None) -> tuple[str, str]:
    """RESULTS.md markers of this benchmark's section; a named section (e.g.
    the run over the 100k synthetic graph) sits beside the default one."""
    name = f"throughput benchmark {section}" if section else "throughput benchmark"
    return f"<!-- {name}: begin -->", f"<!-- {name}: end -->"


# --- CPU accounting ------------------------------------------------------------


def process_tree(root: int) -> list[int]:
    """`root` and every process descending from it (workers, the engine)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def cpu_seconds(pids: Sequence[int]) -> float:
    """User + system CPU seconds of `pids` so far (those still alive)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def machine_ticks() -> tuple[int, int, int]:
    """(all, busy, steal) jiffies of the machine so far (/proc/stat)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    return sum(fields[:8]), user + nice + system + irq + softirq, steal


def settle(pids: Sequence[int], limit_s: float = 20) -> float:
    """Wait (bounded) until `pids` are idle, so that the next run does not
    share the cores with the tail of the last (a worker's background read, a
    slow answer still being built): the seconds waited."""
    started = time.perf_counter()
    while time.perf_counter() - started < limit_s:
        before = cpu_seconds(pids)
        time.sleep(0.5)
        if cpu_seconds(pids) - before < SETTLE_BUSY * 0.5:
            break
    return time.perf_counter() - started


def workers_get_nodelay() -> tuple[str, bool]:
    """uvicorn's version, and whether the socket it binds for `--workers N`
    (as `nhskg serve` and the floor use it) gives accepted connections
    TCP_NODELAY. asyncio sets it only on sockets whose proto is IPPROTO_TCP;
    uvicorn up to 0.54 bound the multi-worker socket with proto 0, so Nagle
    stayed on and every keep-alive request after the first waited for the
    client's delayed ACK (~40 ms): 32 connections then cap any server at
    ~600-700 req/s (uvicorn issue #3149)."""
    import logging
    import socket

    import uvicorn

    config = uvicorn.Config(app=None, host="127.0.0.1", port=0)  # configures uvicorn's loggers
    logging.getLogger("uvicorn.error").disabled = True  # bind_socket announces the address
    sock = config.bind_socket()
    logging.getLogger("uvicorn.error").disabled = False
    try:
        return uvicorn.__version__, sock.proto == socket.IPPROTO_TCP
    finally:
        sock.close()


# --- one wrk run ---------------------------------------------------------------


@dataclass
class Run:
    family: str
    rate: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_200: int
    server_errors: int
    socket_errors: int
    cpu_ms_per_request: float  # the measured server's processes
    busy: float  # the machine's busy share over the run
    steal: float
    load: float


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


_RUNS = [0]


def wrk(family: str, base: str, url_file: Path, seconds: int, connections: int, server_pids: Sequence[int]) -> Run:
    """`wrk` over the URLs in `url_file` (benchmarks/urls.lua), with the CPU
    the server's processes and the machine spent meanwhile. Each run starts
    its walk of the list somewhere else (NHSKG_URL_OFFSET)."""
    threads = 1 if connections == 1 else 2
    _RUNS[0] += 1
    env = {**os.environ, "NHSKG_URL_FILE": str(url_file), "NHSKG_URL_OFFSET": str(_RUNS[0] * 104729)}
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "--latency", "-s", str(HERE / "urls.lua"), base]
    load = os.getloadavg()[0]
    cpu0, (all0, busy0, steal0) = cpu_seconds(server_pids), machine_ticks()
    out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, env=env).stdout
    cpu1, (all1, busy1, steal1) = cpu_seconds(server_pids), machine_ticks()
    total = int(re.search(r"(\d+) requests in", out).group(1))
    p50 = re.search(r"^\s+50%\s+([\d.]+)(us|ms|s)", out, re.M)
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)", out, re.M)
    ticks = max(all1 - all0, 1)
    return Run(
        family=family,
        rate=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        p50_ms=_ms(*p50.groups()) if p50 else 0.0,
        p99_ms=_ms(*p99.groups()) if p99 else 0.0,
        requests=total,
        non_200=int(re.search(r"non-200 answers: (\d+)", out).group(1)),
        server_errors=int(re.search(r"5xx answers: (\d+)", out).group(1)),
        socket_errors=sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out.split("Socket errors:", 1)[1].splitlines()[0])) if "Socket errors:" in out else 0,
        cpu_ms_per_request=(cpu1 - cpu0) * 1000 / max(total, 1),
        busy=(busy1 - busy0) / ticks,
        steal=(steal1 - steal0) / ticks,
        load=load,
    )


# --- the servers ---------------------------------------------------------------


def start_floor(workers: int, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    with open(log, "w") as handle:
        proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "benchmarks.floor_app:app", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers), "--log-level", "warning", "--no-access-log"],
            cwd=REPO, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    if not wait_until(lambda: get(f"{base}/floor", 2)[0] == 200, 30, 0.1):
        os.killpg(proc.pid, signal.SIGKILL)
        raise SystemExit(f"the floor app did not start: {log.read_text()}")
    return proc, base


# --- URL lists -----------------------------------------------------------------


def url_files(data_dir: Path, tmp: Path, families: Sequence[str], count: int, zipf_count: int, zipf_s: float, pool: int) -> tuple[dict[str, Path], dict[str, Path], dict[str, float]]:
    """Per family (and mixed): fresh-draw URLs for the cache-off runs, and a
    Zipf-like list for the cache-on runs, with the share of its requests
    that go to its 20 most requested URLs."""
    with open_store(Settings.from_env(data_dir=data_dir)) as store:
        ids, dates = graph_ids(store), graph_dates(store)
    fresh, skewed, repeats = {}, {}, {}
    for i, family in enumerate(families):
        only = None if family == "mixed" else [family]
        fresh[family] = tmp / f"{family}.txt"
        fresh[family].write_text("\n".join(urls(ids, count, seed=100 + i, families=only)) + "\n")
        chosen = zipf_urls(ids, dates, zipf_count, seed=200 + i, families=only, s=zipf_s, pool=pool)
        skewed[family] = tmp / f"{family}.zipf.txt"
        skewed[family].write_text("\n".join(chosen) + "\n")
        repeats[family] = top_share(chosen)
    return fresh, skewed, repeats


def warm_up(base: str, files: dict[str, Path], per_family: int = 20) -> None:
    """A few requests of each family first, so the first family measured does
    not also pay the workers' first-request costs (imports, connections)."""
    for path in files.values():
        for url in path.read_text().split()[:per_family]:
            get(base + url, 60)


# --- the run -------------------------------------------------------------------


@dataclass
class Pair:
    floor: Run
    run: Run

    @property
    def ratio(self) -> float:
        return self.run.rate / self.floor.rate if self.floor.rate else 0.0

    @property
    def cpu_ratio(self) -> float:
        """Floor CPU per request / the project's: what the ratio would be if
        both could use the whole machine, less sensitive to what else runs."""
        return self.floor.cpu_ms_per_request / self.run.cpu_ms_per_request if self.run.cpu_ms_per_request else 0.0

    @property
    def floor_valid(self) -> bool:
        return self.floor.busy >= FLOOR_BUSY_MIN


def against_floor(label: str, serve_base: str, serve_pids: list[int], floor_base: str, floor_pids: list[int], floor_file: Path, files: dict[str, Path], rounds: int, seconds: int, connections: int) -> list[Pair]:
    pairs = []
    for r in range(rounds):
        for family, path in files.items():
            settle(serve_pids)
            floor = wrk("floor", floor_base, floor_file, seconds, connections, floor_pids)
            settle(floor_pids)
            run = wrk(family, serve_base, path, seconds, connections, serve_pids)
            pair = Pair(floor, run)
            pairs.append(pair)
            print(
                f"  [{label} r{r + 1}] {family:15s} {run.rate:7.0f} req/s  floor {floor.rate:6.0f}  ratio {pair.ratio:.2f}"
                f"  p99 {run.p99_ms:6.1f} ms  cpu/req {run.cpu_ms_per_request:5.2f} ms (floor {floor.cpu_ms_per_request:4.2f})"
                f"  busy {run.busy:.0%} (floor {floor.busy:.0%})  non-200 {run.non_200}  5xx {run.server_errors}",
                flush=True,
            )
    return pairs


def single_client(serve_base: str, serve_pids: list[int], files: dict[str, Path], seconds: int) -> list[Run]:
    out = []
    for family, path in files.items():
        if family == "mixed":
            continue
        settle(serve_pids)
        run = wrk(family, serve_base, path, seconds, 1, serve_pids)
        out.append(run)
        print(f"  [1 client] {family:15s} p50 {run.p50_ms:6.1f} ms  p99 {run.p99_ms:6.1f} ms  ({run.requests} requests)", flush=True)
    return out


def serving(data_dir: Path, log: Path, workers: int, cache_mb: int | None) -> tuple[object, list[int]]:
    """`nhskg serve --workers N` with the answer cache set (None: its default)."""
    if cache_mb is None:
        os.environ.pop("NHSKG_ANSWER_CACHE_MB", None)
    else:
        os.environ["NHSKG_ANSWER_CACHE_MB"] = str(cache_mb)  # read by the serve process (cli_env passes the environment on)
    server = start_serve(data_dir, log, "--workers", str(workers), ready_timeout=300)
    pids = process_tree(server.proc.pid)
    return server, pids


# --- the table -----------------------------------------------------------------


def _span(values: Sequence[float], fmt: str) -> str:
    lo, hi = min(values), max(values)
    return format(lo, fmt) if format(lo, fmt) == format(hi, fmt) else f"{format(lo, fmt)}-{format(hi, fmt)}"


def _met(values: Sequence[float], target: float, higher_is_better: bool = True) -> str:
    worst = min(values) if higher_is_better else max(values)
    return "yes" if (worst >= target if higher_is_better else worst <= target) else "NO"


def table(families: Sequence[str], off: list[Pair], on: list[Pair], single: list[Run], p99_target_ms: float) -> list[str]:
    lines = [
        "| family | cache off: req/s | floor req/s | ratio | target | met | cache on, Zipf: req/s | floor req/s | ratio | target | met | 1 client, cache off: p50 / p99 (ms) | p99 target | met |",
        "|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---|---:|---:|---|",
    ]
    for family in families:
        cells = [FAMILY_NAMES.get(family, family)]
        for pairs, target in ((off, TARGET_OFF.get(family, TARGET_OFF_DEFAULT)), (on, TARGET_ON)):
            mine = [p for p in pairs if p.run.family == family]
            if mine:
                ratios = [p.ratio for p in mine]
                cells += [_span([p.run.rate for p in mine], ".0f"), _span([p.floor.rate for p in mine], ".0f"), _span(ratios, ".2f") + ("" if all(p.floor_valid for p in mine) else " (floor not CPU-bound)"), f"{target:.2f}", _met(ratios, target)]
            else:
                cells += ["", "", "", f"{target:.2f}", ""]
        one = [r for r in single if r.family == family]
        if one:
            cells += [f"{one[0].p50_ms:.1f} / {one[0].p99_ms:.1f}", f"{p99_target_ms:g}", _met([one[0].p99_ms], p99_target_ms, higher_is_better=False)]
        else:
            cells += ["", "", ""]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def details(label: str, pairs: list[Pair]) -> list[str]:
    lines = [
        f"| {label}: family | req/s | p50 / p99 (ms) | server CPU ms / request | floor req/s | floor p99 (ms) | floor CPU ms / request | ratio | CPU ratio | machine busy: floor / family | steal | non-200 | 5xx | socket errors | load avg |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for p in pairs:
        r, f = p.run, p.floor
        mark = "" if p.floor_valid else " **floor not CPU-bound**"
        lines.append(
            f"| {r.family} | {r.rate:.0f} | {r.p50_ms:.1f} / {r.p99_ms:.1f} | {r.cpu_ms_per_request:.2f} | {f.rate:.0f} | {f.p99_ms:.1f} | {f.cpu_ms_per_request:.2f} | {p.ratio:.2f} | {p.cpu_ratio:.2f} "
            f"| {f.busy:.0%} / {r.busy:.0%}{mark} | {max(f.steal, r.steal):.0%} | {r.non_200} | {r.server_errors} | {r.socket_errors + f.socket_errors} | {r.load:.2f} |"
        )
    return lines


def section(args: argparse.Namespace, families: Sequence[str], off: list[Pair], on: list[Pair], single: list[Run], repeats: dict[str, float], graph: str, command: str) -> str:
    begin, end = markers(args.section)
    invalid = [p for p in off + on if not p.floor_valid]
    lines = [
        begin,
        f"## Throughput against the floor{f': {args.section}' if args.section else ''}",
        "",
        *([f"**{args.note}**", ""] if args.note else []),
        "Produced by (one run: the floor, then the project with the answer cache off, one client at a time, then with it on):",
        "",
        f"    {command}",
        "",
        f"Graph: {graph}. Both sides {args.workers} workers: the floor is benchmarks/floor_app.py (a bare FastAPI `def` endpoint) under",
        f"uvicorn, the project `nhskg serve`; one load generator, `wrk -t2 -c{args.connections} -d{args.seconds}s` with benchmarks/urls.lua,",
        f"{args.rounds} round(s), each family run right after a floor run. Cache off: NHSKG_ANSWER_CACHE_MB=0, every URL a fresh draw",
        "(benchmarks/workload.py `urls`), so every request is query work. Cache on: "
        + (f"NHSKG_ANSWER_CACHE_MB={args.cache_mb}" if args.cache_mb is not None else "the default answer cache")
        + f", a Zipf-like list (`zipf_urls`, s = {args.zipf}, a pool of {args.pool} URLs from the graph's ids and dates;",
        f"{args.zipf_count} requests a family; share going to its 20 most requested URLs: " + ", ".join(f"{f} {repeats[f]:.0%}" for f in families) + ";",
        "each run starts its walk of the list at a new offset, so a later run does not replay an earlier one's stretch).",
        f"One client: `wrk -t1 -c1 -d{args.single_seconds}s` per family, cache off. Ratios are min-max over the rounds; `met` judges the worst.",
    ]
    if invalid:
        lines += ["", f"**{len(invalid)} floor run(s) left the machine under {FLOOR_BUSY_MIN:.0%} busy: those floors were capped by something other than the server, and the ratios beside them are not valid.**"]
    lines += ["", *table(families, off, on, single, args.single_p99_ms), "", "Every run. Server CPU: what the measured server's processes (workers; for `nhskg serve` also the engine) used per request; "
              "CPU ratio: the floor's CPU per request over the family's, a check on the rate ratio that depends less on what else the machine runs; "
              "machine busy and steal: /proc/stat over the run.", ""]
    lines += [*details("cache off", off), "", *details("cache on, Zipf", on), end]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, help="an ingested data directory (default: a temporary one, ingested)")
    parser.add_argument("--workers", type=int, default=2, help="workers of the floor and of `nhskg serve` alike (default 2)")
    parser.add_argument("--seconds", type=int, default=8, help="each run's duration (bounded)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--single-seconds", type=int, default=5, help="each one-client run's duration")
    parser.add_argument("--single-p99-ms", type=float, default=10.0, help="the one-client p99 target (10 ms on the real graph, 50 at 100k)")
    parser.add_argument("--count", type=int, default=20000, help="URLs per family in the cache-off lists (fresh draws)")
    parser.add_argument("--zipf-count", type=int, default=50000, help="requests per family in the cache-on (Zipf) lists")
    parser.add_argument("--zipf", type=float, default=1.0, help="the cache-on workload's skew s (weight 1 / rank^s)")
    parser.add_argument("--pool", type=int, default=2000, help="distinct URLs in the cache-on workload's pool")
    parser.add_argument("--families", help="comma list (default: " + ",".join([*FAMILIES, "mixed"]) + ")")
    parser.add_argument("--modes", default="off,single,on", help="which parts to run: off, single, on (default all)")
    parser.add_argument("--cache-mb", type=int, help="the answer cache of the cache-on part (default: the server's default)")
    parser.add_argument("--graph", default="real graph (knowledge base + registers)", help="how the table names the graph")
    parser.add_argument("--allow-nagle", action="store_true", help="measure even if uvicorn leaves Nagle on for --workers (see workers_get_nodelay)")
    parser.add_argument("--note", default="")
    parser.add_argument("--write", type=Path)
    parser.add_argument("--section", help="name of the RESULTS.md section to write (default: the main one), e.g. '100k'")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is not installed (Debian: apt-get install wrk)", file=sys.stderr)
        return 2
    uvicorn_version, nodelay = workers_get_nodelay()
    if not nodelay and not args.allow_nagle:
        print(
            f"uvicorn {uvicorn_version} binds the --workers socket without IPPROTO_TCP: connections keep Nagle on and every "
            "keep-alive request waits ~40 ms for a delayed ACK, so floor and project alike are capped near 32 / 0.045 s "
            "(uvicorn issue #3149, fixed in 0.55). Upgrade uvicorn, or pass --allow-nagle to measure anyway.",
            file=sys.stderr,
        )
        return 2
    families = args.families.split(",") if args.families else [*FAMILIES, "mixed"]
    unknown = [f for f in families if f not in FAMILIES and f != "mixed"]
    if unknown:
        print(f"unknown families: {', '.join(unknown)} (known: {', '.join([*FAMILIES, 'mixed'])})", file=sys.stderr)
        return 2
    modes = set(args.modes.split(","))
    off: list[Pair] = []
    on: list[Pair] = []
    single: list[Run] = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        data_dir = args.data_dir or tmp / "data"
        floor = None
        try:
            floor, floor_base = start_floor(args.workers, tmp / "floor.log")
            floor_pids = process_tree(floor.pid)
            floor_file = tmp / "floor.txt"
            floor_file.write_text("/floor\n")
            server, serve_pids = serving(data_dir, tmp / "serve-off.log", args.workers, 0)
            try:
                _, health, _ = get(f"{server.url}/health")
                graph = f"{args.graph}, {health.get('nodes', 0)} nodes, {health.get('relationships', 0)} relationships"
                fresh, skewed, repeats = url_files(data_dir, tmp, families, args.count, args.zipf_count, args.zipf, args.pool)
                warm_up(server.url, fresh)
                if "off" in modes:
                    off = against_floor("cache off", server.url, serve_pids, floor_base, floor_pids, floor_file, fresh, args.rounds, args.seconds, args.connections)
                if "single" in modes:
                    single = single_client(server.url, serve_pids, fresh, args.single_seconds)
            finally:
                server.stop(signal.SIGTERM)
            if "on" in modes:
                server, serve_pids = serving(data_dir, tmp / "serve-on.log", args.workers, args.cache_mb)
                try:
                    warm_up(server.url, skewed)
                    on = against_floor("cache on", server.url, serve_pids, floor_base, floor_pids, floor_file, skewed, args.rounds, args.seconds, args.connections)
                finally:
                    server.stop(signal.SIGTERM)
        finally:
            if floor is not None:
                os.killpg(floor.pid, signal.SIGTERM)
                floor.wait(timeout=20)
    command = ".venv/bin/python -m benchmarks.throughput " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    text = section(args, families, off, on, single, repeats, f"{graph}; uvicorn {uvicorn_version}, TCP_NODELAY on worker connections: {'yes' if nodelay else 'NO (Nagle on: ratios not valid)'}", command)
    print(text)
    if args.write:
        write_section(args.write, text, *markers(args.section))
    return 0


if __name__ == "__main__":
    sys.exit(main())
