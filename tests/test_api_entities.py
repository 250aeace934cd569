"""/entities: search, one entity, neighbour counts (against the ingested knowledge base)."""

from __future__ import annotations


def ids(items):
    return [i["id"] for i in items]


def test_search_matches_name_case_insensitively(api):
    body = api.get("/entities", params={"q": "nHs EnGlAnD"}).json()
    assert "org:nhs-england" in ids(body["items"])
    assert body["total"] >= 1
    item = next(i for i in body["items"] if i["id"] == "org:nhs-england")
    assert set(item) == {"id", "name", "labels", "valid_from", "valid_to", "status", "codes", "match", "published"}
    assert item["match"] == "exact" and body["items"][0]["id"] == "org:nhs-england"
    assert "Organisation" in item["labels"]


def test_search_matches_aliases(api):
    # "CCG" is an alias / abbreviation of the clinical commissioning group type
    body = api.get("/entities", params={"q": "ccg", "label": "OrganisationType"}).json()
    assert "type:ccg" in ids(body["items"])
    assert all("OrganisationType" in i["labels"] for i in body["items"])


def test_search_label_filter(api):
    body = api.get("/entities", params={"label": "Service", "limit": 500}).json()
    found = ids(body["items"])
    assert {"service:sexual-health", "service:urgent-and-emergency-care"} <= set(found)
    assert all("Service" in i["labels"] for i in body["items"])
    assert body["total"] == len(found)


def test_search_without_as_of_finds_abolished_bodies(api):
    found = ids(api.get("/entities", params={"q": "primary care trust"}).json()["items"])
    assert "type:pct" in found


def test_search_as_of_either_side_of_april_2013(api):
    before = ids(api.get("/entities", params={"label": "OrganisationType", "as_of": "2013-03-31", "limit": 500}).json()["items"])
    after = ids(api.get("/entities", params={"label": "OrganisationType", "as_of": "2013-04-01", "limit": 500}).json()["items"])
    assert "type:pct" in before and "type:pct" not in after
    assert "type:ccg" not in before and "type:ccg" in after


def test_search_as_of_either_side_of_july_2022(api):
    before = ids(api.get("/entities", params={"label": "OrganisationType", "as_of": "2022-06-30", "limit": 500}).json()["items"])
    after = ids(api.get("/entities", params={"label": "OrganisationType", "as_of": "2022-07-01", "limit": 500}).json()["items"])
    assert "type:ccg" in before and "type:ccg" not in after
    assert "type:icb" not in before and "type:icb" in after


def test_search_pagination_is_consistent(api):
    full = api.get("/entities", params={"limit": 500}).json()
    page1 = api.get("/entities", params={"limit": 5, "offset": 0}).json()
    page2 = api.get("/entities", params={"limit": 5, "offset": 5}).json()
    assert page1["total"] == page2["total"] == full["total"]
    assert ids(page1["items"]) + ids(page2["items"]) == ids(full["items"])[:10]


def test_search_no_match_is_empty_not_error(api):
    body = api.get("/entities", params={"q": "zzzz-no-such-thing"}).json()
    assert {k: body[k] for k in ("items", "total", "limit", "offset")} == {"items": [], "total": 0, "limit": 50, "offset": 0}


def test_get_entity(api):
    r = api.get("/entities/org:nhs-england")
    assert r.status_code == 200
    body = r.json()
    assert body["id"] == "org:nhs-england"
    assert body["name"] == "NHS England"
    assert "Organisation" in body["labels"]
    assert set(body) >= {"id", "name", "labels", "properties", "aliases", "sources", "neighbours"}
    assert "evidence" not in body["properties"] and "evidence_sources" not in body["properties"]
    # its own evidence cites sources that exist and are listed with metadata
    cited = {e["source_id"] for e in body["evidence"]}
    assert cited and cited == {s["id"] for s in body["sources"]}
    assert all(s.get("title") for s in body["sources"])
    assert body["neighbours"].get("ACCOUNTABLE_TO", 0) >= 1
    for rel_type, count in body["neighbours"].items():
        assert count == body["neighbours_by_direction"]["out"].get(rel_type, 0) + body["neighbours_by_direction"]["in"].get(rel_type, 0)


def test_get_entity_works_for_types_and_instances(api):
    assert api.get("/entities/type:icb").json()["labels"] == ["Entity", "OrganisationType"]
    body = api.get("/entities/org:nws-ccg").json()
    assert body["neighbours_by_direction"]["out"].get("INSTANCE_OF") == 1


def test_get_unknown_entity_is_404_naming_it(api):
    r = api.get("/entities/org:no-such-body")
    assert r.status_code == 404
    assert "org:no-such-body" in r.json()["detail"]
