"""Accountability of real bodies by date, through the HTTP API on the real
engine: type-level facts (quantifier all) reach bodies through their dated
INSTANCE_OF, and "accountable to the SHA it is part of" reaches each PCT's
own SHA (rule accountable-to-own). Both sides of each boundary."""

from __future__ import annotations

import pytest


def entities(api, **params):
    r = api.get("/entities", params={"limit": 500, **params})
    assert r.status_code == 200, r.text
    return {e["id"] for e in r.json()["items"]}


def first_hops(api, body, day):
    """The bodies `body` answers to directly on the day, with the relationship."""
    r = api.get(f"/entities/{body}/accountability", params={"as_of": day})
    assert r.status_code == 200, r.text
    return {c["relationships"][0]["to"]: c["relationships"][0] for c in r.json()["chains"] if c["relationships"]}


def a_foundation_trust_since_before(api, day):
    """A foundation trust that was one on `day` and still is in 2024 (picked
    from the register layer, not named here, so the test follows the
    registers' dated INSTANCE_OF)."""
    found = sorted(entities(api, instance_of="type:foundation-trust", as_of=day) & entities(api, instance_of="type:foundation-trust", as_of="2024-06-01"))
    assert found, f"no foundation trust both on {day} and in 2024"
    return found[0]


@pytest.mark.parametrize(
    ("day", "regulator", "not_regulator"),
    [
        ("2010-06-01", "org:monitor", "org:nhs-improvement"),
        ("2016-03-31", "org:monitor", "org:nhs-improvement"),
        ("2016-04-01", "org:nhs-improvement", "org:monitor"),
        ("2017-06-01", "org:nhs-improvement", "org:nhs-england"),
        ("2022-06-30", "org:nhs-improvement", "org:nhs-england"),
        ("2022-07-01", "org:nhs-england", "org:nhs-improvement"),
        ("2024-06-01", "org:nhs-england", "org:monitor"),
    ],
)
def test_a_foundation_trusts_regulator_by_date(api, day, regulator, not_regulator):
    trust = a_foundation_trust_since_before(api, "2010-06-01")
    hops = first_hops(api, trust, day)
    assert regulator in hops and not_regulator not in hops
    rel = hops[regulator]
    assert rel["derived"] is True and rel["rule"] == "instance-inherits-type"
    assert rel["evidence"], "an inherited accountability carries the evidence of what it rests on"


@pytest.mark.parametrize(
    ("day", "overseer"),
    [("2013-06-01", "org:nhs-trust-development-authority"), ("2017-06-01", "org:nhs-improvement"), ("2023-06-01", "org:nhs-england")],
)
def test_an_nhs_trusts_overseer_by_date(api, day, overseer):
    trusts = sorted(entities(api, instance_of="type:nhs-trust", as_of=day))
    assert trusts
    assert overseer in first_hops(api, trusts[0], day)


@pytest.mark.parametrize("day", ["2008-06-01", "2012-06-01"])
def test_a_pct_answers_to_its_own_sha_not_only_the_type(api, day):
    # 2008: through the register layer's stated inference (a PCT of the 2012
    # lookup was in the same SHA from the 2006 SHAs' creation); 2012: the lookup itself.
    shas = entities(api, instance_of="type:sha", as_of=day)
    pct = sorted(entities(api, instance_of="type:pct", as_of=day))[0]
    hops = first_hops(api, pct, day)
    own = [to for to, rel in hops.items() if rel.get("rule") == "accountable-to-own"]
    assert len(own) == 1 and own[0] in shas
    assert "type:sha" not in hops, "the PCT's own SHA answers, not only the type"
    # ... which answers, in turn, to the Secretary of State; and the SHA
    # lists the PCT among the bodies that answer to it.
    r = api.get(f"/entities/{own[0]}/accountable-bodies", params={"as_of": day, "limit": 500})
    assert r.status_code == 200, r.text
    assert pct in {i["node"]["id"] for i in r.json()["items"]}
    # Not after the PCTs and SHAs were abolished (1 April 2013).
    assert not first_hops(api, pct, "2013-04-01")


def test_public_health_england_answers_to_the_department_of_health_in_its_life(api):
    assert "org:department-of-health" in first_hops(api, "org:public-health-england", "2015-06-01")
    r = api.get("/entities/org:public-health-england/accountability", params={"as_of": "2021-10-01"})
    assert r.status_code == 200 and not r.json()["chains"]


def test_a_ccg_and_an_icb_answer_to_nhs_england(api):
    ccg = sorted(entities(api, instance_of="type:ccg", as_of="2016-06-01"))[0]
    assert "org:nhs-england" in first_hops(api, ccg, "2016-06-01")
    icb = sorted(entities(api, instance_of="type:icb", as_of="2024-06-01"))[0]
    assert "org:nhs-england" in first_hops(api, icb, "2024-06-01")


def test_before_the_2006_shas_a_pct_reaches_only_the_sha_type(api):
    """Which of the 28 SHAs of 2002-2006 a PCT sat in is not in the registers
    held (docs/coverage): on 30 June 2006 the answer is the type, stated as such."""
    day = "2006-06-30"
    pct = sorted(entities(api, instance_of="type:pct", as_of=day) & entities(api, instance_of="type:pct", as_of="2008-06-01"))[0]
    hops = first_hops(api, pct, day)
    assert "type:sha" in hops
    assert not [to for to, rel in hops.items() if rel.get("rule") == "accountable-to-own"]
