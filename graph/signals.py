"""Stop signals held back while a write passes its point of no return.

`nhskg ingest` stops at once on SIGTERM, SIGINT or SIGHUP while it builds
the new graph (the previous graph stays live). From the moment the new graph
is being saved until it is swapped in and saved again, a stop signal is
held back and delivered when the write is done: the process then stops
with the new graph live, and says so, instead of being cut between the save
that keeps the new graph and the swap that shows it.

Only the main thread can set signal handlers; elsewhere (a test writing
from a thread, the API) nothing is deferred.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType

STOP_SIGNALS = tuple(s for s in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)) if s is not None)


@contextlib.contextmanager
def deferred_stop_signals() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pending: list[int] = []

    def hold(signum: int, frame: FrameType | None) -> None:
        pending.append(signum)

    previous = {}
    for sig in STOP_SIGNALS:
        handler = signal.getsignal(sig)
        if handler is signal.SIG_IGN or handler is None:
            continue
        previous[sig] = signal.signal(sig, hold)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if pending:
            # Delivered now, to the handler that was there before: the write is done.
            signal.raise_signal(pending[0])
