"""Answers by graph build (api/answer_cache.py): the same answer and ETag
twice, 304 on If-None-Match, and a different ETag and answer as soon as an
ingest replaces the graph. Real engine, real app, no mocks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from nhskg.api.app import create_app
from nhskg.core.errors import UserError
from nhskg.core.settings import Settings
from nhskg.graph.falkordb_engine import FalkorDBStore
from nhskg.graph.store import BUILD_READ, GraphData, NodeRow
from tests.reads import round_trips

URL = "/services/service:urgent-and-emergency-care/commissioners?as_of=2016-06-01"


def test_same_answer_and_etag_twice_then_304(api: TestClient) -> None:
    first, second = api.get(URL), api.get(URL)
    assert first.status_code == second.status_code == 200
    assert first.headers["etag"] and first.headers["etag"] == second.headers["etag"]
    assert first.content == second.content
    assert first.headers["cache-control"] == "no-cache"

    not_modified = api.get(URL, headers={"If-None-Match": first.headers["etag"]})
    assert not_modified.status_code == 304 and not_modified.content == b""
    assert not_modified.headers["etag"] == first.headers["etag"]
    # Among other tags, and without the weak prefix, it still matches.
    listed = api.get(URL, headers={"If-None-Match": f'"nope", {first.headers["etag"].removeprefix("W/")}'})
    assert listed.status_code == 304


def test_etag_is_per_answer_and_only_on_answers(api: TestClient) -> None:
    other = api.get(URL.replace("2016-06-01", "2024-06-01"))
    assert other.headers["etag"] != api.get(URL).headers["etag"]
    # A stale or foreign tag, or `*`, gets the full answer.
    for tag in ('W/"0-0"', "*"):
        full = api.get(URL, headers={"If-None-Match": tag})
        assert full.status_code == 200 and full.json()["items"]
    assert "etag" not in api.get("/entities/org:no-such-body").headers  # 404
    assert "etag" not in api.get("/health").headers  # not an answer about the graph


def _graph(name: str) -> GraphData:
    return GraphData(nodes=[NodeRow("org:test-body", ("Entity", "Organisation"), {"id": "org:test-body", "name": name})])


@pytest.fixture
def own_graph(tmp_path: Path) -> Iterator[tuple[FalkorDBStore, TestClient]]:
    store = FalkorDBStore(tmp_path / "data")
    store.replace_graph(_graph("Before"), version="test:1")
    with TestClient(create_app(Settings.from_env(data_dir=tmp_path / "data"), store=store)) as client:
        yield store, client
    store.close()


def test_a_new_graph_means_a_new_etag_and_the_new_answer(own_graph: tuple[FalkorDBStore, TestClient]) -> None:
    store, client = own_graph
    before = client.get("/entities/org:test-body")
    assert before.json()["name"] == "Before"
    assert client.get("/entities/org:test-body").json()["name"] == "Before"  # now kept in the cache

    store.replace_graph(_graph("After"), version="test:2")  # what `nhskg ingest` does

    after = client.get("/entities/org:test-body")
    assert after.status_code == 200 and after.json()["name"] == "After"
    assert after.headers["etag"] != before.headers["etag"]
    revalidated = client.get("/entities/org:test-body", headers={"If-None-Match": before.headers["etag"]})
    assert revalidated.status_code == 200 and revalidated.json()["name"] == "After"


@pytest.mark.parametrize("cache_mb", [64, 0])
def test_kept_answers_are_served_without_asking_the_graph_and_can_be_turned_off(tmp_path: Path, cache_mb: int) -> None:
    """A kept answer costs one read (the live build) instead of the route's
    questions; with the cache off (NHSKG_ANSWER_CACHE_MB=0) every answer is
    asked of the graph again, and ETags and 304s stay."""
    store = FalkorDBStore(tmp_path / "data")
    try:
        store.replace_graph(_graph("Before"), version="test:1")
        with TestClient(create_app(Settings(data_dir=tmp_path / "data", answer_cache_mb=cache_mb), store=store)) as client:
            first = client.get("/entities/org:test-body")
            with round_trips(store) as trips:  # the real engine, counted on both paths
                again = client.get("/entities/org:test-body")
            asked_again = sum(len(trip) for trip in trips)
            assert client.get("/entities/org:test-body", headers={"If-None-Match": first.headers["etag"]}).status_code == 304
    finally:
        store.close()
    assert again.content == first.content and again.headers["etag"] == first.headers["etag"]
    # The build; or the build, entity_get, entity_neighbour_counts,
    # entity_sources, entity_latest_budget and the build again (one build per
    # answer: graph/pinned.py).
    assert asked_again == (1 if cache_mb else 6)
    # With the cache off the build is read with the route's questions, first and last, in one round trip.
    assert trips[0][0] == BUILD_READ[0] and len(trips) == 1
    if not cache_mb:
        assert trips[0][-1] == BUILD_READ[0]


def test_cache_size_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NHSKG_ANSWER_CACHE_MB", "0")
    assert Settings.from_env().answer_cache_mb == 0
    monkeypatch.setenv("NHSKG_ANSWER_CACHE_MB", "lots")
    with pytest.raises(UserError, match="NHSKG_ANSWER_CACHE_MB must be a whole number"):
        Settings.from_env()


def test_an_answer_that_reads_nothing_from_the_graph_still_has_its_etag(tmp_path: Path) -> None:
    """With the cache off the build is read with the route's first question;
    the list of catalogue queries asks none, and is tagged all the same."""
    store = FalkorDBStore(tmp_path / "data")
    try:
        store.replace_graph(_graph("Before"), version="test:1")
        tags = []
        for cache_mb in (0, 64):
            with TestClient(create_app(Settings(data_dir=tmp_path / "data", answer_cache_mb=cache_mb), store=store)) as client:
                tags.append(client.get("/queries").headers.get("etag"))
        store.replace_graph(_graph("After"), version="test:2")
        with TestClient(create_app(Settings(data_dir=tmp_path / "data", answer_cache_mb=0), store=store)) as client:
            tags.append(client.get("/queries").headers.get("etag"))
    finally:
        store.close()
    assert tags[0] and tags[0] == tags[1] and tags[2] and tags[2] != tags[0]
