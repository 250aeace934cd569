"""/entities/{id}/history: what replaced what, transitively, with dates and statutes."""

from __future__ import annotations


def history(api, node_id):
    r = api.get(f"/entities/{node_id}/history")
    assert r.status_code == 200, r.text
    return r.json()


def test_pct_successors_are_ccgs_then_icbs(api):
    body = history(api, "type:pct")
    succ = {i["node"]["id"]: i for i in body["successors"]}
    assert succ["type:ccg"]["distance"] == 1
    step = succ["type:ccg"]["steps"][0]
    assert step["type"] == "SUCCEEDED_BY" and step["from"] == "type:pct" and step["to"] == "type:ccg"
    assert step["date"] == "2013-04-01"
    assert step["statute"]["id"] == "statute:health-and-social-care-act-2012"
    assert step["evidence"]
    assert succ["type:icb"]["distance"] == 2
    assert [s["date"] for s in succ["type:icb"]["steps"]] == ["2013-04-01", "2022-07-01"]
    assert succ["type:icb"]["steps"][1]["statute"]["id"] == "statute:health-and-care-act-2022"


def test_pct_abolished_by_the_2012_act(api):
    body = history(api, "type:pct")
    assert "statute:health-and-social-care-act-2012" in [l["statute"]["id"] for l in body["abolished_by"]]
    link = body["abolished_by"][0]["relationship"]
    assert link["type"] == "ABOLISHED_BY" and link["evidence"]


def test_icb_predecessors_are_ccgs_and_pcts(api):
    body = history(api, "type:icb")
    pred = {i["node"]["id"]: i for i in body["predecessors"]}
    assert pred["type:ccg"]["distance"] == 1
    assert pred["type:pct"]["distance"] == 2
    # steps run from the predecessor towards the entity
    assert pred["type:pct"]["steps"][0]["from"] == "type:pct"
    assert pred["type:pct"]["steps"][-1]["to"] == "type:icb"
    assert body["successors"] == [] or all(i["node"]["id"] != "type:ccg" for i in body["successors"])


def test_nhs_england_was_the_commissioning_board(api):
    """One legal body, one node (issue 21): the Board's old id resolves to
    NHS England, whose names are dated; its forerunner authority precedes it."""
    body = history(api, "org:nhs-england")
    assert "org:nhs-commissioning-board-authority" in [i["node"]["id"] for i in body["predecessors"]]
    assert "org:nhs-commissioning-board" not in [i["node"]["id"] for i in body["predecessors"]]
    back = history(api, "org:nhs-commissioning-board")
    assert back["entity"]["id"] == "org:nhs-england"


def test_each_reached_node_listed_once(api):
    for key in ("predecessors", "successors"):
        reached = [i["node"]["id"] for i in history(api, "type:ccg")[key]]
        assert len(reached) == len(set(reached))


def test_history_unknown_404(api):
    r = api.get("/entities/type:nope/history")
    assert r.status_code == 404 and "type:nope" in r.json()["detail"]
