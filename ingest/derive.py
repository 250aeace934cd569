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

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from nhskg.core.evidence import EVIDENCE_KEYS
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


def _inherited_span(type_edge: RelRow, inst: RelRow, body: dict[str, Any]) -> Span | None:
    inst_span, body_span = _span(inst.props), _span(body)
    if type_edge.props.get("event"):
        # An event on the body's last day (its abolition) still reaches it.
        inst_span = (inst_span[0], next_day(inst_span[1]) if inst_span[1] else None)
        body_span = (body_span[0], next_day(body_span[1]) if body_span[1] else None)
    return overlap(_span(type_edge.props), inst_span, body_span)


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
    outgoing: dict[str, list[RelRow]] = defaultdict(list)
    for rel in edges:
        if rel.type in inheritable and rel.props.get("quantifier", "all") == "all":
            outgoing[rel.from_id].append(rel)
    # What the graph states about each body itself, by (type, from, to): an
    # inherited fact gives way to it within its dates.
    explicit: dict[tuple[str, str, str], list[Span]] = defaultdict(list)
    for rel in edges:
        explicit[(rel.type, rel.from_id, rel.to_id)].append(_span(rel.props))

    for inst in (r for r in data.relationships if r.type == "INSTANCE_OF"):
        body = nodes[inst.from_id].props
        for type_edge in outgoing.get(inst.to_id, []):
            span = _inherited_span(type_edge, inst, body)
            if span is None:
                continue
            own = explicit.get((type_edge.type, inst.from_id, type_edge.to_id), [])
            # An explicit event about the body replaces the type's; an explicit
            # state gives way only within its own dates.
            pieces = ([] if own else [span]) if type_edge.props.get("event") else subtract(span, own)
            status = weakest(type_edge.props.get("status"), inst.props.get("status"), body.get("status"))
            inherited = {k: v for k, v in type_edge.props.items() if k not in _NOT_COPIED}
            for start, end in pieces:
                derived.append(
                    _row(
                        make_id,
                        type_edge.type,
                        inst.from_id,
                        type_edge.to_id,
                        {
                            **inherited,
                            "valid_from": start,
                            "valid_to": end,
                            "status": status,
                            "undated": True if (type_edge.props.get("undated") or inst.props.get("undated") or body.get("undated")) else None,
                            "derived": True,
                            "rule": "instance-inherits-type",
                            "derived_from": [type_edge.id, inst.id],
                            "inherited_from": inst.to_id,
                            **merge_evidence(type_edge.props, inst.props),
                        },
                    )
                )
    return derived
