"""The research questions (issue 11) and the register-facing parameters of
/entities (issue 9, item 5), against the real app on the dates that matter.

The register layer is not merged yet: `register_api` ingests the curated
knowledge base plus tests/fixtures/register_like_kb.yaml, bodies shaped as the
registers will make them (codes, dated INSTANCE_OF / PART_OF, successions), so
these parameters work unchanged when the registers land."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from nhskg.api.app import create_app
from nhskg.core.settings import Settings
from nhskg.graph.falkordb_engine import FalkorDBStore
from nhskg.ingest.kb import DEFAULT_KB_DIR
from nhskg.ingest.pipeline import ingest

REGISTER_LIKE = Path(__file__).resolve().parent / "fixtures" / "register_like_kb.yaml"


@pytest.fixture(scope="module")
def register_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    store = FalkorDBStore(tmp_path_factory.mktemp("regkg") / "data")
    ingest(store, [DEFAULT_KB_DIR, REGISTER_LIKE])
    with TestClient(create_app(Settings.from_env(), store=store)) as client:
        yield client
    store.close()


def ids(items, key=None):
    return [(i[key] if key else i)["id"] for i in items]


# --- who answers to a body ----------------------------------------------------


def test_accountable_bodies_of_nhs_england_include_icbs_in_2024_not_2015(api):
    body = api.get("/entities/org:nhs-england/accountable-bodies", params={"as_of": "2024-01-01"}).json()
    found = {i["node"]["id"]: i for i in body["items"]}
    assert found["type:icb"]["distance"] == 1 and found["type:icb"]["via"] == []
    assert body["total"] == len(body["items"])
    deeper = [i for i in body["items"] if i["distance"] > 1]
    assert all(i["via"] and len(i["via"]) == i["distance"] - 1 for i in deeper)
    old = api.get("/entities/org:nhs-england/accountable-bodies", params={"as_of": "2015-01-01"}).json()
    assert "type:icb" not in ids(old["items"], "node") and "type:ccg" in ids(old["items"], "node")


def test_real_icbs_answer_to_nhs_england_through_their_type(register_api):
    body = register_api.get("/entities/org:nhs-england/accountable-bodies", params={"as_of": "2024-01-01"}).json()
    assert "org:ods-tqxu" in ids(body["items"], "node")
    later = register_api.get("/entities/org:nhs-england/accountable-bodies", params={"as_of": "2026-06-01"}).json()
    assert "org:ods-tqzz" in ids(later["items"], "node") and "org:ods-tqxu" not in ids(later["items"], "node")


# --- what an Act did ----------------------------------------------------------------


def test_the_2012_act_abolished_pcts_and_shas_and_established_the_board(api):
    body = api.get("/statutes/statute:health-and-social-care-act-2012/effects").json()
    effects = {(i["effect"], i["entity"]["id"]) for i in body["items"]}
    assert ("abolished", "type:pct") in effects and ("abolished", "type:sha") in effects
    assert any(e == "established" for e, _ in effects)
    assert {i["date"] for i in body["items"] if i["effect"] == "abolished"} == {"2013-04-01"}
    assert all(i["evidence"] for i in body["items"])
    assert body["total"] == len(body["items"])
    dates = [i["date"] or "" for i in body["items"]]
    assert dates == sorted(dates)


def test_statute_effects_narrow_to_a_period(api):
    everything = api.get("/statutes/statute:health-and-social-care-act-2012/effects").json()["items"]
    later = api.get("/statutes/statute:health-and-social-care-act-2012/effects", params={"from": "2014-01-01", "to": "2015-01-01"}).json()["items"]
    assert not any(i["effect"] == "abolished" for i in later) and len(later) < len(everything)


# --- the landscape's timeline ----------------------------------------------------------


def changes(api, start, end, **params):
    r = api.get("/changes", params={"from": start, "to": end, **params})
    assert r.status_code == 200, r.text
    return r.json()


def test_changes_of_april_2013(api):
    body = changes(api, "2013-04-01", "2013-04-02")
    assert {i["date"] for i in body["items"]} == {"2013-04-01"}
    # With the registers, 1 April 2013 is hundreds of changes (211 CCGs open,
    # every PCT closes): ask for one kind at a time.
    assert body["total"] > len(body["items"]) > 5
    abolished = {i["entities"][0]["id"] for i in changes(api, "2013-04-01", "2013-04-02", kind="abolished")["items"]}
    assert {"type:pct", "type:sha"} <= abolished
    established = changes(api, "2013-04-01", "2013-04-02", kind="established", limit=500)
    assert "type:ccg" in {i["entities"][0]["id"] for i in established["items"]}
    assert "org:nws-ccg" in {i["entities"][0]["id"] for i in established["items"]}
    assert changes(api, "2013-04-01", "2013-04-02", kind="succeeded,merged")["total"] > 0
    for item in body["items"]:
        assert item["description"] and set(item["entities"][0]) >= {"id", "name", "labels"}


def test_changes_of_july_2022_bring_icbs_and_end_ccgs(api):
    established = {i["entities"][0]["id"] for i in changes(api, "2022-07-01", "2022-07-02", kind="established", limit=500)["items"]}
    assert "type:icb" in established and "org:ods-qxu" in established
    abolished = {i["entities"][0]["id"] for i in changes(api, "2022-07-01", "2022-07-02", kind="abolished", limit=500)["items"]}
    assert "type:ccg" in abolished and "org:ods-92a" in abolished
    moved = changes(api, "2022-07-01", "2022-07-02", kind="commissioning_moved,commissioning_started,commissioning_ended")
    assert moved["total"] > 0


def test_changes_of_april_2026_with_registers(register_api):
    body = changes(register_api, "2026-04-01", "2026-04-02")
    found = {(i["kind"], tuple(ids(i["entities"]))) for i in body["items"]}
    assert ("succeeded", ("org:ods-tqxu", "org:ods-tqzz")) in found
    assert ("established", ("org:ods-tqzz",)) in found and ("abolished", ("org:ods-tqxu",)) in found


def test_changes_are_ordered_filtered_and_paginated(api):
    body = changes(api, "2010-01-01", "2024-01-01", kind="delegation,announced,renamed", status="any")
    dates = [i["date"] for i in body["items"]]
    assert dates == sorted(dates) and body["total"] == len(body["items"])
    assert {"announced", "delegation"} <= {i["kind"] for i in body["items"]}
    only = changes(api, "2010-01-01", "2024-01-01", kind="delegation, announced", status="any")
    assert {i["kind"] for i in only["items"]} == {"delegation", "announced"}
    page = changes(api, "2010-01-01", "2024-01-01", kind="delegation,announced,renamed", status="any", limit=3, offset=2)
    assert page["items"] == body["items"][2:5] and page["total"] == body["total"]


def test_planned_changes_only_when_asked(api):
    in_force = changes(api, "2010-01-01", "2030-01-01")
    anything = changes(api, "2010-01-01", "2030-01-01", status="any")
    assert {i["status"] for i in in_force["items"]} == {"in_force"}
    assert in_force["total"] < anything["total"]


def test_unknown_change_kind_is_422_listing_kinds(api):
    r = api.get("/changes", params={"kind": "founded"})
    assert r.status_code == 422 and "kind" in r.json()["detail"] and "commissioning_moved" in r.json()["detail"]


# --- a service over time ----------------------------------------------------------------


def test_dental_services_timeline(api):
    body = api.get("/services/service:dental-services/timeline").json()
    items = body["items"]
    assert items, body
    nhse = [i for i in items if i["commissioner"]["id"] == "org:nhs-england"]
    assert nhse and nhse[0]["from"] == "2013-04-01" and nhse[0]["from_parent"]["id"] == "service:primary-care"
    assert any(i["commissioner"]["id"] == "type:icb" and i["basis"] == "delegated" and i["from"] == "2023-04-01" for i in items)
    starts = [i["from"] or "" for i in items]
    assert starts == sorted(starts)
    assert all(i["to"] is None or (i["from"] or "") < i["to"] for i in items)
    assert all(set(i["commissioner"]) <= {"id", "name", "labels", "valid_from", "valid_to"} for i in items)
    full = api.get("/services/service:dental-services/timeline", params={"expand": "commissioner"}).json()["items"]
    assert "evidence" in full[0]["commissioner"]


# --- budgets -------------------------------------------------------------------------------


def test_budgets_by_text_and_fiscal_year(api):
    everything = api.get("/budgets", params={"limit": 1000}).json()
    health = api.get("/budgets", params={"q": "public health"}).json()
    assert 0 < health["total"] < everything["total"]
    for item in health["items"]:
        text = " ".join(str(item.get(k) or "") for k in ("name", "description", "original_text", "holder_name")).lower()
        assert "public health" in text
    year = everything["items"][0]["fiscal_year"]
    by_year = api.get("/budgets", params={"fiscal_year": year}).json()
    assert by_year["total"] >= 1 and {i["fiscal_year"] for i in by_year["items"]} == {year}


def test_budget_holder_matches_a_type_and_its_instances(api):
    ccg_type = api.get("/budgets", params={"holder": "type:ccg", "limit": 1000}).json()
    one_ccg = api.get("/budgets", params={"holder": "org:nws-ccg", "limit": 1000}).json()
    type_rows = {i["id"] for i in ccg_type["items"] if i["holder"] == "type:ccg"}
    assert type_rows and ccg_type["total"] > len(type_rows)  # the type's rows and its instances'
    # A CCG sees the CCGs' combined rows and its own, not another CCG's.
    assert type_rows <= set(ids(one_ccg["items"])) <= set(ids(ccg_type["items"]))
    assert {i["holder"] for i in one_ccg["items"]} == {"type:ccg", "org:nws-ccg"}


# --- finding things ----------------------------------------------------------------------------


def test_exact_name_ranks_first_and_typos_are_tolerated(api):
    body = api.get("/entities", params={"q": "NHS England"}).json()
    assert body["items"][0]["id"] == "org:nhs-england" and body["items"][0]["match"] == "exact"
    typo = api.get("/entities", params={"q": "comissioning board"}).json()
    # The Board is NHS England under its former name (one node, the name an alias).
    assert typo["similar"] and "org:nhs-england" in [i["id"] for i in typo["items"][:3]]
    assert typo["items"][0]["match"] == "similar"


def test_unknown_id_404_suggests_the_closest(api):
    r = api.get("/services/urgent-and-emergency-care/commissioners")
    assert r.status_code == 404
    assert r.json()["suggestions"][0]["id"] == "service:urgent-and-emergency-care"
    assert "service:urgent-and-emergency-care" in r.json()["detail"]


def test_instance_of_and_part_of_with_total(register_api):
    icbs = register_api.get("/entities", params={"instance_of": "type:icb", "as_of": "2024-01-01", "limit": 200}).json()
    # The test ICB beside the 42 real ones the registers bring.
    assert {"org:ods-tqxu", "org:ods-qxu"} <= set(ids(icbs["items"])) and icbs["total"] == len(icbs["items"])
    ccgs_2019 = register_api.get("/entities", params={"instance_of": "type:ccg", "as_of": "2019-01-01", "limit": 500}).json()
    assert "org:ods-t09y" in ids(ccgs_2019["items"]) and "org:ods-t92a" not in ids(ccgs_2019["items"])
    assert ccgs_2019["total"] == len(ccgs_2019["items"])
    parts = register_api.get("/entities", params={"part_of": "org:ods-tqxu", "as_of": "2024-01-01"}).json()
    assert ids(parts["items"]) == ["org:ods-t09y-sub"] and parts["total"] == 1
    moved = register_api.get("/entities", params={"part_of": "org:ods-tqxu", "as_of": "2026-06-01"}).json()
    assert moved["total"] == 0


def test_code_finds_a_body_any_date_and_q_matches_codes(register_api):
    for code in ("T09Y", "t09y", "E38009980"):
        body = register_api.get("/entities", params={"code": code}).json()
        assert ids(body["items"]) == ["org:ods-t09y"], code
    assert ids(register_api.get("/entities", params={"q": "e38009980"}).json()["items"]) == ["org:ods-t09y"]
    body = register_api.get("/entities", params={"q": "t92a"}).json()
    assert body["items"][0]["id"] == "org:ods-t92a" and body["items"][0]["match"] == "alias_or_code"
    assert body["items"][0]["codes"] == {"ods": "T92A", "ons": "E38009991"}


def test_entity_shows_codes(register_api, api):
    assert register_api.get("/entities/org:ods-tqxu").json()["codes"] == {"ods": "TQXU", "ons": "E54009990"}
    assert api.get("/entities/org:nhs-england").json()["codes"] == {"ods": None, "ons": None}


def test_history_follows_successions_transitively(register_api):
    body = register_api.get("/entities/org:ods-t09y/history").json()
    chain = [(i["node"]["id"], i["distance"]) for i in body["successors"]]
    assert chain == [("org:ods-t92a", 1), ("org:ods-tqxu", 2), ("org:ods-tqzz", 3)]
    assert [s["date"] for s in body["successors"][-1]["steps"]] == ["2020-04-01", "2022-07-01", "2026-04-01"]
    back = register_api.get("/entities/org:ods-tqzz/history").json()
    assert [i["node"]["id"] for i in back["predecessors"]] == ["org:ods-tqxu", "org:ods-t92a", "org:ods-t09y"]


# --- compact answers ----------------------------------------------------------------------------


def test_commissioners_are_briefs_unless_expanded(api):
    url = "/services/service:urgent-and-emergency-care/commissioners"
    compact = api.get(url, params={"as_of": "2016-06-01"})
    full = api.get(url, params={"as_of": "2016-06-01", "expand": "commissioner"})
    assert [i["commissioner"]["id"] for i in compact.json()["items"]] == [i["commissioner"]["id"] for i in full.json()["items"]]
    assert all("evidence" not in i["commissioner"] for i in compact.json()["items"])
    assert all("evidence" in i["commissioner"] for i in full.json()["items"])
    assert len(compact.content) < len(full.content)


def test_accountability_nodes_are_briefs_unless_expanded(api):
    compact = api.get("/entities/type:icb/accountability", params={"as_of": "2024-01-01"}).json()
    full = api.get("/entities/type:icb/accountability", params={"as_of": "2024-01-01", "expand": "nodes"}).json()
    assert "evidence" not in compact["chains"][0]["nodes"][0] and "evidence" in full["chains"][0]["nodes"][0]
