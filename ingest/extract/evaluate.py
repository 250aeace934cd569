"""Score extraction over the corpus against the curated knowledge base.

The yardstick is the KB itself ("its facts are the yardstick"):

* Gold entities of document D: every KB entity the KB ties to D by evidence
  (its own evidence cites D, or it is an endpoint of a relation, delegation,
  budget or count whose evidence cites D), plus every KB entity whose name
  or an alias occurs verbatim in D (case-sensitive; case-insensitive only for
  all-lowercase names), other than only inside a longer occurring name of
  another entity ("health authorities" inside "strategic health
  authorities" names the SHAs, not the 1996-2002 health authorities: the
  longest match, as the gazetteer reads text). Why the second part: the curator cites an entity
  from the one or two documents that define it, but the other documents
  still name it, and a recogniser that finds "NHS England" in a document
  that names it is right, not wrong. Recall against the evidence-cited part
  alone is reported too, since it is the part the gazetteer cannot trivially
  reproduce.
* Gold money: budgets whose evidence cites D, matched by amount (±0.5%).
* Gold counts: counts whose evidence cites D, matched by (of, value).
* Gold relations: relations whose evidence cites D, matched by (type, from,
  to); delegation records citing D count as DELEGATES_TO (by -> to); a
  budget citing D contributes HELD_BY (amount -> holder), ALLOCATED_BY and
  FUNDS edges, matched with the budget identified by its amount. No other
  type mapping is applied: RENAMED_TO is not counted as SUCCEEDED_BY.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from nhskg.core.vocabulary import vocabulary
from nhskg.ingest.extract.gazetteer import build_gazetteer
from nhskg.ingest.extract.output import entity_ref
from nhskg.ingest.extract.pipeline import Extraction, extract_file
from nhskg.ingest.extract.relations import ANY
from nhskg.ingest.kb import DEFAULT_CORPUS_DIR, KnowledgeBase, normalise_text

ENTITY_LABELS = tuple(name for name, spec in vocabulary().labels.items() if spec.record is None and name in ANY)


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    fp_items: list[str] = field(default_factory=list)
    fn_items: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    def add(self, predicted: set[Any], gold: set[Any], where: str = "") -> None:
        self.tp += len(predicted & gold)
        self.fp += len(predicted - gold)
        self.fn += len(gold - predicted)
        self.fp_items += [f"{where}: {x}" for x in sorted(map(str, predicted - gold))]
        self.fn_items += [f"{where}: {x}" for x in sorted(map(str, gold - predicted))]

    def merge(self, other: "Score") -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.fp_items += other.fp_items
        self.fn_items += other.fn_items


@dataclass
class Evaluation:
    documents: list[str]
    entities: dict[str, Score]
    relations: dict[str, Score]
    cited_recall: Score

    def total(self, scores: dict[str, Score]) -> Score:
        t = Score()
        for s in scores.values():
            t.merge(s)
        return t

    def as_dict(self) -> dict[str, Any]:
        def row(s: Score) -> dict[str, Any]:
            return {"tp": s.tp, "fp": s.fp, "fn": s.fn, "precision": s.precision, "recall": s.recall}

        return {
            "documents": self.documents,
            "entities": {k: row(v) for k, v in sorted(self.entities.items())} | {"micro": row(self.total(self.entities))},
            "entity_recall_cited_only": row(self.cited_recall)["recall"],
            "relations": {k: row(v) for k, v in sorted(self.relations.items())} | {"micro": row(self.total(self.relations))},
        }


def corpus_sources(kb: KnowledgeBase, corpus_dir: Path = DEFAULT_CORPUS_DIR) -> list[tuple[str, Path]]:
    """(source id, document path) for every KB source whose document is in the corpus folder."""
    out = []
    corpus = corpus_dir.resolve()
    for s in kb.sources:
        if s.document and Path(s.document).resolve().parent == corpus:
            out.append((s.id, Path(s.document)))
    return sorted(out, key=lambda x: x[1].name)


def _cites(record: Any, source_id: str) -> bool:
    return any(ev.source == source_id for ev in getattr(record, "evidence", []) or [])


def _spans(term: str, text: str) -> list[tuple[int, int]]:
    """Where `term` occurs in `text` as whole words (case-insensitive only for an all-lowercase term)."""
    term = " ".join(term.split())
    if len(term) < 2:
        return []
    flags = re.I if term == term.lower() else 0
    return [m.span() for m in re.finditer(rf"(?<![\w]){re.escape(term)}(?![\w])", text, flags)]


def _named(entities: Iterable[Any], folded: str) -> set[str]:
    """The entities a name or alias of which occurs in `folded` other than
    only inside a longer occurrence of another entity's name."""
    found = [(start, end, e.id) for e in entities for t in {e.name, *e.aliases} for start, end in _spans(normalise_text(t), folded)]

    def inside_another(start: int, end: int, eid: str) -> bool:
        return any(s <= start and end <= e and e - s > end - start and other != eid for s, e, other in found)

    return {eid for start, end, eid in found if not inside_another(start, end, eid)}


def gold_entities(kb: KnowledgeBase, source_id: str, text: str) -> tuple[set[str], set[str]]:
    """(cited, cited-or-named): KB entity ids document `source_id` is gold for."""
    ids = {e.id for e in kb.entities}
    cited: set[str] = {e.id for e in kb.entities if _cites(e, source_id)}
    for r in kb.relations:
        if _cites(r, source_id):
            cited.update({r.from_, r.to})
    for d in kb.delegations:
        if _cites(d, source_id):
            cited.update({d.by, d.to, *d.services})
    for b in kb.budgets:
        if _cites(b, source_id):
            cited.update(x for x in (b.holder, b.allocated_by, *b.funds) if x)
    for c in kb.counts:
        if _cites(c, source_id):
            cited.add(c.of)
    cited &= ids
    folded = normalise_text(text)
    named = _named(kb.entities, folded)
    return cited, cited | named


