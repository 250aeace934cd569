"""uvicorn as `nhskg serve` runs it: stop signals end it gracefully, and the
caller, not a re-raised signal, decides what happens after (save and stop
the engine, exit 0)."""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator, Sequence
from types import FrameType
from typing import Any

import uvicorn

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
