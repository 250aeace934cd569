"""The gaps the first dating pass left open, asked of the built graph on dates
either side of each boundary: PCT clusters (2011-2013), NHS Improvement
(2016-2022), STPs (2016), non-statutory ICSs (2018-2022) and the renaming of
accountable care systems, the neighbourhood level, budget shares and the ICB
running-cost allocation adjusted for POD (audit A4, A5, A6, A8).

The answer rule is the one in `nhskg.core.timescope` (`holds` with a `Window`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from nhskg.core.timescope import Window, holds
from nhskg.graph.store import GraphData, NodeRow, RelRow
# The module's graph fixtures and edge filter, shared rather than repeated.
from tests.test_kb_dates import graph, nodes, rels  # noqa: F401  (pytest fixtures)


def on(day: str) -> Window:
    return Window.on(day)


def exists(nodes: dict[str, NodeRow], node_id: str, day: str) -> bool:
    return holds(nodes[node_id].props, on(day))


def day_before(day: str) -> str:
    return (dt.date.fromisoformat(day) - dt.timedelta(days=1)).isoformat()


def assert_exists_exactly(nodes: dict[str, NodeRow], node_id: str, first: str, end: str) -> None:
    """The node answers from `first` up to (not including) `end`, and not on the day either side."""
    assert not exists(nodes, node_id, day_before(first))
    assert exists(nodes, node_id, first)
    assert exists(nodes, node_id, day_before(end))
    assert not exists(nodes, node_id, end)


def holding(graph: GraphData, rel_type: str, day: str, from_id: str | None = None, to_id: str | None = None) -> list[RelRow]:
    return [r for r in rels(graph, rel_type, from_id, to_id) if holds(r.props, on(day))]


def count_on(graph: GraphData, nodes: dict[str, NodeRow], type_id: str, day: str) -> set[int]:
    """Values of the counts of a type that hold on a day."""
    return {
        int(nodes[r.from_id].props["value"])
        for r in rels(graph, "COUNT_OF", to_id=type_id)
        if holds(nodes[r.from_id].props, on(day))
    }


def event_days(graph: GraphData, rel_type: str, from_id: str, to_id: str) -> set[str]:
    return {r.props.get("date") or r.props["valid_from"] for r in rels(graph, rel_type, from_id, to_id)}


def kinds_of(props: dict[str, Any]) -> list[str]:
    return list(props.get("evidence_kinds") or [])


# --- PCT clusters -------------------------------------------------------------------


def test_pct_clusters_exist_from_2011_until_the_pcts_end(nodes: dict[str, NodeRow]) -> None:
    assert_exists_exactly(nodes, "type:pct-cluster", "2011-06-01", "2013-04-01")


def test_pcts_are_members_of_clusters_only_in_2011_to_2013(graph: GraphData) -> None:
    assert holding(graph, "MEMBER_OF", "2012-01-01", "type:pct", "type:pct-cluster")
    assert not holding(graph, "MEMBER_OF", "2010-06-01", "type:pct", "type:pct-cluster")
    assert not holding(graph, "MEMBER_OF", "2013-04-01", "type:pct", "type:pct-cluster")


def test_real_pcts_inherit_cluster_membership(graph: GraphData) -> None:
    real_pcts = {r.from_id for r in rels(graph, "INSTANCE_OF", to_id="type:pct")}
    if not real_pcts:
        pytest.skip("no register PCTs in this build")
    members = {r.from_id for r in holding(graph, "MEMBER_OF", "2012-01-01", to_id="type:pct-cluster")}
    assert members & real_pcts


def test_pct_cluster_count_and_guidance(graph: GraphData, nodes: dict[str, NodeRow]) -> None:
    assert count_on(graph, nodes, "type:pct-cluster", "2012-01-01") == {52}
    assert count_on(graph, nodes, "type:pct-cluster", "2013-04-01") == set()
    assert exists(nodes, "policy:pct-cluster-implementation-guidance", "2011-01-31")
    assert not exists(nodes, "policy:pct-cluster-implementation-guidance", "2011-01-30")
    assert holding(graph, "PRODUCES", "2011-02-01", "org:department-of-health", "policy:pct-cluster-implementation-guidance")


# --- NHS Improvement ----------------------------------------------------------------


def test_nhs_improvement_operates_2016_to_2022(nodes: dict[str, NodeRow]) -> None:
    assert_exists_exactly(nodes, "org:nhs-improvement", "2016-04-01", "2022-07-01")
    assert "StatutoryBody" not in nodes["org:nhs-improvement"].labels


@pytest.mark.parametrize("body", ["org:monitor", "org:nhs-trust-development-authority"])
def test_monitor_and_tda_are_part_of_nhs_improvement_while_it_operates(graph: GraphData, body: str) -> None:
    assert holding(graph, "PART_OF", "2018-01-01", body, "org:nhs-improvement")
    assert not holding(graph, "PART_OF", "2015-06-01", body, "org:nhs-improvement")
    assert not holding(graph, "PART_OF", "2022-07-01", body, "org:nhs-improvement")


def test_monitor_dates_and_its_end(nodes: dict[str, NodeRow]) -> None:
    assert_exists_exactly(nodes, "org:monitor", "2004-01-01", "2022-07-01")


def test_nhs_improvement_succeeded_by_nhs_england_and_accountable_to_parliament(graph: GraphData) -> None:
    assert "2022-07-01" in event_days(graph, "SUCCEEDED_BY", "org:nhs-improvement", "org:nhs-england")
    to_parliament = holding(graph, "ACCOUNTABLE_TO", "2017-01-01", "org:nhs-improvement", "org:parliament")
    assert to_parliament and "citation" in kinds_of(to_parliament[0].props)
    assert not holding(graph, "ACCOUNTABLE_TO", "2023-01-01", "org:nhs-improvement", "org:parliament")
    assert holding(graph, "REGULATES", "2017-01-01", "org:nhs-improvement", "type:foundation-trust")


# --- STPs ---------------------------------------------------------------------------


def test_stps_from_2016_to_2022_with_44_footprints(graph: GraphData, nodes: dict[str, NodeRow]) -> None:
    assert_exists_exactly(nodes, "type:stp", "2016-03-30", "2022-07-01")
    assert count_on(graph, nodes, "type:stp", "2016-06-01") == {44}
    assert count_on(graph, nodes, "type:stp", "2016-03-29") == set()


def test_stps_set_up_by_the_december_2015_planning_guidance(graph: GraphData, nodes: dict[str, NodeRow]) -> None:
    guidance = "policy:nhs-shared-planning-guidance-2016-21"
    assert nodes[guidance].props["valid_from"] == "2015-12-22"
    assert not exists(nodes, guidance, "2015-12-21")
    assert event_days(graph, "ESTABLISHED_BY", "type:stp", guidance) == {"2016-03-30"}
    assert holding(graph, "PRODUCES", "2016-01-01", "org:nhs-england", guidance)


# --- Integrated care systems before and after the 2022 Act ----------------------------


def test_accountable_care_systems_renamed_ics_in_february_2018(graph: GraphData, nodes: dict[str, NodeRow]) -> None:
    acs, ics = "type:accountable-care-system", "type:non-statutory-ics"
    assert nodes[acs].props["valid_to"] == nodes[ics].props["valid_from"] == "2018-02-02"
    assert event_days(graph, "RENAMED_TO", acs, ics) == {"2018-02-02"}


def test_non_statutory_icss_2018_to_2022_then_statutory(graph: GraphData, nodes: dict[str, NodeRow]) -> None:
    assert_exists_exactly(nodes, "type:non-statutory-ics", "2018-02-02", "2022-07-01")
    assert not exists(nodes, "type:ics", "2022-06-30")
    assert exists(nodes, "type:ics", "2022-07-01")
    assert event_days(graph, "SUCCEEDED_BY", "type:non-statutory-ics", "type:ics") == {"2022-07-01"}
    # No day on which neither, or both, kinds of ICS exist from February 2018 on.
    for day in ("2018-02-02", "2021-04-01", "2022-06-30", "2022-07-01", "2025-01-01"):
        assert exists(nodes, "type:non-statutory-ics", day) != exists(nodes, "type:ics", day)


def test_icss_cover_england_from_april_2021(graph: GraphData, nodes: dict[str, NodeRow]) -> None:
    assert count_on(graph, nodes, "type:non-statutory-ics", "2021-03-31") == set()
    assert count_on(graph, nodes, "type:non-statutory-ics", "2021-04-01") == {42}
    assert count_on(graph, nodes, "type:non-statutory-ics", "2022-07-01") == set()
    assert holding(graph, "APPLIES_TO", "2020-01-01", "policy:nhs-long-term-plan", "type:non-statutory-ics")


# --- The neighbourhood level, budget shares, running costs (audit A4, A5, A6, A8) -------


def test_neighbourhoods_are_part_of_statutory_icss(graph: GraphData, nodes: dict[str, NodeRow]) -> None:
    assert exists(nodes, "type:neighbourhood", "2023-01-01")
    assert not exists(nodes, "type:neighbourhood", "2022-06-30")
    part = holding(graph, "PART_OF", "2023-01-01", "type:neighbourhood", "type:ics")
    assert part and "quote" in kinds_of(part[0].props)


@pytest.mark.parametrize(
    ("day", "share"),
    [
        ("2013-10-01", "about 60% of the total NHS budget"),
        ("2017-10-01", "approximately two-thirds of the NHS commissioning budget"),
    ],
)
def test_ccg_budget_shares_are_facts_in_their_financial_year(graph: GraphData, day: str, share: str) -> None:
    shares = {r.props.get("share") for r in holding(graph, "FUNDED_BY", day, "type:ccg", "org:nhs-england")}
    assert share in shares
    # ... and only in that year.
    assert share not in {r.props.get("share") for r in holding(graph, "FUNDED_BY", "2015-10-01", "type:ccg", "org:nhs-england")}


def test_icb_running_cost_allocation_adjusted_for_pod(graph: GraphData) -> None:
    def pod_funding(day: str) -> list[RelRow]:
        return [r for r in holding(graph, "FUNDED_BY", day, "type:icb", "org:nhs-england") if "POD" in str(r.props.get("purpose"))]

    assert pod_funding("2023-04-01")
    assert not pod_funding("2023-03-31")


def test_audit_answers_are_recorded_as_notes(nodes: dict[str, NodeRow]) -> None:
    assert "audit A6" in nodes["type:provider-collaborative"].props.get("note", "")
    assert "audit A8" in nodes["org:nhs-england"].props.get("note", "")
    assert "audit A8" in nodes["arrangement:surrey-heartlands-devolution-deal"].props.get("note", "")
