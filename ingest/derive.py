"""Derived edges, materialised at ingest so path queries stay simple.

Every derived edge carries `derived: true`, the `rule` that made it and
`derived_from` (the ids it rests on), and the evidence of everything it
rests on, so a researcher can still reach the sentences behind it.

Rules:

- `delegation`: a Delegation record (by, to, services) yields
  (by)-[:DELEGATES_TO]->(to) and (to)-[:COMMISSIONS {basis: delegated}]->(service)
  for each service, with the delegation's time scope and status.
- `instance-inherits-type`: a body that is INSTANCE_OF a type carries the
  type's outgoing edges of the kinds in graph.schema.INHERITED_BY_INSTANCES
  (North West Surrey CCG commissions what CCGs commission), scoped to the
  overlap of the type edge, the INSTANCE_OF edge and the body's own dates.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nhskg.core.evidence import EVIDENCE_KEYS
from nhskg.core.evidence import merge as merge_evidence
from nhskg.graph.schema import INHERITED_BY_INSTANCES
from nhskg.graph.store import GraphData, NodeRow, RelRow

MakeId = Callable[[str, str, str], str]


def overlap(*scopes: tuple[str | None, str | None]) -> tuple[str | None, str | None] | None:
    """Intersect half-open [from, to) intervals (None = unbounded); None if empty."""
    starts = [s for s, _ in scopes if s]
    ends = [e for _, e in scopes if e]
    start = max(starts) if starts else None
    end = min(ends) if ends else None
    if start and end and start >= end:
        return None
    return start, end


def _row(make_id: MakeId, rel_type: str, from_id: str, to_id: str, props: dict[str, Any]) -> RelRow:
    rel_id = make_id(rel_type, from_id, to_id)
    clean = {k: v for k, v in {"id": rel_id, **props}.items() if v is not None and v != []}
    return RelRow(rel_id, rel_type, from_id, to_id, clean)


def _delegation_edges(node: NodeRow, make_id: MakeId) -> list[RelRow]:
    p = node.props
    common = {
        "valid_from": p.get("valid_from"),
        "valid_to": p.get("valid_to"),
        "status": p.get("status"),
        "derived": True,
        "rule": "delegation",
        "derived_from": [node.id],
        "delegation_id": node.id,
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


def _derived_ids() -> MakeId:
    """Ids of derived edges live in their own namespace (`drv:`), so they can
    never collide with an authored id, whatever order the files load in."""
    used: dict[str, int] = {}

    def make(rel_type: str, from_id: str, to_id: str) -> str:
        base = f"drv:{rel_type.lower()}:{from_id}:{to_id}"
        used[base] = used.get(base, 0) + 1
        return base if used[base] == 1 else f"{base}:{used[base]}"

    return make


def derive_edges(data: GraphData) -> list[RelRow]:
    make_id = _derived_ids()
    derived: list[RelRow] = []
    for node in data.nodes:
        if "Delegation" in node.labels:
            derived.extend(_delegation_edges(node, make_id))

    nodes = {n.id: n for n in data.nodes}
    edges = data.relationships + derived
    outgoing: dict[str, list[RelRow]] = {}
    for rel in edges:
        if rel.type in INHERITED_BY_INSTANCES:
            outgoing.setdefault(rel.from_id, []).append(rel)
    explicit = {(r.type, r.from_id, r.to_id) for r in edges}

    for inst in (r for r in data.relationships if r.type == "INSTANCE_OF"):
        body = nodes[inst.from_id].props
        for type_edge in outgoing.get(inst.to_id, []):
            if (type_edge.type, inst.from_id, type_edge.to_id) in explicit:
                continue  # the knowledge base states it for the body itself
            window = overlap(
                (type_edge.props.get("valid_from"), type_edge.props.get("valid_to")),
                (inst.props.get("valid_from"), inst.props.get("valid_to")),
                (body.get("valid_from"), body.get("valid_to")),
            )
            if window is None:
                continue
            inherited = {k: v for k, v in type_edge.props.items() if k not in ("id", *EVIDENCE_KEYS, "source_ids", "external", "derived", "rule", "derived_from")}
            derived.append(
                _row(
                    make_id,
                    type_edge.type,
                    inst.from_id,
                    type_edge.to_id,
                    {
                        **inherited,
                        "valid_from": window[0],
                        "valid_to": window[1],
                        "derived": True,
                        "rule": "instance-inherits-type",
                        "derived_from": [type_edge.id, inst.id],
                        "inherited_from": inst.to_id,
                        **merge_evidence(type_edge.props, inst.props),
                    },
                )
            )
    return derived
