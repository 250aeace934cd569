"""Folding inherited commissioning into the type's row, on a graph small
enough to see every row: the bodies are counted by type (their ids listed
with expand=instances), and a body whose type's row is not in the answer
(here: the type itself no longer holds) is shown on its own, with its full
record. And the nearest ancestor with a commissioner answers for a service
with none, when the ancestors' facts are read together."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from nhskg.api.app import create_app
from nhskg.core.settings import Settings
from nhskg.graph.falkordb_engine import FalkorDBStore
from nhskg.graph.store import GraphData, NodeRow, RelRow


def _landscape() -> GraphData:
    node = lambda i, labels, **p: NodeRow(i, ("Entity", *labels), {"id": i, "name": i.split(":")[1].title(), **p})  # noqa: E731
    inherited = {"derived": True, "rule": "instance-inherits-type", "inherited_from": "type:board", "basis": "statutory", "valid_from": "2000-01-01"}
    return GraphData(
        nodes=[
            node("service:care", ["Service"]),
            node("type:board", ["OrganisationType"], valid_to="2010-01-01"),  # the type stops holding in 2010
            node("org:alpha", ["Organisation"]),
            node("org:beta", ["Organisation"]),
        ],
        relationships=[
            RelRow("rel:board-care", "COMMISSIONS", "type:board", "service:care", {"id": "rel:board-care", "basis": "statutory", "valid_from": "2000-01-01"}),
            RelRow("drv:alpha", "COMMISSIONS", "org:alpha", "service:care", {"id": "drv:alpha", **inherited}),
            RelRow("drv:beta", "COMMISSIONS", "org:beta", "service:care", {"id": "drv:beta", **inherited}),
        ],
    )


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    store = FalkorDBStore(tmp_path / "data")
    store.replace_graph(_landscape(), version="test:fold")
    with TestClient(create_app(Settings(data_dir=tmp_path / "data", answer_cache_mb=0), store=store)) as c:
        yield c
    store.close()


def test_bodies_fold_into_their_types_row_counted_and_listed_when_asked(client: TestClient) -> None:
    items = client.get("/services/service:care/commissioners?as_of=2005-01-01").json()["items"]
    assert [(i["commissioner"]["id"], i["instances"], i["instance_count"]) for i in items] == [("type:board", None, 2)]
    expanded = client.get("/services/service:care/commissioners?as_of=2005-01-01&expand=instances").json()["items"]
    assert [(i["commissioner"]["id"], i["instances"], i["instance_count"]) for i in expanded] == [("type:board", ["org:alpha", "org:beta"], 2)]
    both = client.get("/services/service:care/commissioners?as_of=2005-01-01&expand=instances,commissioner").json()["items"]
    assert both[0]["instances"] == ["org:alpha", "org:beta"] and both[0]["commissioner"]["valid_to"] == "2010-01-01"


def test_bodies_without_their_types_row_stand_alone_in_full(client: TestClient) -> None:
    items = client.get("/services/service:care/commissioners?as_of=2015-01-01").json()["items"]
    assert [(i["commissioner"]["id"], i["relationship_id"], i["rule"], i["inherited_from"]) for i in items] == [
        ("org:alpha", "drv:alpha", "instance-inherits-type", "type:board"),
        ("org:beta", "drv:beta", "instance-inherits-type", "type:board"),
    ]
    assert all(i["instances"] is None and i["instance_count"] is None for i in items)
    # The same rows as asking for one row per body.
    listed = client.get("/services/service:care/commissioners?as_of=2015-01-01&instances=list").json()["items"]
    assert [{k: v for k, v in i.items() if k not in ("instances", "instance_count")} for i in items] == [
        {k: v for k, v in i.items() if k not in ("instances", "instance_count")} for i in listed
    ]


def _family() -> GraphData:
    """A leaf with no commissioner of its own under a parent and a grandparent
    that both have one."""
    node = lambda i: NodeRow(i, ("Entity", "Service" if i.startswith("service:") else "Organisation"), {"id": i, "name": i.split(":")[1].title()})  # noqa: E731
    fact = lambda i, a, b, **p: RelRow(i, "COMMISSIONS", a, b, {"id": i, "basis": "statutory", **p})  # noqa: E731
    part = lambda a, b: RelRow(f"rel:{a}-{b}", "PART_OF", a, b, {"id": f"rel:{a}-{b}"})  # noqa: E731
    return GraphData(
        nodes=[node(i) for i in ("service:root", "service:mid", "service:leaf", "org:top", "org:middle")],
        relationships=[
            part("service:leaf", "service:mid"),
            part("service:mid", "service:root"),
            fact("rel:top", "org:top", "service:root"),
            fact("rel:middle", "org:middle", "service:mid", valid_from="2010-01-01"),
            fact("rel:leaf-later", "org:top", "service:leaf", valid_from="2020-01-01"),
        ],
    )


@pytest.mark.parametrize(
    ("day", "answer"),
    [
        ("2005-01-01", [("org:top", "service:root")]),  # the parent has none yet: the grandparent answers
        ("2015-01-01", [("org:middle", "service:mid")]),  # the nearest ancestor that has one answers, not every one
        ("2021-01-01", [("org:top", None)]),  # the leaf's own fact: no ancestor answers
    ],
)
def test_the_nearest_commissioned_ancestor_answers(tmp_path: Path, day: str, answer: list[tuple[str, str | None]]) -> None:
    store = FalkorDBStore(tmp_path / "data")
    store.replace_graph(_family(), version="test:family")
    try:
        with TestClient(create_app(Settings(data_dir=tmp_path / "data", answer_cache_mb=0), store=store)) as c:
            for mode in ("group", "list"):
                items = c.get(f"/services/service:leaf/commissioners?as_of={day}&instances={mode}").json()["items"]
                assert [(i["commissioner"]["id"], (i["from_parent"] or {}).get("id")) for i in items] == answer
    finally:
        store.close()


@pytest.mark.parametrize(
    ("day", "trips", "facts_read"),
    [
        ("2021-01-01", 1, [["service:leaf"]]),  # its own fact: asked with the lineage, no ancestor read
        ("2015-01-01", 2, [["service:leaf"], ["service:mid"]]),  # the parent answers: the grandparent is not read
        ("2005-01-01", 3, [["service:leaf"], ["service:mid"], ["service:root"]]),  # nearest first
    ],
)
def test_a_service_answer_reads_the_lineage_with_its_own_facts_and_the_nearest_ancestors_first(
    tmp_path: Path, day: str, trips: int, facts_read: list[list[str]]
) -> None:
    """The lineage and the service's (and its parts') facts come in one round
    trip; ancestors' facts only when the service has none, nearest first (at
    100,000 organisations each ancestor has thousands of facts to filter)."""
    store = FalkorDBStore(tmp_path / "data")
    store.replace_graph(_family(), version="test:family")
    round_trips: list[list[dict]] = []
    run_reads = store.run_reads

    def counted(queries: list[tuple[str, dict]]) -> list[list[dict]]:
        round_trips.append([params for _, params in queries])
        return run_reads(queries)

    store.run_reads = counted  # type: ignore[method-assign]  # the real engine, counted
    try:
        settings = Settings(data_dir=tmp_path / "data", answer_cache_mb=0)
        with TestClient(create_app(settings, store=store)) as c:
            c.get("/services/service:leaf/commissioners?as_of=2001-01-01")  # the app's first request settles in
            round_trips.clear()
            assert c.get(f"/services/service:leaf/commissioners?as_of={day}").status_code == 200
    finally:
        store.close()
    assert len(round_trips) == trips
    assert [p["ids"] for trip in round_trips for p in trip if "ids" in p] == facts_read
