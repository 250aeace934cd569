"""The search directory's trigram index (nhskg.queries.substring_index):
it must never lose an entity that holds q, and the directory's answers
through it must be the catalogue's entity_search's on entities chosen to
trip it (no name, an id in capitals, aliases, codes, names that are
prefixes of others, a name equal to another's id). Real engine, no mocks."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from nhskg.core.timescope import ALL_STATUSES, Window
from nhskg.graph import GraphStore
from nhskg.graph.falkordb_engine import FalkorDBStore
from nhskg.graph.store import GraphData, NodeRow
from nhskg.queries.answers import search_entities
from nhskg.queries.directory import END_MARK, SEP, Directory, read_directory
from nhskg.queries.substring_index import TrigramIndex


@pytest.fixture(scope="module")
def landscape(engine_store: GraphStore) -> Directory:
    build = engine_store.build_info()
    assert build is not None
    return read_directory(engine_store, build.build_id)


def _texts(directory: Directory, slot: int) -> list[str]:
    return [(directory.names[slot] or "").lower(), directory.ids[slot].lower(), *(a.lower() for a in directory.aliases.get(slot, ()))]


def _samples(directory: Directory, count: int, seed: int) -> list[str]:
    """Pieces of the directory's own texts (1-12 characters), as typed: any case."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        slot = rng.randrange(len(directory))
        text = rng.choice(_texts(directory, slot)) or directory.ids[slot]
        start = rng.randrange(len(text))
        piece = text[start : start + rng.randrange(1, 13)]
        out.append(piece.upper() if rng.random() < 0.2 else piece)
    return out


def test_the_candidates_hold_every_entity_that_contains_the_text(landscape: Directory) -> None:
    index = landscape.index
    for text in [*_samples(landscape, 300, seed=3), "nhs", "trust", "zzzq"]:
        ql = text.lower()
        holders = [slot for slot in range(len(landscape)) if any(ql in t for t in _texts(landscape, slot))]
        for narrow_from in (index.narrow_from, 0):
            found = TrigramIndex(landscape.blob, landscape.starts, narrow_from=narrow_from).candidates(ql) if narrow_from == 0 else index.candidates(ql)
            if len(ql) < 3:
                assert found is None, text  # too short for a trigram: the directory scans
                continue
            assert found is not None and set(holders) <= set(found), text
            assert list(found) == sorted(set(found)), "in slot order, once each"
        assert landscape.work(text) >= len(holders)


def test_a_text_with_a_trigram_no_entity_has_has_no_candidates(landscape: Directory) -> None:
    assert landscape.index.candidates("qqzzxx") == ()
    assert landscape.matches("qqzzxx") == []


# --- entities chosen to trip the index and the looked-up ranks --------------------


def _awkward_graph() -> GraphData:
    node = lambda node_id, **props: NodeRow(node_id, ("Entity", "Organisation"), {"id": node_id, **props})  # noqa: E731
    return GraphData(
        nodes=[
            node("org:alpha", name="Alpha"),
            node("org:alpha-trust", name="Alpha Trust", aliases=["ALPHA", "The Alpha Trust"]),
            node("org:alphabet", name="alphabet", ods_code="ALP"),
            node("org:UPPER-Case", name="Upper Case Body", ons_code="E38000001", ons_codes=["E38000002"]),
            node("org:upper-case", name="org:UPPER-case"),
            node("org:no-name"),
            node("org:no-name-either", aliases=["Nameless"]),
            node("org:alp", name="ALP"),
            node("org:beta", name="Beta Alpha", valid_from="2020-01-01", valid_to="2021-01-01"),
            node("org:gamma", name="Gamma", status="proposed"),
        ],
        relationships=[],
    )


@pytest.fixture(scope="module")
def awkward(tmp_path_factory: pytest.TempPathFactory) -> tuple[FalkorDBStore, Directory]:
    store = FalkorDBStore(Path(tmp_path_factory.mktemp("awkward")) / "data")
    store.replace_graph(_awkward_graph(), version="test:awkward")
    build = store.build_info()
    assert build is not None
    yield store, read_directory(store, build.build_id)
    store.close()


AWKWARD_QUERIES = [
    "alpha", "ALPHA", "alp", "al", "a", "alpha trust", "the alpha trust", "org:alpha", "org:upper-case", "ORG:UPPER-CASE", "upper", "org:no-name",
    "no-name", "org:no-", "nameless", "e38000002", "E38000001", "ALP", "org:", "-", "beta", "gamma", "ha t", "zzz", "e", "ase",
]


@pytest.mark.parametrize("narrow_from", [2048, 0])
def test_the_directory_through_its_index_gives_entity_searchs_answers(awkward: tuple[FalkorDBStore, Directory], narrow_from: int) -> None:
    store, directory = awkward
    directory.index = TrigramIndex(directory.blob, directory.starts, narrow_from=narrow_from)
    for window in (Window.always(ALL_STATUSES), Window.always(), Window.on("2020-06-01")):
        for q in AWKWARD_QUERIES:
            for label in (None, "Organisation"):
                filters = {"q": q, "label": label, "instance_of": None, "part_of": None, "code": None}
                expected = search_entities(store, window, limit=100, offset=0, **filters)
                got = search_entities(store, window, limit=100, offset=0, directory=directory, **filters)
                assert got == expected, (q, window, label)
                # Every query but "zzz" is a substring of something, and finds it at any date.
                assert bool(expected.total and not expected.similar) == (q != "zzz") or window != Window.always(ALL_STATUSES), q


def test_no_separator_ever_reaches_the_index(landscape: Directory) -> None:
    assert landscape.matches(f"nhs{SEP}england") is None and landscape.matches(f"nhs{END_MARK}") is None
