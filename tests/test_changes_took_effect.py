"""Events that happened are in force (DESIGN): an announcement happened on
its day and /changes shows it by default, while what it announced stays
planned; a scheme that took effect on a day is "took effect", not
"announced". Through the HTTP API on the real engine."""

from __future__ import annotations


def changes(api, start, end, **params):
    r = api.get("/changes", params={"from": start, "to": end, "limit": 2000, **params})
    assert r.status_code == 200, r.text
    return r.json()["items"]


def kinds_of(items, entity):
    return {i["kind"] for i in items if any(e["id"] == entity for e in i["entities"])}


def test_the_march_2025_announcement_of_nhs_englands_abolition_is_shown_by_default(api):
    found = changes(api, "2025-03-01", "2025-04-01")
    assert kinds_of(found, "policy:nhse-abolition-announcement") == {"announced"}
    item = next(i for i in found if i["entities"][0]["id"] == "policy:nhse-abolition-announcement")
    assert item["date"] == "2025-03-13" and item["status"] == "in_force"
    assert "abolition of NHS England" in item["description"]
    # The day before, nothing of it.
    assert not kinds_of(changes(api, "2025-03-01", "2025-03-13"), "policy:nhse-abolition-announcement")


def test_what_the_announcement_announced_stays_planned(api):
    # NHS England is neither abolished nor succeeded in the default answer ...
    found = changes(api, "2025-03-01", "2026-12-01")
    assert not kinds_of(found, "org:nhs-england") & {"abolished", "succeeded", "merged"}
    r = api.get("/entities", params={"q": "org:nhs-england", "as_of": "2026-11-01"})
    assert "org:nhs-england" in {e["id"] for e in r.json()["items"]}
    # ... and its merger into the Department is a planned, undated relationship.
    rel = api.get("/relationships/rel:succeeded_by:org:nhs-england:org:department-of-health")
    assert rel.status_code == 200, rel.text
    assert rel.json()["relationship"]["status"] == "planned"


def test_gp_fundholding_and_co_commissioning_took_effect_rather_than_being_announced(api):
    assert "took_effect" in kinds_of(changes(api, "1991-04-01", "1991-04-02"), "policy:gp-fundholding")
    assert "announced" not in kinds_of(changes(api, "1991-04-01", "1991-04-02"), "policy:gp-fundholding")
    co = changes(api, "2015-04-01", "2015-04-02", kind="took_effect")
    assert kinds_of(co, "policy:primary-care-co-commissioning") == {"took_effect"}
    assert not kinds_of(changes(api, "2015-03-31", "2015-04-01"), "policy:primary-care-co-commissioning")
    # A paper that was published stays "announced" (the Five Year Forward View, October 2014).
    assert kinds_of(changes(api, "2014-10-01", "2014-11-01"), "policy:five-year-forward-view") == {"announced"}
