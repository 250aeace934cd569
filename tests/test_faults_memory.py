"""Nothing grows without bound: the engine's memory over repeated ingests.

The shipped FalkorDB keeps about the size of a bulk-loaded graph's property
values when that graph is deleted (docs/operations.md); the store restarts
the engine it owns at a safe point once RESTART_AFTER_BULK_DROPS such
graphs were dropped, so repeated ingests leave its memory flat (a sawtooth
with a fixed top), and readers see the live graph throughout."""

from __future__ import annotations

from pathlib import Path

from nhskg.graph.falkordb_engine import RESTART_AFTER_BULK_DROPS, FalkorDBStore
from nhskg.ingest.pipeline import build_graph

INGESTS = 20  # the figure docs/operations.md states (issue 25: flat engine memory over 20 ingests)


def used_mb(store: FalkorDBStore) -> float:
    return int(store.conn.info("memory")["used_memory"]) / 2**20


def test_engine_memory_stays_flat_over_repeated_ingests(tmp_path: Path) -> None:
    data = build_graph()
    store = FalkorDBStore(tmp_path / "data")
    try:
        store.replace_graph(data, version="v0")
        first_pid, one_graph = store.server.pid, used_mb(store)
        seen = []
        for i in range(1, INGESTS):
            store.replace_graph(data, version=f"v{i}")
            seen.append(used_mb(store))
            assert store.counts().nodes == len(data.nodes)  # the live graph, whole, after every restart
        pid = store.server.pid
    finally:
        store.close()
    assert pid != first_pid, "the engine was never restarted"
    # A sawtooth with a fixed top: the last ingests use no more than the
    # first RESTART_AFTER_BULK_DROPS + 1 did (without the restarts each
    # ingest adds ~13 MB, so the last would be the highest by far).
    top = max(seen[: RESTART_AFTER_BULK_DROPS + 1])
    assert max(seen[-3:]) <= top + 1, (one_graph, seen)
