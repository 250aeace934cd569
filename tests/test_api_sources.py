"""/sources and /sources/{id}."""

from __future__ import annotations


def test_sources_list_has_the_corpus(api):
    items = api.get("/sources").json()["items"]
    ids = [s["id"] for s in items]
    assert "source:kingsfund-2023" in ids
    src = next(s for s in items if s["id"] == "source:kingsfund-2023")
    assert src["title"] and src["publisher"] == "The King's Fund" and src["date"] == "2023-07-20"
    assert src["facts"]["nodes"] + src["facts"]["relationships"] > 0


def test_source_detail_lists_the_facts_that_cite_it(api):
    items = api.get("/sources").json()["items"]
    src = max(items, key=lambda s: s["facts"]["relationships"])
    body = api.get(f"/sources/{src['id']}", params={"limit": 2000}).json()
    assert body["source"]["id"] == src["id"]
    assert len(body["facts"]["relationships"]) == src["facts"]["relationships"]
    assert len(body["facts"]["nodes"]) == src["facts"]["nodes"]
    for fact in body["facts"]["relationships"] + body["facts"]["nodes"]:
        assert fact["quotes"], fact
    rel = body["facts"]["relationships"][0]
    assert set(rel) >= {"id", "type", "from", "to", "valid_from", "valid_to", "status", "quotes"}


def test_source_quotes_appear_in_the_cited_facts(api):
    body = api.get("/sources/source:kingsfund-2023", params={"limit": 5}).json()
    fact = body["facts"]["nodes"][0]
    entity = api.get(f"/entities/{fact['id']}").json()
    theirs = {e["quote"] for e in entity["evidence"] if e["source_id"] == "source:kingsfund-2023"}
    assert set(fact["quotes"]) <= theirs


def test_source_limit_truncates(api):
    body = api.get("/sources/source:kingsfund-2023", params={"limit": 1}).json()
    assert len(body["facts"]["nodes"]) <= 1 and len(body["facts"]["relationships"]) <= 1
    assert body["truncated"] is True


def test_unknown_source_404(api):
    r = api.get("/sources/source:nope")
    assert r.status_code == 404 and "source:nope" in r.json()["detail"]
