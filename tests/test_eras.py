"""The eras of English NHS commissioning 1990-2026 through the HTTP API on the
real engine: who commissioned acute and elective care, who answered to whom,
which types existed and which Acts made them, on both sides of each boundary.

The facts are curated (ingest/kb/era_*.yaml, each cited to the Act, the
statutory instrument or the publication); the expected answers below restate
those sources, not the YAML: DHAs purchased hospital care from the
purchaser/provider split of 1 April 1991 until the Health Authorities Act 1995
replaced them on 1 April 1996; fundholders bought elective care 1991-1999;
PCGs (committees of health authorities) from 1 April 1999; the first PCTs on
1 April 2000; PCTs everywhere from 1 April 2002 until 1 April 2013; CCGs to
1 July 2022; ICBs since.
"""

from __future__ import annotations

import pytest

ACUTE = "service:acute-care"
ELECTIVE = "service:elective-hospital-care"


def commissioners(api, service: str, day: str) -> set[str]:
    r = api.get(f"/services/{service}/commissioners", params={"as_of": day})
    assert r.status_code == 200, r.text
    return {i["commissioner"]["id"] for i in r.json()["items"] if i["via"] is None}


def chains(api, node_id: str, day: str) -> dict:
    r = api.get(f"/entities/{node_id}/accountability", params={"as_of": day})
    assert r.status_code == 200, r.text
    return r.json()


def next_hops(api, node_id: str, day: str) -> set[str]:
    return {c["nodes"][1]["id"] for c in chains(api, node_id, day)["chains"]}


def search(api, q: str, **params) -> list[dict]:
    r = api.get("/entities", params={"q": q, "limit": 50, **params})
    assert r.status_code == 200, r.text
    return r.json()["items"]


# --- who commissioned acute (hospital) care, era by era ------------------------------

@pytest.mark.parametrize(
    ("day", "present", "absent"),
    [
        ("1991-03-31", set(), {"type:dha", "type:health-authority", "type:pct"}),
        ("1991-04-01", {"type:dha"}, {"type:health-authority", "type:pct"}),
        ("1995-06-01", {"type:dha"}, {"type:health-authority", "type:pct", "type:pcg", "type:ccg"}),
        ("1996-03-31", {"type:dha"}, {"type:health-authority"}),
        ("1996-04-01", {"type:health-authority"}, {"type:dha", "type:pcg"}),
        ("1999-03-31", {"type:health-authority"}, {"type:pcg", "type:pct"}),
        ("1999-04-01", {"type:health-authority", "type:pcg"}, {"type:pct"}),
        ("2000-03-31", {"type:health-authority", "type:pcg"}, {"type:pct"}),
        ("2000-06-01", {"type:health-authority", "type:pcg", "type:pct"}, {"type:dha", "type:ccg"}),
        ("2002-03-31", {"type:health-authority", "type:pct"}, {"type:sha"}),
        ("2002-04-01", {"type:pct"}, {"type:health-authority", "type:pcg"}),
        ("2005-06-01", {"type:pct"}, {"type:health-authority", "type:pcg", "type:ccg"}),
        ("2010-06-01", {"type:pct"}, {"type:ccg", "type:gp-consortium"}),
        ("2013-03-31", {"type:pct"}, {"type:ccg"}),
        ("2013-04-01", {"type:ccg"}, {"type:pct"}),
        ("2016-06-01", {"type:ccg"}, {"type:pct", "type:icb"}),
        ("2024-06-01", {"type:icb"}, {"type:ccg", "type:pct"}),
    ],
)
def test_commissioner_of_acute_care_by_era(api, day, present, absent):
    found = commissioners(api, ACUTE, day)
    assert present <= found, (day, found)
    assert not (absent & found), (day, found)


