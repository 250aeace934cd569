"""The scale benchmark: tests/synthetic.py at N organisations through the
normal write path, then the API and two peers over the same data.

    .venv/bin/python -m benchmarks.scale [--organisations 100000] [--workers 2] [--keep DIR] [--write benchmarks/RESULTS.md]

Measures, in one run (with the load average at each step):
- generating the landscape (the real KB plus synthetic bodies: benchmark-only
  work, timed apart), then the pipeline's own last step on it (normalise
  events, derive edges: nhskg.ingest.pipeline.complete_graph) and loading it
  with the engine's replace_graph (GRAPH.BULK into a new graph, then the
  all-or-nothing swap `nhskg ingest` uses), with progress on stderr;
- peak memory: this Python process (ru_maxrss) and the engine (VmHWM);
- a cold `nhskg serve --workers N` on the saved graph to its first answer
  (an accountability question);
- single-client latency (p50/p99 of 200 sequential requests each, random
  bodies/services and dates) of accountability and commissioners over HTTP;
- peers: the same accountability-chain and commissioners questions over the
  same rows, answered by the engine's catalogue query (in process), a SQLite
  recursive CTE (in memory, indexed) and networkx (in memory), same
  parameters, same process, same moment.

The graph is recorded as built from the shipped data's version, so that
`serve` serves it rather than rebuilding from the knowledge base.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import networkx as nx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
from faults import NHSKG, cli_env, free_port, get  # noqa: E402

from synthetic import sizes, synthetic_source  # noqa: E402  (tests/synthetic.py)
from benchmarks.results import write_section  # noqa: E402
from nhskg.core.timescope import Window  # noqa: E402
from nhskg.core.gcpause import gc_paused  # noqa: E402
from nhskg.graph.falkordb_engine import FalkorDBStore  # noqa: E402
from nhskg.graph.store import GraphData  # noqa: E402
from nhskg.ingest.pipeline import complete_graph  # noqa: E402
from nhskg.ingest.version import source_version  # noqa: E402
from nhskg.queries.run import ask  # noqa: E402

BEGIN, END = "<!-- scale benchmark: begin -->", "<!-- scale benchmark: end -->"
BEGINNING, ENDING = "0000-01-01", "9999-12-31"
MAX_HOPS = 8


def load() -> float:
    return os.getloadavg()[0]


def cpu_busy(seconds: float) -> float:
    """The share of the machine's CPU time spent busy over `seconds` (/proc/stat)."""

    def sample() -> tuple[int, int]:
        fields = [int(v) for v in open("/proc/stat").readline().split()[1:]]
        return sum(fields), fields[3] + fields[4]  # all, idle + iowait

    total0, idle0 = sample()
    time.sleep(seconds)
    total1, idle1 = sample()
    return 1 - (idle1 - idle0) / max(total1 - total0, 1)


def settle(urls: list[str], limit_s: float = 180) -> float:
    """Start every worker's background loads (the search directory, the
    commissioning index: each worker reads them on its first need) by
    sending `urls` over several connections, then wait until the machine is
    idle (under 10% busy over a second): the seconds waited."""
    from concurrent.futures import ThreadPoolExecutor

    started = time.perf_counter()
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda url: get(url, 60), urls))
    while time.perf_counter() - started < limit_s and cpu_busy(1.0) > 0.10:
        pass
    return time.perf_counter() - started


