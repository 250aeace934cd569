"""Merge register bodies into the curated bodies they are (reconcile.yaml)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, Field

from nhskg.core.errors import UserError
from nhskg.core.evidence import merge, unpack, pack
from nhskg.graph.store import GraphData, NodeRow, RelRow

RECONCILE_FILE = Path(__file__).resolve().parent / "reconcile.yaml"

# What the register adds to a curated body (the curated name and description stay).
REGISTER_ADDS = ("ods_code", "ons_code", "ons_codes", "name_history", "register_role", "carried_on_as", "former_ccg")


class Match(BaseModel):
    register_id: str = Field(alias="register")
    curated: str
    why: str


class SameBody(BaseModel):
    former: str
    body: str
    why: str


class Reconciliation(BaseModel):
    bodies: list[Match]
    same_body: list[SameBody] = []
    nhs_england: str
    region_ons_to_ods: dict[str, str]
    local_office_ons_to_ods: dict[str, str]

    @property
    def mapping(self) -> dict[str, str]:
        return {m.register_id: m.curated for m in self.bodies}


def load_reconciliation(path: Path = RECONCILE_FILE) -> Reconciliation:
    try:
        return Reconciliation.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValueError) as exc:
        raise UserError(f"{path.name}: {str(exc).splitlines()[0]}") from None


def merge_body(curated: NodeRow, register: NodeRow) -> NodeRow:
    """The curated node with the register's codes, names, evidence and legal dates."""
    props: dict[str, Any] = dict(curated.props)
    props["register_id"] = register.id  # the id the body would have had (org:ods-09y), for look-ups by it
    for key in REGISTER_ADDS:
        if key in register.props:
            props[key] = register.props[key]
    names = [register.props.get("name"), *register.props.get("aliases", [])]
    aliases = list(props.get("aliases", []))
    for n in names:
        if n and n.casefold() != str(props.get("name", "")).casefold() and n.casefold() not in {a.casefold() for a in aliases}:
            aliases.append(n)
    props["aliases"] = aliases
    changed = []
    for key in ("valid_from", "valid_to"):
        if register.props.get(key) and register.props.get(key) != props.get(key):
            changed.append(f"{key} {props.get(key) or 'none'} -> {register.props[key]}")
            props[key] = register.props[key]
    if changed:
        note = "Dates from the national register (" + "; ".join(changed) + ")."
        props["date_note"] = f"{props['date_note']} {note}" if props.get("date_note") else note
    props.update(merge(curated.props, register.props))
    labels = tuple(dict.fromkeys((*curated.labels, *register.labels)))
    return NodeRow(curated.id, labels, props)


def apply(data: GraphData, nodes: list[NodeRow], rels: list[RelRow], rec: Reconciliation) -> tuple[list[NodeRow], list[RelRow], int]:
    """Register rows with reconciled bodies merged into `data`'s curated nodes
    in place; returns the rows still to append and how many merged."""
    mapping = rec.mapping
    index = {n.id: i for i, n in enumerate(data.nodes)}
    missing = [c for c in mapping.values() if c not in index]
    if missing:
        raise UserError(f"reconcile.yaml names curated bodies the knowledge base lacks: {', '.join(missing)}")
    out_nodes: list[NodeRow] = []
    merged = 0
    for node in nodes:
        target = mapping.get(node.id)
        if target is None:
            out_nodes.append(node)
            continue
        data.nodes[index[target]] = merge_body(data.nodes[index[target]], node)
        merged += 1
    existing = {(r.type, r.from_id, r.to_id): r for r in data.relationships if r.type == "INSTANCE_OF"}
    out_rels: list[RelRow] = []
    for rel in rels:
        from_id, to_id = mapping.get(rel.from_id, rel.from_id), mapping.get(rel.to_id, rel.to_id)
        same = existing.get((rel.type, from_id, to_id))
        if same is not None:
            # One fact, one edge: the curated INSTANCE_OF gains the register's
            # evidence and legal dates.
            for key in ("valid_from", "valid_to"):
                if rel.props.get(key):
                    same.props[key] = rel.props[key]
            same.props.update(pack(unpack(same.props) + unpack(rel.props), external=bool(same.props.get("external"))))
            continue
        if (from_id, to_id) != (rel.from_id, rel.to_id):
            new_id = rel.id.replace(rel.from_id, from_id).replace(rel.to_id, to_id)
            rel = RelRow(new_id, rel.type, from_id, to_id, {**rel.props, "id": new_id})
        out_rels.append(rel)
    return out_nodes, out_rels, merged
