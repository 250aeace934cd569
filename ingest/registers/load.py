"""Run the loaders in order and add their rows (and one Source per file) to a graph."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from nhskg.graph.store import GraphData, NodeRow, RelRow
from nhskg.ingest.registers import commissioners, legacy, places, regions
from nhskg.ingest.registers.builder import ORGANISATION, Context, RegisterGraph, operational_starts
from nhskg.ingest.registers.files import CATALOGUE, RegisterFile, parse_sidecar, sha256
from nhskg.ingest.registers.reconcile import apply, load_reconciliation
from nhskg.ingest.registers.same_body import fold

PROVIDER_ROLES = ("NHS trust", "NHS foundation trust")


@dataclass
class RegisterSummary:
    files: int
    nodes: int
    relationships: int
    merged_into_curated: int
    by_kind: dict[str, int] = field(default_factory=dict)
    by_role: dict[str, int] = field(default_factory=dict)
    by_type: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"registers: {self.nodes} bodies and {self.relationships} relationships from {self.files} files "
            f"({self.merged_into_curated} merged into curated bodies)"
        )


def build_register_graph(nhs_england: str | None = None) -> tuple[RegisterGraph, Context]:
    """Every register fact, before reconciliation."""
    rec = load_reconciliation()
    g, ctx = RegisterGraph(), Context()
    commissioners.load_icbs(g, ctx)
    commissioners.load_ccgs(g, ctx)
    commissioners.load_ccg_names(g, ctx)
    commissioners.load_stps(g, ctx)
    commissioners.load_successions(g, ctx)
    commissioners.infer_new_icb_regions(g, ctx)
    regions.load_regions(g, ctx, nhs_england or rec.nhs_england, rec.region_ons_to_ods, rec.local_office_ons_to_ods)
    regions.load_area_teams(g, ctx)
    regions.load_area_team_successions(g, ctx)
    regions.load_local_office_members(g, ctx)
    places.load_trusts(g, ctx)  # before the PCTs: community trusts that became part of PCTs keep their etr dates
    legacy.load_pcts_and_shas(g, ctx)
    places.load_local_authorities(g, ctx)
    places.load_council_changes(g, ctx)
    moved = operational_starts(g)
    ctx.notes.append(f"operational starts moved from the register's open date: {', '.join(moved) or 'none'}")
    return g, ctx


def source_node(f: RegisterFile) -> NodeRow:
    side = parse_sidecar(f)
    props = {
        "name": f.title,
        "title": f.title,
        "publisher": side.get("original_publisher", ""),
        "url": _first_url(side.get("source_url_stated_or_known", "")),
        "url_note": side.get("source_url_stated_or_known", ""),
        "licence": side.get("data_licence", ""),
        "hosting_repo": side.get("repo", ""),
        "hosting_repo_licence": side.get("hosting_repo_licence", ""),
        "describes_as_of": side.get("date_data_describes", ""),
        "kind": "register",
        "file": f.name,
        "document": f.name,
        "sha256": sha256(f.full_path),
        "derived_file": f.derived or None,
        "note": side.get("notes", ""),
    }
    return NodeRow(f.source_id, ("Source",), {k: v for k, v in props.items() if v not in ("", None)})


def _first_url(text: str) -> str:
    """The first address in a sidecar's free-text URL field ("" when it names none)."""
    match = re.search(r"https?://[^\s;,)]+", text)
    if match:
        return match.group(0).rstrip(".")
    ons_portal = "geoportal.statistics.gov.uk" in text or "Open Geography Portal" in text
    return "https://geoportal.statistics.gov.uk/" if ons_portal else ""


def _labels(g: RegisterGraph) -> dict[str, tuple[str, ...]]:
    return {
        b.id: (ORGANISATION, b.kind, "Provider") if b.props.get("register_role") in PROVIDER_ROLES else (ORGANISATION, b.kind)
        for b in g.bodies.values()
    }


def add_registers(data: GraphData) -> RegisterSummary:
    """Append the register layer to `data` (compiled KB), merging reconciled bodies."""
    rec = load_reconciliation()
    g, ctx = build_register_graph(rec.nhs_england)
    nodes = g.node_rows(_labels(g))
    rels = g.rel_rows()
    nodes, rels, merged = apply(data, nodes, rels, rec)
    known = {n.id for n in data.nodes} | {n.id for n in nodes}
    dangling = sorted({r.to_id for r in rels if r.to_id not in known} | {r.from_id for r in rels if r.from_id not in known})
    if dangling:
        raise ValueError(f"register relationships point at unknown nodes: {', '.join(dangling[:10])}")
    data.nodes.extend(source_node(f) for f in CATALOGUE)
    data.nodes.extend(nodes)
    data.relationships.extend(rels)
    for same in rec.same_body:
        fold(data, same.former, same.body, same.why)
    return RegisterSummary(
        files=len(CATALOGUE),
        nodes=len(nodes) + merged,
        relationships=len(rels),
        merged_into_curated=merged,
        by_kind=dict(Counter(b.kind for b in g.bodies.values())),
        by_role=dict(Counter(b.props.get("register_role", "") for b in g.bodies.values())),
        by_type=dict(Counter(r.to_id for r in rels if r.type == "INSTANCE_OF")),
        notes=ctx.notes,
    )
