"""`nhskg serve --workers N`: real processes. The serving process owns the
engine and supervises N worker processes that attach to it as readers; a
dead engine is restarted; a stop signal stops the workers, then saves and
stops the engine; a killed `serve` takes its workers with it. Every wait is
bounded and everything started is cleaned up."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from faults import NHSKG, Server, cli_env, engine_pids, get, kill_engines, seeded_data_dir, start_serve, wait_until
from nhskg.graph.falkordb_engine import FalkorDBStore
from nhskg.ingest.pipeline import ingest

import subprocess


def children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def workers_of(server: Server) -> list[int]:
    """The serve's uvicorn workers: python children that are not the engine
    or multiprocessing's resource tracker."""
    out = []
    for pid in children(server.proc.pid):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if "spawn_main" in cmdline:
            out.append(pid)
    return out


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("template") / "data"
    store = FalkorDBStore(data_dir)
    ingest(store)
    store.close()
    return data_dir


@pytest.fixture
def served(tmp_path: Path, template: Path) -> Iterator[tuple[Server, list[int]]]:
    data_dir = seeded_data_dir(template, tmp_path / "data")
    server = start_serve(data_dir, tmp_path / "serve.log", "--workers", "2")
    workers: list[int] = []
    assert wait_until(lambda: len(workers_of(server)) == 2, 20), server.output()
    workers.extend(workers_of(server))
    try:
        yield server, workers
    finally:
        still_running = server.proc.poll() is None
        if still_running:
            assert server.stop(signal.SIGTERM) == 0, server.output()
        for pid in workers:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        left = kill_engines(data_dir)
        if still_running:
            assert left == [], "a stopped serve left its engine running"


def test_two_workers_answer_and_share_the_one_engine(served: tuple[Server, list[int]]) -> None:
    server, workers = served
    assert "with 2 worker(s)" in server.output()
    statuses = [get(f"{server.url}/entities/type:icb/accountability?as_of=2024-01-01")[0] for _ in range(20)]
    assert statuses == [200] * 20
    assert len(engine_pids(server.data_dir)) == 1  # the workers started no engine of their own
    assert set(workers) == set(workers_of(server))  # none died


def test_the_workers_gate_is_not_in_the_data_directory(served: tuple[Server, list[int]]) -> None:
    """The gate the workers wait at is a private temporary file: the data
    directory exists only for the embedded engine, so on Neo4j a gate there
    could never be made and `serve --workers 2` hung (review C.6)."""
    server, workers = served
    gates = set()
    for pid in workers:
        environ = dict(item.split("=", 1) for item in Path(f"/proc/{pid}/environ").read_bytes().decode(errors="replace").split("\0") if "=" in item)
        gates.add(Path(environ["NHSKG_SERVE_GATE"]))
    assert gates and all(server.data_dir not in g.parents for g in gates)
    assert not list(Path(server.data_dir).glob("serve-*.ready"))


def test_the_owner_restarts_a_dead_engine(served: tuple[Server, list[int]]) -> None:
    server, _ = served
    before = get(f"{server.url}/health")[1]
    old = server.engine_pid()
    os.kill(old, signal.SIGKILL)
    # No request is needed to notice: the supervising owner checks the engine.
    assert wait_until(lambda: engine_pids(server.data_dir) not in ([], [old]), 15), server.output()
    assert wait_until(lambda: get(f"{server.url}/health")[0] == 200, 15)
    assert get(f"{server.url}/health")[1] == before


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_a_stop_signal_stops_workers_and_engine(served: tuple[Server, list[int]], sig: signal.Signals) -> None:
    server, workers = served
    assert server.stop(sig) == 0, server.output()
    assert f"stopped on {sig.name}" in server.output() and "Traceback" not in server.output()
    assert engine_pids(server.data_dir) == []
    assert not any(alive(pid) for pid in workers)


def test_a_killed_serve_takes_its_workers_with_it(served: tuple[Server, list[int]]) -> None:
    server, workers = served
    server.stop(signal.SIGKILL)
    assert wait_until(lambda: not any(alive(pid) for pid in workers), 15), workers
    # The engine survives (as with one process) and the next serve adopts it.


def test_workers_must_be_a_positive_number(tmp_path: Path) -> None:
    proc = subprocess.run([NHSKG, "--data-dir", str(tmp_path / "d"), "serve", "--workers", "0"], capture_output=True, text=True, env=cli_env(), timeout=60)
    assert proc.returncode == 2
    assert "--workers" in proc.stderr and "Traceback" not in proc.stderr
