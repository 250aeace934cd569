"""The membership and accountable-to-own derivations over a hand-made graph:
what each membership rests on clips it, on both sides of every date."""

from __future__ import annotations

from nhskg.graph.store import GraphData, NodeRow, RelRow
from nhskg.ingest.derive_membership import LISTED, OWN, RULE, derive_membership, derive_own_superiors

EV = {"evidence": ["a cited sentence"], "evidence_sources": ["source:x"], "evidence_kinds": ["citation"], "evidence_locators": [""], "source_ids": ["source:x"]}


def org(node_id, **props):
    return NodeRow(node_id, ("Entity", "Organisation"), {"id": node_id, "name": node_id, **props})


def kind(node_id, **props):
    return NodeRow(node_id, ("Entity", "OrganisationType"), {"id": node_id, "name": node_id, **props})


def rel(rel_id, rel_type, start, end, **props):
    return RelRow(rel_id, rel_type, start, end, {"id": rel_id, **props})


def graph():
    return GraphData(
        nodes=[
            kind("type:board", valid_from="2020-01-01"),
            kind("type:wave", valid_from="2022-01-01", valid_to="2024-01-01", cohort_of="type:board", members_part_of_any=["org:north"], **EV),
            kind("type:listed", valid_from="2021-01-01", cohort_of="type:board", members_listed=["org:b"], members_listed_to="2022-01-01", members_all_from="2023-01-01", **EV),
            org("org:north"),
            org("org:south"),
            org("org:a", valid_from="2020-01-01"),
            org("org:b", valid_from="2020-01-01", valid_to="2023-06-01"),
        ],
        relationships=[
            rel("i:a", "INSTANCE_OF", "org:a", "type:board", valid_from="2020-01-01"),
            rel("i:b", "INSTANCE_OF", "org:b", "type:board", valid_from="2020-01-01"),
            # org:a moves from the south to the north in mid-2022.
            rel("p:a1", "PART_OF", "org:a", "org:south", valid_from="2020-01-01", valid_to="2022-07-01"),
            rel("p:a2", "PART_OF", "org:a", "org:north", valid_from="2022-07-01", status="in_force"),
            rel("p:b", "PART_OF", "org:b", "org:north", valid_from="2020-01-01"),
        ],
    )


def spans(rows, body, cohort, rule):
    return [(r.props.get("valid_from"), r.props.get("valid_to")) for r in rows if (r.from_id, r.to_id, r.props["rule"]) == (body, cohort, rule)]


def test_a_rule_over_part_of_follows_each_bodys_dated_links_and_the_cohorts_dates():
    rows = derive_membership(graph())
    assert spans(rows, "org:a", "type:wave", RULE) == [("2022-07-01", "2024-01-01")]
    # org:b is in the north throughout: from the wave's start to the wave's end.
    assert spans(rows, "org:b", "type:wave", RULE) == [("2022-01-01", "2023-06-01")]
    row = next(r for r in rows if r.from_id == "org:a" and r.to_id == "type:wave")
    assert row.type == "INSTANCE_OF" and row.props["derived"] is True
    assert {"type:wave", "i:a", "p:a2"} <= set(row.props["derived_from"])
    assert row.props["evidence"] == ["a cited sentence"] and row.props["status"] == "in_force"


def test_a_cited_list_and_an_every_body_rule_each_keep_their_own_dates():
    rows = derive_membership(graph())
    assert spans(rows, "org:b", "type:listed", LISTED) == [("2021-01-01", "2022-01-01")]
    assert spans(rows, "org:a", "type:listed", LISTED) == []
    assert spans(rows, "org:a", "type:listed", RULE) == [("2023-01-01", None)]
    # org:b closed before the rule reached every body.
    assert spans(rows, "org:b", "type:listed", RULE) == [("2023-01-01", "2023-06-01")]


def test_names_the_graph_does_not_hold_reach_no_body():
    data = graph()
    data.nodes.append(kind("type:ghosts", valid_from="2021-01-01", cohort_of="type:board", members_listed=["org:nobody"], members_part_of_any=["org:nowhere"]))
    assert not [r for r in derive_membership(data) if r.to_id == "type:ghosts"]


def test_a_fact_through_part_of_reaches_each_bodys_own_superior_within_every_date():
    data = GraphData(
        nodes=[kind("type:pct"), kind("type:sha"), org("org:pct", valid_to="2013-04-01"), org("org:sha1", valid_to="2006-07-01"), org("org:sha2", valid_from="2006-07-01", valid_to="2013-04-01")],
        relationships=[
            rel("f", "ACCOUNTABLE_TO", "type:pct", "type:sha", valid_from="2002-04-01", valid_to="2013-04-01", through="PART_OF", **EV),
            rel("i:p", "INSTANCE_OF", "org:pct", "type:pct", valid_from="2002-04-01", valid_to="2013-04-01"),
            rel("i:s1", "INSTANCE_OF", "org:sha1", "type:sha", valid_from="2002-04-01", valid_to="2006-07-01"),
            rel("i:s2", "INSTANCE_OF", "org:sha2", "type:sha", valid_from="2006-07-01", valid_to="2013-04-01"),
            rel("p1", "PART_OF", "org:pct", "org:sha1", valid_from="2002-04-01", valid_to="2006-07-01"),
            rel("p2", "PART_OF", "org:pct", "org:sha2", valid_from="2006-07-01"),
        ],
    )
    rows = derive_own_superiors(data)
    got = sorted((r.to_id, r.props.get("valid_from"), r.props.get("valid_to"), r.props["rule"]) for r in rows)
    assert got == [("org:sha1", "2002-04-01", "2006-07-01", OWN), ("org:sha2", "2006-07-01", "2013-04-01", OWN)]
    assert all(r.type == "ACCOUNTABLE_TO" and r.props["inherited_from"] == "type:pct" and "through" not in r.props for r in rows)
    assert all(r.props["evidence"] == ["a cited sentence"] for r in rows)