def _amount_key(amount: float) -> str:
    return f"£{amount / 1e9:.3g}bn" if amount >= 1e8 else f"£{amount:,.0f}"


def gold_relations(kb: KnowledgeBase, source_id: str) -> set[tuple[str, str, str]]:
    gold: set[tuple[str, str, str]] = set()
    for r in kb.relations:
        if _cites(r, source_id):
            gold.add((r.type, r.from_, r.to))
    for d in kb.delegations:
        if _cites(d, source_id):
            gold.add(("DELEGATES_TO", d.by, d.to))
    for b in kb.budgets:
        if _cites(b, source_id):
            key = _amount_key(b.amount_gbp)
            if b.holder:
                gold.add(("HELD_BY", key, b.holder))
            if b.allocated_by:
                gold.add(("ALLOCATED_BY", key, b.allocated_by))
            for f in b.funds:
                gold.add(("FUNDS", key, f))
    return gold


def predicted_relations(ex: Extraction) -> set[tuple[str, str, str]]:
    out: set[tuple[str, str, str]] = set()
    for r in ex.relations:
        out.add((r.type, entity_ref(r.from_), entity_ref(r.to)))
    for b in ex.budgets:
        key = _amount_key(b.money.amount_gbp)
        if b.holder:
            out.add(("HELD_BY", key, entity_ref(b.holder)))
        if b.allocated_by:
            out.add(("ALLOCATED_BY", key, entity_ref(b.allocated_by)))
        for s in b.funds:
            out.add(("FUNDS", key, entity_ref(s)))
    return out


def evaluate(kb: KnowledgeBase, corpus_dir: Path = DEFAULT_CORPUS_DIR, files: Iterable[tuple[str, Path]] | None = None) -> Evaluation:
    """Extract from each corpus document and score against the KB's facts for it."""
    gaz = build_gazetteer(kb.entities)
    labels = {e.id: e.label for e in kb.entities}
    entities: dict[str, Score] = defaultdict(Score)
    relations: dict[str, Score] = defaultdict(Score)
    cited_recall = Score()
    docs = list(files) if files is not None else corpus_sources(kb, corpus_dir)
    for source_id, path in docs:
        ex = extract_file(path, kb, gaz)
        cited, gold = gold_entities(kb, source_id, ex.document.text)
        predicted = {m.resolved_id for m in ex.mentions if m.resolved_id}
        for label in set(labels[i] for i in gold | predicted):
            entities[label].add({i for i in predicted if labels[i] == label}, {i for i in gold if labels[i] == label}, source_id)
        c = Score()
        c.add(predicted & cited, cited, source_id)
        cited_recall.tp += c.tp
        cited_recall.fn += c.fn
        cited_recall.fn_items += c.fn_items
        gold_money = {_amount_key(b.amount_gbp) for b in kb.budgets if _cites(b, source_id)}
        entities["Money"].add({_amount_key(b.money.amount_gbp) for b in ex.budgets}, gold_money, source_id)
        gold_counts = {(c.of, c.value) for c in kb.counts if _cites(c, source_id)}
        entities["Count"].add({(entity_ref(c.of), c.number.value) for c in ex.counts}, gold_counts, source_id)
        gold_rel = gold_relations(kb, source_id)
        pred_rel = predicted_relations(ex)
        for typ in {t for t, _, _ in gold_rel | pred_rel}:
            relations[typ].add({r for r in pred_rel if r[0] == typ}, {r for r in gold_rel if r[0] == typ}, source_id)
    return Evaluation([p.name for _, p in docs], dict(entities), dict(relations), cited_recall)


def _f(x: float | None) -> str:
    return "–" if x is None else f"{x:.2f}"


def markdown_table(ev: Evaluation) -> str:
    """The evaluation as Markdown tables (entities by label, relations by type)."""
    lines = ["| Entity label | TP | FP | FN | Precision | Recall |", "|---|---:|---:|---:|---:|---:|"]
    order = [l for l in (*ENTITY_LABELS, "Money", "Count") if l in ev.entities]
    for label in order:
        s = ev.entities[label]
        lines.append(f"| {label} | {s.tp} | {s.fp} | {s.fn} | {_f(s.precision)} | {_f(s.recall)} |")
    t = ev.total(ev.entities)
    lines.append(f"| **micro total** | {t.tp} | {t.fp} | {t.fn} | **{_f(t.precision)}** | **{_f(t.recall)}** |")
    lines.append("")
    lines.append(f"Entity recall against evidence-cited gold only: {_f(ev.cited_recall.recall)} "
                 f"({ev.cited_recall.tp}/{ev.cited_recall.tp + ev.cited_recall.fn}).")
    lines.append("")
    lines += ["| Relation type | TP | FP | FN | Precision | Recall |", "|---|---:|---:|---:|---:|---:|"]
    for typ, s in sorted(ev.relations.items()):
        lines.append(f"| {typ} | {s.tp} | {s.fp} | {s.fn} | {_f(s.precision)} | {_f(s.recall)} |")
    t = ev.total(ev.relations)
    lines.append(f"| **micro total** | {t.tp} | {t.fp} | {t.fn} | **{_f(t.precision)}** | **{_f(t.recall)}** |")
    return "\n".join(lines) + "\n"
