"""Faults of a running `nhskg serve`, with real processes: the engine killed
under load, stop signals, a crashed server, a second server, a damaged
snapshot. Every wait is bounded; the fixture fails a test that leaves an
engine running, and kills it."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from faults import NHSKG, block_saves, unblock_saves, Server, cli_env, engine_pids, free_port, get, kill_engines, seeded_data_dir, start_serve, wait_until
from fastapi.testclient import TestClient

from nhskg.api.app import create_app
from nhskg.core.errors import EngineUnavailable
from nhskg.core.settings import Settings
from nhskg.graph.falkordb_engine import FalkorDBStore
from nhskg.graph.store import GraphData, NodeRow
from nhskg.ingest.pipeline import ingest
from nhskg.ingest.version import source_version

READ_PATHS = [
    "/health",
    "/entities/org:nhs-england",
    "/entities/type:icb/accountability?as_of=2024-01-01",
    "/services/service:urgent-and-emergency-care/commissioners?as_of=2016-06-01",
]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """An ingested snapshot, made once; each test serves a copy of it."""
    data_dir = tmp_path_factory.mktemp("template") / "data"
    store = FalkorDBStore(data_dir)
    ingest(store)
    store.close()
    yield data_dir


class Lab:
    """Servers and data directories of one test, cleaned up after it."""

    def __init__(self, tmp_path: Path, template: Path) -> None:
        self.tmp_path = tmp_path
        self.template = template
        self.servers: list[Server] = []
        self.data_dirs: list[Path] = []

    def data_dir(self, name: str = "data", seeded: bool = True) -> Path:
        path = self.tmp_path / name
        if seeded:
            seeded_data_dir(self.template, path)
        self.data_dirs.append(path)
        return path

    def serve(self, data_dir: Path, *args: str) -> Server:
        server = start_serve(data_dir, self.tmp_path / f"serve-{len(self.servers)}.log", *args)
        self.servers.append(server)
        return server


@pytest.fixture
def lab(tmp_path: Path, template: Path) -> Iterator[Lab]:
    lab = Lab(tmp_path, template)
    yield lab
    for server in lab.servers:
        if server.proc.poll() is None:
            server.proc.kill()
            server.proc.wait(timeout=10)
    leftovers = {str(d): kill_engines(d) for d in lab.data_dirs}
    leftovers = {d: pids for d, pids in leftovers.items() if pids}
    assert not leftovers, f"engine processes were left running: {leftovers}"


def hammer(url: str, stop: threading.Event, statuses: list[int], deadline: float) -> None:
    i = 0
    while not stop.is_set() and time.monotonic() < deadline:
        statuses.append(get(url + READ_PATHS[i % len(READ_PATHS)], timeout=10)[0])
        i += 1


def test_engine_killed_under_concurrent_reads_gives_only_200_or_503(lab: Lab) -> None:
    server = lab.serve(lab.data_dir())
    before = get(f"{server.url}/health")[1]
    statuses: list[int] = []
    stop = threading.Event()
    deadline = time.monotonic() + 30
    threads = [threading.Thread(target=hammer, args=(server.url, stop, statuses, deadline)) for _ in range(8)]
    for t in threads:
        t.start()
    try:
        killed = []
        for _ in range(2):  # kill it twice, each time with reads in flight before and after
            wait_until(lambda: len(statuses) >= 20 * (len(killed) + 1), 15)
            # With workers the owner restarts the engine on its own round, not
            # inside a read: wait (bounded) until it is back before killing it again.
            wait_until(lambda: len(engine_pids(server.data_dir)) == 1, 15)
            pid = server.engine_pid()
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)
        wait_until(lambda: len(statuses) >= 60, 15)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=20)
    assert not any(t.is_alive() for t in threads)
    assert len(statuses) >= 60
    assert set(statuses) <= {200, 503}, sorted(set(statuses))
    assert get(f"{server.url}/health")[1] == before  # data intact
    assert server.engine_pid() not in killed and server.proc.poll() is None
    # SIGTERM (what systemd and docker send): a clean stop, nothing left.
    assert server.stop(signal.SIGTERM) == 0, server.output()
    assert "stopped on SIGTERM" in server.output() and "Traceback" not in server.output()
    assert engine_pids(server.data_dir) == []


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGHUP])  # SIGTERM: in the test above
def test_stop_signal_saves_and_stops_everything(lab: Lab, sig: signal.Signals) -> None:
    server = lab.serve(lab.data_dir())
    nodes = get(f"{server.url}/health")[1]["nodes"]
    engine = server.engine_pid()
    assert server.stop(sig) == 0, server.output()
    assert f"stopped on {sig.name}" in server.output()
    assert "Traceback" not in server.output()
    assert engine_pids(server.data_dir) == [] and not Path(f"/proc/{engine}").exists()
    store = FalkorDBStore(server.data_dir)  # the saved graph loads
    try:
        assert store.counts().nodes == nodes
    finally:
        store.close()


def test_one_engine_per_directory_a_second_server_is_refused_a_crashed_ones_engine_adopted(lab: Lab) -> None:
    data_dir = lab.data_dir()
    first = lab.serve(data_dir)
    engine = first.engine_pid()
    second = subprocess.run(
        # A port known to be free: the data directory, not the port, must be what refuses it.
        [NHSKG, "--data-dir", str(data_dir), "serve", "--port", str(free_port())],
        capture_output=True, text=True, timeout=30, env=cli_env(),
    )
    assert second.returncode == 2
    lines = second.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("nhskg: error: "), second.stderr
    assert f"already in use by process {first.proc.pid}" in lines[0] and str(data_dir) in lines[0]
    assert get(f"{first.url}/health")[0] == 200 and engine_pids(data_dir) == [engine]

    first.stop(signal.SIGKILL)  # a crash: the engine survives it...
    assert engine_pids(data_dir) == [engine]
    third = lab.serve(data_dir)
    assert third.engine_pid() == engine  # ...is adopted, not duplicated...
    assert get(f"{third.url}/health")[0] == 200
    assert third.stop() == 0
    assert engine_pids(data_dir) == []  # ...and owned: stopped with its new server


def damage(rdb: Path, how: str) -> None:
    good = rdb.read_bytes()
    rdb.write_bytes({"truncated by 10 bytes": good[:-10], "cut in half": good[: len(good) // 2], "random bytes": os.urandom(len(good))}[how])


@pytest.mark.parametrize("how", ["truncated by 10 bytes", "cut in half", "random bytes"])
def test_a_damaged_snapshot_is_a_clear_error_within_10s(lab: Lab, how: str) -> None:
    data_dir = lab.data_dir()
    damage(data_dir / "graph.rdb", how)
    started = time.monotonic()
    with pytest.raises(EngineUnavailable) as failure:
        FalkorDBStore(data_dir)
    assert time.monotonic() - started < 10
    message = str(failure.value)
    assert str(data_dir / "graph.rdb") in message and str(data_dir / "falkordb.log") in message
    assert "nhskg ingest" in message
    assert engine_pids(data_dir) == []  # nothing left spinning


def test_serve_on_a_damaged_snapshot_is_one_line(lab: Lab) -> None:
    data_dir = lab.data_dir()
    damage(data_dir / "graph.rdb", "truncated by 10 bytes")
    result = subprocess.run(
        [NHSKG, "--data-dir", str(data_dir), "serve", "--port", "0"], capture_output=True, text=True, timeout=60, env=cli_env()
    )
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 3 and len(lines) == 1 and lines[0].startswith("nhskg: error: "), result.stderr
    assert str(data_dir / "graph.rdb") in lines[0] and "engine log" in lines[0]
    assert engine_pids(data_dir) == []


def seed_small_graph(data_dir: Path, version: str) -> None:
    store = FalkorDBStore(data_dir)
    try:
        store.replace_graph(
            GraphData([NodeRow("org:old-1", ("Organisation",), {"name": "one"}), NodeRow("org:old-2", ("Organisation",), {"name": "two"})], []),
            version=version,
        )
    finally:
        store.close()


def test_serve_rebuilds_a_graph_built_from_other_data(lab: Lab) -> None:
    data_dir = lab.data_dir(seeded=False)
    seed_small_graph(data_dir, "sha256:older")
    server = lab.serve(data_dir)
    assert "ingesting: the graph was built from sha256:older" in server.output()
    body = get(f"{server.url}/health")[1]
    assert body["nodes"] > 5 and body["version"] == source_version()
    assert server.stop() == 0


def test_an_ingest_whose_save_fails_is_never_seen_by_the_api(lab: Lab, tmp_path: Path) -> None:
    data_dir = lab.data_dir(seeded=False)
    seed_small_graph(data_dir, "v1")
    owner = FalkorDBStore(data_dir)
    try:
        with TestClient(create_app(Settings(data_dir=data_dir), store=owner)) as api:
            assert api.get("/health").json()["nodes"] == 2
            block_saves(owner)  # the engine cannot write its snapshot, even as root
            other = FalkorDBStore(data_dir)  # like `nhskg ingest` beside a running serve
            try:
                assert not other.server.owned
                with pytest.raises(EngineUnavailable, match="could not save.*Is a directory.*previous graph stays live"):
                    ingest(other)
            finally:
                other.close()
            assert api.get("/health").json()["nodes"] == 2  # readers never saw the new graph
        unblock_saves(data_dir)
    finally:
        owner.close()
    again = FalkorDBStore(data_dir)
    try:
        assert again.counts().nodes == 2 and again.counts().version == "v1"  # nor did the disk
    finally:
        again.close()
