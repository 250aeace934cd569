"""/services/{id}/commissioners: who commissions what, on which date."""

from __future__ import annotations

import pytest

UEC = "service:urgent-and-emergency-care"
SEXUAL_HEALTH = "service:sexual-health"


def commissioners(api, service, day, **extra):
    r = api.get(f"/services/{service}/commissioners", params={"as_of": day, **extra})
    assert r.status_code == 200, r.text
    return r.json()


def direct_ids(body):
    return {i["commissioner"]["id"] for i in body["items"] if i["via"] is None}


@pytest.mark.parametrize(
    ("day", "present", "absent"),
    [
        ("2013-03-31", set(), {"type:ccg", "type:icb"}),
        ("2013-04-01", {"type:ccg"}, {"type:icb"}),
        ("2022-06-30", {"type:ccg"}, {"type:icb"}),
        ("2022-07-01", {"type:icb"}, {"type:ccg"}),
        ("2024-01-01", {"type:icb"}, {"type:ccg"}),
    ],
)
def test_urgent_and_emergency_care_either_side_of_2013_and_2022(api, day, present, absent):
    found = direct_ids(commissioners(api, UEC, day))
    assert present <= found
    assert not (absent & found)


def test_items_carry_basis_dates_status_evidence(api):
    body = commissioners(api, UEC, "2015-01-01")
    item = next(i for i in body["items"] if i["commissioner"]["id"] == "type:ccg")
    assert item["basis"] == "statutory"
    assert item["valid_from"] == "2013-04-01" and item["valid_to"] == "2022-07-01"
    assert item["status"] == "in_force"
    assert item["evidence"] and {"source_id", "kind", "quote"} <= set(item["evidence"][0])
    assert "OrganisationType" in item["commissioner"]["labels"]


def test_ccg_instance_commissions_through_its_type(api):
    # One row per body when asked ...
    body = commissioners(api, UEC, "2015-01-01", instances="list")
    item = next(i for i in body["items"] if i["commissioner"]["id"] == "org:nws-ccg")
    assert item["derived"] is True and item["inherited_from"] == "type:ccg"
    assert "org:nws-ccg" not in direct_ids(commissioners(api, UEC, "2022-07-01", instances="list"))
    # ... and by default folded into the type's row, which counts the bodies
    # (and names every one with expand=instances).
    grouped = commissioners(api, UEC, "2015-01-01")
    ccg = next(i for i in grouped["items"] if i["commissioner"]["id"] == "type:ccg" and not i["via"])
    assert ccg["instances"] is None and ccg["instance_count"] > 200
    named = commissioners(api, UEC, "2015-01-01", expand="instances")
    ccg_named = next(i for i in named["items"] if i["commissioner"]["id"] == "type:ccg" and not i["via"])
    assert "org:nws-ccg" in ccg_named["instances"] and ccg_named["instance_count"] == len(ccg_named["instances"]) == ccg["instance_count"]
    assert not [i for i in grouped["items"] if i["rule"] == "instance-inherits-type" and i["inherited_from"] == "type:ccg" and not i["via"]]
    assert len(grouped["items"]) < len(body["items"])


def test_local_authorities_commission_sexual_health_from_april_2013(api):
    assert "type:local-authority" not in direct_ids(commissioners(api, SEXUAL_HEALTH, "2013-03-31"))
    after = commissioners(api, SEXUAL_HEALTH, "2013-04-01")
    assert "type:local-authority" in direct_ids(after)


def test_a_part_with_its_own_commissioner_is_not_answered_by_the_parent(api):
    """Sexual health has its own commissioner (local authorities since 2013),
    so the commissioners of public health do not answer for it."""
    items = commissioners(api, SEXUAL_HEALTH, "2015-01-01")["items"]
    assert items and all(i["via"] is None and i["from_parent"] is None for i in items)
    rows = api.get("/queries/service_commissioners", params={"ids": SEXUAL_HEALTH, "as_of": "2015-01-01"}).json()["rows"]
    assert rows and all(r["relationship"]["to"] == SEXUAL_HEALTH for r in rows)


def test_parent_lists_commissioners_of_parts_flagged_via(api):
    body = commissioners(api, "service:public-health", "2015-01-01")
    via = [i for i in body["items"] if i["via"]]
    assert any(i["via"]["id"] == SEXUAL_HEALTH and i["commissioner"]["id"] == "type:local-authority" for i in via)
    without = commissioners(api, "service:public-health", "2015-01-01", include_parts="false")
    assert all(i["via"] is None for i in without["items"])


def test_unknown_service_404_and_non_service_404(api):
    r = api.get("/services/service:nope/commissioners")
    assert r.status_code == 404 and "service:nope" in r.json()["detail"]
    r = api.get("/services/org:nhs-england/commissioners")
    assert r.status_code == 404 and "not a service" in r.json()["detail"]
