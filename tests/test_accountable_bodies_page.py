"""accountable_bodies_page: the engine keeps each body's shortest chain and
cuts the page. Checked against every chain the plain walk lists
(accountable_bodies), on both sides of the 2022 change (ICBs from 1 July
2022, CCGs until 30 June 2022), and through the route's pages."""

from __future__ import annotations

import pytest

from nhskg.core.timescope import Window
from nhskg.queries.run import ask


def _shortest(store, body: str, day: str) -> dict[str, int]:
    best: dict[str, int] = {}
    for row in ask(store, "accountable_bodies", Window.on(day), id=body, limit=20_000):
        best[row["id"]] = min(int(row["distance"]), best.get(row["id"], 99))
    return best


@pytest.mark.parametrize("day", ["2022-06-30", "2022-07-01"])
def test_each_body_once_at_its_shortest_chain(kg_store, day):
    every = _shortest(kg_store, "org:nhs-england", day)
    assert every, "somebody answers to NHS England"
    page = ask(kg_store, "accountable_bodies_page", Window.on(day), id="org:nhs-england", limit=5000, offset=0)[0]
    assert page["total"] == len(every) == len(page["items"])
    assert {i["id"]: i["distance"] for i in page["items"]} == every
    assert all(len(i["via"]) == i["distance"] - 1 for i in page["items"])
    ccg_then = "type:ccg" in every
    assert ccg_then == (day == "2022-06-30") and ("type:icb" in every) == (day == "2022-07-01")


def test_pages_follow_distance_then_name(api):
    whole = api.get("/entities/org:nhs-england/accountable-bodies", params={"as_of": "2024-01-01", "limit": 5000}).json()
    keys = [(i["distance"], (i["node"]["name"] or i["node"]["id"]).lower(), i["node"]["id"]) for i in whole["items"]]
    assert keys == sorted(keys) and whole["total"] == len(whole["items"]) > 3
    pages = []
    for offset in range(0, whole["total"], 3):
        part = api.get("/entities/org:nhs-england/accountable-bodies", params={"as_of": "2024-01-01", "limit": 3, "offset": offset}).json()
        assert part["total"] == whole["total"]
        pages += part["items"]
    assert pages == whole["items"]
    past = api.get("/entities/org:nhs-england/accountable-bodies", params={"as_of": "2024-01-01", "offset": whole["total"]}).json()
    assert past["items"] == [] and past["total"] == whole["total"]


def test_nobody_answers_to_a_body_at_the_bottom(kg_store):
    assert ask(kg_store, "accountable_bodies_page", Window.on("2024-01-01"), id="service:dental-services", limit=20, offset=0) == [{"total": 0, "items": []}]
