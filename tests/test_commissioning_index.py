"""/services/{id}/commissioners from the commissioning index
(nhskg.queries.commissioning): the same answers as the catalogue queries
(service_lineage, service_commissioners_folded, service_commissioner_instances),
and never an old build's.

The index is the fast path; the catalogue queries stay the definition, and
are what answers until a worker holds the index of the live build, and for
the shapes the index leaves to them (full commissioner records, one row a
body). Real engines, real app, no mocks."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from benchmarks.synthetic import synthetic_landscape
from nhskg.api.app import create_app
from nhskg.core.errors import UserError
from nhskg.core.evidence import EvidenceItem, pack
from nhskg.core.settings import Settings
from nhskg.core.timescope import ALL_STATUSES, Window
from nhskg.graph import GraphStore
from nhskg.graph.falkordb_engine import FalkorDBStore
from nhskg.graph.store import GraphData, NodeRow, RelRow
from nhskg.queries.answers import Commissioners, service_commissioners, service_commissioners_from, service_timeline
from nhskg.queries.commissioning import COMMISSIONING, CommissioningIndex, read_commissioning
from nhskg.queries.directory import NotKept, still_live
from tests.reads import loaded, round_trips, served_from_engine_and_memory, store_holding

WINDOWS = {
    "1999-01-01": Window.on("1999-01-01"),
    "2013-03-31": Window.on("2013-03-31"),  # the last day of PCTs
    "2013-04-01": Window.on("2013-04-01"),  # the first of CCGs
    "2020-01-01": Window.on("2020-01-01"),
    "2022-06-30": Window.on("2022-06-30"),  # the last day of CCGs
    "2022-07-01": Window.on("2022-07-01"),  # the first of ICBs
    "2024-05-05 any status": Window.on("2024-05-05", ALL_STATUSES),
    "2010 to 2015": Window.between("2010-01-01", "2015-01-01"),
    "2019 to 2023, proposed+planned+in force": Window.between("2019-01-01", "2023-01-01", ("proposed", "planned", "in_force")),
    "always, any status": Window.always(ALL_STATUSES),
}


def _rows(answer: Commissioners) -> list[tuple[Any, ...]]:
    """What the route serves of an answer: each row's commissioner (as a
    brief: id, name, labels, dates), fact, part, parent and folded bodies."""
    out = []
    for r in answer.rows:
        c = r.commissioner
        out.append(
            (
                (c.get("id"), c.get("name"), sorted(c.get("labels") or []), c.get("valid_from"), c.get("valid_to")),
                r.relationship,
                r.service_id,
                r.via,
                r.from_parent,
                r.depth,
                r.instance_count,
                r.instances,
            )
        )
    return out


def _same_answers(
    store: GraphStore, index: CommissioningIndex, services: list[str], windows: list[Window], left_to_engine: Callable[[Commissioners], bool] = lambda e: e.service is None
) -> int:
    """Every answer from the index is the engine's; an answer the index
    leaves to the engine (None) must be one `left_to_engine` allows (by
    default only an id that is not a service). How many were compared."""
    compared = 0
    for service_id in services:
        for window in windows:
            for include_parts in (True, False):
                for instance_ids in (True, False):
                    expected = service_commissioners(store, service_id, window, include_parts, grouped=True, instance_ids=instance_ids)
                    got = service_commissioners_from(index, service_id, window, include_parts, instance_ids)
                    case = (service_id, window, include_parts, instance_ids)
                    if got is None:
                        assert left_to_engine(expected), case
                        continue
                    assert got.service is not None and expected.service is not None, case
                    assert got.service["id"] == expected.service["id"], case
                    assert got.ancestors == expected.ancestors, case
                    assert _rows(got) == _rows(expected), case
                    compared += 1
    return compared


def _services(index: CommissioningIndex) -> list[str]:
    return [node_id for node_id, labels in zip(index.directory.ids, index.directory.labels) if "Service" in labels]


@pytest.fixture(scope="module")
def index(engine_store: GraphStore) -> CommissioningIndex:
    build = engine_store.build_info()
    assert build is not None
    return read_commissioning(engine_store, build.build_id, 10**7)


@pytest.mark.parametrize("window", list(WINDOWS), ids=list(WINDOWS))
def test_the_index_answers_as_the_catalogue_does(engine_store: GraphStore, index: CommissioningIndex, window: str) -> None:
    services = _services(index)
    assert len(services) > 40
    assert _same_answers(engine_store, index, services, [WINDOWS[window]]) == 4 * len(services)


def test_what_is_not_a_service_is_left_to_the_engine(engine_store: GraphStore, index: CommissioningIndex) -> None:
    window = WINDOWS["2024-05-05 any status"]
    for not_a_service in ("org:nhs-england", "type:icb", "service:no-such-service"):
        assert service_commissioners_from(index, not_a_service, window) is None
        assert service_commissioners(engine_store, not_a_service, window, grouped=True).service is None
    assert service_commissioners_from(index, "", window) is None


def test_the_answers_the_audit_checks(index: CommissioningIndex) -> None:
    """Either side of 2013 and 2022, from memory: PCTs, then CCGs, then ICBs
    commission; dental services are answered by their parent, primary care,
    when nothing more specific covers them."""

    def answer(service: str, day: str) -> Commissioners:
        found = service_commissioners_from(index, service, Window.on(day), include_parts=False, instance_ids=False)
        assert found is not None
        return found

    def types(service: str, day: str) -> dict[str, int | None]:
        return {r.commissioner["id"]: r.instance_count for r in answer(service, day).rows if r.commissioner["id"].startswith("type:")}

    assert "type:pct" in types("service:nhs-services", "2013-03-31") and "type:ccg" not in types("service:nhs-services", "2013-03-31")
    assert "type:ccg" in types("service:nhs-services", "2013-04-01") and "type:pct" not in types("service:nhs-services", "2013-04-01")
    uec = "service:urgent-and-emergency-care"
    assert types(uec, "2013-04-01") == {"type:ccg": 211}
    assert types(uec, "2022-06-30") == {"type:ccg": 106}
    assert types(uec, "2022-07-01") == {"type:icb": 42}
    dental = answer("service:dental-services", "2020-01-01").rows
    assert dental and {(r.from_parent or {}).get("id") for r in dental} == {"service:primary-care"}


def _pieces(timeline: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [(p["from"], p["to"], *_rows(Commissioners(rows=[p["row"]]))) for p in timeline]


@pytest.mark.parametrize("window", [Window.always(), Window.between("2010-01-01", "2023-01-01", ALL_STATUSES)], ids=["always", "2010 to 2023 any status"])
def test_timelines_from_the_index_are_the_engines(engine_store: GraphStore, index: CommissioningIndex, window: Window) -> None:
    """The days a timeline cuts at (service_commissioning_dates) and each
    piece's answer, from memory."""
    lengths = []
    for service_id in _services(index):
        expected = service_timeline(engine_store, service_id, window)
        assert _pieces(service_timeline(engine_store, service_id, window, index)) == _pieces(expected), service_id
        lengths.append(len(expected))
    assert max(lengths) > 5


