"""uvicorn as `nhskg serve` runs it: stop signals end it gracefully, and the
caller, not a re-raised signal, decides what happens after (save and stop
the engine, exit 0).

With one worker the app runs in the process that owns the engine. With
several (`--workers N`), that process supervises N uvicorn worker processes
sharing one listening socket: it owns the engine (restarts it if it dies,
saves and stops it at the end) and serves nothing itself; each worker
attaches to the engine as a reader.

The workers are started first, and the owner prepares the engine (start it,
load its snapshot, ingest if the graph is missing or stale) while they import
the app: each is a fresh interpreter that needs seconds for that, which at
100,000 organisations doubled the cold start when it came after the engine's
load. A worker then waits at a gate (a file the owner creates once the graph
is ready) before it serves, so nothing is answered from a graph that is about
to be replaced."""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import shutil
import tempfile
import signal
import socket
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import FrameType
from typing import Any

import uvicorn
from uvicorn.supervisors import Multiprocess

logger = logging.getLogger("uvicorn.error")

# Requests in flight get this long to finish on shutdown; then connections close.
GRACEFUL_SHUTDOWN_S = 10


def server_config(app: Any, host: str, port: int, log_level: str) -> uvicorn.Config:
    return uvicorn.Config(app, host=host, port=port, log_level=log_level, access_log=access_log(log_level), timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S)


def access_log(log_level: str) -> bool:
    """uvicorn's access log only at info or debug: it logs at info, and with
    the log on, every response formats its line's arguments (the client
    address, the quoted path) even when the level then drops it."""
    return log_level in ("info", "debug", "trace")


class GracefulServer(uvicorn.Server):
    """uvicorn.Server that stops gracefully on every signal in `signals`
    (uvicorn alone handles SIGINT and SIGTERM, not SIGHUP) and does NOT
    re-raise the signal once shut down, as uvicorn does: that would kill the
    process before `serve` saves and stops the engine it owns."""

    def __init__(self, config: uvicorn.Config, signals: Sequence[int]) -> None:
        super().__init__(config)
        self.signals = tuple(signals)
        self.stop_signal: int | None = None

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        originals = {sig: signal.signal(sig, self.handle_exit) for sig in self.signals}
        try:
            yield
        finally:
            for sig, handler in originals.items():
                signal.signal(sig, handler)

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if self.stop_signal is None:
            self.stop_signal = sig
        super().handle_exit(sig, frame)


# --- several worker processes ---------------------------------------------------

# The supervisor checks that the engine answers (and restarts it if not) on
# each of its rounds (every 0.5 s): with workers, the owner serves no
# requests, so no failed read would notice.
_PR_SET_PDEATHSIG = 1
_PARENT_ENV = "NHSKG_SERVE_PID"
_GATE_ENV = "NHSKG_SERVE_GATE"
_GATE_POLL_S = 0.02
# A worker stopped before it serves leaves at once; past this it is killed.
WORKER_EXIT_S = 5.0


def default_workers() -> int:
    """The number of cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def worker_app() -> Any:
    """The app factory each worker process imports (uvicorn needs an import
    string to start workers). The worker opens the store lazily and shares
    the engine the parent `serve` owns: it never starts or stops it while the
    owner lives (see nhskg.graph.falkordb_server)."""
    # uvicorn already holds stop signals for a graceful shutdown, which cannot
    # begin before the app exists: until then (importing it, waiting at the
    # gate) a stop signal (the owner failed to prepare the graph, or is
    # stopping) makes the worker just leave.
    previous = {sig: signal.signal(sig, _leave) for sig in STOP_SIGNALS_ALL}
    try:
        from nhskg.api.app import create_app
        from nhskg.core.settings import Settings

        _die_with_parent()
        _await_gate()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return create_app(Settings.from_env())


def _await_gate() -> None:
    """Wait until the owner has the graph ready (see the module docstring).
    The owner's death ends this process (_die_with_parent), so no timeout."""
    gate = os.environ.get(_GATE_ENV)
    while gate and not os.path.exists(gate):
        time.sleep(_GATE_POLL_S)


def _leave(signum: int, frame: FrameType | None) -> None:
    os._exit(0)


def _die_with_parent() -> None:
    """A worker must not outlive the `serve` that owns the engine (killed with
    SIGKILL, it cannot stop its workers): ask Linux to send us SIGTERM when it
    dies, and check it has not died already."""
    parent = int(os.environ.get(_PARENT_ENV, "0"))
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if parent and os.getppid() != parent:
        os.kill(os.getpid(), signal.SIGTERM)


# What the owner does while the workers start: get the graph ready; returns
# the watchdog to run between health checks (or None).
Prepare = Callable[[], "Callable[[], None] | None"]


