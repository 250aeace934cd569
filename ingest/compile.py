"""Turn a validated knowledge base into graph rows (nodes and relationships).

Property conventions (both engines store only scalars and lists of scalars):

- `source_ids`: distinct source ids behind the fact;
- `evidence` / `evidence_sources` / `evidence_kinds` / `evidence_locators`:
  parallel lists: text i comes from source i, is of kind i (quote, citation,
  paraphrase, register) and sits at locator i (a register row key, a section);
- `valid_from` / `valid_to`: ISO dates, half-open; absent = unbounded;
- `status`: in_force / planned / proposed / delayed;
- `external`: true when any evidence cites an outside (non-corpus) source.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from nhskg.core.evidence import EvidenceItem, pack
from nhskg.graph.store import GraphData, NodeRow, RelRow
from nhskg.ingest.kb import KnowledgeBase
from nhskg.ingest.models import BudgetRecord, CountRecord, DelegationRecord, Evidence, Scoped


def _clean(props: dict[str, Any]) -> dict[str, Any]:
    """Drop nulls and empty lists: engines cannot store null, and absence reads the same."""
    return {k: v for k, v in props.items() if v is not None and v != []}


def evidence_kind(ev: Evidence, external_sources: set[str]) -> str:
    """quote (verbatim from a corpus document, checked), citation (an outside
    source's exact words), paraphrase (the curator's summary of an outside
    source). Register evidence is written by the register loader."""
    if ev.source not in external_sources:
        return "quote"
    return "citation" if ev.quote is not None else "paraphrase"


def provenance(evidence: list[Evidence], external_sources: set[str]) -> dict[str, Any]:
    return pack(
        (EvidenceItem(ev.source, ev.text, evidence_kind(ev, external_sources), ev.locator or "") for ev in evidence),
        external=any(ev.source in external_sources for ev in evidence),
    )


def scope(record: Scoped) -> dict[str, Any]:
    return {
        "valid_from": record.valid_from,
        "valid_to": record.valid_to,
        "status": record.status,
        # Stored only when true; the time predicate leaves such records out.
        "undated": True if record.undated is not None else None,
        "undated_reason": record.undated,
        "date_note": record.date_note,
        "note": record.note,
    }


class _RelIds:
    """Readable, stable relationship ids: rel:<type>:<from>:<to>[:<n>]."""

    def __init__(self) -> None:
        self.used: Counter[str] = Counter()

    def make(self, rel_type: str, from_id: str, to_id: str, explicit: str | None = None) -> str:
        base = explicit or f"rel:{rel_type.lower()}:{from_id}:{to_id}"
        self.used[base] += 1
        return base if self.used[base] == 1 else f"{base}:{self.used[base]}"


def compile_graph(kb: KnowledgeBase) -> GraphData:
    external = {s.id for s in kb.sources if s.external}
    ids = _RelIds()
    data = GraphData()

    for src in kb.sources:
        data.nodes.append(
            NodeRow(
                src.id,
                ("Source",),
                _clean(
                    {
                        "name": src.title,
                        "title": src.title,
                        "publisher": src.publisher,
                        "authors": src.authors,
                        "date": src.date,
                        "describes_as_of": src.describes_as_of,
                        "kind": src.kind,
                        "url": src.url,
                        "document": Path(src.document).name if src.document else None,
                        "external": src.external,
                        "note": src.note,
                    }
                ),
            )
        )

    for ent in kb.entities:
        props = {
            "name": ent.name,
            "aliases": ent.aliases,
            "description": ent.description,
            **scope(ent),
            **provenance(ent.evidence, external),
            **ent.properties,
        }
        data.nodes.append(NodeRow(ent.id, (ent.label, *ent.kinds), _clean(props)))

    def relate(rel_type: str, from_id: str, to_id: str, record: Scoped, extra: dict[str, Any] | None = None, explicit_id: str | None = None) -> RelRow:
        rel_id = ids.make(rel_type, from_id, to_id, explicit_id)
        props = _clean({"id": rel_id, **scope(record), **provenance(record.evidence, external), **(extra or {})})
        row = RelRow(rel_id, rel_type, from_id, to_id, props)
        data.relationships.append(row)
        return row

    for rel in kb.relations:
        relate(rel.type, rel.from_, rel.to, rel, {"basis": rel.basis, "quantifier": rel.quantifier, **rel.properties}, rel.id)

    for d in kb.delegations:
        _compile_delegation(d, data, relate, external)
    for b in kb.budgets:
        _compile_budget(b, data, relate, external)
    for c in kb.counts:
        _compile_count(c, kb, data, relate, external)

    return data


def _compile_delegation(d: DelegationRecord, data: GraphData, relate, external: set[str]) -> None:
    props = {
        "name": d.name,
        "description": d.description,
        "by": d.by,
        "to": d.to,
        "services": d.services,
        "power": d.power,
        "accountability_retained_by": d.accountability_retained_by,
        "quantifier": d.quantifier,
        "addition": d.addition or None,
        **scope(d),
        **provenance(d.evidence, external),
    }
    data.nodes.append(NodeRow(d.id, ("Delegation",), _clean(props)))
    relate("DELEGATED_BY", d.id, d.by, d)
    relate("DELEGATED_TO", d.id, d.to, d)
    for service in d.services:
        relate("DELEGATES_SERVICE", d.id, service, d)
    if d.power:
        relate("UNDER_POWER", d.id, d.power, d)
    if d.accountability_retained_by:
        relate("ACCOUNTABILITY_RETAINED_BY", d.id, d.accountability_retained_by, d)


def _compile_budget(b: BudgetRecord, data: GraphData, relate, external: set[str]) -> None:
    props = {
        "name": b.name,
        "amount_gbp": b.amount_gbp,
        "original_text": b.original_text,
        "fiscal_year": b.fiscal_year,
        "approximate": b.approximate,
        "ring_fenced": b.ring_fenced,
        "description": b.description,
        "holder": b.holder,
        **scope(b),
        **provenance(b.evidence, external),
    }
    data.nodes.append(NodeRow(b.id, ("Budget",), _clean(props)))
    if b.holder:
        relate("HELD_BY", b.id, b.holder, b)
    if b.allocated_by:
        relate("ALLOCATED_BY", b.id, b.allocated_by, b)
    for target in b.funds:
        relate("FUNDS", b.id, target, b)
    if b.part_of:
        relate("PART_OF", b.id, b.part_of, b)


def _compile_count(c: CountRecord, kb: KnowledgeBase, data: GraphData, relate, external: set[str]) -> None:
    names = {e.id: e.name for e in kb.entities}
    what = names.get(c.of, c.of)
    label = f"{'about ' if c.approximate else ''}{c.value} × {what}"
    props = {
        "name": label,
        "value": c.value,
        "of": c.of,
        "approximate": c.approximate,
        "description": c.description,
        **scope(c),
        **provenance(c.evidence, external),
    }
    data.nodes.append(NodeRow(c.id, ("Count",), _clean(props)))
    relate("COUNT_OF", c.id, c.of, c)

