"""The closest names on a large graph (nhskg.queries.name_grams): only the
entities sharing the most trigrams with the text are scored, and that gives
the same suggestions as scoring every entity. The landscape is below the
size where candidates are picked, so these tests force the candidate path
with a low threshold and a small candidate list. Real engine, real app."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from nhskg.graph import GraphStore
from nhskg.queries.answers import ask, closest_entities
from nhskg.queries.directory import Directory, read_directory
from nhskg.queries.name_grams import GramIndex, grams

# Typos of ids, names, aliases and codes, and texts close to nothing.
TEXTS = (
    "org:nhs-englnd", "org:nhs-england", "comissioning board", "clinical comissioning group", "type:icbb", "type:ccgs",
    "integrated kare board", "primary care trusts", "strategic health authoritys", "monitr", "care quality comission",
    "department of helth", "09y", "E3800024", "health and social care act 2102", "xyzzy", "dental servces", "icb",
)


@pytest.fixture(scope="module")
def directory(engine_store: GraphStore) -> Directory:
    build = engine_store.build_info()
    assert build is not None
    return read_directory(engine_store, build.build_id)


def test_grams_are_padded_trigrams() -> None:
    assert grams("icb") == {" ic", "icb", "cb "}
    assert grams("") == set()


def test_candidates_share_the_most_trigrams() -> None:
    index = GramIndex([(0, ["NHS England"]), (1, ["NHS Improvement"]), (2, ["type:icb", "icb"])])
    assert index.candidates("nhs englnd", 1) == [0]
    assert index.candidates("type:icbb", 1) == [2]
    assert index.candidates("qqq", 5) == []


@pytest.mark.parametrize("text", TEXTS)
def test_candidate_path_gives_the_exhaustive_suggestions(engine_store: GraphStore, directory: Directory, text: str) -> None:
    exhaustive = closest_entities(engine_store, text, rows=ask(engine_store, "entity_names"))
    # 200 of the landscape's ~1,600: an ONS code typo ties with a couple of
    # hundred codes, and with 100 candidates the fifth suggestion differed.
    picked = closest_entities(engine_store, text, rows=directory.similar_rows(text, score_all_up_to=0, candidates=200))
    assert picked == exhaustive


def test_candidate_path_scores_far_fewer_rows(directory: Directory) -> None:
    assert len(list(directory.similar_rows("org:nhs-englnd", score_all_up_to=0, candidates=60))) <= 60
    assert len(list(directory.similar_rows("org:nhs-englnd"))) == len(list(directory.name_rows()))  # the landscape: all


def test_unknown_id_404_suggests_through_the_directory(api: TestClient) -> None:
    r = api.get("/entities/org:nhs-englnd/accountability", params={"as_of": "2016-06-01"})
    assert r.status_code == 404
    assert r.json()["suggestions"][0]["id"] == "org:nhs-england"
    assert "did you mean 'org:nhs-england'" in r.json()["detail"]
