"""/budgets."""

from __future__ import annotations

CCG_2017 = "budget:ccg-allocation-2017-18"


def test_ccg_allocation_2017_18(api):
    body = api.get("/budgets", params={"fiscal_year": "2017/18"}).json()
    item = next(i for i in body["items"] if i["id"] == CCG_2017)
    assert item["amount_gbp"] == 73.6e9
    assert item["fiscal_year"] == "2017/18"
    assert set(item) >= {"id", "amount_gbp", "fiscal_year", "holder", "description", "evidence"}
    assert item["evidence"] and {"source_id", "kind", "quote"} <= set(item["evidence"][0])
    assert all(i["fiscal_year"] == "2017/18" for i in body["items"])
    assert body["total"] == len(body["items"])


def test_holder_filter(api):
    holder = next(i for i in api.get("/budgets", params={"fiscal_year": "2017/18"}).json()["items"] if i["id"] == CCG_2017)["holder"]
    assert holder == "type:ccg"
    body = api.get("/budgets", params={"holder": holder, "limit": 1000}).json()
    assert CCG_2017 in [i["id"] for i in body["items"]]
    # A type's budgets and its instances' (the per-CCG allocations), nobody else's.
    ccgs = {e["id"] for e in api.get("/entities", params={"instance_of": holder, "limit": 500}).json()["items"]}
    assert {i["holder"] for i in body["items"]} - {holder} <= ccgs
    assert {i["holder"] for i in body["items"]} & ccgs, "no CCG's own allocation listed for the type"


def test_limit_and_total(api):
    everything = api.get("/budgets", params={"limit": 1000}).json()
    one = api.get("/budgets", params={"limit": 1}).json()
    assert len(one["items"]) == min(1, everything["total"])
    assert one["total"] == everything["total"]


def test_budget_errors(api):
    r = api.get("/budgets", params={"fiscal_year": "2017"})
    assert r.status_code == 422 and "fiscal_year" in r.json()["detail"]
    r = api.get("/budgets", params={"limit": 100000})
    assert r.status_code == 422 and "limit" in r.json()["detail"]
    r = api.get("/budgets", params={"holder": "type:nope"})
    assert r.status_code == 404 and "type:nope" in r.json()["detail"]