@pytest.mark.parametrize(
    ("day", "present", "absent"),
    [
        ("1991-03-31", set(), {"type:dha", "type:gp-fundholding-practice"}),
        ("1995-06-01", {"type:dha", "type:gp-fundholding-practice"}, {"type:health-authority", "type:pcg"}),
        ("1996-04-01", {"type:health-authority", "type:gp-fundholding-practice"}, {"type:dha"}),
        ("1999-03-31", {"type:health-authority", "type:gp-fundholding-practice"}, {"type:pcg"}),
        ("1999-04-01", {"type:health-authority", "type:pcg"}, {"type:gp-fundholding-practice"}),
        ("2000-06-01", {"type:health-authority", "type:pcg", "type:pct"}, {"type:gp-fundholding-practice"}),
        ("2005-06-01", {"type:pct"}, {"type:health-authority", "type:gp-fundholding-practice"}),
        ("2010-06-01", {"type:pct"}, {"type:ccg"}),
        ("2016-06-01", {"type:ccg"}, {"type:pct"}),
        ("2024-06-01", {"type:icb"}, {"type:ccg"}),
    ],
)
def test_commissioner_of_elective_hospital_care_by_era(api, day, present, absent):
    found = commissioners(api, ELECTIVE, day)
    assert present <= found, (day, found)
    assert not (absent & found), (day, found)


def test_fundholders_commission_on_their_own_basis_with_evidence(api):
    r = api.get(f"/services/{ELECTIVE}/commissioners", params={"as_of": "1995-06-01"})
    item = next(i for i in r.json()["items"] if i["commissioner"]["id"] == "type:gp-fundholding-practice")
    assert item["valid_from"] == "1991-04-01" and item["valid_to"] == "1999-04-01"
    assert item["evidence"] and all(e["kind"] in ("citation", "paraphrase") for e in item["evidence"])


def test_family_health_services_authorities_held_the_gp_contracts_1991_1996(api):
    gp = "service:primary-medical-services"
    assert "type:fhsa" in commissioners(api, gp, "1993-01-01")
    after = commissioners(api, gp, "1996-04-01")
    assert "type:fhsa" not in after and "type:health-authority" in after


def test_pcg_commissioning_is_delegated_by_the_health_authority(api):
    r = api.get(f"/services/{ACUTE}/commissioners", params={"as_of": "2000-06-01"})
    item = next(i for i in r.json()["items"] if i["commissioner"]["id"] == "type:pcg" and i["via"] is None)
    assert item["basis"] == "delegated"


# --- accountability -------------------------------------------------------------------

def test_a_pcg_answered_to_its_health_authority_in_2000(api):
    assert next_hops(api, "type:pcg", "2000-06-01") == {"type:health-authority"}
    body = chains(api, "type:pcg", "2000-06-01")
    assert any([n["id"] for n in c["nodes"]][:3] == ["type:pcg", "type:health-authority", "org:secretary-of-state-for-health-and-social-care"] for c in body["chains"])


def test_no_pcg_chain_before_april_1999_or_after_april_2002(api):
    assert chains(api, "type:pcg", "1999-03-31")["chains"] == []
    assert chains(api, "type:pcg", "2002-04-01")["chains"] == []


@pytest.mark.parametrize("day", ["2004-06-01", "2008-06-01"])
def test_a_pct_answers_to_its_sha_type(api, day):
    assert "type:sha" in next_hops(api, "type:pct", day)


def test_pct_to_sha_starts_with_the_shas(api):
    assert "type:sha" not in next_hops(api, "type:pct", "2001-06-01")
    assert "type:sha" in next_hops(api, "type:pct", "2002-04-01")
    assert chains(api, "type:pct", "2013-04-01")["chains"] == []


def test_the_unproven_pct_to_health_authority_line_is_not_a_default_answer(api):
    assert "type:health-authority" not in next_hops(api, "type:pct", "2001-06-01")


@pytest.mark.parametrize(
    ("node", "day", "up"),
    [
        ("type:fhsa", "1993-01-01", "type:rha"),
        ("type:dha", "1993-01-01", "type:rha"),
        ("type:rha", "1993-01-01", "org:secretary-of-state-for-health-and-social-care"),
        ("type:health-authority", "1998-01-01", "org:secretary-of-state-for-health-and-social-care"),
    ],
)
def test_the_1990s_chains(api, node, day, up):
    assert up in next_hops(api, node, day)


