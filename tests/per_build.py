"""Waiting for a worker's background load of what it keeps of the live
build (nhskg.queries.directory PerBuild: the search directory, the subgraph
adjacency, the delegation steps), for tests that answer from it."""

from __future__ import annotations

import time
from typing import Any, TypeVar

from nhskg.graph import GraphStore
from nhskg.queries.directory import PerBuild

T = TypeVar("T")


def loaded(kept: PerBuild[T], store: GraphStore, *options: Any, what: str, seconds: float = 20) -> T:
    """What `kept` holds of the store's live build, once its background load
    (started here when none is) is done; fails, naming `what`, after `seconds`."""
    build = store.build_info()
    assert build is not None
    deadline = time.monotonic() + seconds
    while (found := kept.get(store, build.build_id, *options)) is None:
        assert time.monotonic() < deadline, f"{what} did not load"
        time.sleep(0.02)
    return found
