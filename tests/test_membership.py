"""Membership as data and "some adds, never replaces", through the HTTP API
on the real engine (DESIGN "Service hierarchy", "Some adds, never replaces",
"Membership is data"). Each rule is pinned on both sides of its boundary."""

from __future__ import annotations

import pytest

GP = "service:general-practice"
PMS = "service:primary-medical-services"
DENTAL = "service:dental-services"
SPECIALISED = "service:delegable-specialised-services"
NHSE = "org:nhs-england"
DELEGATED_CCG = "type:ccg-delegated-primary-care"
WAVE_2024 = "type:icb-specialised-wave-2024"
MIDLANDS, LONDON = "org:ods-y60", "org:ods-y56"
BRADFORD_DISTRICTS = "org:ods-02r"


def answer(api, service, day, **extra):
    r = api.get(f"/services/{service}/commissioners", params={"as_of": day, "include_parts": "false", **extra})
    assert r.status_code == 200, r.text
    return r.json()["items"]


def ids(items):
    return {i["commissioner"]["id"] for i in items}


def row(items, commissioner):
    return next(i for i in items if i["commissioner"]["id"] == commissioner)


def entities(api, **params):
    r = api.get("/entities", params={"limit": 500, **params})
    assert r.status_code == 200, r.text
    return r.json()


# --- some adds, never replaces -------------------------------------------------------


def test_one_ccg_delegation_does_not_replace_nhs_england_or_the_other_ccgs(api):
    # 2018: North West Surrey CCG's delegation is one row beside NHS England
    # (through primary care) and the CCGs' delegated and joint commissioning.
    found = ids(answer(api, GP, "2018-06-01"))
    assert {"org:nws-ccg", NHSE, DELEGATED_CCG, "type:ccg"} <= found
    assert row(answer(api, GP, "2018-06-01"), "org:nws-ccg")["addition"] is True
    # After NWS CCG merged (April 2020) NHS England and the CCGs still answer.
    after = ids(answer(api, GP, "2020-06-01"))
    assert "org:nws-ccg" not in after and {NHSE, DELEGATED_CCG} <= after


def test_before_co_commissioning_nhs_england_alone_commissions_general_practice(api):
    found = ids(answer(api, GP, "2015-03-31"))
    assert NHSE in found
    assert not found & {DELEGATED_CCG, "type:ccg-joint-primary-care", "type:ccg"}


def test_pod_early_adopters_add_to_nhs_england_for_dental_services(api):
    before = ids(answer(api, DENTAL, "2022-06-30"))
    assert NHSE in before and "type:pod-early-adopter-icb" not in before
    during = answer(api, DENTAL, "2022-09-01")
    assert {NHSE, "type:pod-early-adopter-icb"} <= ids(during)
    assert row(during, NHSE)["from_parent"]["id"] == "service:primary-care"
    # The nine are known by a cited count, not by name: the row says so.
    wave = row(during, "type:pod-early-adopter-icb")["stands_for"]
    assert (wave["known"], wave["count"], wave["count_id"]) == (0, 9, "count:pod-early-adopter-icbs")
    # From April 2023 every ICB holds dental services by delegation: a fact
    # about all ICBs answers for the service.
    after = ids(answer(api, DENTAL, "2023-09-01"))
    assert "type:icb" in after and "type:pod-early-adopter-icb" not in after


# --- inheritance scoped to the parts a fact covers ------------------------------------------


@pytest.mark.parametrize("service", [DENTAL, "service:pharmaceutical-services", "service:general-ophthalmic-services"])
def test_ccg_co_commissioning_does_not_reach_dental_pharmacy_or_optometry(api, service):
    found = answer(api, service, "2016-06-01")
    assert "type:ccg" not in ids(found)
    assert row(found, NHSE)["from_parent"]["id"] == "service:primary-care"