def test_rhas_answer_to_no_one_once_abolished(api):
    body = chains(api, "type:rha", "1996-04-01")
    assert body["valid_on_date"] is False and body["chains"] == []


# --- types never before their Act -----------------------------------------------------

@pytest.mark.parametrize(
    ("type_id", "last_day_before", "first_day", "first_day_after"),
    [
        ("type:foundation-trust", "2004-03-31", "2004-04-01", None),
        ("type:pcg", "1999-03-31", "1999-04-01", "2002-04-01"),
        ("type:pct", "2000-03-31", "2000-04-01", "2013-04-01"),
        ("type:health-authority", "1996-03-31", "1996-04-01", "2002-04-01"),
        ("type:dha", None, "1991-04-01", "1996-04-01"),
        ("type:fhsa", None, "1991-04-01", "1996-04-01"),
        ("type:rha", None, "1991-04-01", "1996-04-01"),
        ("type:gp-fundholding-practice", "1991-03-31", "1991-04-01", "1999-04-01"),
        ("type:total-purchasing-pilot", "1996-03-31", "1996-04-01", "1999-04-01"),
        ("type:specialised-commissioning-group", "2006-06-30", "2006-07-01", "2013-04-01"),
    ],
)
def test_a_type_exists_only_on_its_own_dates(api, type_id, last_day_before, first_day, first_day_after):
    def exists(day: str) -> bool:
        r = api.get(f"/entities/{type_id}/accountability", params={"as_of": day})
        assert r.status_code == 200, r.text
        return r.json()["valid_on_date"]

    if last_day_before:
        assert not exists(last_day_before)
    assert exists(first_day)
    if first_day_after:
        assert not exists(first_day_after)


def test_no_foundation_trust_type_in_the_directory_before_april_2004(api):
    before = {i["id"] for i in search(api, "foundation trust", as_of="2004-03-31", label="OrganisationType")}
    after = {i["id"] for i in search(api, "foundation trust", as_of="2004-04-01", label="OrganisationType")}
    assert "type:foundation-trust" not in before
    assert "type:foundation-trust" in after


def test_the_2010_white_paper_dates_from_its_publication_and_proposes_only(api):
    r = api.get("/entities/policy:equity-and-excellence-2010")
    assert r.status_code == 200, r.text
    body = r.json()
    assert {**body, **(body.get("properties") or {})}["valid_from"] == "2010-07-12"
    assert "policy:equity-and-excellence-2010" not in {i["id"] for i in search(api, "Equity and excellence", as_of="2010-07-11")}
    # what it proposed is `proposed` from its publication, never in force
    for rel_id in (
        "rel:sets_out:policy:equity-and-excellence-2010:type:gp-consortium",
        "rel:sets_out:policy:equity-and-excellence-2010:org:nhs-commissioning-board",
        "rel:applies_to:policy:equity-and-excellence-2010:type:pct",
    ):
        rel = api.get(f"/relationships/{rel_id}")
        assert rel.status_code == 200, rel.text
        got = rel.json()["relationship"]
        assert got["status"] == "proposed" and got["valid_from"] == "2010-07-12", got
    # its GP consortia never exist as bodies in force
    assert "type:gp-consortium" not in {i["id"] for i in search(api, "GP consortium", as_of="2011-06-01")}


# --- the Acts of each era, findable with their dates -------------------------------------

