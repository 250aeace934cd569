"""The `nhskg` console command, run as a real subprocess."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from faults import kill_engines
from nhskg.ingest.kb import load_knowledge_base

NHSKG = str(Path(sys.executable).with_name("nhskg"))


def run(*args: str, data_dir: Path | None = None, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    command = [NHSKG, *(["--data-dir", str(data_dir)] if data_dir else []), *args]
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    full_env.update(env or {})
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=full_env)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def assert_one_line_error(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("nhskg: error: ")
    for needle in needles:
        assert needle in lines[0]


def test_ingest_then_status(tmp_path: Path) -> None:
    result = run("ingest", data_dir=tmp_path / "data")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ingested ") and "into falkordb in " in result.stdout
    nodes = int(result.stdout.split()[1])
    assert nodes > 5

    status = run("status", data_dir=tmp_path / "data")
    assert status.returncode == 0, status.stderr
    assert "engine: falkordb" in status.stdout
    assert f"nodes: {nodes}" in status.stdout
    from nhskg.ingest.registers.files import CATALOGUE
    from nhskg.ingest.registers.money import MONEY_FILES

    sources = len(load_knowledge_base().sources) + len(CATALOGUE) + len(MONEY_FILES)  # KB sources + one per register and money file
    assert f"  Source: {sources}\n" in status.stdout  # counts by label


def test_ingest_twice_gives_the_same_graph(tmp_path: Path) -> None:
    first = run("ingest", data_dir=tmp_path / "data")
    second = run("ingest", data_dir=tmp_path / "data")
    assert first.returncode == second.returncode == 0
    assert first.stdout.split(" into ")[0] == second.stdout.split(" into ")[0]
    assert run("status", data_dir=tmp_path / "data").stdout.count("\n") > 5


def test_bad_knowledge_base_is_refused_and_the_graph_stays(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    assert run("ingest", data_dir=data_dir).returncode == 0
    before = run("status", data_dir=data_dir).stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "relations:\n"
        "  - type: ACCOUNTABLE_TO\n"
        "    from: org:no-such-body\n"
        "    to: org:nhs-england\n"
        "    evidence:\n"
        "      - source: source:kingsfund-2023\n"
        "        quote: \"this sentence is not in the document\"\n"
    )
    result = run("ingest", "--add-kb", str(bad), data_dir=data_dir)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "nothing was loaded" in result.stderr
    assert "bad.yaml:2" in result.stderr and "unknown id org:no-such-body" in result.stderr
    assert "quote not found in source:kingsfund-2023" in result.stderr
    assert run("status", data_dir=data_dir).stdout == before


def test_serve_ingests_an_empty_graph_and_answers_health(tmp_path: Path) -> None:
    port = free_port()
    proc = subprocess.Popen(
        [NHSKG, "--data-dir", str(tmp_path / "data"), "serve", "--port", str(port), "--log-level", "warning"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")},
    )
    try:
        body = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as response:
                    body = json.load(response)
                    break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        assert body is not None, proc.stderr.read() if proc.poll() is not None else "no answer from /health"
        assert body["status"] == "ok" and body["engine"] == "falkordb"
        assert body["nodes"] > 5 and body["relationships"] > 0
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/openapi.json", timeout=5) as response:
            assert json.load(response)["info"]["title"]
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
    assert proc.returncode == 0
    # Stopping the server saved the graph: status finds it without ingesting.
    assert f"nodes: {body['nodes']}" in run("status", data_dir=tmp_path / "data").stdout


def test_unwritable_data_dir(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    assert_one_line_error(run("ingest", data_dir=blocker / "data"), "not writable", str(blocker))


def test_port_in_use(tmp_path: Path) -> None:
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        result = run("serve", "--port", str(port), data_dir=tmp_path / "data")
    assert_one_line_error(result, f"port {port}", "in use")


def test_neo4j_unreachable() -> None:
    result = run("status", env={"NEO4J_URI": "bolt://127.0.0.1:1", "NEO4J_PASSWORD": "x"}, timeout=60)
    assert_one_line_error(result, "Neo4j at bolt://127.0.0.1:1", "unreachable")
    assert result.returncode == 3


def test_neo4j_uri_with_a_wrong_scheme() -> None:
    result = run("status", env={"NEO4J_URI": "http://localhost:7474"})
    assert_one_line_error(result, "NEO4J_URI 'http://localhost:7474' is not a Neo4j URI", "bolt")


@pytest.mark.parametrize("argv", [["frobnicate"], ["serve", "--port", "not-a-number"]])
def test_bad_arguments_are_usage_errors(argv: list[str]) -> None:
    result = run(*argv)
    assert result.returncode == 2
    assert "usage: nhskg" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("lock", ["write.lock", "falkordb.lock", "falkordb.owner"])
def test_a_lock_path_that_is_a_directory_is_one_line(tmp_path: Path, lock: str) -> None:
    data_dir = tmp_path / "data"
    (data_dir / lock).mkdir(parents=True)
    result = run("ingest", data_dir=data_dir)
    assert_one_line_error(result, "cannot open the lock file", str(data_dir / lock), "Is a directory")
    assert kill_engines(data_dir) == []  # no engine left behind in that directory


def test_a_closed_output_pipe_is_one_line(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [NHSKG, "--data-dir", str(tmp_path / "data"), "status"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")},
    )
    proc.stdout.close()  # like `nhskg status | head -0`: the reader is gone before we write
    stderr = proc.stderr.read()
    proc.wait(timeout=60)
    result = subprocess.CompletedProcess(proc.args, proc.returncode, "", stderr)
    assert_one_line_error(result, "broken pipe")


def test_status_shows_the_graph_version(tmp_path: Path) -> None:
    from nhskg.ingest.version import source_version

    status = run("status", data_dir=tmp_path / "data")
    assert status.returncode == 0 and "graph version: none recorded (stale" in status.stdout
    assert run("ingest", data_dir=tmp_path / "data").returncode == 0
    assert f"graph version: {source_version()} (current)" in run("status", data_dir=tmp_path / "data").stdout