def test_ccg_co_commissioning_reaches_primary_medical_services_and_general_practice(api):
    for service in (PMS, GP):
        found = answer(api, service, "2016-06-01")
        ccg = row(found, "type:ccg")
        assert ccg["basis"] == "co-commissioned" and ccg["from_parent"]["id"] == "service:primary-care"
    # ... and not before co-commissioning began (1 April 2015).
    assert "type:ccg" not in ids(answer(api, PMS, "2015-03-31"))


# --- membership by rule over dated PART_OF ----------------------------------------------------


def _icbs_of_region(api, region, day):
    """The ICBs PART_OF an NHS England region on the day (the register's dated links)."""
    icbs = {e["id"] for e in entities(api, instance_of="type:icb", as_of=day)["items"]}
    return icbs & {e["id"] for e in entities(api, part_of=region, as_of=day)["items"]}


def test_every_midlands_icb_holds_specialised_services_in_2024_and_no_london_icb(api):
    day = "2024-06-01"
    rows = answer(api, SPECIALISED, day, instances="list")
    holders = {i["commissioner"]["id"] for i in rows if i.get("inherited_from") == WAVE_2024}
    midlands, london = _icbs_of_region(api, MIDLANDS, day), _icbs_of_region(api, LONDON, day)
    assert len(midlands) == 11 and len(london) == 5
    assert midlands <= holders
    assert not (london & holders)
    item = next(i for i in rows if i["commissioner"]["id"] in midlands)
    assert item["delegation_id"] == "delegation:nhse-specialised-services-to-icbs-2024"
    assert item["evidence"], "an inherited delegation carries its evidence"
    # NHS England stays a commissioner beside the wave (it adds, never replaces).
    assert NHSE in ids(rows)


def test_the_2024_wave_has_twenty_members_and_none_before_april_2024(api):
    assert entities(api, instance_of=WAVE_2024, as_of="2024-06-01")["total"] == 20
    assert entities(api, instance_of=WAVE_2024, as_of="2024-03-31")["total"] == 0
    assert not {i["commissioner"]["id"] for i in answer(api, SPECIALISED, "2024-03-31", instances="list") if i.get("inherited_from") == WAVE_2024}


def test_every_ccg_holds_delegated_primary_care_from_april_2021(api):
    ccgs = entities(api, instance_of="type:ccg", as_of="2021-06-01")["total"]
    assert entities(api, instance_of=DELEGATED_CCG, as_of="2021-06-01")["total"] == ccgs == 106
    delegated = row(answer(api, PMS, "2021-06-01"), DELEGATED_CCG)
    assert delegated["instance_count"] == ccgs
    assert delegated["stands_for"]["known"] == ccgs
    # The day before, only the listed members are named.
    assert entities(api, instance_of=DELEGATED_CCG, as_of="2021-03-31")["total"] == 0


# --- membership by a cited list, and by a cited count -------------------------------------------


def test_a_named_ccg_holds_delegated_gp_commissioning_in_2016_with_its_delegation(api):
    rows = answer(api, PMS, "2016-01-15", instances="list")
    bradford = row(rows, BRADFORD_DISTRICTS)
    assert bradford["basis"] == "delegated"
    assert bradford["delegation_id"] == "delegation:nhse-primary-medical-services-to-delegated-ccgs"
    assert bradford["inherited_from"] == DELEGATED_CCG
    assert any("Bradford" in (e.get("quote") or "") for e in bradford["evidence"])
    # The list covers 2015/16 only: in 2016/17 the graph has the count, not the names.
    assert BRADFORD_DISTRICTS not in ids(answer(api, PMS, "2016-06-01", instances="list"))


def test_type_rows_say_how_many_bodies_they_stand_for(api):
    found = answer(api, PMS, "2016-01-15")
    delegated = row(found, DELEGATED_CCG)["stands_for"]
    assert (delegated["known"], delegated["count"], delegated["count_id"]) == (2, 63, "count:ccgs-delegated-primary-care-2015")
    joint = row(found, "type:ccg-joint-primary-care")["stands_for"]
    assert (joint["known"], joint["count"]) == (0, 87)
    later = row(answer(api, PMS, "2016-06-01"), DELEGATED_CCG)["stands_for"]
    assert (later["known"], later["count"]) == (0, 114)
    # "Some CCGs" co-commissioning, with no list and no count: an unknown set, said so.
    some = row(found, "type:ccg")["stands_for"]
    assert some["known"] == 0 and some["count"] is None and "unknown set" in some["note"]


