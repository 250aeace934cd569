"""/subgraph from the subgraph adjacency (nhskg.queries.adjacency): the same
answers as the catalogue's walk (subgraph_neighbours, entity_briefs,
subgraph_edge_briefs), and never an old build's.

The adjacency is the fast path; the catalogue queries stay the definition,
and are what answers until a worker has the adjacency of the live build.
Real engines, real app, no mocks."""

from __future__ import annotations

import dataclasses
import gc
import io
import random
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from nhskg.api import serialise as ser
from nhskg.core.errors import UserError
from nhskg.core.settings import Settings
from nhskg.core.timescope import ALL_STATUSES, Window, holds
from nhskg.graph import GraphStore
from nhskg.graph.falkordb_engine import FalkorDBStore
from nhskg.graph.store import GraphData
from nhskg.queries.adjacency import ADJACENCIES, Adjacency, kind_of_text, read_adjacency
from tests.reads import loaded, round_trips, served_from_engine_and_memory
from nhskg.queries.answers import Neighbourhood, ask, neighbourhood
from nhskg.gcpause import gc_paused
from nhskg.queries.directory import NotKept, PerBuild

EDGES_MAX = 5000


@pytest.fixture(scope="module")
def adjacency(engine_store: GraphStore) -> Adjacency:
    build = engine_store.build_info()
    assert build is not None
    return read_adjacency(engine_store, build.build_id, 10**7)


WINDOWS = {
    "2024-01-01": Window.on("2024-01-01"),
    "2013-04-01": Window.on("2013-04-01"),  # the day PCTs ended and CCGs began: events at their date
    "2002-10-01 any status": Window.on("2002-10-01", ALL_STATUSES),
    "2010 to 2015": Window.between("2010-01-01", "2015-01-01"),
    "1995 to 2027 proposed+planned+in force": Window.between("1995-01-01", "2027-01-01", ("proposed", "planned", "in_force")),
    "2020-04-01 superseded+disputed": Window.on("2020-04-01", ("superseded", "disputed")),
    "always, any status": Window.always(ALL_STATUSES),
}
# (depth, labels, max_nodes): the caps bite at 30 nodes; labels narrow the walk.
SHAPES: list[tuple[int, list[str] | None, int]] = [
    (0, None, 250),
    (1, None, 250),
    (2, None, 250),
    (2, None, 30),
    (2, ["Service"], 1000),
    (3, ["Organisation", "OrganisationType"], 100),
]
HUBS = ["type:icb", "org:nhs-england", "type:ccg", "type:pct", "org:dhsc"]


def _seeds(adjacency: Adjacency, count: int) -> list[str]:
    """The hubs and a fixed sample of every other entity, each label met."""
    rng = random.Random(12)
    ids = adjacency.directory.ids
    by_label: dict[str, list[str]] = {}
    for node_id, labels in zip(ids, adjacency.directory.labels):
        for label in labels:
            by_label.setdefault(label, []).append(node_id)
    picked = [h for h in HUBS if adjacency.slot(h) is not None]
    picked += [rng.choice(members) for _, members in sorted(by_label.items())]
    picked += rng.sample(ids, count)
    return list(dict.fromkeys(picked))


def _answer(walk: Neighbourhood) -> tuple[Any, ...]:
    """What the route serves of a walk (briefs as the JSON gives them)."""
    return (walk.ids, walk.truncated, [ser.node_brief(n) for n in walk.nodes], walk.edges)


def _same_walks(
    store: GraphStore, adjacency: Adjacency, window: Window, seeds: list[str], max_edges: int = EDGES_MAX, shapes: list[tuple[int, list[str] | None, int]] = SHAPES
) -> int:
    compared = 0
    for seed in seeds:
        (row,) = ask(store, "entity_get", id=seed)
        seed_holds = holds(row["properties"], window)
        assert adjacency.node_holds(seed, window) == seed_holds, seed
        for depth, labels, max_nodes in shapes:
            args = (store, seed, depth, window, labels, max_nodes, max_edges, seed_holds, False, False)
            expected = neighbourhood(*args, edge_shape=ser.relationship_brief)
            got = neighbourhood(*args, adjacency=adjacency, edge_shape=ser.relationship_brief)
            assert _answer(got) == _answer(expected), (seed, depth, labels, max_nodes)
            compared += 1
    return compared


@pytest.mark.parametrize("window", list(WINDOWS), ids=list(WINDOWS))
def test_the_adjacency_walks_as_the_catalogue_does(engine_store: GraphStore, adjacency: Adjacency, window: str) -> None:
    assert _same_walks(engine_store, adjacency, WINDOWS[window], _seeds(adjacency, 6)) > 100


def test_the_deepest_walk_to_the_node_cap(engine_store: GraphStore, adjacency: Adjacency) -> None:
    for window in ("2024-01-01", "2010 to 2015"):
        _same_walks(engine_store, adjacency, WINDOWS[window], ["org:nhs-england", "type:ccg"], shapes=[(4, None, 1000)])