# --- a graph made for the corners: dates that do not meet, statuses, odd hierarchies -------


def _evidence() -> dict[str, Any]:
    return pack([EvidenceItem("source:test", "a test fact", "paraphrase", "")])


def _node(node_id: str, labels: tuple[str, ...], **props: Any) -> NodeRow:
    return NodeRow(node_id, ("Entity", *labels), {"id": node_id, "name": props.pop("name", node_id.split(":")[1].replace("-", " ").title()), **props, **_evidence()})


def _rel(kind: str, a: str, b: str, **props: Any) -> RelRow:
    rel_id = props.pop("id", f"rel:{kind.lower()}:{a}:{b}")
    return RelRow(rel_id, kind, a, b, {"id": rel_id, **props, **_evidence()})


def _inherited(body: str, type_id: str, service: str, **props: Any) -> RelRow:
    """A fact a body inherits from its type, as derivation writes it."""
    return _rel("COMMISSIONS", body, service, id=f"drv:commissions:{body}:{service}:{props.get('valid_from')}", derived=True, rule="instance-inherits-type", inherited_from=type_id, basis="statutory", **props)


def corner_graph() -> GraphData:
    services = ["service:top", "service:middle", "service:leaf", "service:loop-a", "service:loop-b", "service:orphan"]
    nodes = [_node(s, ("Service",)) for s in services]
    nodes += [
        _node("type:board", ("OrganisationType",), valid_from="2000-01-01"),
        _node("org:early-board", ("Organisation",), valid_from="2000-01-01", valid_to="2005-01-01"),
        _node("org:late-board", ("Organisation",), valid_from="2010-01-01"),
        _node("org:proposed-board", ("Organisation",), valid_from="2012-01-01", status="proposed"),
        _node("org:undated-board", ("Organisation",), undated="no start date known"),
        _node("org:zed-board", ("Organisation",), name="aardvark board", valid_from="2000-01-01"),
        _node("org:council", ("Organisation",)),
        _node("org:programme", ("Organisation",)),  # not a service, on a PART_OF chain between services
    ]
    rels = [
        _rel("PART_OF", "service:middle", "service:top"),
        _rel("PART_OF", "service:leaf", "service:middle", valid_from="2008-01-01"),
        _rel("PART_OF", "service:leaf", "service:top", id="rel:part_of:leaf:top:direct", valid_to="2015-01-01"),  # the leaf sits at two depths
        _rel("PART_OF", "service:loop-a", "service:loop-b"),
        _rel("PART_OF", "service:loop-b", "service:loop-a"),  # a cycle: each step once a walk
        _rel("PART_OF", "service:orphan", "org:programme"),
        _rel("PART_OF", "org:programme", "service:top", status="proposed"),
        _rel("COMMISSIONS", "type:board", "service:top", basis="statutory", valid_from="2000-01-01"),
        _rel("COMMISSIONS", "org:council", "service:middle", basis="delegated", valid_from="2005-01-01", valid_to="2020-01-01"),
        _rel("COMMISSIONS", "org:council", "service:loop-a", basis="statutory", status="planned", valid_from="2025-01-01"),
        _inherited("org:early-board", "type:board", "service:top", valid_from="2010-01-01"),  # its dates and the body's never meet
        _inherited("org:late-board", "type:board", "service:top", valid_from="2010-01-01"),
        _inherited("org:late-board", "type:board", "service:top", valid_from="2000-01-01", valid_to="2003-01-01"),  # before the body
        _inherited("org:proposed-board", "type:board", "service:top", valid_from="2012-01-01"),
        _inherited("org:undated-board", "type:board", "service:top", undated="no start date known"),
        _inherited("org:zed-board", "type:board", "service:top", valid_from="2000-01-01"),
        _inherited("org:late-board", "type:board", "service:loop-a", valid_from="2010-01-01"),  # no type row to fold into
    ]
    rels += [_rel("INSTANCE_OF", b, "type:board") for b in ("org:early-board", "org:late-board", "org:proposed-board", "org:undated-board", "org:zed-board")]
    return GraphData(nodes, rels)


