"""Present an extraction: the JSON/YAML report, and candidate KB files for review.

Why candidates in the KB's own format: a reviewer edits one YAML file,
flips `review: pending` to `accepted` on what is right, and `nhskg ingest`
loads exactly those; the loader's checks (ids, quotes against the copied
document) apply to candidates as to curated facts.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path
from typing import Any

import yaml

from nhskg.ingest.extract.mentions import Mention, normal_name
from nhskg.ingest.extract.pipeline import Extraction, slug
from nhskg.ingest.models import ID_PREFIXES

LABEL_PREFIX = {label: prefix for prefix, label in ID_PREFIXES.items()}


def _evidence(ex: Extraction, m: Mention) -> dict[str, Any]:
    s = ex.mention_sentence[id(m)]
    return {"quote": s.text, "start": s.start, "end": s.end}


def candidate_id(m: Mention) -> str:
    """The id a new entity would get: label prefix + slug of its name."""
    prefix = LABEL_PREFIX.get(m.label, "org")
    name = re.sub(r"\s*\([^)]*\)$", "", normal_name(m.canonical or m.text))
    return f"{prefix}:{slug(name)}"


def entity_ref(m: Mention) -> str:
    return m.resolved_id or candidate_id(m)


def report(ex: Extraction) -> dict[str, Any]:
    """The JSON object `nhskg extract --format json` prints for one document."""
    doc = ex.document
    entities: list[dict[str, Any]] = []
    seen: dict[str, dict[str, Any]] = {}
    unresolved: list[dict[str, Any]] = []
    for m in ex.mentions:
        if m.key in seen:
            seen[m.key]["mentions"] += 1
            continue
        item = {
            "name": normal_name(re.sub(r"\s*\([^)]*\)$", "", m.text)) if m.resolved_id is None else m.text,
            "label": m.label,
            "resolved_id": m.resolved_id,
            "evidence": _evidence(ex, m),
            "confidence": m.confidence,
            "span": [m.start, m.end],
            "mentions": 1,
        }
        if m.resolved_id is None:
            item["candidate_id"] = candidate_id(m)
        if m.candidates:
            item["also_could_be"] = m.candidates
        seen[m.key] = item
        entities.append(item)
        if m.resolved_id is None or m.candidates:
            unresolved.append({
                "text": m.text, "label": m.label,
                "reason": "ambiguous: " + ", ".join([m.resolved_id or ""] + m.candidates) if m.candidates else "not in the knowledge base",
                "evidence": _evidence(ex, m),
            })
    for b in ex.budgets:
        entities.append({
            "name": b.money.text, "label": "Money", "resolved_id": None,
            "evidence": {"quote": b.sentence.text, "start": b.sentence.start, "end": b.sentence.end},
            "confidence": b.confidence, "span": [b.money.start, b.money.end], "candidate_id": b.key,
            "value": {"amount_gbp": b.money.amount_gbp, "fiscal_year": b.money.fiscal_year, "approximate": b.money.approximate},
        })
    for d, s in ex.dates:
        entities.append({
            "name": d.text, "label": "Date", "resolved_id": None,
            "evidence": {"quote": s.text, "start": s.start, "end": s.end}, "confidence": 0.9,
            "span": [d.start, d.end], "value": {"date": d.iso, "precision": d.precision, "qualifier": d.qualifier},
        })
    for c in ex.counts:
        entities.append({
            "name": c.sentence.text[c.number.start - c.sentence.start:c.of.end - c.sentence.start], "label": "Count",
            "resolved_id": None, "evidence": {"quote": c.sentence.text, "start": c.sentence.start, "end": c.sentence.end},
            "confidence": c.confidence, "span": [c.number.start, c.of.end],
            "value": {"count": c.number.value, "of": entity_ref(c.of), "approximate": c.number.approximate, "as_of": c.valid_from},
        })
    relations: list[dict[str, Any]] = []
    for r in ex.relations:
        item = {
            "type": r.type, "from": entity_ref(r.from_), "to": entity_ref(r.to),
            "evidence": {"quote": r.sentence.text, "start": r.sentence.start, "end": r.sentence.end},
            "confidence": r.confidence, "valid_from": r.valid_from, "status": r.status,
            "valid_to": r.valid_to, "rule": r.rule,
        }
        if r.basis:
            item["basis"] = r.basis
        if r.services:
            item["services"] = [entity_ref(s) for s in r.services]
        relations.append(item)
    for b in ex.budgets:
        ev = {"quote": b.sentence.text, "start": b.sentence.start, "end": b.sentence.end}
        status = "in_force"
        for typ, target, conf in (
            [("HELD_BY", b.holder, b.confidence)] if b.holder else []
        ) + ([("ALLOCATED_BY", b.allocated_by, 0.6)] if b.allocated_by else []) + [("FUNDS", s, 0.6) for s in b.funds]:
            relations.append({"type": typ, "from": b.key, "to": entity_ref(target), "evidence": ev, "confidence": conf,
                              "valid_from": _fy_start(b.money.fiscal_year), "status": status, "rule": "money"})
        if b.part_of:
            relations.append({"type": "PART_OF", "from": b.key, "to": b.part_of, "evidence": ev, "confidence": 0.7,
                              "valid_from": _fy_start(b.money.fiscal_year), "status": status, "rule": "money-of-money"})
    return {
        "document": {
            "path": str(doc.path), "kind": doc.kind, "title": doc.title or _first_line(doc.text), "date": doc.date,
            "characters": len(doc.text), "sentences": len(ex.sentences),
        },
        "entities": entities,
        "relations": relations,
        "unresolved": unresolved,
    }


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:120]
    return ""


def _fy_start(fy: str | None) -> str | None:
    return f"{fy[:4]}-04-01" if fy else None


def _fy_end(fy: str | None) -> str | None:
    return f"{int(fy[:4]) + 1}-04-01" if fy else None


# --- candidate files -------------------------------------------------------------------


def _quote(text: str) -> str:
    """A quote the loader accepts (min 8 characters) from a sentence."""
    return text if len(text) >= 8 else text.ljust(8)


def candidates(ex: Extraction, source_id: str, document_name: str, known_ids: set[str]) -> dict[str, Any]:
    """The candidate records for one document, as a KB data file (a mapping of sections)."""
    doc = ex.document
    source: dict[str, Any] = {
        "id": source_id,
        "title": doc.title or _first_line(doc.text),
        "document": document_name,
        "kind": f"{doc.kind} (extracted candidate)",
        "note": f"extracted by nhskg extract on {dt.date.today().isoformat()} from {doc.path.name}",
    }
    if doc.date:
        try:
            source["date"] = dt.date.fromisoformat(doc.date).isoformat()
        except ValueError:
            pass

    def ev(sentence_text: str) -> list[dict[str, str]]:
        return [{"source": source_id, "quote": _quote(sentence_text)}]

    new_entities: dict[str, dict[str, Any]] = {}
    src_slug = source_id.split(":", 1)[1]

    def unique(rid: str) -> str:
        """A record id not already in the KB or an earlier candidate file."""
        return f"{rid}-{src_slug}"[:120] if rid in known_ids else rid

    def ref(m: Mention) -> str:
        if m.resolved_id:
            return m.resolved_id
        cid = candidate_id(m)
        if cid not in new_entities and cid not in known_ids:
            new_entities[cid] = {
                "id": cid, "label": m.label, "name": normal_name(re.sub(r"\s*\([^)]*\)$", "", m.text)),
                "evidence": ev(ex.mention_sentence[id(m)].text), "review": "pending", "confidence": m.confidence,
            }
        return cid

    for m in ex.mentions:
        if m.resolved_id is None:
            ref(m)
    relations: list[dict[str, Any]] = []
    delegations: list[dict[str, Any]] = []
    seen_rel: set[tuple[str, str, str]] = set()
    for r in ex.relations:
        frm, to = ref(r.from_), ref(r.to)
        scope: dict[str, Any] = {}
        if r.valid_from:
            scope["valid_from"] = r.valid_from
        if r.valid_to:
            scope["valid_to"] = r.valid_to
        if r.date_note:
            scope["date_note"] = f"dated from the sentence: {r.date_note}"
        if r.status != "in_force":
            scope["status"] = r.status
        if r.type == "DELEGATES_TO":
            services = [ref(s) for s in r.services]
            if not services:
                continue  # a delegation record must name what is delegated; left to the reviewer via JSON
            did = unique(f"delegation:{slug(frm.split(':', 1)[1] + '-to-' + to.split(':', 1)[1])}")
            if any(d["id"] == did for d in delegations):
                continue
            delegations.append({"id": did, "name": f"delegation from {r.from_.text} to {r.to.text}", "by": frm, "to": to,
                                "services": services, **scope, "evidence": ev(r.sentence.text), "review": "pending",
                                "confidence": r.confidence})
            continue
        key = (r.type, frm, to)
        if key in seen_rel:
            continue
        seen_rel.add(key)
        rec: dict[str, Any] = {"type": r.type, "from": frm, "to": to}
        if r.basis:
            rec["basis"] = r.basis
        rec.update(scope)
        rec.update({"evidence": ev(r.sentence.text), "review": "pending", "confidence": r.confidence, "note": f"rule {r.rule}"})
        relations.append(rec)
    budgets: list[dict[str, Any]] = []
    for b in ex.budgets:
        if b.holder is None:
            continue  # only budgets whose holder we could resolve
        rec = {"id": unique(b.key), "name": f"{b.money.text} ({b.money.fiscal_year or 'year not stated'})", "amount_gbp": b.money.amount_gbp,
               "original_text": b.money.text, "approximate": b.money.approximate, "holder": ref(b.holder)}
        if b.money.fiscal_year:
            rec["fiscal_year"] = b.money.fiscal_year
            rec["valid_from"] = _fy_start(b.money.fiscal_year)
            rec["valid_to"] = _fy_end(b.money.fiscal_year)
        if b.allocated_by:
            rec["allocated_by"] = ref(b.allocated_by)
        if b.funds:
            rec["funds"] = [ref(s) for s in b.funds]
        rec.update({"evidence": ev(b.sentence.text), "review": "pending", "confidence": b.confidence})
        if not any(x["id"] == rec["id"] for x in budgets):
            budgets.append(rec)
    counts: list[dict[str, Any]] = []
    for c in ex.counts:
        of = ref(c.of)
        cid = f"count:{slug(src_slug + '-' + of.split(':', 1)[1] + '-' + str(c.number.value) + '-' + (c.valid_from or 'undated'))}"
        if any(x["id"] == cid for x in counts):
            continue
        rec = {"id": cid, "of": of, "value": c.number.value, "approximate": c.number.approximate}
        if c.valid_from:
            rec["valid_from"] = c.valid_from
        rec.update({"evidence": ev(c.sentence.text), "review": "pending", "confidence": c.confidence})
        counts.append(rec)
    data: dict[str, Any] = {"sources": [source], "entities": list(new_entities.values()), "relations": relations}
    if delegations:
        data["delegations"] = delegations
    if budgets:
        data["budgets"] = budgets
    if counts:
        data["counts"] = counts
    return data


def write_candidates(ex: Extraction, out_dir: Path, known_ids: set[str]) -> Path:
    """Write <slug>.candidates.yaml and the document's text next to it; return the YAML path.

    `known_ids` is updated with the ids written, so several documents can share one folder.

    The text copied is the plain text quotes were taken from (the file itself
    for .txt; the extracted text for HTML and Markdown), so the loader can
    verify every quote.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    name = slug(ex.document.path.stem, 50)
    source_id = f"source:{name}"
    if source_id in known_ids:
        source_id = f"source:{name}-candidate"
    if ex.document.is_verbatim and ex.document.kind == "text":
        doc_name = ex.document.path.name
        target = out_dir / doc_name
        if target.resolve() != ex.document.path.resolve():
            shutil.copyfile(ex.document.path, target)
    else:
        doc_name = f"{name}.txt"
        (out_dir / doc_name).write_text(ex.document.text, encoding="utf-8")
    data = candidates(ex, source_id, doc_name, known_ids)
    path = out_dir / f"{name}.candidates.yaml"
    header = (
        f"# Candidate facts extracted from {ex.document.path.name} by `nhskg extract`.\n"
        "# Review each record: set `review: accepted` to load it with `nhskg ingest`, or `rejected`.\n"
        "# Records with `review: pending` are not loaded.\n"
    )
    path.write_text(header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120), encoding="utf-8")
    # Later documents in the same run refer to, rather than redefine, what this one proposed.
    for section in data.values():
        known_ids.update(rec["id"] for rec in section if isinstance(rec, dict) and "id" in rec)
    return path