class WorkerSupervisor(Multiprocess):
    """uvicorn's worker supervisor, run by the process that owns the engine.

    Differences from uvicorn's: every stop signal in `signals` stops it (uvicorn
    restarts the workers on SIGHUP; `nhskg serve` stops on it, as with one
    process, and a signal it was started ignoring stays ignored), it records
    which signal stopped it, it runs `prepare` once the workers are starting
    and then opens their gate, and between health checks it runs the
    watchdog `prepare` returned (restart the engine if it died)."""

    def __init__(self, config: uvicorn.Config, sockets: list[socket.socket], signals: Sequence[int], prepare: Prepare, gate: Path) -> None:
        # The handlers before ours (`nhskg serve`'s: a stop signal ends the
        # command), for the time `prepare` runs.
        self.outer_handlers = {sig: signal.getsignal(sig) for sig in STOP_SIGNALS_ALL}
        super().__init__(config, sockets)
        self.signals = tuple(signals)
        for sig in STOP_SIGNALS_ALL:
            if sig not in self.signals:
                signal.signal(sig, signal.SIG_IGN)
        self.stop_signal: int | None = None
        self.prepare = prepare
        self.gate = gate
        self.watchdog: Callable[[], None] | None = None

    def init_processes(self) -> None:
        try:
            super().init_processes()
            self._prepare()
        finally:
            _quiet_supervisor(False)
        self.gate.touch()

    def _prepare(self) -> None:
        # While the graph is prepared (an ingest may take a while), a stop
        # signal ends `serve` as it did before the workers existed.
        ours = {sig: signal.getsignal(sig) for sig in self.signals}
        try:
            for sig in self.signals:
                signal.signal(sig, self.outer_handlers[sig])
            self.watchdog = self.prepare()
        except BaseException:
            self.should_exit.set()
            self.terminate_all()
            for process in self.processes:  # they leave at once (worker_app); never wait forever
                process.process.join(timeout=WORKER_EXIT_S)
                if process.process.is_alive():
                    process.process.kill()
                    process.process.join()
            raise
        finally:
            for sig, handler in ours.items():
                signal.signal(sig, handler)

    def handle_signals(self) -> None:
        for sig in tuple(self.signal_queue):
            if sig in self.signals:
                self.signal_queue.remove(sig)
                if self.stop_signal is None:
                    self.stop_signal = sig
                logger.info("Received %s, stopping the workers.", signal.Signals(sig).name)
                self.should_exit.set()
        super().handle_signals()

    def keep_subprocess_alive(self) -> None:
        if self.watchdog is not None and not self.should_exit.is_set():
            try:
                self.watchdog()
            except Exception as exc:  # the next round tries again; workers answer 503 meanwhile
                logger.warning("the graph engine is not answering: %s", exc)
        super().keep_subprocess_alive()


STOP_SIGNALS_ALL = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def _quiet_supervisor(quiet: bool) -> None:
    """uvicorn's supervisor logs ("Uvicorn running on ...", "Started parent
    process", workers terminated) are held back until the graph is ready: a
    `serve` that fails to prepare (a damaged snapshot) says so in one line,
    as it did when it failed before any worker started."""
    logging.getLogger("uvicorn.error").disabled = quiet


def run_workers(data_dir: str, host: str, port: int, log_level: str, workers: int, signals: Sequence[int], prepare: Prepare) -> tuple[bool, int | None]:
    """Start `workers` processes on one listening socket, run `prepare` (get
    the graph ready) meanwhile, let them serve, until a stop signal.
    Returns (whether every worker started, the stop signal)."""
    # The gate lives in a private temporary directory, not the data directory:
    # only the embedded engine creates that, so on Neo4j the workers waited
    # forever for a gate that could not be made (review C.6).
    gate_dir = Path(tempfile.mkdtemp(prefix="nhskg-serve-"))
    gate = gate_dir / "ready"
    os.environ["NHSKG_DATA_DIR"] = data_dir  # the workers' settings (spawned processes inherit the environment)
    os.environ[_PARENT_ENV] = str(os.getpid())
    os.environ[_GATE_ENV] = str(gate)
    config = uvicorn.Config(
        "nhskg.serving:worker_app", factory=True, host=host, port=port, log_level=log_level,
        access_log=access_log(log_level), workers=workers, timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S,
    )
    _quiet_supervisor(True)
    try:
        sock = config.bind_socket()
        try:
            supervisor = WorkerSupervisor(config, [sock], signals, prepare, gate)
            supervisor.run()
        finally:
            sock.close()
            shutil.rmtree(gate_dir, ignore_errors=True)
    finally:
        _quiet_supervisor(False)
    return supervisor.stop_signal is not None, supervisor.stop_signal