def progress_lines(started: float) -> Callable[[int, int], None]:
    """Progress as a line every tenth of the rows (stderr may be a file,
    where `nhskg ingest`'s bar stays silent)."""
    shown = [-1]

    def report(done: int, total: int) -> None:
        tenth = done * 10 // max(total, 1)
        if tenth != shown[0]:
            shown[0] = tenth
            print(f"loading: {done}/{total} rows, {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)

    return report


def vm_hwm_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def get_size(url: str) -> tuple[int, int]:
    import urllib.request

    with urllib.request.urlopen(url, timeout=120) as response:
        return response.status, len(response.read())


def pct(samples: list[float], p: float) -> float:
    s = sorted(samples)
    return s[min(len(s) - 1, max(0, int(round(len(s) * p)) - 1))]


# --- peers -----------------------------------------------------------------------


def _holds(props: dict, day: str) -> bool:
    return (
        (props.get("valid_from") or BEGINNING) <= day < (props.get("valid_to") or ENDING)
        and (props.get("status") or "in_force") == "in_force"
        and not props.get("undated")
    )


def sqlite_db(data: GraphData) -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE node (id TEXT PRIMARY KEY, vf TEXT, vt TEXT, ok INTEGER)")
    db.execute("CREATE TABLE edge (type TEXT, src TEXT, dst TEXT, vf TEXT, vt TEXT, ok INTEGER)")
    ok = lambda p: int((p.get("status") or "in_force") == "in_force" and not p.get("undated"))  # noqa: E731
    db.executemany("INSERT INTO node VALUES (?,?,?,?)", [(n.id, n.props.get("valid_from") or BEGINNING, n.props.get("valid_to") or ENDING, ok(n.props)) for n in data.nodes])
    db.executemany(
        "INSERT INTO edge VALUES (?,?,?,?,?,?)",
        [(r.type, r.from_id, r.to_id, r.props.get("valid_from") or BEGINNING, r.props.get("valid_to") or ENDING, ok(r.props)) for r in data.relationships],
    )
    db.execute("CREATE INDEX edge_src ON edge (type, src)")
    db.execute("CREATE INDEX edge_dst ON edge (type, dst)")
    return db


SQL_CHAINS = """
WITH RECURSIVE chain(id, depth, path) AS (
  SELECT id, 0, '/' || id || '/' FROM node WHERE id = :id AND vf <= :d AND :d < vt AND ok
  UNION ALL
  SELECT e.dst, c.depth + 1, c.path || e.dst || '/'
  FROM chain c JOIN edge e ON e.type = 'ACCOUNTABLE_TO' AND e.src = c.id
  JOIN node n ON n.id = e.dst
  WHERE c.depth < :hops AND e.vf <= :d AND :d < e.vt AND e.ok AND n.vf <= :d AND :d < n.vt AND n.ok
    AND instr(c.path, '/' || e.dst || '/') = 0
)
SELECT path FROM chain c
WHERE c.depth > 0 AND NOT EXISTS (
  SELECT 1 FROM edge u JOIN node a ON a.id = u.dst
  WHERE u.type = 'ACCOUNTABLE_TO' AND u.src = c.id AND u.vf <= :d AND :d < u.vt AND u.ok AND a.vf <= :d AND :d < a.vt AND a.ok)
ORDER BY c.depth, c.id
"""

SQL_COMMISSIONERS = """
SELECT c.id FROM edge e JOIN node c ON c.id = e.src
WHERE e.type = 'COMMISSIONS' AND e.dst = :svc AND e.vf <= :d AND :d < e.vt AND e.ok AND c.vf <= :d AND :d < c.vt AND c.ok
ORDER BY c.id
"""


def networkx_graph(data: GraphData) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    for n in data.nodes:
        g.add_node(n.id, **n.props)
    for r in data.relationships:
        g.add_edge(r.from_id, r.to_id, key=r.id, type=r.type, **r.props)
    return g


def nx_chains(g: nx.MultiDiGraph, start: str, day: str) -> list[list[str]]:
    if start not in g or not _holds(g.nodes[start], day):
        return []

    def up(node: str) -> list[str]:
        return [b for _, b, d in g.out_edges(node, data=True) if d["type"] == "ACCOUNTABLE_TO" and _holds(d, day) and _holds(g.nodes[b], day)]

    out, stack = [], [[start]]
    while stack:
        path = stack.pop()
        nxt = [b for b in up(path[-1]) if b not in path] if len(path) <= MAX_HOPS else []
        if len(path) > 1 and not up(path[-1]):
            out.append(path)
        stack.extend(path + [b] for b in nxt)
    return out


def nx_commissioners(g: nx.MultiDiGraph, svc: str, day: str) -> list[str]:
    return sorted({a for a, _, d in g.in_edges(svc, data=True) if d["type"] == "COMMISSIONS" and _holds(d, day) and _holds(g.nodes[a], day)})


def time_each(fn: Callable[[str, str], object], cases: list[tuple[str, str]], budget_s: float = 60.0) -> list[float]:
    """Milliseconds per case, in order; stops after budget_s (the note says how many ran)."""
    out = []
    deadline = time.perf_counter() + budget_s
    for a, day in cases:
        if time.perf_counter() > deadline:
            break
        started = time.perf_counter()
        fn(a, day)
        out.append((time.perf_counter() - started) * 1000)
    return out


# --- main ------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--organisations", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--keep", type=Path, help="use (and keep) this data directory")
    parser.add_argument("--write", type=Path)
    args = parser.parse_args()
    rows: list[tuple[str, str, str]] = []
    rng = random.Random(5)
    tmp = tempfile.TemporaryDirectory()
    data_dir = args.keep or Path(tmp.name) / "data"

    la = load()
    started = time.perf_counter()
    with gc_paused():
        data = synthetic_source(args.organisations)
    gen_s = time.perf_counter() - started
    rows.append(("generate the synthetic source rows (benchmark only, not ingest)", f"{gen_s:.1f} s", f"{len(data.nodes)} nodes, {len(data.relationships)} relationships before deriving; load {la:.2f}"))

    store = FalkorDBStore(data_dir)
    la = load()
    started = time.perf_counter()
    with gc_paused():  # as nhskg.ingest.pipeline.ingest runs it
        complete_graph(data)
        derive_s = time.perf_counter() - started
        store.replace_graph(data, progress_lines(started), version=source_version())
    ingest_s = time.perf_counter() - started
    size = sizes(data, args.organisations)
    rows.append(("ingest: normalise + derive (complete_graph)", f"{derive_s:.1f} s", f"{size.nodes} nodes, {size.relationships} relationships ({size.derived} derived); load {la:.2f}"))
    engine_mb = vm_hwm_mb(store.server.pid) if store.server.pid else 0.0
    counts = store.counts()
    rows.append(("ingest: replace_graph (GRAPH.BULK into a new graph, indexes, save, swap, save)", f"{ingest_s - derive_s:.1f} s", f"{counts.nodes} nodes, {counts.relationships} relationships live"))
    rows.append(("ingest total (normalise + derive + replace_graph)", f"{ingest_s:.1f} s", "target 30 s"))
    python_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows.append(("peak memory: Python process", f"{python_mb:.0f} MB", "ru_maxrss; target (with the engine) 2 GB"))
    rows.append(("peak memory: engine", f"{engine_mb:.0f} MB", "VmHWM of redis-server + FalkorDB"))

    ids = [n.id for n in data.nodes if n.id.startswith("org:syn-")]
    services = [n.id for n in data.nodes if "Service" in n.labels]
    day = lambda: f"{rng.randint(1995, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"  # noqa: E731
    acc_cases = [(rng.choice(ids), day()) for _ in range(args.requests)]
    com_cases = [(rng.choice(services), day()) for _ in range(args.requests)]

    # Peers, in this process, before the store closes.
    la = load()
    engine_acc = time_each(lambda i, d: ask(store, "accountability_chains", Window.on(d), id=i), acc_cases[:50])
    engine_com = time_each(lambda s, d: ask(store, "service_commissioners", Window.on(d), ids=[s]), com_cases[:50])
    store.close()
    db = sqlite_db(data)
    g = networkx_graph(data)
    del data
    sql_acc = time_each(lambda i, d: db.execute(SQL_CHAINS, {"id": i, "d": d, "hops": MAX_HOPS}).fetchall(), acc_cases)
    sql_com = time_each(lambda s, d: db.execute(SQL_COMMISSIONERS, {"svc": s, "d": d}).fetchall(), com_cases)
    nx_acc = time_each(lambda i, d: nx_chains(g, i, d), acc_cases)
    nx_com = time_each(lambda s, d: nx_commissioners(g, s, d), com_cases)
    agree = sum(len(nx_chains(g, i, d)) == len(db.execute(SQL_CHAINS, {"id": i, "d": d, "hops": MAX_HOPS}).fetchall()) for i, d in acc_cases[:50])
    del g, db

    # A cold serve on the saved graph, to its first answer.
    port = free_port()
    log = open(Path(tmp.name) / "serve.log", "w")
    first = f"http://127.0.0.1:{port}/entities/{acc_cases[0][0]}/accountability?as_of={acc_cases[0][1]}"
    la = load()
    started = time.perf_counter()
    proc = subprocess.Popen([NHSKG, "--data-dir", str(data_dir), "serve", "--port", str(port), "--workers", str(args.workers), "--log-level", "warning"], stdout=log, stderr=subprocess.STDOUT, env=cli_env())
    try:
        deadline = started + 120
        while time.perf_counter() < deadline and get(first, 5)[0] != 200:
            time.sleep(0.02)
        cold_s = time.perf_counter() - started
        rows.append((f"cold `nhskg serve --workers {args.workers}` to the first answer", f"{cold_s:.2f} s", f"target 5 s; load {la:.2f}"))
        base = f"http://127.0.0.1:{port}"
        single = (
            ("accountability", acc_cases, lambda a, d: f"{base}/entities/{a}/accountability?as_of={d}"),
            # include_parts=false: the direct question the peers answer too.
            ("commissioners", com_cases, lambda s, d: f"{base}/services/{s}/commissioners?as_of={d}&include_parts=false"),
        )
        # Right after the cold start each worker reads what it keeps of the
        # build (the commissioning index, the search directory) in the
        # background on its first need, and the engine answers meanwhile:
        # the first requests meet that. Then again once the loads are done.
        for when in ("right after the cold start", "settled"):
            if when == "settled":
                # Other dates than those timed: no timed answer is a replay.
                waited = settle([url(a, "2000-02-29") for _, cases, url in single for a, _ in cases[:40]])
                note = f"after {waited:.0f} s for each worker's background loads (the machine idle again)"
            else:
                note = "while each worker reads its per-build memory in the background"
            for name, cases, url in single:
                la = load()
                samples = time_each(lambda a, d: get(url(a, d), 10), cases)
                rows.append((f"single client HTTP {name}, {when}", f"p50 {pct(samples, 0.5):.1f} ms, p99 {pct(samples, 0.99):.1f} ms", f"target p99 50 ms; {len(samples)} sequential requests, {note}; load {la:.2f}"))
        root = services and sorted(s for s in services if s.startswith("service:syn-"))[:1]
        if root:
            started = time.perf_counter()
            status, body_size = get_size(f"{base}/services/{root[0]}/commissioners?as_of=2015-01-01")
            rows.append((f"HTTP commissioners of a synthetic root service, parts included (the default)", f"{(time.perf_counter() - started):.1f} s, {body_size / 1e6:.1f} MB", f"status {status}; one request: the answer lists every commissioner of every part"))
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
        log.close()

    rows.append(("peer: engine catalogue query, accountability chains (in process)", f"p50 {pct(engine_acc, 0.5):.2f} ms, p99 {pct(engine_acc, 0.99):.2f} ms", "50 cases"))
    rows.append(("peer: SQLite recursive CTE, accountability chains", f"p50 {pct(sql_acc, 0.5):.2f} ms, p99 {pct(sql_acc, 0.99):.2f} ms", f"{len(sql_acc)} cases; chain counts agree with networkx in {agree}/50"))
    rows.append(("peer: networkx, accountability chains", f"p50 {pct(nx_acc, 0.5):.2f} ms, p99 {pct(nx_acc, 0.99):.2f} ms", f"{len(nx_acc)} cases"))
    rows.append(("peer: engine catalogue query, commissioners (in process)", f"p50 {pct(engine_com, 0.5):.2f} ms, p99 {pct(engine_com, 0.99):.2f} ms", f"{len(engine_com)} cases"))
    rows.append(("peer: SQLite, commissioners of a service", f"p50 {pct(sql_com, 0.5):.2f} ms, p99 {pct(sql_com, 0.99):.2f} ms", f"{len(com_cases)} cases"))
    rows.append(("peer: networkx, commissioners of a service", f"p50 {pct(nx_com, 0.5):.2f} ms, p99 {pct(nx_com, 0.99):.2f} ms", f"{len(nx_com)} cases"))

    text = "\n".join([
        BEGIN,
        f"## Scale: {args.organisations:,} synthetic organisations",
        "",
        "Produced by:",
        "",
        f"    .venv/bin/python -m benchmarks.scale --organisations {args.organisations} --workers {args.workers} --write benchmarks/RESULTS.md",
        "",
        "| measurement | result | note |",
        "|---|---|---|",
        *(f"| {a} | {b} | {c} |" for a, b, c in rows),
        END,
    ])
    print(text)
    if args.write:
        write_section(args.write, text, BEGIN, END)
    if not args.keep:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