CORNER_WINDOWS = [
    Window.on(day, statuses)
    for day in ("1999-06-01", "2001-01-01", "2004-06-01", "2007-01-01", "2011-01-01", "2012-06-01", "2016-01-01", "2026-01-01")
    for statuses in (("in_force",), ALL_STATUSES, ("proposed",))
] + [
    Window.between("2001-01-01", "2011-01-01"),
    Window.between("2003-01-01", "2010-01-01", ALL_STATUSES),
    Window.between("2004-12-31", "2010-01-02"),
    Window.always(),
    Window.always(ALL_STATUSES),
]


@pytest.fixture(scope="module")
def corner_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FalkorDBStore]:
    with store_holding(tmp_path_factory.mktemp("corners") / "data", corner_graph(), "test:corners") as store:
        yield store


def _index_of(store: GraphStore) -> CommissioningIndex:
    build = store.build_info()
    assert build is not None
    return read_commissioning(store, build.build_id, 10**7)


def _unfolded(answer: Commissioners) -> bool:
    """A body's row with no type row to fold into: the engine's to answer."""
    return any(r.relationship.get("rule") == "instance-inherits-type" and r.instance_count is None for r in answer.rows)


def test_the_corners_answer_as_the_catalogue_does(corner_store: FalkorDBStore) -> None:
    index = _index_of(corner_store)
    services = _services(index)
    assert len(services) == 6
    assert _same_answers(corner_store, index, services, CORNER_WINDOWS, left_to_engine=_unfolded) > 500


def test_corner_timelines_are_the_engines(corner_store: FalkorDBStore) -> None:
    index = _index_of(corner_store)
    for service_id in _services(index):
        for window in (Window.always(), Window.always(ALL_STATUSES), Window.between("2001-01-01", "2011-01-01")):
            expected = service_timeline(corner_store, service_id, window)
            assert _pieces(service_timeline(corner_store, service_id, window, index)) == _pieces(expected), (service_id, window)


