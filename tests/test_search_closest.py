"""The closest names (typo-tolerant search, 404 suggestions) from the engine's
candidates (entity_name_candidates), held to scoring every entity."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from nhskg.graph.falkordb_engine import FalkorDBStore
from nhskg.queries import search
from nhskg.queries.run import ask

TYPOS = ["comissioning bord", "org:nhs-englnd", "type:ccgg", "NHS Englnd", "public helth england", "09Yx", "sothampton"]


def test_grams_cover_the_text_and_its_id_slug() -> None:
    assert search.grams("ab") == sorted({" ab", "ab "})
    assert {" nh", "gla", "nd "} <= set(search.grams("org:nhs-england"))  # the slug's words, not only the id
    assert " or" in search.grams("org:nhs-england")  # and the id itself


@pytest.mark.parametrize("text", TYPOS)
def test_candidates_give_the_exhaustive_answer(kg_store: FalkorDBStore, text: str) -> None:
    everything = ask(kg_store, "entity_name_candidates", grams=[], limit=100_000)
    assert len(everything) <= search.CANDIDATES  # the real graph: every entity is a candidate
    assert search.closest_entities(kg_store, text, 50) == search.closest_entities(kg_store, text, 50, rows=everything)


def test_candidates_are_those_sharing_most_trigrams_first(kg_store: FalkorDBStore) -> None:
    rows = ask(kg_store, "entity_name_candidates", grams=search.grams("nhs england"), limit=5)
    assert len(rows) == 5 and "org:nhs-england" in [r["id"] for r in rows]
    assert not any("Source" in r["labels"] for r in ask(kg_store, "entity_name_candidates", grams=[], limit=100_000))


def test_a_typo_finds_the_body_and_a_404_suggests_it(api: TestClient) -> None:
    found = api.get("/entities", params={"q": "comissioning bord"}).json()
    assert found["similar"] and "org:nhs-england" in [i["id"] for i in found["items"]]
    missing = api.get("/entities/org:nhs-englnd")
    assert missing.status_code == 404 and missing.json()["suggestions"][0]["id"] == "org:nhs-england"


def test_a_typo_keeps_only_what_the_other_filters_allow(api: TestClient) -> None:
    """The closest names are checked against label (and the window) by
    entity_search's ids filter, not by reading every entity."""
    everything = api.get("/entities", params={"q": "comissioning bord"}).json()["items"]
    types_only = api.get("/entities", params={"q": "comissioning bord", "label": "OrganisationType"}).json()["items"]
    assert everything and types_only == [i for i in everything if "OrganisationType" in i["labels"]]
    organisations = api.get("/entities", params={"q": "comissioning bord", "label": "Organisation"}).json()["items"]
    assert organisations == [i for i in everything if "Organisation" in i["labels"]] and organisations