def test_the_edge_cap_bites_as_in_the_engine(engine_store: GraphStore, adjacency: Adjacency) -> None:
    window = WINDOWS["2024-01-01"]
    _same_walks(engine_store, adjacency, window, HUBS[:2], max_edges=7)
    walk = neighbourhood(engine_store, "type:icb", 2, window, None, 250, 7, True, False, False, adjacency=adjacency)
    assert walk.truncated and len(walk.edges) == 7


def test_a_seed_that_does_not_hold_stands_alone(engine_store: GraphStore, adjacency: Adjacency) -> None:
    window = Window.on("2024-01-01")
    (row,) = ask(engine_store, "entity_get", id="type:pct")  # abolished in 2013
    assert not holds(row["properties"], window) and not adjacency.node_holds("type:pct", window)
    walk = neighbourhood(engine_store, "type:pct", 2, window, None, 250, EDGES_MAX, False, False, False, adjacency=adjacency)
    assert walk.ids == ["type:pct"] and [n["id"] for n in walk.nodes] == ["type:pct"]


def test_every_node_holds_as_its_record_says(engine_store: GraphStore, adjacency: Adjacency) -> None:
    records = {r["node"]["id"]: r["node"] for r in ask(engine_store, "subgraph_nodes", ids=adjacency.directory.ids[:1000])}
    for window in WINDOWS.values():
        for node_id, props in records.items():
            assert adjacency.node_holds(node_id, window) == holds(props, window), (node_id, window)


def test_full_records_are_read_for_what_the_walk_found(engine_store: GraphStore, adjacency: Adjacency) -> None:
    window = WINDOWS["2013-04-01"]
    for seed in HUBS:
        args = (engine_store, seed, 2, window, None, 250, EDGES_MAX, True, True, True)
        assert neighbourhood(*args, adjacency=adjacency) == neighbourhood(*args)
        assert neighbourhood(*args, adjacency=adjacency, edge_shape=ser.relationship) == neighbourhood(*args, edge_shape=ser.relationship)


# --- through the app: the same bytes, and never an old build's adjacency ----------------


def _adjacency_of_live_build(store: GraphStore) -> Adjacency:
    """Wait (at most 20 s) for this worker's background load of the live build."""
    return loaded(ADJACENCIES, store, 10**7)


def _names(client: TestClient) -> list[str]:
    response = client.get("/subgraph", params={"seed": "type:test-kind", "as_of": "2024-01-01"})
    assert response.status_code == 200
    return sorted(n["name"] for n in response.json()["nodes"])


def test_the_app_loads_the_adjacency_itself_and_answers_from_it(own_graph: tuple[FalkorDBStore, TestClient]) -> None:
    # Nothing here asks ADJACENCIES for it: the route's own request starts the
    # load (a route that passed anything but the live build id would never
    # find what it loaded), and once loaded an answer costs one round trip.
    store, client = own_graph
    assert _names(client) == ["Before Trust", "Test kind"]
    loaded(ADJACENCIES, store, start=False)
    with round_trips(store) as trips:
        assert _names(client) == ["Before Trust", "Test kind"]
    assert [len(trip) for trip in trips] == [1], "from memory: only the live build is read (for the adjacency and the ETag)"


def test_a_replaced_graph_is_walked_at_once_never_through_the_old_adjacency(own_graph: tuple[FalkorDBStore, TestClient], small_graph: Callable[[str], GraphData]) -> None:
    store, client = own_graph
    assert _names(client) == ["Before Trust", "Test kind"]
    old = _adjacency_of_live_build(store)
    assert _names(client) == ["Before Trust", "Test kind"]  # now from memory

    store.replace_graph(small_graph("After Trust"), version="test:2")  # what `nhskg ingest` does

    assert _names(client) == ["After Trust", "Test kind"]  # the old adjacency is not the live build's
    new = _adjacency_of_live_build(store)
    assert new is not old and new.build != old.build
    assert _names(client) == ["After Trust", "Test kind"]


def test_a_graph_over_the_setting_is_never_kept(own_graph: tuple[FalkorDBStore, TestClient], monkeypatch: pytest.MonkeyPatch) -> None:
    store, _ = own_graph
    build = store.build_info()
    assert build is not None

    def kept() -> int:
        return Settings.from_env().subgraph_memory_relationships

    monkeypatch.setenv("NHSKG_SUBGRAPH_MEMORY_RELATIONSHIPS", "0")
    with pytest.raises(NotKept):
        read_adjacency(store, build.build_id, kept())  # one relationship, more than none
    monkeypatch.setenv("NHSKG_SUBGRAPH_MEMORY_RELATIONSHIPS", "1_000")
    assert len(read_adjacency(store, build.build_id, kept())) == 1
    monkeypatch.setenv("NHSKG_SUBGRAPH_MEMORY_RELATIONSHIPS", "lots")
    with pytest.raises(UserError, match="NHSKG_SUBGRAPH_MEMORY_RELATIONSHIPS must be a whole number of relationships"):
        kept()


