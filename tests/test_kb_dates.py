"""The audit's questions asked of the built graph on the dates that matter.

These run at the data level (`build_graph()`), not through the API, so they
pin what the knowledge base says whatever the query layer does with it.
`holds_on` is the default answer rule: valid_from <= D < valid_to (null =
unbounded), status in_force, and not undated.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import pytest

from nhskg.graph.store import GraphData, NodeRow, RelRow
from nhskg.ingest.kb import load_knowledge_base
from nhskg.ingest.pipeline import build_graph


def holds_on(props: dict[str, Any], day: str) -> bool:
    start, end = props.get("valid_from"), props.get("valid_to")
    return (
        (start is None or start <= day)
        and (end is None or day < end)
        and props.get("status", "in_force") == "in_force"
        and not props.get("undated")
    )


def is_occurrence_on(props: dict[str, Any], day: str) -> bool:
    """An event happened on `day`: the knowledge base gives only valid_from;
    the pipeline may store it as the one-day occurrence [day, day + 1)."""
    following = (dt.date.fromisoformat(day) + dt.timedelta(days=1)).isoformat()
    return props.get("valid_from") == day and props.get("valid_to") in (None, following)


def reaches_instances(props: dict[str, Any]) -> bool:
    """A class-level statement reaches every body only with quantifier all."""
    return props.get("quantifier", "all") == "all"


@pytest.fixture(scope="module")
def graph() -> GraphData:
    return build_graph()


@pytest.fixture(scope="module")
def nodes(graph: GraphData) -> dict[str, NodeRow]:
    return {n.id: n for n in graph.nodes}


def rels(graph: GraphData, rel_type: str, from_id: str | None = None, to_id: str | None = None) -> list[RelRow]:
    return [
        r
        for r in graph.relationships
        if r.type == rel_type and (from_id is None or r.from_id == from_id) and (to_id is None or r.to_id == to_id)
    ]


def holding(edges: Iterable[RelRow], day: str) -> list[RelRow]:
    return [r for r in edges if holds_on(r.props, day)]


def commissioners(graph: GraphData, service: str, day: str) -> set[str]:
    return {r.from_id for r in holding(rels(graph, "COMMISSIONS", to_id=service), day) if reaches_instances(r.props)}


# --- 2010 proposals --------------------------------------------------------------


def test_2010_proposals_are_absent_in_2011(graph: GraphData, nodes: dict[str, NodeRow]) -> None:
    day = "2011-06-01"
    assert not holds_on(nodes["type:gp-consortium"].props, day)
    # The Board is NHS England's node under its former name (one legal body).
    assert not holds_on(nodes["org:nhs-england"].props, day)
    for body in ("type:gp-consortium", "org:nhs-england"):
        assert holding(rels(graph, "COMMISSIONS", from_id=body), day) == []
    # ... but the proposals are still there to be read, as proposals.
    proposed = [r for r in rels(graph, "COMMISSIONS", from_id="org:nhs-england") if (r.props.get("valid_from") or "") < "2012-10-01"]
    assert proposed and all(r.props["status"] == "proposed" for r in proposed)
    assert nodes["type:gp-consortium"].props["status"] == "proposed"
    # In 2011 the forerunner special health authority existed instead (from 31 October).
    assert holds_on(nodes["org:nhs-commissioning-board-authority"].props, "2011-11-01")
    assert not holds_on(nodes["org:nhs-commissioning-board-authority"].props, "2011-10-30")


def test_nhs_commissioning_board_established_october_2012_renamed_july_2022(graph: GraphData, nodes: dict[str, NodeRow]) -> None:
    # One legal body, one node: the Board is NHS England from 2012-10-01, its
    # statutory name changing on 2022-07-01 (name_history), not a second node.
    assert "org:nhs-commissioning-board" not in nodes
    board = nodes["org:nhs-england"].props
    assert not holds_on(board, "2012-09-30") and holds_on(board, "2012-10-01")
    assert holds_on(board, "2022-06-30") and holds_on(board, "2022-07-01")
    assert "2022-07-01: NHS England (statutory name)" in board["name_history"]
    [established] = rels(graph, "ESTABLISHED_BY", "org:nhs-england", "statute:health-and-social-care-act-2012")
    assert is_occurrence_on(established.props, "2012-10-01")
    assert not rels(graph, "RENAMED_TO", "org:nhs-england", "org:nhs-england")
    [handover] = rels(graph, "SUCCEEDED_BY", "org:nhs-commissioning-board-authority", "org:nhs-england")
    assert handover.props["valid_from"] == "2012-10-01"
    assert holds_on(nodes["org:nhs-england"].props, "2026-11-01")


# --- public health bodies -----------------------------------------------------


def test_phe_from_april_2013_to_october_2021_then_ukhsa_and_ohid(graph: GraphData, nodes: dict[str, NodeRow]) -> None:
    phe = nodes["org:public-health-england"].props
    assert not holds_on(phe, "2012-12-31")
    assert holds_on(phe, "2013-04-01") and holds_on(phe, "2021-09-30")
    assert not holds_on(phe, "2021-10-01")
    for successor in ("org:uk-health-security-agency", "org:office-for-health-improvement-and-disparities"):
        assert holds_on(nodes[successor].props, "2021-10-01") and holds_on(nodes[successor].props, "2026-11-01")
        [event] = rels(graph, "SUCCEEDED_BY", "org:public-health-england", successor)
        assert is_occurrence_on(event.props, "2021-10-01")
    providers = lambda day: {r.from_id for r in holding(rels(graph, "PROVIDES", to_id="service:health-protection"), day)}  # noqa: E731
    assert providers("2019-01-01") == {"org:public-health-england"}
    assert providers("2022-01-01") == {"org:uk-health-security-agency"}


# --- health visiting: both claims kept, the primary source answers ------------


def test_health_visiting_nhs_england_in_2014_local_authorities_in_2016(graph: GraphData) -> None:
    hv = "service:health-visiting"
    in_2014 = commissioners(graph, hv, "2014-06-01")
    assert "org:nhs-england" in in_2014 and "type:local-authority" not in in_2014
    in_2016 = commissioners(graph, hv, "2016-06-01")
    assert "type:local-authority" in in_2016 and "org:nhs-england" not in in_2016
    # The corpus's "since 2013" stays, cited and marked superseded, naming what answers instead.
    claims = rels(graph, "COMMISSIONS", "type:local-authority", hv)
    superseded = [r for r in claims if r.props.get("status") == "superseded"]
    assert len(superseded) == 1
    claim = superseded[0].props
    assert claim["valid_from"] == "2013-04-01"
    assert any("Since 2013" in text for text in claim["evidence"])
    answering = {r.id for r in rels(graph, "COMMISSIONS", to_id=hv) if r.props.get("status") == "in_force"}
    assert "rel:commissions:la-health-visiting-from-2015-10" in answering
    assert "rel:commissions:la-health-visiting-from-2015-10" in claim["note"]
    assert "rel:commissions:nhse-health-visiting-2013-2015" in answering


# --- specialised services -------------------------------------------------------


def test_specialised_services_delegated_to_three_regions_2024_and_all_icbs_2025(graph: GraphData) -> None:
    def delegated_to(day: str) -> set[str]:
        return {
            r.to_id
            for r in holding(rels(graph, "DELEGATES_TO", from_id="org:nhs-england"), day)
            if "service:delegable-specialised-services" in r.props.get("services", [])
        }

    assert delegated_to("2023-06-01") == set()
    assert delegated_to("2024-06-01") == {"type:icb-specialised-wave-2024"}
    assert delegated_to("2025-06-01") == {"type:icb"}
    counts = lambda day: {n.props["value"] for n in graph.nodes if "Count" in n.labels and n.props.get("of") == "service:delegable-specialised-services" and holds_on(n.props, day)}  # noqa: E731
    assert counts("2024-06-01") == {59} and counts("2025-06-01") == {70}
    [wave] = rels(graph, "SUBCLASS_OF", "type:icb-specialised-wave-2024", "type:icb")
    assert "wave" in wave.from_id
    for node in graph.nodes:
        if "Delegation" in node.labels and "specialised" in node.id:
            assert node.props["accountability_retained_by"] == "org:nhs-england"


# --- Surrey ------------------------------------------------------------------------

SURREY_CCGS = ("org:nws-ccg", "org:guildford-and-waverley-ccg", "org:surrey-downs-ccg")


@pytest.mark.parametrize("ccg", SURREY_CCGS)
def test_surrey_ccgs_end_on_1_april_2020(graph: GraphData, nodes: dict[str, NodeRow], ccg: str) -> None:
    props = nodes[ccg].props
    assert props["valid_to"] == "2020-04-01"
    assert holds_on(props, "2020-03-31") and not holds_on(props, "2020-04-01")
    outgoing = [r for r in graph.relationships if r.from_id == ccg and r.type in ("INSTANCE_OF", "MEMBER_OF", "PARTY_TO", "COMMISSIONS", "ACCOUNTABLE_TO")]
    assert outgoing and holding(outgoing, "2020-04-01") == []
    assert holding(outgoing, "2019-06-01")


def test_surrey_county_council_is_not_made_a_ccg_governing_body_member(graph: GraphData) -> None:
    [type_level] = rels(graph, "MEMBER_OF", "type:local-authority", "type:ccg-governing-body")
    assert type_level.props["quantifier"] == "some"
    for day in ("2015-06-01", "2019-06-01"):
        members = holding(rels(graph, "MEMBER_OF", "org:surrey-county-council", "type:ccg-governing-body"), day)
        assert [r for r in members if reaches_instances(r.props)] == []


def test_only_nws_ccg_has_documented_general_practice_delegation(graph: GraphData) -> None:
    day = "2018-06-01"
    gp = {r.from_id for r in holding(rels(graph, "COMMISSIONS", to_id="service:general-practice"), day) if r.props.get("basis") == "delegated"}
    assert "org:nws-ccg" in gp
    assert not gp & {"org:guildford-and-waverley-ccg", "org:surrey-downs-ccg"}


# --- NHS England's announced abolition ----------------------------------------------


def test_nhs_england_abolition_announced_march_2025_is_planned_not_in_force(graph: GraphData, nodes: dict[str, NodeRow]) -> None:
    # The announcement happened (in force, as an announcement); the abolition it announced is planned.
    plan = nodes["policy:nhse-abolition-announcement"].props
    assert plan["status"] == "in_force" and plan["published"] == "2025-03-13"
    assert plan["valid_from"] == "2025-03-13"
    day = "2026-11-01"
    assert holds_on(nodes["org:nhs-england"].props, day)
    ending = [r for r in graph.relationships if r.from_id == "org:nhs-england" and r.type in ("ABOLISHED_BY", "SUCCEEDED_BY", "RENAMED_TO")]
    assert ending, "the planned merger into DHSC is recorded"
    assert holding(ending, day) == []
    assert {r.props["status"] for r in ending} == {"planned"}


# --- the time layer as a whole ----------------------------------------------------


def test_events_carry_a_day_and_no_end() -> None:
    kb = load_knowledge_base()
    events = [r for r in kb.relations if r.type in ("ESTABLISHED_BY", "ABOLISHED_BY", "SUCCEEDED_BY", "RENAMED_TO")]
    assert events
    for rel in events:
        assert rel.valid_to is None, (rel.type, rel.from_, rel.to)
        assert rel.valid_from or rel.undated, (rel.type, rel.from_, rel.to)


def test_acts_start_at_royal_assent_and_record_commencement(nodes: dict[str, NodeRow]) -> None:
    expected = {
        "statute:health-and-social-care-act-2012": ("2012-03-27", "2013-04-01"),
        "statute:health-and-care-act-2022": ("2022-04-28", "2022-07-01"),
        "statute:nhs-and-community-care-act-1990": ("1990-06-29", "1991-04-01"),
    }
    for act, (assent, in_force) in expected.items():
        props = nodes[act].props
        assert (props["valid_from"], props["royal_assent"], props["in_force_from"]) == (assent, assent, in_force)


def test_every_delegation_says_who_stays_accountable(graph: GraphData) -> None:
    delegations = [n for n in graph.nodes if "Delegation" in n.labels]
    assert delegations
    assert all(n.props.get("accountability_retained_by") for n in delegations)


def test_better_care_fund_from_april_2015(graph: GraphData, nodes: dict[str, NodeRow]) -> None:
    assert not holds_on(nodes["arrangement:better-care-fund"].props, "2015-03-31")
    parties = {r.from_id for r in holding(rels(graph, "PARTY_TO", to_id="arrangement:better-care-fund"), "2015-06-01")}
    assert {"type:ccg", "type:local-authority"} <= parties


def test_outside_evidence_is_a_citation_or_a_paraphrase_never_a_quote(graph: GraphData, nodes: dict[str, NodeRow]) -> None:
    external = {n.id for n in graph.nodes if "Source" in n.labels and n.props.get("external")}
    assert all(nodes[s].props.get("url", "").startswith(("https://", "http://")) for s in external)
    seen = set()
    for element in [*graph.nodes, *graph.relationships]:
        for source, kind in zip(element.props.get("evidence_sources", []), element.props.get("evidence_kinds", []), strict=True):
            if source in external:
                assert kind in ("citation", "paraphrase"), element.id
                seen.add(kind)
            elif not source.startswith("source:register-"):  # register files: evidence kind `register`
                assert kind == "quote", element.id
    assert seen == {"citation", "paraphrase"}
