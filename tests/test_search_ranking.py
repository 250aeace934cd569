"""/entities' ranking through the HTTP API on the real engine: landscape
entities before Count records and sources, sources dated by publication, a
code's holder on the day asked first, 404 suggestions by code and alias, and
the register pattern id `org:ods-<code>` of every register body resolving.

Facts pinned: Public Health England was established on 1 April 2013
(GOV.UK organisation page; `org:public-health-england`); code 02Y was NHS
East Riding of Yorkshire CCG until 30 June 2022 and the Humber and North
Yorkshire ICB's sub-ICB location from 1 July 2022 (ODS register rows);
09Y/09N/99H are the curated Surrey CCGs of the corpus."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

TIER = {"Source": 2, "Count": 1}


def search(api: TestClient, **params: Any) -> dict[str, Any]:
    r = api.get("/entities", params=params)
    assert r.status_code == 200, r.text
    return r.json()


def ids(answer: dict[str, Any]) -> list[str]:
    return [i["id"] for i in answer["items"]]


def tier(item: dict[str, Any]) -> int:
    return max((TIER.get(label, 0) for label in item["labels"]), default=0)


# 1. Landscape entities before counts and sources; sources dated.


def test_the_body_comes_before_the_documents_about_it(api: TestClient) -> None:
    answer = search(api, q="Public Health England")
    assert ids(answer)[0] == "org:public-health-england"
    tiers = [tier(i) for i in answer["items"]]
    assert tiers == sorted(tiers) and 2 in tiers  # sources are there, after every landscape entity
    for item in answer["items"]:
        # every item has `published` (the model declares it), set only on a source
        assert "published" in item and (item["published"] is None or "Source" in item["labels"])


@pytest.mark.parametrize("q", ["CCG", "commissioning", "NHS England", "ICB"])
def test_landscape_then_counts_then_sources(api: TestClient, q: str) -> None:
    answer = search(api, q=q, limit=500)
    tiers = [tier(i) for i in answer["items"]]
    assert tiers == sorted(tiers)
    if answer["total"] <= 500:
        assert answer["total"] == len(answer["items"])


def test_a_dated_search_finds_no_source_published_later(api: TestClient) -> None:
    # PHE did not exist on 2012-06-01: no body, and no 2015 or 2021 document about it.
    before = search(api, q="Public Health England", as_of="2012-06-01")
    assert "org:public-health-england" not in ids(before)
    assert not any("Source" in i["labels"] for i in before["items"])
    after = search(api, q="Public Health England", as_of="2013-04-01")
    assert ids(after)[0] == "org:public-health-england"
    assert search(api, q="Public Health England", as_of="2014-06-01")["items"][0]["id"] == "org:public-health-england"


def test_sources_are_found_by_label_each_with_its_publication_date(api: TestClient) -> None:
    every = search(api, label="Source", limit=500)
    listed = api.get("/sources").json()["items"]
    assert every["total"] == len(listed)  # undated: every source, as /sources lists them
    dates = {s["id"]: s.get("date") for s in listed}
    assert {i["id"]: i["published"] for i in every["items"]} == dates
    assert dates["source:kingsfund-2023"] == "2023-07-20" and dates["source:patient-ccgs-2013"] == "2013-01-01"
    # Dated: only sources published before the window ends (the King's Fund 2023 long read is not a 2015 source).
    in_2015 = ids(search(api, label="Source", as_of="2015-01-01", limit=500))
    assert "source:patient-ccgs-2013" in in_2015 and "source:commissioning-levels-2010" in in_2015
    assert "source:kingsfund-2023" not in in_2015
    assert "source:kingsfund-2023" in ids(search(api, label="Source", as_of="2023-07-20", limit=500))
    assert "source:kingsfund-2023" not in ids(search(api, label="Source", as_of="2023-07-19", limit=500))


# 2. A code's holder on the day asked first.


@pytest.mark.parametrize("params", [{"code": "02Y"}, {"q": "02Y"}])
def test_a_code_lists_its_holder_today_first(api: TestClient, params: dict[str, str]) -> None:
    assert ids(search(api, **params))[:2] == ["org:ods-02y-sicbl", "org:ods-02y"]


@pytest.mark.parametrize(
    ("window", "expected"),
    [
        ({"as_of": "2022-06-30"}, ["org:ods-02y"]),
        ({"as_of": "2022-07-01"}, ["org:ods-02y-sicbl"]),
        ({"from": "2022-01-01", "to": "2022-07-02"}, ["org:ods-02y-sicbl", "org:ods-02y"]),  # the holder on the period's last day first
        ({"from": "2022-01-01", "to": "2022-07-01"}, ["org:ods-02y"]),
    ],
)
def test_a_code_lists_its_holder_on_the_date_asked(api: TestClient, window: dict[str, str], expected: list[str]) -> None:
    assert ids(search(api, code="02Y", **window)) == expected
    assert ids(search(api, q="02Y", **window))[: len(expected)] == expected


def test_ranking_by_code_keeps_other_matches_in_name_order(api: TestClient) -> None:
    names = [i["name"].lower() for i in search(api, q="Surrey", limit=500)["items"] if i["match"] == "contains" and tier(i) == 0]
    assert names == sorted(names)


# 3. 404 suggestions by code and alias.


@pytest.mark.parametrize(
    ("text", "first"),
    [("QXU", "org:ods-qxu"), ("09Y", "org:nws-ccg"), ("Surrey Heartlands ICB", "org:ods-qxu"), ("NHS Commissioning Board", "org:nhs-england")],
)
def test_a_404_suggests_the_body_with_that_code_or_alias(api: TestClient, text: str, first: str) -> None:
    r = api.get(f"/entities/{text}", follow_redirects=False)
    assert r.status_code == 404
    assert r.json()["suggestions"][0]["id"] == first


def test_a_404_for_a_shared_code_suggests_both_holders(api: TestClient) -> None:
    r = api.get("/entities/02Y", follow_redirects=False)
    assert r.status_code == 404
    assert {"org:ods-02y", "org:ods-02y-sicbl"} <= {s["id"] for s in r.json()["suggestions"]}


# 4. One id pattern: every register body answers at org:ods-<code>.


def _organisations_with_codes(api: TestClient) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    offset = 0
    while True:
        page = search(api, label="Organisation", limit=500, offset=offset)
        items += page["items"]
        offset += 500
        if offset >= page["total"]:
            return [i for i in items if i["codes"]["ods"]]


def test_every_register_body_answers_at_its_pattern_id(api: TestClient) -> None:
    bodies = _organisations_with_codes(api)
    assert len(bodies) > 400
    off_pattern = {}
    for body in bodies:
        pattern = f"org:ods-{body['codes']['ods'].lower()}"
        if body["id"] not in (pattern, f"{pattern}-sicbl", f"{pattern}-stp"):
            off_pattern[body["id"]] = pattern
    # The three curated Surrey CCGs keep their ids (the corpus and every answer name them).
    assert off_pattern == {"org:nws-ccg": "org:ods-09y", "org:guildford-and-waverley-ccg": "org:ods-09n", "org:surrey-downs-ccg": "org:ods-99h"}
    for body, pattern in off_pattern.items():
        r = api.get(f"/entities/{pattern}", follow_redirects=False)
        assert r.status_code == 308 and r.headers["location"].endswith(f"/entities/{body}")
        assert ids(search(api, q=pattern)) == [body]


def test_a_pattern_id_redirects_with_the_rest_of_the_request(api: TestClient) -> None:
    r = api.get("/entities/org:ods-09y/history?as_of=2015-01-01", follow_redirects=False)
    assert r.status_code == 308
    assert r.headers["location"].endswith("/entities/org:nws-ccg/history?as_of=2015-01-01")
    assert api.get("/entities/org:ods-09y").json()["id"] == "org:nws-ccg"
    # An id no body had is still a 404.
    assert api.get("/entities/org:ods-zzz", follow_redirects=False).status_code == 404


# 5. A former name finds the body.


def test_a_former_name_finds_the_body(api: TestClient) -> None:
    board = search(api, q="NHS Commissioning Board", as_of="2012-12-01")
    assert ids(board)[0] == "org:nhs-england" and board["items"][0]["match"] == "alias_or_code"
    assert board["items"][0]["name"] == "NHS Commissioning Board"  # its name on that day
    by_old_id = search(api, q="org:nhs-commissioning-board")
    assert ids(by_old_id)[0] == "org:nhs-england" and by_old_id["items"][0]["match"] == "alias_or_code"
    # Not before the Board existed (established 1 October 2012).
    assert "org:nhs-england" not in ids(search(api, q="NHS Commissioning Board", as_of="2012-09-30"))


@pytest.mark.parametrize(
    ("as_of", "name"),
    [("2012-12-01", "NHS Commissioning Board"), ("2013-03-31", "NHS Commissioning Board"), ("2013-04-01", "NHS England"), ("2024-06-01", "NHS England"), (None, "NHS England")],
)
def test_a_renamed_body_is_shown_with_its_name_on_the_date(api: TestClient, as_of: str | None, name: str) -> None:
    # The Board from 1 October 2012, operating as NHS England from 1 April 2013 (name_history).
    params = {"q": "org:nhs-england", **({"as_of": as_of} if as_of else {})}
    [item] = [i for i in search(api, **params)["items"] if i["id"] == "org:nhs-england"]
    assert item["name"] == name


def test_a_register_spelling_is_not_a_renaming(api: TestClient) -> None:
    # The registers spelt 00C "NHS DARLINGTON CCG" and "NHS Darlington" (2013); the body keeps its one display name.
    for as_of in ("2013-06-01", "2016-06-01", "2017-06-01", "2019-06-01"):
        [item] = search(api, code="00C", as_of=as_of)["items"]
        assert item["name"] == "NHS Darlington CCG"
    [region] = search(api, code="Y59", as_of="2018-12-01")["items"]
    assert region["name"] == "South East"


def test_the_catalogue_query_runs_without_a_code_day(api: TestClient) -> None:
    # GET /queries/entity_search as before: code_day and name_day are optional (the latest holder first).
    r = api.get("/queries/entity_search", params={"q": "02Y", "limit": 5, "offset": 0})
    assert r.status_code == 200, r.text
    rows = r.json()["rows"]
    assert [row["id"] for row in rows][:2] == ["org:ods-02y-sicbl", "org:ods-02y"]
