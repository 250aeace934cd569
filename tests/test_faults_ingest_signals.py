"""`nhskg ingest` tells the truth under signals and a full disk: whenever a
SIGTERM, SIGINT or SIGKILL arrives, what it said (exit status and its one
line) matches what a restarted engine serves; the graph served is the old
one or the new one, whole. A full disk (a small tmpfs) is named as one.
Real processes, real engine; every wait bounded."""

from __future__ import annotations

import contextlib
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from faults import NHSKG, cli_env, kill_engines, wait_until
from nhskg.graph.falkordb_engine import FalkorDBStore
from nhskg.graph.store import GraphData, NodeRow
from nhskg.ingest.version import source_version

OLD_VERSION = "test:old"


@dataclass
class Outcome:
    code: int
    stdout: str
    stderr: str
    version: str | None
    nodes: int
    elapsed: float


@pytest.fixture(scope="module")
def old_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory holding a small "old" graph (engine stopped)."""
    path = tmp_path_factory.mktemp("old") / "data"
    store = FalkorDBStore(path)
    store.replace_graph(GraphData([NodeRow("org:old", ("Organisation",), {"name": "Old"})], []), version=OLD_VERSION)
    store.close()
    return path


def served(data_dir: Path) -> tuple[str | None, int]:
    """What a fresh start of the engine serves: (version, node count)."""
    store = FalkorDBStore(data_dir)
    try:
        counts = store.counts()
        return counts.version, counts.nodes
    finally:
        store.close()


def run_ingest(data_dir: Path, sig: int | None = None, after_s: float = 0.0) -> Outcome:
    started = time.monotonic()
    proc = subprocess.Popen([NHSKG, "--data-dir", str(data_dir), "ingest"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=cli_env())
    try:
        if sig is not None:
            time.sleep(after_s)
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(sig)
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
    elapsed = time.monotonic() - started
    version, nodes = served(data_dir)
    assert kill_engines(data_dir) == [], "an engine was left running"
    return Outcome(proc.returncode, out, err, version, nodes, elapsed)


@pytest.fixture(scope="module")
def full_run(old_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[float, Outcome]:
    """An uninterrupted ingest over the old graph: how long it takes, what it leaves."""
    data_dir = tmp_path_factory.mktemp("full") / "data"
    shutil.copytree(old_dir, data_dir)
    outcome = run_ingest(data_dir)
    assert outcome.code == 0 and outcome.version == source_version(), outcome
    return outcome.elapsed, outcome


def check_truth(outcome: Outcome, full: Outcome, sig: int) -> None:
    """What ingest said is what is served; the graph served is whole."""
    if outcome.version == OLD_VERSION:
        assert outcome.nodes == 1
    else:
        assert outcome.version == full.version and outcome.nodes == full.nodes, outcome
    if sig == signal.SIGKILL:
        return  # it could say nothing; the graph is one of the two, whole (above)
    if outcome.code == -sig:  # killed by it before its handlers were set (the interpreter starting): nothing done
        assert outcome.version == OLD_VERSION and outcome.stderr == "", outcome
        return
    said = [ln for ln in outcome.stderr.splitlines() if ln.startswith("nhskg:")]
    if not said:  # it ended before the signal: its summary said so
        assert outcome.code == 0 and "nodes" in outcome.stdout, outcome
    assert len(said) <= 1, outcome.stderr
    assert "Traceback" not in outcome.stderr and "Exception ignored" not in outcome.stderr, outcome.stderr
    if outcome.code == 0:
        assert outcome.version == full.version, outcome
        if "stopped by" in outcome.stderr or "came during" in outcome.stderr:
            assert "the new graph is live" in outcome.stderr
    else:
        assert outcome.code == 128 + sig, outcome
        assert outcome.version == OLD_VERSION, outcome
        assert f"stopped by {signal.Signals(sig).name}" in outcome.stderr and "previous graph stays live" in outcome.stderr, outcome.stderr


def _interrupt(old_dir: Path, tmp_path: Path, full_run: tuple[float, Outcome], sig: int, fraction: float) -> Outcome:
    data_dir = tmp_path / "data"
    shutil.copytree(old_dir, data_dir)
    duration, full = full_run
    outcome = run_ingest(data_dir, sig, duration * fraction)
    check_truth(outcome, full, sig)
    return outcome


@pytest.mark.parametrize(("sig", "fraction"), [(signal.SIGTERM, 0.5), (signal.SIGKILL, 0.8)])
def test_a_signal_during_ingest_leaves_the_old_or_the_new_graph_and_says_which(old_dir, tmp_path, full_run, sig, fraction) -> None:
    _interrupt(old_dir, tmp_path, full_run, sig, fraction)


@pytest.mark.slow
@pytest.mark.parametrize("fraction", [0.2, 0.4, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0])
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL])
def test_signals_at_every_step_of_ingest(old_dir, tmp_path, full_run, sig, fraction) -> None:
    """The sweep: each signal at points through the whole ingest (compile,
    load, save, swap, second save); slow, so marked."""
    _interrupt(old_dir, tmp_path, full_run, sig, fraction)


@contextlib.contextmanager
def small_tmpfs(path: Path, size: str) -> Iterator[Path]:
    path.mkdir(parents=True)
    if subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        yield path
    finally:
        kill_engines(path / "data")
        wait_until(lambda: subprocess.run(["umount", str(path)], capture_output=True).returncode == 0, 10, 0.2)


def test_a_full_disk_is_named_as_one_and_changes_nothing(old_dir: Path, tmp_path: Path) -> None:
    """The old graph fits; the full knowledge base's snapshot does not."""
    with small_tmpfs(tmp_path / "small", "600k") as mount:
        data_dir = mount / "data"
        shutil.copytree(old_dir, data_dir)
        proc = subprocess.run([NHSKG, "--data-dir", str(data_dir), "ingest"], capture_output=True, text=True, env=cli_env(), timeout=120)
        assert proc.returncode != 0
        assert f"no space left on device ({data_dir})" in proc.stderr, proc.stderr
        assert "nothing was changed" in proc.stderr and "overcommit" not in proc.stderr, proc.stderr
        assert served(data_dir) == (OLD_VERSION, 1)
        assert kill_engines(data_dir) == []
