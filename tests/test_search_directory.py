"""/entities from the search directory (nhskg.queries.directory): the same
answers as the catalogue's entity_search, and never an old build's.

The directory is the fast path; entity_search stays the definition, and is
what answers until a worker has the directory of the live build. Real
engines, real app, no mocks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from nhskg.core.timescope import ALL_STATUSES, Window
from nhskg.graph import GraphStore
from nhskg.graph.falkordb_engine import FalkorDBStore
from nhskg.graph.store import GraphData
from nhskg.queries.answers import search_entities
from tests.reads import loaded, round_trips
from nhskg.queries.directory import DIRECTORIES, Directory, read_directory


@pytest.fixture(scope="module")
def directory(engine_store: GraphStore) -> Directory:
    build = engine_store.build_info()
    assert build is not None
    return read_directory(engine_store, build.build_id)


WINDOWS = {
    "always, any status": Window.always(ALL_STATUSES),
    "always, in force": Window.always(),
    "2012-06-01": Window.on("2012-06-01"),
    "2013-04-01": Window.on("2013-04-01"),
    "2022-07-01 proposed+planned": Window.on("2022-07-01", ("proposed", "planned")),
    "2010 to 2015": Window.between("2010-01-01", "2015-01-01", ALL_STATUSES),
}
QUERIES: list[dict[str, Any]] = [
    {"q": q}
    for q in (
        "nhs england", "NHS ENGLAND", "org:nhs-england", "commissioning", "ccg", "trust", "the Care Act", "board", "care", "nhs",
        "type:", "-", "09Y", "e38000246", "x", "Primary Care Trust",
    )
] + [
    {"q": None, "label": "OrganisationType"},
    {"q": None, "label": "Service"},
    {"q": "care", "label": "Organisation"},
    {"q": None, "instance_of": "type:icb"},
    {"q": "nhs", "instance_of": "type:ccg"},
    {"q": "integrated kare board", "instance_of": "type:icb"},
    {"q": None, "part_of": "org:nhs-england"},
    {"q": "region", "part_of": "org:nhs-england"},
    {"q": None, "code": "09Y"},
    {"q": None},
]
# Misses: the closest names instead (slower, so over fewer windows).
MISSES: list[dict[str, Any]] = [
    {"q": "nhs englnd"},
    {"q": "zzzz-no-such-thing"},
    {"q": "nhs", "code": "nope"},
    {"q": "integrated kare board", "instance_of": "type:icb"},
    {"q": "comissioning board", "label": "Organisation"},
]


def _same_answers(store: GraphStore, directory: Directory, window: Window, queries: list[dict[str, Any]]) -> None:
    for query in queries:
        filters = {"label": None, "instance_of": None, "part_of": None, "code": None, **query}
        for limit, offset in (500, 0), (3, 2), (5, 10_000):
            expected = search_entities(store, window, limit=limit, offset=offset, **filters)
            got = search_entities(store, window, limit=limit, offset=offset, directory=directory, **filters)
            assert got == expected, (query, limit, offset)
            if not expected.total:
                break  # the other pages of nothing are nothing too


@pytest.mark.parametrize("window", list(WINDOWS), ids=list(WINDOWS))
def test_the_directory_gives_entity_searchs_answers(engine_store: GraphStore, directory: Directory, window: str) -> None:
    _same_answers(engine_store, directory, WINDOWS[window], QUERIES)


@pytest.mark.parametrize("window", ["always, any status", "2013-04-01"])
def test_the_directory_gives_entity_searchs_closest_names_on_a_miss(engine_store: GraphStore, directory: Directory, window: str) -> None:
    _same_answers(engine_store, directory, WINDOWS[window], MISSES)


def test_the_directory_ranks_as_entity_search_does(directory: Directory) -> None:
    hits = directory.matches("NHS England")
    assert hits is not None
    ranks = [rank for _, rank in hits]
    assert ranks == sorted(ranks) and ranks[0] == 0 and directory.ids[hits[0][0]] == "org:nhs-england"
    # A separator in q is not something the directory can match exactly: entity_search answers.
    assert directory.matches("nhs\x00england") is None


# --- never an old build's directory ------------------------------------------------


def _directory_of_live_build(store: GraphStore) -> Directory:
    """Wait for this worker's background load of the live build."""
    return loaded(DIRECTORIES, store, what="the directory", seconds=10)


def _names(client: TestClient, **params: str) -> list[str]:
    response = client.get("/entities", params=params)
    assert response.status_code == 200
    return [item["name"] for item in response.json()["items"]]


def test_a_replaced_graph_is_searched_at_once_never_through_the_old_directory(own_graph: tuple[FalkorDBStore, TestClient], small_graph: Callable[[str], GraphData]) -> None:
    store, client = own_graph
    assert _names(client, q="trust") == ["Before Trust"]
    old = _directory_of_live_build(store)
    assert _names(client, q="trust") == ["Before Trust"]  # now from the directory

    store.replace_graph(small_graph("After Trust"), version="test:2")  # what `nhskg ingest` does

    assert _names(client, q="trust") == ["After Trust"]  # the old directory is not the live build's
    new = _directory_of_live_build(store)
    assert new is not old and new.build != old.build
    assert _names(client, q="trust") == ["After Trust"]
    assert _names(client, q="before") == []


def test_a_graph_changed_in_place_is_searched_at_once(own_graph: tuple[FalkorDBStore, TestClient]) -> None:
    store, client = own_graph
    _names(client, q="trust")
    _directory_of_live_build(store)
    assert _names(client, instance_of="type:test-kind", as_of="2021-01-01") == ["Before Trust"]

    store.write_batches([("MATCH (n:Entity {id: 'org:test-body'}) SET n.name = 'Renamed Trust'", {})])  # a new build id

    assert _names(client, q="trust") == ["Renamed Trust"]
    _directory_of_live_build(store)
    assert _names(client, q="renamed") == ["Renamed Trust"]
    assert _names(client, instance_of="type:test-kind", as_of="2019-01-01") == []


def test_a_search_from_the_directory_is_one_round_trip_and_its_etag_names_the_live_build(own_graph: tuple[FalkorDBStore, TestClient], small_graph: Callable[[str], GraphData]) -> None:
    store, client = own_graph
    _names(client, q="trust")
    _directory_of_live_build(store)
    with round_trips(store) as trips:  # the real engine, counted on both paths
        response = client.get("/entities", params={"q": "trust"})
    first = response.headers["etag"]
    assert [item["name"] for item in response.json()["items"]] == ["Before Trust"]
    assert [len(trip) for trip in trips] == [1], "the build, read once in one round trip, for both the directory and the ETag"

    store.replace_graph(small_graph("After Trust"), version="test:2")
    again = client.get("/entities", params={"q": "trust"})
    assert again.headers["etag"] != first and [item["name"] for item in again.json()["items"]] == ["After Trust"]
