"""Pausing the garbage collector around bulk work on a whole graph.

Building, deriving and encoding a graph of 100,000 organisations allocates
millions of small dicts, lists and tuples that live to the end and form no
reference cycles. Each allocation burst triggers a collection, and the full
ones walk every live object. Reference counting still frees everything as
usual; only the cycle collector waits, and runs once when the work is done.

The pause is counted across threads: the collector is off while any paused
block runs, in any thread, and back on when the last one ends if it was on
before the first (an ingest and a bulk load in another thread may overlap).
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

_lock = threading.Lock()
_paused = 0  # blocks running
_was_enabled = True  # the collector's state before the first of them


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Suspend cyclic garbage collection for the block (nesting and
    overlapping blocks in other threads are safe)."""
    global _paused, _was_enabled
    with _lock:
        if _paused == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _paused += 1
    try:
        yield
    finally:
        with _lock:
            _paused -= 1
            if _paused == 0 and _was_enabled:
                gc.enable()