def test_bodies_are_counted_only_while_they_and_their_fact_hold(corner_store: FalkorDBStore) -> None:
    index = _index_of(corner_store)

    def bodies(window: Window) -> tuple[int | None, list[str] | None]:
        answer = service_commissioners_from(index, "service:top", window, include_parts=False)
        assert answer is not None
        (row,) = [r for r in answer.rows if r.commissioner["id"] == "type:board"]
        return row.instance_count, row.instances

    # aardvark board sorts first by name; the early board's fact and life never meet.
    assert bodies(Window.on("2001-01-01")) == (1, ["org:zed-board"])
    assert bodies(Window.on("2011-01-01")) == (2, ["org:zed-board", "org:late-board"])
    assert bodies(Window.on("2012-06-01", ALL_STATUSES)) == (3, ["org:zed-board", "org:late-board", "org:proposed-board"])
    # In a period a fact counts when it and its body each hold at some time in
    # it, as the catalogue's two tests say, even if not at the same time: the
    # early board (life to 2005, fact from 2010) and the late board's fact of
    # 2000-2003 (life from 2010) count, besides its fact from 2010 and zed.
    assert bodies(Window.between("2001-01-01", "2011-01-01")) == (4, ["org:zed-board", "org:early-board", "org:late-board", "org:late-board"])
    assert bodies(Window.always(ALL_STATUSES))[0] == 6  # undated facts count only in an undated question


def test_a_part_met_twice_and_a_cycle(corner_store: FalkorDBStore) -> None:
    index = _index_of(corner_store)
    lineage = index.lineage("service:top", Window.on("2011-01-01"), include_parts=True)
    assert lineage is not None
    assert sorted((p["id"], p["depth"]) for p in lineage["parts"]) == [("service:leaf", 1), ("service:leaf", 2), ("service:middle", 1)]
    loop = index.lineage("service:loop-a", Window.on("2011-01-01"), include_parts=True)
    assert loop is not None
    assert sorted((a["id"], a["distance"]) for a in loop["ancestors"]) == [("service:loop-a", 2), ("service:loop-b", 1)]
    # Through a node that is not a service, on a proposed step: only when proposed steps count.
    assert index.lineage("service:orphan", Window.on("2011-01-01"), False)["ancestors"] == []  # type: ignore[index]
    assert [a["id"] for a in index.lineage("service:orphan", Window.on("2011-01-01", ALL_STATUSES), False)["ancestors"]] == ["service:top"]  # type: ignore[index]


def test_the_synthetic_landscape_answers_as_the_catalogue_does(fresh_store: FalkorDBStore) -> None:
    fresh_store.replace_graph(synthetic_landscape(800), version="test:synthetic")
    index = _index_of(fresh_store)
    assert index.facts > 1500
    windows = [Window.on("2016-06-01"), Window.between("2019-01-01", "2023-01-01", ALL_STATUSES)]
    assert _same_answers(fresh_store, index, _services(index), windows) > 400


# --- through the app: the same answers, and never an old build's index -------------------


def _index_of_live_build(store: GraphStore) -> CommissioningIndex:
    """Wait (at most 20 s) for this worker's background load of the live build."""
    return loaded(COMMISSIONING, store, 10**7)


URLS = [
    "/services/service:urgent-and-emergency-care/commissioners?as_of=2013-04-01",
    "/services/service:urgent-and-emergency-care/commissioners?as_of=2022-07-01&expand=instances",
    "/services/service:urgent-and-emergency-care/commissioners?as_of=2022-06-30&include_parts=false",
    "/services/service:dental-services/commissioners?as_of=2020-01-01",
    "/services/service:primary-care/commissioners?from=2010-01-01&to=2016-01-01&status=any&expand=instances",
    "/services/service:nhs-services/commissioners?as_of=2005-06-01",
    "/services/service:sexual-health/commissioners?as_of=2015-01-01",
    "/services/service:urgent-and-emergency-care/commissioners?as_of=2024-01-01&expand=commissioner",
    "/services/service:urgent-and-emergency-care/commissioners?as_of=2024-01-01&instances=list",
    "/services/service:dental-services/timeline",
    "/services/service:urgent-and-emergency-care/timeline?from=2010-01-01&to=2024-01-01&status=any&expand=commissioner",
    "/services/org:nhs-england/commissioners",
    "/services/service:no-such-service/commissioners",
    "/services/service:dental-services/commissioners?as_of=2020-13-01",
]


