"""uvicorn as `nhskg serve` runs it: stop signals end it gracefully, and the
caller, not a re-raised signal, decides what happens after (save and stop
the engine, exit 0).

With one worker the app runs in the process that owns the engine. With
several (`--workers N`), that process supervises N uvicorn worker processes
sharing one listening socket: it owns the engine (restarts it if it dies,
saves and stops it at the end) and serves nothing itself; each worker
attaches to the engine as a reader."""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import socket
import sys
from collections.abc import Callable, Iterator, Sequence
from types import FrameType
from typing import Any

import uvicorn
from uvicorn.supervisors import Multiprocess

logger = logging.getLogger("uvicorn.error")

# Requests in flight get this long to finish on shutdown; then connections close.
GRACEFUL_SHUTDOWN_S = 10


def server_config(app: Any, host: str, port: int, log_level: str) -> uvicorn.Config:
    return uvicorn.Config(app, host=host, port=port, log_level=log_level, timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S)


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
    from nhskg.api.app import create_app
    from nhskg.core.settings import Settings

    _die_with_parent()
    return create_app(Settings.from_env())


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


class WorkerSupervisor(Multiprocess):
    """uvicorn's worker supervisor, run by the process that owns the engine.

    Differences from uvicorn's: every stop signal in `signals` stops it (uvicorn
    restarts the workers on SIGHUP; `nhskg serve` stops on it, as with one
    process, and a signal it was started ignoring stays ignored), it records
    which signal stopped it, and between health checks it runs `watchdog`
    (restart the engine if it died)."""

    def __init__(self, config: uvicorn.Config, sockets: list[socket.socket], signals: Sequence[int], watchdog: Callable[[], None] | None) -> None:
        super().__init__(config, sockets)
        self.signals = tuple(signals)
        for sig in STOP_SIGNALS_ALL:
            if sig not in self.signals:
                signal.signal(sig, signal.SIG_IGN)
        self.stop_signal: int | None = None
        self.watchdog = watchdog

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


def run_workers(
    data_dir: str, host: str, port: int, log_level: str, workers: int, signals: Sequence[int], watchdog: Callable[[], None] | None
) -> tuple[bool, int | None]:
    """Serve with `workers` processes on one listening socket until a stop
    signal. Returns (whether every worker started, the stop signal)."""
    os.environ["NHSKG_DATA_DIR"] = data_dir  # the workers' settings (spawned processes inherit the environment)
    os.environ[_PARENT_ENV] = str(os.getpid())
    config = uvicorn.Config(
        "nhskg.serving:worker_app", factory=True, host=host, port=port, log_level=log_level,
        workers=workers, timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S,
    )
    sock = config.bind_socket()
    try:
        supervisor = WorkerSupervisor(config, [sock], signals, watchdog)
        supervisor.run()
    finally:
        sock.close()
    return supervisor.stop_signal is not None, supervisor.stop_signal