@pytest.mark.parametrize(
    ("q", "statute_id", "valid_from"),
    [
        ("NHS and Community Care Act 1990", "statute:nhs-and-community-care-act-1990", "1990-06-29"),
        ("Health Authorities Act 1995", "statute:health-authorities-act-1995", "1995-06-28"),
        ("Health Act 1999", "statute:health-act-1999", "1999-06-30"),
        ("Health and Social Care Act 2001", "statute:health-and-social-care-act-2001", "2001-05-11"),
        ("Health Care Professions Act 2002", "statute:nhs-reform-and-health-care-professions-act-2002", "2002-06-25"),
        ("Community Health and Standards", "statute:health-and-social-care-community-health-and-standards-act-2003", "2003-11-20"),
        ("National Health Service Act 2006", "statute:nhs-act-2006", "2006-11-08"),
        ("Public Involvement in Health Act 2007", "statute:local-government-and-public-involvement-in-health-act-2007", "2007-10-30"),
        ("Health Act 2009", "statute:health-act-2009", "2009-11-12"),
        ("Health and Social Care Act 2012", "statute:health-and-social-care-act-2012", "2012-03-27"),
    ],
)
def test_each_eras_act_is_found_with_its_date(api, q, statute_id, valid_from):
    items = {i["id"]: i for i in search(api, q)}
    assert statute_id in items, (q, list(items))
    assert items[statute_id]["valid_from"] == valid_from
    # and not before its Royal Assent
    assert statute_id not in {i["id"] for i in search(api, q, as_of="1990-01-01")}


# --- era counts -----------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("count_id", "value", "valid_from", "valid_to"),
    [
        ("count:rhas-1990", 14, "1990-06-29", "1994-04-01"),
        ("count:rhas-1994", 8, "1994-04-01", "1996-04-01"),
        ("count:pcgs-1999", 481, "1999-04-01", "2000-04-01"),
        ("count:shas-2002", 28, "2002-04-01", "2006-07-01"),
        ("count:shas-2006", 10, "2006-07-01", "2013-04-01"),
        ("count:pcts-2006-05", 303, "2006-05-01", "2006-10-01"),
        ("count:pcts-2006-10", 152, "2006-10-01", "2012-01-01"),
        ("count:stps-2016", 44, "2016-03-30", "2020-04-01"),
        ("count:non-statutory-icss-2021", 42, "2021-04-01", "2022-07-01"),
        ("count:nhse-area-teams-2013", 27, "2013-04-01", "2015-04-01"),
    ],
)
def test_era_counts_are_dated_and_cited(api, count_id, value, valid_from, valid_to):
    r = api.get(f"/entities/{count_id}")
    assert r.status_code == 200, r.text
    body = r.json()
    props = {**body, **(body.get("properties") or {})}
    assert props["value"] == value
    assert (props["valid_from"], props["valid_to"]) == (valid_from, valid_to)
    assert body.get("evidence"), count_id


def test_health_education_england_from_its_2012_order(api):
    assert chains(api, "org:health-education-england", "2012-06-27")["valid_on_date"] is False
    assert chains(api, "org:health-education-england", "2012-06-28")["valid_on_date"] is True
    assert chains(api, "org:health-education-england", "2023-04-01")["valid_on_date"] is False


# --- /changes: schemes that took effect are not "announced" ----------------------------------

@pytest.mark.parametrize(
    ("day", "policy_id"),
    [("1991-04-01", "policy:gp-fundholding"), ("2015-04-01", "policy:primary-care-co-commissioning"), ("2005-04-01", "policy:practice-based-commissioning")],
)
def test_a_scheme_taking_effect_took_effect_not_announced(api, day, policy_id):
    r = api.get("/changes", params={"from": day, "to": day[:8] + "02"})
    assert r.status_code == 200, r.text
    kinds = {i["kind"] for i in r.json()["items"] if policy_id in {e["id"] for e in i["entities"]}}
    # It took effect (and an Act may also have established it that day); it was not merely announced.
    assert "took_effect" in kinds and "announced" not in kinds, kinds


def test_a_white_paper_is_announced_on_its_day(api):
    r = api.get("/changes", params={"from": "2010-07-12", "to": "2010-07-13"})
    kinds = {i["kind"] for i in r.json()["items"] if "policy:equity-and-excellence-2010" in {e["id"] for e in i["entities"]}}
    assert kinds == {"announced"}


def test_the_1996_reorganisation_shows_in_changes(api):
    r = api.get("/changes", params={"from": "1996-04-01", "to": "1996-04-02"})
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    abolished = {e["id"] for i in items if i["kind"] == "abolished" for e in i["entities"]}
    established = {e["id"] for i in items if i["kind"] == "established" for e in i["entities"]}
    assert {"type:rha", "type:dha", "type:fhsa"} <= abolished
    assert "type:health-authority" in established


