"""The load run: many requests while the graph is re-ingested again and
again (two knowledge bases that differ in every name) and the engine is
killed in between. No answer mixes two builds, none is a 404 for an id both
hold or a 5xx other than 503, and none takes longer than the bound.

Slow: it runs for NHSKG_FAULT_LOAD_S seconds (default 60) or until
NHSKG_FAULT_LOAD_REQUESTS requests (default 100,000), whichever comes first.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from faults import cli_env, engine_pids, get
from test_faults_one_build import MARK, _names
from test_faults_server import Lab, lab, template  # noqa: F401  (the shared fixtures)

PATHS = [
    "/entities/org:nhs-england/history",
    "/entities/org:nhs-england",
    "/entities/type:icb/accountability?as_of=2024-01-01",
    "/services/service:urgent-and-emergency-care/commissioners?as_of=2016-06-01",
    "/entities?q=trust&limit=20",
    "/sources",
]
CLIENTS = 8
BOUND_S = 5.0 + 1.0  # the server's bound plus this machine's noise
KILL_EVERY_S = 8.0


@pytest.mark.slow
def test_load_with_reingests_and_engine_kills(lab: Lab) -> None:
    duration = float(os.environ.get("NHSKG_FAULT_LOAD_S", "60"))
    wanted = int(os.environ.get("NHSKG_FAULT_LOAD_REQUESTS", "100000"))
    data_dir = lab.data_dir()
    server = lab.serve(data_dir, "--workers", "2")
    writer = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("fault_writer.py")), str(data_dir)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env={**cli_env(), "PYTHONPATH": str(Path(__file__).parent)},
    )
    stop = threading.Event()
    statuses: Counter[int] = Counter()
    problems: list[str] = []
    slowest = 0.0
    kills = 0
    lock = threading.Lock()

    def client(n: int) -> None:
        nonlocal slowest
        i = n
        while not stop.is_set():
            path = PATHS[i % len(PATHS)]
            i += 1
            started = time.monotonic()
            status, body, _ = get(server.url + path, 30)
            took = time.monotonic() - started
            with lock:
                statuses[status] += 1
                slowest = max(slowest, took)
                if sum(statuses.values()) >= wanted:
                    stop.set()
            if status == 200:
                names = _names(body, [])
                marked = sum(name.endswith(MARK) for name in names)
                if 0 < marked < len(names):
                    problems.append(f"mixed: {path}: {marked} of {len(names)}")
            elif status != 503:
                problems.append(f"{status} on {path}: {body}")
            if took > BOUND_S:
                problems.append(f"{took:.1f}s on {path}")

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    try:
        deadline = time.monotonic() + duration
        next_kill = time.monotonic() + KILL_EVERY_S
        while not stop.is_set() and time.monotonic() < deadline:
            time.sleep(0.2)
            if time.monotonic() >= next_kill:
                for pid in engine_pids(data_dir):
                    os.kill(pid, signal.SIGKILL)
                    kills += 1
                next_kill = time.monotonic() + KILL_EVERY_S
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        writer.send_signal(signal.SIGKILL)
        log = writer.communicate(timeout=30)[0]
    swaps = log.count(" ok")
    print(f"load: {dict(statuses)} requests, {swaps} swaps, {kills} engine kills, slowest {slowest:.2f}s")
    assert not problems, problems[:10]
    assert statuses[200] > 0 and swaps >= 2 and kills >= 1, (statuses, swaps, kills, log[-2000:])
    assert server.stop() == 0
