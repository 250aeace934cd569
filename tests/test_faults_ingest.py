"""An ingest is all or nothing and says the truth, tested at each failure
point with real faults in a real engine: a save that fails before or after
the swap (a directory where the engine writes its temporary snapshot: it
fails even as root), the engine killed before the swap, between the swap and
the save, or right after it. Also: counts never tear across a swap, and leftovers of dead
writers are cleaned at start."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from nhskg.core.errors import EngineUnavailable
from nhskg.graph.falkordb_engine import FalkorDBStore
from nhskg.graph.store import GraphData, NodeRow, RelRow

from faults import block_saves, engine_pids, kill_engines, unblock_saves


def graph(tag: str, nodes: int = 2) -> GraphData:
    rows = [NodeRow(f"org:{tag}-{i}", ("Organisation",), {"name": f"{tag} {i}"}) for i in range(nodes)]
    rels = [RelRow(f"rel:{tag}-{i}", "ACCOUNTABLE_TO", f"org:{tag}-{i}", f"org:{tag}-0", {"id": f"rel:{tag}-{i}"}) for i in range(1, nodes)]
    return GraphData(rows, rels)


def ids(store: FalkorDBStore) -> set[str]:
    return {r["id"] for r in store.run_read("MATCH (n:Entity) RETURN n.id AS id", {})}


def kill_engine(store: FalkorDBStore) -> None:
    os.kill(store.server.pid, signal.SIGKILL)


class FaultAfterSwap(FalkorDBStore):
    """Once given a fault, it strikes right after the next swap."""

    fault: Callable[[FalkorDBStore], object] | None = None

    def _swap(self, temp: str, previous: str) -> bool:
        had_live = super()._swap(temp, previous)
        if self.fault is not None:
            self.fault(self)
        return had_live


class EngineDiesAfterSave(FalkorDBStore):
    """The engine is killed right after the save that follows a swap."""

    def _save(self, when: str) -> None:
        super()._save(when)
        if when == "after the swap":
            os.kill(self.server.pid, signal.SIGKILL)


@pytest.fixture
def data_dir(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "data"
    yield path
    assert kill_engines(path) == [], "an engine was left running"


def reopened_ids(data_dir: Path) -> set[str]:
    """What a fresh start finds on disk."""
    store = FalkorDBStore(data_dir)
    try:
        return ids(store)
    finally:
        store.close()


def test_a_failed_save_before_the_swap_changes_nothing(data_dir: Path) -> None:
    store = FalkorDBStore(data_dir)
    try:
        store.replace_graph(graph("old"), version="v1")
        block_saves(store)
        with pytest.raises(EngineUnavailable) as failure:
            store.replace_graph(graph("new"), version="v2")
        message = str(failure.value)
        assert "could not save" in message and "Is a directory" in message and "previous graph stays live" in message
        assert ids(store) == {"org:old-0", "org:old-1"} and store.counts().version == "v1"
        assert [g for g in store.conn.execute_command("GRAPH.LIST") if "__build_" in str(g)] == []
        unblock_saves(data_dir)
    finally:
        store.close()
    assert reopened_ids(data_dir) == {"org:old-0", "org:old-1"}


@pytest.mark.parametrize("fault", [block_saves, kill_engine])
def test_a_fault_after_the_swap_keeps_the_new_graph_live_and_on_disk(data_dir: Path, fault: Callable) -> None:
    """A swap is never undone: readers may have seen the new graph, so it
    must stay. The snapshot saved before the swap keeps it (as the waiting
    graph, made live at a start), so a failed second save or a killed
    engine leaves the new graph live now and after a restart."""
    store = FaultAfterSwap(data_dir)
    try:
        store.replace_graph(graph("old"), version="v1")
        store.fault = fault
        store.replace_graph(graph("new"), version="v2")  # a success: the new graph is live and kept
        store.fault = None
        assert ids(store) == {"org:new-0", "org:new-1"} and store.counts().version == "v2"
        assert len(engine_pids(data_dir)) == 1  # restarted, if killed; never two
        unblock_saves(data_dir)
    finally:
        store.close()
    assert reopened_ids(data_dir) == {"org:new-0", "org:new-1"}


class KilledBeforeSwap(FalkorDBStore):
    """The engine is killed after the save that keeps the new graph, before the swap."""

    def _swap(self, temp: str, previous: str) -> bool:
        os.kill(self.server.pid, signal.SIGKILL)
        return super()._swap(temp, previous)


def test_an_engine_killed_between_the_save_and_the_swap_comes_back_with_the_new_graph(data_dir: Path) -> None:
    first = FalkorDBStore(data_dir)
    first.replace_graph(graph("old"), version="v1")
    first.close()
    store = KilledBeforeSwap(data_dir)
    try:
        store.replace_graph(graph("new"), version="v2")  # the truth: the new graph is live after the restart
        assert ids(store) == {"org:new-0", "org:new-1"} and store.counts().version == "v2"
    finally:
        store.close()
    assert reopened_ids(data_dir) == {"org:new-0", "org:new-1"}


def test_the_snapshot_holds_the_live_graph_only(data_dir: Path) -> None:
    store = FalkorDBStore(data_dir)
    try:
        store.replace_graph(graph("old", 50), version="v1")
        one = (data_dir / "graph.rdb").stat().st_size
        for i in range(3):
            store.replace_graph(graph(f"new{i}", 50), version=f"v{i + 2}")
        assert store.conn.execute_command("GRAPH.LIST") == ["nhskg"]
    finally:
        store.close()
    again = FalkorDBStore(data_dir)
    try:
        assert again.conn.execute_command("GRAPH.LIST") == ["nhskg"]  # no previous, waiting or build graph on disk
    finally:
        again.close()
    assert (data_dir / "graph.rdb").stat().st_size < one * 1.5
    assert oct((data_dir / "graph.rdb").stat().st_mode & 0o777) == oct(0o600)  # the owner's alone


def test_an_engine_killed_after_the_save_still_serves_the_new_graph(data_dir: Path) -> None:
    store = EngineDiesAfterSave(data_dir)
    try:
        store.replace_graph(graph("new"), version="v2")  # reported as a success...
        assert ids(store) == {"org:new-0", "org:new-1"}  # ...and true after the restart
        assert store.counts().version == "v2"
    finally:
        store.close()


def test_counts_never_mix_two_graphs(data_dir: Path) -> None:
    writer = FalkorDBStore(data_dir)
    reader = FalkorDBStore(data_dir)
    a, b = graph("a", 2), graph("b", 5)
    writer.replace_graph(a, version="a")
    expected = {"a": (2, 1), "b": (5, 4)}
    seen: list[tuple[str | None, int, int]] = []
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            c = reader.counts()
            seen.append((c.version, c.nodes, c.relationships))

    thread = threading.Thread(target=read)
    thread.start()
    try:
        # Enough swaps and reads to matter, bounded in time on a busy machine.
        deadline = time.monotonic() + 15.0
        i = 0
        while (i < 8 or len(seen) < 30) and time.monotonic() < deadline:
            i += 1
            writer.replace_graph(b if i % 2 else a, version="b" if i % 2 else "a")
    finally:
        stop.set()
        thread.join(timeout=10)
        reader.close()
        writer.close()
    assert i >= 8 and len(seen) >= 30
    torn = [s for s in seen if s[0] not in expected or expected[s[0]] != s[1:]]
    assert torn == []


def test_leftovers_of_a_dead_writer_are_cleaned_at_start(data_dir: Path) -> None:
    store = FalkorDBStore(data_dir)
    store.replace_graph(graph("live"))
    # A build graph in the snapshot, as a writer that died after its first save leaves it.
    store.conn.execute_command("GRAPH.COPY", "nhskg", "nhskg__build_dead0000")
    store.conn.save()
    store.close()
    (data_dir / "falkordb.sock").write_text("stale")  # not a socket
    (data_dir / "falkordb.pid").write_text(str(os.getpid()))  # a live pid that is no engine
    again = FalkorDBStore(data_dir)
    try:
        assert [g for g in again.conn.execute_command("GRAPH.LIST") if "__build_" in str(g)] == []
        assert ids(again) == {"org:live-0", "org:live-1"}
        assert int((data_dir / "falkordb.pid").read_text()) == again.server.pid != os.getpid()
    finally:
        again.close()


def test_a_failed_save_at_shutdown_is_reported_not_hidden(data_dir: Path) -> None:
    store = FalkorDBStore(data_dir)
    store.replace_graph(graph("kept"), version="v1")
    assert store.shutdown_failure is None
    block_saves(store)
    store.close()
    assert store.shutdown_failure and "Is a directory" in store.shutdown_failure
    unblock_saves(data_dir)
    assert reopened_ids(data_dir) == {"org:kept-0", "org:kept-1"}  # the write's own save kept it