# --- what a body commissioned -----------------------------------------------------------------


def commissions(api, body, **params):
    r = api.get(f"/entities/{body}/commissions", params=params)
    assert r.status_code == 200, r.text
    return r.json()["items"]


def test_a_named_ccg_commissions_gp_services_by_delegation_in_2016(api):
    found = commissions(api, BRADFORD_DISTRICTS, as_of="2016-01-15", basis="delegated")
    assert [(i["service"]["id"], i["delegation_id"], i["delegated_by"]) for i in found] == [
        (PMS, "delegation:nhse-primary-medical-services-to-delegated-ccgs", NHSE)
    ]
    assert found[0]["evidence"] and found[0]["addition"] is True
    # Its statutory commissioning comes from its type; nothing delegated before April 2015.
    statutory = commissions(api, BRADFORD_DISTRICTS, as_of="2016-01-15", basis="statutory")
    assert {i["inherited_from"] for i in statutory} == {"type:ccg"}
    assert not commissions(api, BRADFORD_DISTRICTS, as_of="2015-03-31", basis="delegated")


def test_a_midlands_icb_commissions_specialised_services_from_april_2024(api):
    icb = sorted(_icbs_of_region(api, MIDLANDS, "2024-06-01"))[0]
    assert SPECIALISED in {i["service"]["id"] for i in commissions(api, icb, as_of="2024-06-01")}
    assert SPECIALISED not in {i["service"]["id"] for i in commissions(api, icb, as_of="2024-03-31")}
    london = sorted(_icbs_of_region(api, LONDON, "2024-06-01"))[0]
    assert SPECIALISED not in {i["service"]["id"] for i in commissions(api, london, as_of="2024-06-01")}
    # From April 2025 every ICB does, London's too.
    assert SPECIALISED in {i["service"]["id"] for i in commissions(api, london, as_of="2025-06-01")}


def test_commissions_refuses_an_unknown_basis_and_an_unknown_entity(api):
    r = api.get(f"/entities/{BRADFORD_DISTRICTS}/commissions", params={"basis": "bartered"})
    assert r.status_code == 422 and "basis" in r.json()["detail"]
    assert api.get("/entities/org:no-such-body/commissions").status_code == 404
    # The OpenAPI document lists the bases the route accepts, so a schema-valid
    # request is never refused for its basis.
    (basis,) = [p for p in api.get("/openapi.json").json()["paths"]["/entities/{id}/commissions"]["get"]["parameters"] if p["name"] == "basis"]
    accepted = [b for b in ("statutory", "delegated", "co-commissioned", "direct", "joint") if api.get(f"/entities/{BRADFORD_DISTRICTS}/commissions", params={"basis": b}).status_code == 200]
    assert sorted(basis["schema"]["enum"]) == sorted(accepted) and "bartered" not in accepted


def test_a_members_delegations_in_name_the_cohorts_delegation(api):
    def received(body, day):
        r = api.get(f"/entities/{body}/delegations", params={"direction": "in", "as_of": day})
        assert r.status_code == 200, r.text
        return {d["id"] for d in r.json()["items"]}

    assert "delegation:nhse-primary-medical-services-to-delegated-ccgs" in received(BRADFORD_DISTRICTS, "2016-01-15")
    midlands = sorted(_icbs_of_region(api, MIDLANDS, "2024-06-01"))[0]
    london = sorted(_icbs_of_region(api, LONDON, "2024-06-01"))[0]
    assert "delegation:nhse-specialised-services-to-icbs-2024" in received(midlands, "2024-06-01")
    assert "delegation:nhse-specialised-services-to-icbs-2024" not in received(london, "2024-06-01")