def test_the_app_serves_the_same_bytes_from_memory_as_from_the_engine(engine_store: GraphStore, tmp_path: Path) -> None:
    expected, got = served_from_engine_and_memory(engine_store, tmp_path, URLS, {"commissioning_memory_facts": 0}, lambda: _index_of_live_build(engine_store))
    for url, want, have in zip(URLS, expected, got):
        assert (have.status_code, have.content) == (want.status_code, want.content), url
    assert [r.status_code for r in got[-3:]] == [404, 404, 422]
    assert got[-3].json()["detail"] == "'org:nhs-england' is not a service (labels: Entity, Organisation, StatutoryBody)"


def _commissioner_ids(client: TestClient) -> list[str]:
    response = client.get("/services/service:top/commissioners", params={"as_of": "2011-01-01"})
    assert response.status_code == 200, response.text
    return [item["commissioner"]["id"] for item in response.json()["items"]]


@pytest.fixture
def corner_app(tmp_path: Path) -> Iterator[tuple[FalkorDBStore, TestClient]]:
    settings = dataclasses.replace(Settings.from_env(data_dir=tmp_path / "data"), answer_cache_mb=0)
    with store_holding(tmp_path / "data", corner_graph(), "test:1") as store, TestClient(create_app(settings, store=store)) as client:
        yield store, client


def test_the_app_loads_the_index_itself_and_answers_from_it(corner_app: tuple[FalkorDBStore, TestClient]) -> None:
    # Nothing here asks COMMISSIONING for it: the route's own request starts
    # the load, and once loaded an answer reads only the live build.
    store, client = corner_app
    assert _commissioner_ids(client) == ["type:board", "org:council"]
    loaded(COMMISSIONING, store, start=False)
    with round_trips(store) as trips:
        assert _commissioner_ids(client) == ["type:board", "org:council"]
    assert [len(trip) for trip in trips] == [1], "from memory: only the live build is read (for the index and the ETag)"


def test_a_replaced_graph_is_answered_at_once_never_from_the_old_index(corner_app: tuple[FalkorDBStore, TestClient]) -> None:
    store, client = corner_app
    assert _commissioner_ids(client) == ["type:board", "org:council"]
    old = _index_of_live_build(store)
    graph = corner_graph()
    graph.relationships = [r for r in graph.relationships if r.from_id != "org:council"]
    store.replace_graph(graph, version="test:2")  # what `nhskg ingest` does
    assert _commissioner_ids(client) == ["type:board"]  # the old index is not the live build's
    new = _index_of_live_build(store)
    assert new is not old and new.build != old.build
    assert _commissioner_ids(client) == ["type:board"]


def test_a_graph_over_the_setting_is_never_kept(corner_store: FalkorDBStore, monkeypatch: pytest.MonkeyPatch) -> None:
    build = corner_store.build_info()
    assert build is not None

    def kept() -> int:
        return Settings.from_env().commissioning_memory_facts

    monkeypatch.setenv("NHSKG_COMMISSIONING_MEMORY_FACTS", "9")  # the corner graph has 10 facts
    with pytest.raises(NotKept, match="10 commissioning facts, more than the 9 kept in memory"):
        read_commissioning(corner_store, build.build_id, kept())
    monkeypatch.setenv("NHSKG_COMMISSIONING_MEMORY_FACTS", "1_0")
    assert read_commissioning(corner_store, build.build_id, kept()).facts == 10
    monkeypatch.setenv("NHSKG_COMMISSIONING_MEMORY_FACTS", "lots")
    with pytest.raises(UserError, match="NHSKG_COMMISSIONING_MEMORY_FACTS must be a whole number of commissioning facts"):
        kept()


def test_what_was_read_across_a_replaced_graph_is_not_kept(tmp_path: Path) -> None:
    with store_holding(tmp_path / "data", corner_graph(), "test:1") as store:
        build = store.build_info()
        assert build is not None
        still_live(store, build.build_id, "commissioning index was")  # nothing changed
        store.replace_graph(corner_graph(), version="test:2")
        with pytest.raises(UserError, match="^the graph was replaced while its commissioning index was read$"):
            still_live(store, build.build_id, "commissioning index was")
