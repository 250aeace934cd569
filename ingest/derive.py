"""Derived edges, materialised at ingest so path queries stay simple, and
the normalisation of events. Every derived edge carries `derived: true`, the
`rule` that made it, `derived_from` (the ids it rests on) and the evidence
of everything it rests on, so a researcher can still reach the sentences
behind it.

Rules:

- `delegation`: a Delegation record (by, to, services) yields
  (by)-[:DELEGATES_TO]->(to) and (to)-[:COMMISSIONS {basis: delegated}]->(service)
  for each service, with the delegation's time scope and status.
- `instance-inherits-type`: a real body that is INSTANCE_OF a type carries
  the type's outgoing facts of the kinds the vocabulary marks `inherited`,
  but only statements about *all* bodies of the type (quantifier `all`; a
  "some" or "may" statement reaches no particular body). The inherited fact
  is clipped to the type fact's dates, the INSTANCE_OF link's and the body's
  life (for an event, the body's last day counts: an Act abolishes a body on
  the day it ends), takes the weakest status of the three, and gives way to
  an explicit fact about the body itself only within that fact's dates.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from nhskg.core.evidence import EVIDENCE_KEYS, EvidenceKey, evidence_keys, stored
from nhskg.core.evidence import merge as merge_evidence
from nhskg.core.timescope import next_day, overlap, subtract, weakest
from nhskg.core.vocabulary import vocabulary
from nhskg.graph.store import GraphData, NodeRow, RelRow

MakeId = Callable[[str, str, str], str]
Span = tuple[str | None, str | None]

# What an inherited edge does not copy from the type's edge: its identity,
# evidence (merged afresh) and derivation bookkeeping.
_NOT_COPIED = {"id", *EVIDENCE_KEYS, "source_ids", "external", "derived", "rule", "derived_from", "quantifier"}


def normalise_events(data: GraphData) -> None:
    """Events happen on a day: store them as the one-day span [date, date+1)
    with `date` and `event: true`, so the one time rule shows an event in any
    window that contains its date. An event with no date is undated."""
    events = set(vocabulary().event_types)
    for rel in data.relationships:
        if rel.type not in events:
            continue
        props = rel.props
        props["event"] = True
        day = props.get("valid_from")
        if day:
            props["date"] = day
            props["valid_to"] = next_day(day)
        else:
            props.pop("valid_to", None)
            props["undated"] = True
            props.setdefault("undated_reason", "the event's date is not known")


def _derived_ids() -> MakeId:
    """Ids of derived edges live in their own namespace (`drv:`), so they can
    never collide with an authored id, whatever order the files load in."""
    used: dict[str, int] = {}

    def make(rel_type: str, from_id: str, to_id: str) -> str:
        base = f"drv:{rel_type.lower()}:{from_id}:{to_id}"
        used[base] = used.get(base, 0) + 1
        return base if used[base] == 1 else f"{base}:{used[base]}"

    return make


def _row(make_id: MakeId, rel_type: str, from_id: str, to_id: str, props: dict[str, Any]) -> RelRow:
    rel_id = make_id(rel_type, from_id, to_id)
    clean = {k: v for k, v in {"id": rel_id, **props}.items() if v is not None and v != []}
    return RelRow(rel_id, rel_type, from_id, to_id, clean)


def _span(props: dict[str, Any]) -> Span:
    return props.get("valid_from"), props.get("valid_to")


def _delegation_edges(node: NodeRow, make_id: MakeId) -> list[RelRow]:
    p = node.props
    common = {
        "valid_from": p.get("valid_from"),
        "valid_to": p.get("valid_to"),
        "status": p.get("status"),
        "undated": p.get("undated"),
        "derived": True,
        "rule": "delegation",
        "derived_from": [node.id],
        "delegation_id": node.id,
        # "ICBs may choose to delegate": the derived edges say so, and real
        # ICBs do not inherit them.
        "quantifier": p.get("quantifier", "all"),
        # A delegation to named bodies or a wave adds; it never replaces.
        "addition": p.get("addition"),
        **merge_evidence(p),
    }
    edges = [
        _row(
            make_id,
            "DELEGATES_TO",
            p["by"],
            p["to"],
            {**common, "services": p.get("services", []), "power": p.get("power"), "accountability_retained_by": p.get("accountability_retained_by")},
        )
    ]
    for service in p.get("services", []):
        edges.append(_row(make_id, "COMMISSIONS", p["to"], service, {**common, "basis": "delegated", "delegated_by": p["by"]}))
    return edges


@dataclass(frozen=True)
class _TypeFact:
    """What every instance of a type inherits from one of its facts, worked
    out once per fact rather than once per body (at 100,000 organisations
    that is 300,000 derived edges from a few hundred type facts)."""

    edge: RelRow
    span: Span
    event: bool
    status: str | None
    undated: bool
    copied: dict[str, Any]  # the fact's own properties an inherited edge keeps
    evidence: _Evidence


@dataclass(frozen=True)
class _Instance:
    """An INSTANCE_OF link with its body, worked out once per link."""

    link: RelRow
    life: Span | None  # the link's span within the body's life (None: they never overlap)
    event_life: Span | None  # the same, an event on the body's last day counting
    status: str  # the weaker of the link's and the body's
    undated: bool
    evidence: _Evidence


@dataclass(frozen=True)
class _Evidence:
    """A fact's evidence, once each item, and its stored lists
    (nhskg.core.evidence), worked out once per fact."""

    keys: tuple[EvidenceKey, ...]
    external: bool
    lists: dict[str, Any]  # nhskg.core.evidence.stored(keys, external)

    @classmethod
    def of(cls, props: dict[str, Any]) -> "_Evidence":
        keys = tuple(dict.fromkeys(evidence_keys(props)))
        external = bool(props.get("external"))
        return cls(keys, external, stored(keys, external))

    def merged_with(self, other: "_Evidence") -> dict[str, Any]:
        """merge_evidence(self's props, other's props), from the parts: when
        the two share no item (the usual case) the lists are joined as they
        are."""
        if not set(self.keys).isdisjoint(other.keys):
            return stored(dict.fromkeys(self.keys + other.keys), self.external or other.external)
        mine, theirs = self.lists, other.lists
        return {
            **{key: mine[key] + theirs[key] for key in EVIDENCE_KEYS},
            "source_ids": list(dict.fromkeys(mine["source_ids"] + theirs["source_ids"])),
            "external": self.external or other.external,
        }


def _type_fact(edge: RelRow) -> _TypeFact:
    props = edge.props
    copied = {k: v for k, v in props.items() if k not in _NOT_COPIED and v is not None and v != []}
    return _TypeFact(edge, _span(props), bool(props.get("event")), props.get("status"), bool(props.get("undated")), copied, _Evidence.of(props))


def _instance(link: RelRow, body: dict[str, Any], events: bool) -> _Instance:
    """`events`: whether any fact of the type is an event (else the event
    life is not needed, and not worked out)."""
    inst_span, body_span = _span(link.props), _span(body)
    life = overlap(inst_span, body_span)
    # An event on the body's last day (its abolition) still reaches it.
    event_life = overlap(
        (inst_span[0], next_day(inst_span[1]) if inst_span[1] else None),
        (body_span[0], next_day(body_span[1]) if body_span[1] else None),
    ) if events else None
    return _Instance(
        link,
        life,
        event_life,
        weakest_of_two(link.props.get("status"), body.get("status")),
        bool(link.props.get("undated") or body.get("undated")),
        _Evidence.of(link.props),
    )


# merge_evidence's lists, all empty together when a fact has no evidence.
_EVIDENCE_LISTS = (*EVIDENCE_KEYS, "source_ids")


@functools.lru_cache(maxsize=None)
def weakest_of_two(first: str | None, second: str | None) -> str:
    """weakest(first, second), remembered: a handful of statuses, met
    300,000 times."""
    return weakest(first, second)


def derive_edges(data: GraphData) -> list[RelRow]:
    vocab = vocabulary()
    inheritable = set(vocab.inherited_types)
    make_id = _derived_ids()
    derived: list[RelRow] = []
    for node in data.nodes:
        if "Delegation" in node.labels:
            derived.extend(_delegation_edges(node, make_id))

    nodes = {n.id: n for n in data.nodes}
    edges = data.relationships + derived
    outgoing: dict[str, list[_TypeFact]] = defaultdict(list)
    # What the graph states about each body itself, by (type, from, to): an
    # inherited fact gives way to it within its dates. (Only inheritable
    # types are ever looked up.)
    explicit: dict[tuple[str, str, str], list[Span]] = defaultdict(list)
    # A type fact stated `through: PART_OF` ("PCTs answer to their SHA") reaches a
    # body as a fact to its own superior (derive_membership.derive_own_superiors);
    # that fact stands in for the type-level one, which gives way to it within its dates.
    through = {r.id: r for r in data.relationships if r.props.get("through") and not r.props.get("derived")}
    for rel in edges:
        if rel.type in inheritable:
            explicit[(rel.type, rel.from_id, rel.to_id)].append(_span(rel.props))
            stands_for = through.get((rel.props.get("derived_from") or [None])[0]) if rel.props.get("derived") else None
            if stands_for is not None:
                explicit[(rel.type, rel.from_id, stands_for.to_id)].append(_span(rel.props))
            if rel.props.get("quantifier", "all") == "all":
                outgoing[rel.from_id].append(_type_fact(rel))

    with_events = {type_id for type_id, facts in outgoing.items() if any(f.event for f in facts)}
    for link in (r for r in data.relationships if r.type == "INSTANCE_OF"):
        body = nodes[link.from_id].props
        facts = outgoing.get(link.to_id)
        if not facts:
            continue
        inst = _instance(link, body, link.to_id in with_events)
        body_id = link.from_id
        for fact in facts:
            life = inst.event_life if fact.event else inst.life
            span = overlap(fact.span, life) if life is not None else None
            if span is None:
                continue
            own = explicit.get((fact.edge.type, body_id, fact.edge.to_id))
            # An explicit event about the body replaces the type's; an explicit
            # state gives way only within its own dates.
            if fact.event:
                pieces = [] if own else [span]
            else:
                pieces = subtract(span, own) if own else [span]
            if not pieces:
                continue
            status = weakest_of_two(fact.status, inst.status)
            evidence = fact.evidence.merged_with(inst.evidence)
            undated = True if (fact.undated or inst.undated) else None
            for start, end in pieces:
                rel_id = make_id(fact.edge.type, body_id, fact.edge.to_id)
                # What _row gives, built directly (it runs 300,000 times at
                # 100,000 organisations): the copied properties hold no nulls
                # or empty lists already; only these can be null or empty.
                props = {
                    "id": rel_id,
                    **fact.copied,
                    "valid_from": start,
                    "valid_to": end,
                    "status": status,
                    "undated": undated,
                    "derived": True,
                    "rule": "instance-inherits-type",
                    "derived_from": [fact.edge.id, link.id],
                    "inherited_from": link.to_id,
                    **evidence,
                }
                if start is None:
                    del props["valid_from"]
                if end is None:
                    del props["valid_to"]
                if undated is None:
                    del props["undated"]
                if not evidence["evidence"]:
                    for key in _EVIDENCE_LISTS:
                        del props[key]
                derived.append(RelRow(rel_id, fact.edge.type, body_id, fact.edge.to_id, props))
    return derived
