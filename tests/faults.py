"""Helpers for the fault tests: real `nhskg` processes on temporary data
directories, every wait bounded, and a check that nothing is left running."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

NHSKG = str(Path(sys.executable).with_name("nhskg"))


def cli_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def engine_pids(data_dir: Path) -> list[int]:
    """Every live FalkorDB engine working in `data_dir` (by /proc, not by ping)."""
    found = []
    target = str(Path(data_dir).resolve())
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            exe = os.path.basename(os.path.realpath(entry / "exe"))
            if exe.startswith("redis-server") and os.path.realpath(entry / "cwd") == target:
                state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
                if state not in ("Z", "X"):
                    found.append(int(entry.name))
        except OSError:
            continue
    return found


def kill_engines(data_dir: Path) -> list[int]:
    """End leftover engines (a test failed part way); return their pids."""
    pids = engine_pids(data_dir)
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return pids


def wait_until(predicate, timeout: float, interval: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def get(url: str, timeout: float = 5) -> tuple[int, dict, dict]:
    """(status, json body, headers); connection failures are status 0."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, json.load(response), dict(response.headers)
    except urllib.error.HTTPError as exc:
        body = exc.read()
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = {"raw": body.decode(errors="replace")}
        return exc.code, parsed, dict(exc.headers)
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return 0, {}, {}


@dataclass
class Server:
    data_dir: Path
    port: int
    proc: subprocess.Popen[str]
    log: Path
    extra: list[subprocess.Popen[str]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def engine_pid(self) -> int:
        pids = engine_pids(self.data_dir)
        assert len(pids) == 1, f"expected one engine in {self.data_dir}, found {pids}"
        return pids[0]

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        return self.proc.wait(timeout=timeout)


def start_serve(data_dir: Path, log: Path, *extra_args: str, ready_timeout: float = 60) -> Server:
    port = free_port()
    handle = open(log, "w")
    proc = subprocess.Popen(
        [NHSKG, "--data-dir", str(data_dir), "serve", "--port", str(port), "--log-level", "warning", *extra_args],
        stdout=handle,
        stderr=subprocess.STDOUT,
        text=True,
        env=cli_env(),
    )
    handle.close()
    server = Server(data_dir, port, proc, log)
    if not wait_until(lambda: proc.poll() is not None or get(f"{server.url}/health/ready", 2)[0] == 200, ready_timeout, 0.1):
        server.stop(signal.SIGKILL)
        raise AssertionError(f"serve did not become ready in {ready_timeout}s:\n{server.output()}")
    assert proc.poll() is None, f"serve exited with {proc.returncode}:\n{server.output()}"
    return server


def seeded_data_dir(template: Path, target: Path) -> Path:
    """A data directory holding a copy of an ingested snapshot (no ingest needed)."""
    target.mkdir(parents=True)
    shutil.copy(template / "graph.rdb", target / "graph.rdb")
    return target


def block_saves(store) -> None:
    """Make the engine's saves fail: a directory takes the snapshot's place,
    and no file can be renamed onto a directory, even by root. The snapshot
    that was there is kept aside; unblock_saves puts it back."""
    rdb = store.server.rdb_path
    if rdb.exists():
        rdb.rename(rdb.with_name("graph.rdb.kept"))
    rdb.mkdir()


def unblock_saves(data_dir: Path) -> None:
    rdb = data_dir / "graph.rdb"
    if rdb.is_dir():
        rdb.rmdir()
    kept = data_dir / "graph.rdb.kept"
    if kept.exists():
        kept.rename(rdb)
