"""Every request ends within a bound: with the engine killed and unable to
restart (its data directory immutable), or hung (SIGSTOP), every one of many
parallel requests gets a 503 with Retry-After within the bound, and
/health/ready says why. A missing graph is a 503 and a log line, never empty
200s. Real `nhskg serve` processes and a real engine; every wait bounded."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from faults import get, wait_until
from nhskg.api.app import create_app
from nhskg.api.bounds import DEADLINE_S
from nhskg.core.settings import Settings
from nhskg.graph.falkordb_engine import FalkorDBStore


# The bound a client sees (the server answers by DEADLINE_S, under 5 s) plus this machine's noise
# (two cores shared by many processes while the suite runs).
CLIENT_BOUND_S = 5.0 + 1.0
PARALLEL = 10
PATHS = ["/entities/org:nhs-england", "/entities/org:nhs-england/history", "/sources"]

from test_faults_server import Lab, lab, template  # noqa: E402,F401  (the shared fixtures)


def _parallel_gets(url: str, n: int = PARALLEL) -> list[tuple[int, dict, dict, float]]:
    def one(i: int) -> tuple[int, dict, dict, float]:
        started = time.monotonic()
        status, body, headers = get(url + PATHS[i % len(PATHS)], timeout=30)
        return status, body, headers, time.monotonic() - started

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(one, range(n)))


@contextlib.contextmanager
def immutable(path: Path) -> Iterator[None]:
    """chattr +i: not even root can create a file in it (a socket, a pid file, a log)."""
    if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not available here")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def _header(headers: dict, name: str) -> str | None:
    return next((v for k, v in headers.items() if k.lower() == name.lower()), None)


def _assert_all_bounded_503(results: list[tuple[int, dict, dict, float]]) -> None:
    statuses = [r[0] for r in results]
    slowest = max(r[3] for r in results)
    assert statuses == [503] * len(results), statuses
    assert all(_header(r[2], "Retry-After") for r in results)
    assert slowest < CLIENT_BOUND_S, f"the slowest of {len(results)} parallel requests took {slowest:.1f}s"
    for _, body, _, _ in results:  # nothing of the server's insides
        detail = str(body)
        assert "/" not in detail.replace("/health", "") and "pid" not in detail and "serve --port" not in detail, detail


def test_an_engine_that_cannot_restart_is_a_503_within_the_bound_for_every_request(lab: Lab) -> None:
    data_dir = lab.data_dir()
    server = lab.serve(data_dir)
    engine = server.engine_pid()
    with immutable(data_dir):
        os.kill(engine, signal.SIGKILL)
        results = _parallel_gets(server.url)
        _assert_all_bounded_503(results)
        # And again: requests arriving while a restart is failing are not queued behind it.
        _assert_all_bounded_503(_parallel_gets(server.url))
        status, body, headers = get(f"{server.url}/health/ready", timeout=CLIENT_BOUND_S)
        assert status == 503 and _header(headers, "Retry-After")
        assert any(why in body["reason"] for why in ("restart", "not answering", "not writable")), body
    # Once the directory can be written again, the engine comes back by itself.
    assert wait_until(lambda: get(f"{server.url}/entities/org:nhs-england", 3)[0] == 200, 30, 0.3), server.output()
    assert server.stop() == 0


def test_a_hung_engine_is_a_503_within_the_bound_for_every_request(lab: Lab) -> None:
    data_dir = lab.data_dir()
    server = lab.serve(data_dir)
    engine = server.engine_pid()
    os.kill(engine, signal.SIGSTOP)
    try:
        _assert_all_bounded_503(_parallel_gets(server.url))
        status, body, _ = get(f"{server.url}/health/ready", timeout=CLIENT_BOUND_S)
        assert status == 503 and body["reason"], body
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(engine, signal.SIGCONT)
    # A hung engine is ended and a new one started (or it answers again when continued).
    assert wait_until(lambda: get(f"{server.url}/entities/org:nhs-england", 3)[0] == 200, 30, 0.3), server.output()
    assert server.stop() == 0


def test_a_missing_graph_is_a_503_and_a_log_line_not_empty_answers(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """An engine with no graph under our name (the snapshot gone, the key
    deleted): every landscape answer is a 503 naming the cause, not a 200
    with nothing in it or a 404."""
    store = FalkorDBStore(tmp_path / "data")
    try:
        settings = Settings(data_dir=tmp_path / "data", answer_cache_mb=0)
        with TestClient(create_app(settings, store=store)) as client, caplog.at_level(logging.ERROR, "nhskg.graph"):
            for path in ("/entities/org:nhs-england", "/entities?q=trust", "/sources", "/changes?from=2013-01-01&to=2014-01-01"):
                response = client.get(path)
                assert response.status_code == 503, (path, response.status_code, response.text)
                assert "no graph is loaded" in response.json()["detail"] and response.headers["Retry-After"]
            ready = client.get("/health/ready")
            assert ready.status_code == 503 and "no graph is loaded" in ready.json()["reason"]
        assert any("no graph is loaded in" in r.getMessage() and "nhskg ingest" in r.getMessage() for r in caplog.records)
    finally:
        store.close()


def test_a_graph_deleted_under_a_running_server_is_a_503(own_graph) -> None:
    store, client = own_graph
    assert client.get("/entities/org:test-body").status_code == 200
    store.conn.delete(store.graph_name)  # the key gone, as after a snapshot that did not hold it
    response = client.get("/entities/org:test-body")
    assert response.status_code == 503 and "no graph is loaded" in response.json()["detail"]