def test_area_teams_two_numbers_both_kept(api):
    """27 area teams in the count record (London's three counted apart), 25
    bodies in the registers (London as one); the count answers "how many"."""
    r = api.get("/entities/count:nhse-area-teams-2013")
    assert r.status_code == 200
    bodies = api.get("/entities", params={"instance_of": "type:nhse-area-team", "as_of": "2014-01-01", "limit": 100})
    assert bodies.status_code == 200, bodies.text
    assert bodies.json()["total"] == 25


# --- what each era's Act did ------------------------------------------------------------------

@pytest.mark.parametrize(
    ("statute_id", "effect", "entity_id", "day"),
    [
        ("statute:health-authorities-act-1995", "abolished", "type:rha", "1996-04-01"),
        ("statute:health-authorities-act-1995", "abolished", "type:dha", "1996-04-01"),
        ("statute:health-authorities-act-1995", "abolished", "type:fhsa", "1996-04-01"),
        ("statute:health-authorities-act-1995", "established", "type:health-authority", "1996-04-01"),
        ("statute:nhs-and-community-care-act-1990", "established", "type:gp-fundholding-practice", "1991-04-01"),
        ("statute:health-act-1999", "abolished", "type:gp-fundholding-practice", "1999-04-01"),
        ("statute:health-act-1999", "established", "type:pct", "2000-04-01"),
        ("statute:nhs-reform-and-health-care-professions-act-2002", "established", "type:sha", "2002-10-01"),
        ("statute:health-and-social-care-community-health-and-standards-act-2003", "established", "type:foundation-trust", "2004-04-01"),
        ("statute:health-and-social-care-community-health-and-standards-act-2003", "established", "org:monitor", "2004-01-01"),
        ("statute:health-and-social-care-act-2012", "established", "org:nice", "2013-04-01"),
        ("statute:health-and-social-care-act-2012", "established", "org:nhs-digital", "2013-04-01"),
        ("statute:health-and-social-care-act-2012", "established", "org:healthwatch-england", "2012-10-01"),
    ],
)
def test_each_act_shows_what_it_established_or_abolished(api, statute_id, effect, entity_id, day):
    r = api.get(f"/statutes/{statute_id}/effects")
    assert r.status_code == 200, r.text
    found = {(i["effect"], i["entity"]["id"], i["date"]) for i in r.json()["items"]}
    assert (effect, entity_id, day) in found, sorted(found)


@pytest.mark.parametrize(
    ("day", "type_name", "expected"),
    [
        ("1994-03-31", "regional health authority", "14 × regional health authority"),
        ("1994-04-01", "regional health authority", "8 × regional health authority"),
        ("1996-04-01", "regional health authority", None),
        ("1999-03-31", "primary care group", None),
        ("1999-04-01", "primary care group", "481 × primary care group"),
        ("2006-09-30", "primary care trust", "303 × primary care trust"),
        ("2006-10-01", "primary care trust", "152 × primary care trust"),
        ("2006-06-30", "strategic health authority", "28 × strategic health authority"),
        ("2006-07-01", "strategic health authority", "10 × strategic health authority"),
        ("2016-06-01", "sustainability and transformation partnership", "44 × sustainability and transformation partnership"),
        ("2013-06-01", "NHS England area team", "27 × NHS England area team"),
    ],
)
def test_the_count_in_force_on_each_side_of_a_reorganisation(api, day, type_name, expected):
    names = {i["name"] for i in search(api, type_name, label="Count", as_of=day)}
    names = {n for n in names if n.endswith(f"× {type_name}")}
    assert names == ({expected} if expected else set()), (day, names)


@pytest.mark.parametrize(("day", "answers"), [("2001-06-01", False), ("2004-06-01", True), ("2012-06-01", True), ("2013-04-01", False)])
def test_an_nhs_trust_answered_to_its_sha_2002_2013(api, day, answers):
    assert ("type:sha" in next_hops(api, "type:nhs-trust", day)) is answers
