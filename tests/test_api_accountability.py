"""/entities/{id}/accountability: chains upwards on a date, for types and instances."""

from __future__ import annotations

import pytest


def valid(x, day):
    return (x.get("valid_from") or "0000-01-01") <= day < (x.get("valid_to") or "9999-12-31")


def chains(api, node_id, day):
    r = api.get(f"/entities/{node_id}/accountability", params={"as_of": day})
    assert r.status_code == 200, r.text
    return r.json()


def check_chain_rules(api, body, day):
    for chain in body["chains"]:
        nodes, rels = chain["nodes"], chain["relationships"]
        assert len(rels) == len(nodes) - 1 >= 1
        assert nodes[0]["id"] == body["entity"]["id"]
        for i, rel in enumerate(rels):
            assert rel["type"] == "ACCOUNTABLE_TO"
            assert (rel["from"], rel["to"]) == (nodes[i]["id"], nodes[i + 1]["id"])
            assert set(rel) >= {"type", "from", "to", "valid_from", "valid_to", "status", "evidence"}
            assert rel["evidence"] and all({"source_id", "kind"} <= set(e) for e in rel["evidence"])
            assert valid(rel, day)
        assert all(valid(n, day) for n in nodes)
        # the top answers to no one on that date
        assert chains(api, nodes[-1]["id"], day)["chains"] == []


@pytest.mark.parametrize("day", ["2022-07-01", "2024-01-01"])
def test_icb_type_answers_to_nhs_england(api, day):
    body = chains(api, "type:icb", day)
    assert body["chains"], "type:icb should be accountable to someone once ICBs exist"
    assert any(c["nodes"][1]["id"] == "org:nhs-england" for c in body["chains"])
    check_chain_rules(api, body, day)


def test_icb_type_before_july_2022_has_no_chain(api):
    body = chains(api, "type:icb", "2022-06-30")
    assert body["valid_on_date"] is False
    assert body["chains"] == []


def test_ccg_instance_sees_type_level_accountability(api):
    body = chains(api, "org:nws-ccg", "2015-06-01")
    assert body["valid_on_date"] is True
    assert any(c["nodes"][1]["id"] == "org:nhs-england" for c in body["chains"])
    first = next(c for c in body["chains"] if c["nodes"][1]["id"] == "org:nhs-england")["relationships"][0]
    # the instance's edge is derived from the type's, and says so
    assert first.get("derived") is True and first.get("inherited_from") == "type:ccg"
    check_chain_rules(api, body, "2015-06-01")


@pytest.mark.parametrize("day", ["2013-03-31", "2022-07-01"])
def test_ccg_instance_outside_its_life_has_no_chain(api, day):
    assert chains(api, "org:nws-ccg", day)["chains"] == []


def test_ccg_type_either_side_of_april_2013(api):
    assert chains(api, "type:ccg", "2013-03-31")["chains"] == []
    after = chains(api, "type:ccg", "2013-04-01")
    assert after["chains"]
    check_chain_rules(api, after, "2013-04-01")


def test_top_of_the_chain_has_empty_chains_but_exists(api):
    top = chains(api, "type:icb", "2024-01-01")["chains"][0]["nodes"][-1]["id"]
    body = chains(api, top, "2024-01-01")
    assert body["entity"]["id"] == top and body["chains"] == []


def test_unknown_entity_404(api):
    r = api.get("/entities/type:nope/accountability")
    assert r.status_code == 404 and "type:nope" in r.json()["detail"]


def test_default_as_of_is_today(api):
    import datetime as dt

    body = api.get("/entities/type:icb/accountability").json()
    assert body["as_of"] == dt.date.today().isoformat()
