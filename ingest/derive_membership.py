"""Membership as data: which real bodies a cohort- or wave-level fact reaches.

A cohort type (an OrganisationType with `cohort_of`, declared in the
vocabulary) stands for some bodies of another type: the ICBs of three
regions that took specialised services in April 2024, the CCGs with
delegated primary care. Who they are is stated once, on the cohort type, and
derived here for every body as a dated INSTANCE_OF the cohort type, before
the delegation and inheritance derivations (ingest/derive.py), so each
member then carries the cohort's facts like any instance of a type:

- `membership-rule`: every body of `cohort_of` that is PART_OF one of
  `members_part_of_any` (each body's dated PART_OF), or every body of
  `cohort_of` from `members_all_from`;
- `membership-list`: the bodies of `members_listed` (the type's evidence
  names the source), on `members_listed_from` .. `members_listed_to`.

Each membership is clipped to the cohort's dates, the body's life, its
INSTANCE_OF `cohort_of` link (and for a rule over PART_OF, that link), takes
the weakest status and the evidence of everything it rests on. Where only a
figure is published, the cohort has Count records and no members: the
answers say so rather than presenting the type's row as the set.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from nhskg.core.evidence import merge as merge_evidence
from nhskg.core.timescope import overlap, weakest
from nhskg.graph.store import GraphData, NodeRow, RelRow

Span = tuple[str | None, str | None]

RULE = "membership-rule"
LISTED = "membership-list"


def _span(props: dict[str, Any]) -> Span:
    return props.get("valid_from"), props.get("valid_to")


def _clip(*spans: Span | None) -> Span | None:
    """The overlap of the spans; None when any is None or they do not meet."""
    return None if any(s is None for s in spans) else overlap(*spans)


def derive_membership(data: GraphData) -> list[RelRow]:
    """The INSTANCE_OF rows (body -> cohort type) every membership statement
    in the graph implies; `data` is not changed."""
    nodes = {n.id: n for n in data.nodes}
    cohorts = [n for n in data.nodes if "OrganisationType" in n.labels and n.props.get("cohort_of")]
    if not cohorts:
        return []
    instance_links: dict[str, list[RelRow]] = defaultdict(list)  # type -> its bodies' authored INSTANCE_OF links
    part_of: dict[str, list[RelRow]] = defaultdict(list)  # body -> its PART_OF links
    for rel in data.relationships:
        if rel.props.get("derived"):
            continue
        if rel.type == "INSTANCE_OF":
            instance_links[rel.to_id].append(rel)
        elif rel.type == "PART_OF":
            part_of[rel.from_id].append(rel)

    rows: list[RelRow] = []
    for cohort in cohorts:
        rows.extend(_members(cohort, nodes, instance_links, part_of))
    return rows


def _members(cohort: NodeRow, nodes: dict[str, NodeRow], instance_links: dict[str, list[RelRow]], part_of: dict[str, list[RelRow]]) -> list[RelRow]:
    p = cohort.props
    base = p["cohort_of"]
    cohort_span = _span(p)
    links = instance_links.get(base, [])
    # (body, rule) -> pieces: (span, status, the records it rests on)
    found: dict[tuple[str, str], list[tuple[Span, str, list[dict[str, Any]], list[str]]]] = defaultdict(list)

    def add(link: RelRow, rule: str, span: Span | None, *more: RelRow) -> None:
        body = nodes[link.from_id].props
        clipped = _clip(span, _span(link.props), _span(body), *(_span(r.props) for r in more))
        if clipped is None:
            return
        status = weakest(weakest(p.get("status"), link.props.get("status")), body.get("status"))
        for r in more:
            status = weakest(status, r.props.get("status"))
        found[(link.from_id, rule)].append((clipped, status, [p, link.props, *(r.props for r in more)], [cohort.id, link.id, *(r.id for r in more)]))

    # The bodies a rule or list names may come from the register layer: a
    # graph built without it (a test's synthetic landscape) has none of them,
    # and the statement then reaches no body.
    regions = set(p.get("members_part_of_any") or [])
    if regions:
        for link in links:
            for within in part_of.get(link.from_id, []):
                if within.to_id in regions:
                    add(link, RULE, cohort_span, within)
    if p.get("members_all_from"):
        for link in links:
            add(link, RULE, _clip(cohort_span, (p["members_all_from"], None)))
    listed = p.get("members_listed") or []
    if listed:
        by_body = defaultdict(list)
        for link in links:
            by_body[link.from_id].append(link)
        span = _clip(cohort_span, (p.get("members_listed_from"), p.get("members_listed_to")))
        for body_id in listed:
            for link in by_body.get(body_id, []):
                add(link, LISTED, span)

    rows = []
    for (body_id, rule), pieces in sorted(found.items()):
        for n, (span, status, records, rests_on) in enumerate(pieces, start=1):
            rel_id = f"drv:instance_of:{body_id}:{cohort.id}:{rule}" + (f":{n}" if n > 1 else "")
            props = {
                "id": rel_id,
                "valid_from": span[0],
                "valid_to": span[1],
                "status": status,
                "derived": True,
                "rule": rule,
                "derived_from": list(dict.fromkeys(rests_on)),
                **merge_evidence(*records),
            }
            rows.append(RelRow(rel_id, "INSTANCE_OF", body_id, cohort.id, {k: v for k, v in props.items() if v is not None and v != []}))
    return rows


OWN = "accountable-to-own"


def derive_own_superiors(data: GraphData) -> list[RelRow]:
    """Rule `accountable-to-own`: a type-level fact from type A to type B
    with `through: PART_OF` ("PCTs are accountable to their SHA") reaches each
    body of A as a fact to the body of B it is PART_OF on the date, clipped
    to the fact, the body's INSTANCE_OF A, its PART_OF link, the superior's
    INSTANCE_OF B and both bodies' lives (membership's INSTANCE_OF rows, in
    `data` already, count as well)."""
    nodes = {n.id: n for n in data.nodes}
    facts = [r for r in data.relationships if r.props.get("through") == "PART_OF" and not r.props.get("derived") and r.props.get("quantifier", "all") == "all"]
    if not facts:
        return []
    instances: dict[str, list[RelRow]] = defaultdict(list)  # type -> INSTANCE_OF links
    kinds: dict[str, list[RelRow]] = defaultdict(list)  # body -> its INSTANCE_OF links
    part_of: dict[str, list[RelRow]] = defaultdict(list)
    for rel in data.relationships:
        if rel.type == "INSTANCE_OF" and rel.from_id in nodes:
            instances[rel.to_id].append(rel)
            kinds[rel.from_id].append(rel)
        elif rel.type == "PART_OF":
            # Derived PART_OF links count too: at this point they can only be the
            # register layer's stated inferences (a PCT in its 2012 SHA from
            # 2006-07-01), since this runs before every other derivation.
            part_of[rel.from_id].append(rel)
    rows: list[RelRow] = []
    for fact in facts:
        for link in instances.get(fact.from_id, []):
            body = nodes[link.from_id].props
            for within in part_of.get(link.from_id, []):
                superior = nodes.get(within.to_id)
                if superior is None:
                    continue
                for kind in (k for k in kinds.get(within.to_id, []) if k.to_id == fact.to_id):
                    span = _clip(_span(fact.props), _span(link.props), _span(body), _span(within.props), _span(kind.props), _span(superior.props))
                    if span is None:
                        continue
                    records = [fact, link, within, kind]
                    status = weakest(*(r.props.get("status") for r in records), body.get("status"), superior.props.get("status"))
                    rel_id = f"drv:{fact.type.lower()}:{link.from_id}:{within.to_id}:{OWN}"
                    rel_id += f":{sum(1 for r in rows if r.id.startswith(rel_id)) + 1}" if any(r.id == rel_id for r in rows) else ""
                    copied = {k: v for k, v in fact.props.items() if k not in ("id", "through", "quantifier", "derived_from") and not k.startswith("evidence") and k not in ("source_ids", "external")}
                    props = {
                        **copied,
                        "id": rel_id,
                        "valid_from": span[0],
                        "valid_to": span[1],
                        "status": status,
                        "derived": True,
                        "rule": OWN,
                        "derived_from": [r.id for r in records],
                        "inherited_from": fact.from_id,
                        **merge_evidence(*(r.props for r in records)),
                    }
                    rows.append(RelRow(rel_id, fact.type, link.from_id, within.to_id, {k: v for k, v in props.items() if v is not None and v != []}))
    return rows
