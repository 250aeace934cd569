"""The time-and-status model on the real engine: each rule with dates either
side of its boundary (issue: answers right for the date asked)."""

from __future__ import annotations

import pytest

from nhskg.core.timescope import Window, WindowError, holds, subtract, weakest


def commissioner_ids(api, service: str, **params) -> set[str]:
    r = api.get(f"/services/{service}/commissioners", params=params)
    assert r.status_code == 200, r.text
    return {i["commissioner"]["id"] for i in r.json()["items"]}


# --- status: proposals answer only when asked ---------------------------------


def test_2010_proposals_do_not_commission_in_2011(api):
    ids = commissioner_ids(api, "service:nhs-services", as_of="2011-06-01")
    assert "type:gp-consortium" not in ids and "org:nhs-commissioning-board" not in ids


def test_status_any_shows_the_proposals_and_each_item_says_its_status(api):
    r = api.get("/services/service:nhs-services/commissioners", params={"as_of": "2011-06-01", "status": "any"})
    items = r.json()["items"]
    proposed = [i for i in items if i["commissioner"]["id"] == "type:gp-consortium"]
    assert proposed and all(i["status"] == "proposed" for i in proposed)
    assert r.json()["window"]["status"] == ["in_force", "delayed", "planned", "proposed", "disputed", "superseded"]


def test_status_list_is_checked(api):
    r = api.get("/services/service:nhs-services/commissioners", params={"status": "in_force,imagined"})
    assert r.status_code == 422 and "imagined" in r.json()["detail"]


def test_a_delayed_delegation_is_not_in_force(api):
    """The specialised-services delegation was 'delayed' in the 2023 text: it
    does not make ICBs commission delegable specialised services by default."""
    items = api.get("/entities/type:icb/delegations", params={"direction": "in", "as_of": "2023-09-01"}).json()["items"]
    assert all(i["status"] == "in_force" for i in items)
    everything = api.get("/entities/type:icb/delegations", params={"direction": "in", "as_of": "2023-09-01", "status": "any"}).json()["items"]
    assert len(everything) >= len(items)


def test_a_proposal_never_makes_a_body_exist(api):
    body = api.get("/entities", params={"q": "consorti", "as_of": "2011-06-01"}).json()
    assert "type:gp-consortium" not in {i["id"] for i in body["items"]}
    body = api.get("/entities", params={"q": "consorti"}).json()  # the directory, no date
    found = [i for i in body["items"] if i["id"] == "type:gp-consortium"]
    assert found and found[0]["status"] == "proposed"


# --- events: visible in any window containing their date ---------------------


def test_the_2012_act_abolishing_pcts_is_visible_in_2013(api):
    for params in ({"from": "2013-01-01", "to": "2014-01-01"}, {"as_of": "2013-04-01"}):
        # max_nodes at the cap: with the registers, the 2012 Act also reaches every real PCT and SHA it abolished.
        body = api.get("/subgraph", params={"seed": "statute:health-and-social-care-act-2012", "depth": 1, "max_nodes": 1000, **params}).json()
        assert body["truncated"] is False
        abolished = {e["from"] for e in body["edges"] if e["type"] == "ABOLISHED_BY"}
        assert "type:pct" in abolished, params
        assert "type:pct" in {n["id"] for n in body["nodes"]}
        event = next(e for e in body["edges"] if e["type"] == "ABOLISHED_BY" and e["from"] == "type:pct")
        assert event["event"] is True and event["date"] == "2013-04-01"


def test_the_abolition_is_not_visible_outside_its_date(api):
    body = api.get("/subgraph", params={"seed": "statute:health-and-social-care-act-2012", "depth": 1, "as_of": "2014-06-01"}).json()
    assert not [e for e in body["edges"] if e["type"] == "ABOLISHED_BY" and e["from"] == "type:pct"]


# --- the service hierarchy ------------------------------------------------------


def test_dental_services_in_2020_are_answered_by_primary_care(api):
    items = api.get("/services/service:dental-services/commissioners", params={"as_of": "2020-01-01"}).json()["items"]
    nhse = [i for i in items if i["commissioner"]["id"] == "org:nhs-england"]
    assert nhse, items
    assert all(i["from_parent"]["id"] == "service:primary-care" for i in nhse)