def _body(response: Any) -> Any:
    """The bytes served; a zip's files (its entries carry the time they were written)."""
    if response.headers.get("content-type") == "application/zip":
        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            return {name: archive.read(name) for name in archive.namelist()}
    return response.content


URLS = [
    "/subgraph?seed=type:icb&depth=2&as_of=2024-01-01",
    "/subgraph?seed=org:nhs-england&depth=2&as_of=2013-04-01",
    "/subgraph?seed=type:ccg&depth=3&from=2010-01-01&to=2016-01-01&status=any&max_nodes=120",
    "/subgraph?seed=type:pct&depth=2&as_of=2024-01-01",
    "/subgraph?seed=type:icb&depth=2&labels=Organisation,OrganisationType&as_of=2022-07-01&status=proposed,planned,in_force",
    "/subgraph?seed=org:nhs-england&depth=1&as_of=2024-01-01&expand=nodes,edges",
    "/subgraph?seed=org:nhs-england&depth=1&as_of=2024-01-01&expand=edges",
    "/subgraph?seed=type:icb&depth=1&as_of=2024-01-01&format=graphml",
    "/subgraph?seed=type:icb&depth=1&as_of=2024-01-01&format=csv",
    "/subgraph?seed=org:no-such-body&depth=2",
    "/subgraph?seed=%20&depth=2",
]


def test_the_app_serves_the_same_bytes_from_memory_as_from_the_engine(engine_store: GraphStore, tmp_path: Path) -> None:
    expected, got = served_from_engine_and_memory(engine_store, tmp_path, URLS, {"subgraph_memory_relationships": 0}, lambda: _adjacency_of_live_build(engine_store))
    for url, want, have in zip(URLS, expected, got):
        assert (have.status_code, have.headers.get("content-type"), _body(have)) == (want.status_code, want.headers.get("content-type"), _body(want)), url
    assert [r.status_code for r in got[-2:]] == [404, 422]


# --- the reply's shape: one `kinds` text a relationship ---------------------------------


def test_each_relationship_kind_is_read_back_from_its_text_as_the_engine_holds_it(engine_store: GraphStore, adjacency: Adjacency) -> None:
    for e in random.Random(4).sample(range(len(adjacency)), 300):
        (row,) = engine_store.run_read("MATCH ()-[r]->() WHERE r.id = $id RETURN r.valid_from AS vf, r.valid_to AS vt, r.status AS status, r.derived AS derived, r.event AS event, r.date AS date, r.quantifier AS quantifier, r.source_ids AS source_ids, type(r) AS type", {"id": adjacency.edge_id(e)})
        kind = adjacency.kinds[adjacency.kind[e]]
        assert (kind.span[:3], kind.derived, kind.event, kind.date, kind.quantifier, kind.source_ids, kind.type) == (
            (row["vf"], row["vt"], row["status"]), row["derived"] is True, row["event"] is True, row["date"], row["quantifier"], tuple(row["source_ids"] or ()), row["type"]
        )


def test_a_relationship_whose_fields_hold_the_joiner_is_never_kept(fresh_store: FalkorDBStore, small_graph: Callable[[str], GraphData]) -> None:
    graph = small_graph("Pipe Trust")
    (rel,) = graph.relationships
    fresh_store.replace_graph(dataclasses.replace(graph, relationships=[dataclasses.replace(rel, props={**rel.props, "source_ids": ["source:a|b"]})]), version="test:pipe")
    build = fresh_store.build_info()
    assert build is not None
    with pytest.raises(NotKept, match="hold '\\|'"):
        read_adjacency(fresh_store, build.build_id, 10**7)


def test_the_kind_text_is_read_field_by_field() -> None:
    kind = kind_of_text("DELEGATES_TO", "2013-04-01||in_force|false|true|false||some|2|source:a|source:b")
    assert kind.span == ("2013-04-01", None, "in_force", False) and kind.derived and not kind.event
    assert (kind.date, kind.quantifier, kind.source_ids) == (None, "some", ("source:a", "source:b"))
    assert kind_of_text("X", "|||true|false|true|2013-04-01||0").span == (None, None, None, True)
    for bad in ("2013|04-01||in_force|false|true|false||some|0", "|||false|false|false|||1|a|b", "|||false|false|false||||0"):
        with pytest.raises(NotKept):
            kind_of_text("X", bad)


def test_the_collector_is_off_only_while_loads_run(engine_store: GraphStore) -> None:
    build = engine_store.build_info()
    assert build is not None
    seen: list[bool] = []

    def reader(store: GraphStore, build_id: str) -> Any:
        seen.append(gc.isenabled())
        with gc_paused():  # a nested load (the adjacency reads the directory)
            seen.append(gc.isenabled())
        seen.append(gc.isenabled())
        return read_adjacency(store, build_id, 10**7)

    assert gc.isenabled()
    PerBuild(reader, "test").load(engine_store, build.build_id)
    assert seen == [False, False, False] and gc.isenabled()
    with pytest.raises(ZeroDivisionError):
        PerBuild(lambda store, build_id: 1 / 0, "failing").load(engine_store, build.build_id)
    assert gc.isenabled(), "a load that fails turns it back on"