def test_include_parts_still_works_downwards(api):
    items = api.get("/services/service:public-health/commissioners", params={"as_of": "2015-01-01"}).json()["items"]
    assert any(i["via"] and i["via"]["id"] == "service:sexual-health" for i in items)


# --- periods --------------------------------------------------------------------


def test_a_period_overlaps(api):
    """ICBs did not exist on 2022-06-30 but did within July 2022."""
    day = api.get("/entities/type:icb/accountability", params={"as_of": "2022-06-30"}).json()
    assert day["chains"] == [] and day["valid_on_date"] is False
    period = api.get("/entities/type:icb/accountability", params={"from": "2022-06-01", "to": "2022-08-01"}).json()
    assert period["chains"] and period["window"] == {"as_of": None, "from": "2022-06-01", "to": "2022-08-01", "status": ["in_force"]}


@pytest.mark.parametrize(
    "params, word",
    [
        ({"as_of": "2015"}, "as_of"),
        ({"from": "2016-01-01", "to": "2015-01-01"}, "before"),
        ({"as_of": "2015-01-01", "from": "2014-01-01"}, "either"),
    ],
)
def test_bad_windows_are_422_naming_the_problem(api, params, word):
    r = api.get("/entities/type:icb/accountability", params=params)
    assert r.status_code == 422 and word in r.json()["detail"]


# --- the one rule, in Python --------------------------------------------------------


def test_holds_is_half_open_and_status_aware():
    fact = {"valid_from": "2013-04-01", "valid_to": "2022-07-01", "status": "in_force"}
    assert not holds(fact, Window.on("2013-03-31"))
    assert holds(fact, Window.on("2013-04-01"))
    assert holds(fact, Window.on("2022-06-30"))
    assert not holds(fact, Window.on("2022-07-01"))
    assert holds(fact, Window.between("2022-06-01", "2023-01-01"))
    assert not holds({**fact, "status": "proposed"}, Window.on("2015-01-01"))
    assert holds({**fact, "status": "proposed"}, Window.on("2015-01-01", ("in_force", "proposed")))
    assert not holds({"undated": True}, Window.on("2015-01-01"))


def test_subtract_and_weakest():
    assert subtract(("2013-04-01", "2022-07-01"), [("2015-01-01", "2016-01-01")]) == [("2013-04-01", "2015-01-01"), ("2016-01-01", "2022-07-01")]
    assert subtract(("2013-04-01", None), [(None, None)]) == []
    assert weakest("in_force", "planned", None) == "planned"
    with pytest.raises(WindowError):
        Window.from_request(as_of="2015-02-30")


# --- dated means dated; quantifiers reach only what they say --------------------------


def test_a_2020_guideline_does_not_exist_in_1995(api):
    items = api.get("/entities", params={"q": "covid", "as_of": "1995-01-01"}).json()["items"]
    assert items == []
    # It has no exact start ("undated", with the reason), so no dated answer
    # includes it; the directory still finds it and says so.
    assert api.get("/entities", params={"q": "covid", "as_of": "2021-01-01"}).json()["items"] == []
    found = api.get("/entities", params={"q": "covid"}).json()["items"]
    assert [i["id"] for i in found] == ["policy:nice-covid-19-rapid-guidelines"]
    detail = api.get("/entities/policy:nice-covid-19-rapid-guidelines").json()
    assert detail["properties"]["undated"] is True and "2020" in detail["properties"]["undated_reason"]


def test_surrey_county_council_is_not_a_ccg_governing_body_member(api):
    """Local authority representatives sit on CCG governing bodies only "in
    some cases": the statement carries quantifier some and reaches no council."""
    body = api.get("/subgraph", params={"seed": "org:surrey-county-council", "depth": 1, "as_of": "2016-01-01", "status": "any"}).json()
    member_of = [e for e in body["edges"] if e["type"] == "MEMBER_OF" and e["from"] == "org:surrey-county-council"]
    assert "type:ccg-governing-body" not in {e["to"] for e in member_of}
