"""Checks a knowledge base against the vocabulary declaration
(nhskg/core/vocabulary.yaml): what a relationship may connect, which
properties a record may carry and of what type, entity references inside
properties, and that dated records carry a start or say why not.

Each problem names the file and line of the record, like every other
knowledge-base problem.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from nhskg.core.vocabulary import PropertySpec, Vocabulary, vocabulary
from nhskg.ingest.models import EntityRecord, Record, RelationRecord, Scoped

Report = Callable[[Record, str], None]


def check_vocabulary(kb: Any, report: Report, vocab: Vocabulary | None = None) -> None:
    vocab = vocab or vocabulary()
    label_of: dict[str, str] = {e.id: e.label for e in kb.entities}
    for section, label in (("delegations", "Delegation"), ("budgets", "Budget"), ("counts", "Count"), ("sources", "Source")):
        label_of.update({r.id: label for r in getattr(kb, section)})

    for ent in kb.entities:
        spec = vocab.labels[ent.label]
        _check_properties(ent, ent.properties, spec.properties, f"label {ent.label}", label_of, vocab, report)
        if spec.dated:
            _check_dated(ent, report)
    for rel in kb.relations:
        rspec = vocab.relationships[rel.type]
        if not rspec.authored:
            report(rel, f"{rel.type} is made at ingest from records, not written as a relation")
            continue
        start, end = label_of.get(rel.from_), label_of.get(rel.to)
        if start is not None and start not in rspec.from_labels:
            report(rel, f"{rel.type} may start at {', '.join(rspec.from_labels)}, not at a {start} ({rel.from_})")
        if end is not None and end not in rspec.to_labels:
            report(rel, f"{rel.type} may end at {', '.join(rspec.to_labels)}, not at a {end} ({rel.to})")
        _check_properties(rel, rel.properties, rspec.properties, f"relationship {rel.type}", label_of, vocab, report)
        if rspec.is_event and rel.valid_to:
            report(rel, f"{rel.type} is an event: give the day it happened as valid_from, and no valid_to")
        if start and end and vocab.rel_is_dated(rel.type, start, end):
            _check_dated(rel, report)
    for section in ("delegations", "budgets", "counts"):
        for rec in getattr(kb, section):
            _check_dated(rec, report)


def _check_dated(rec: Scoped, report: Report) -> None:
    # Extraction candidates under review are dated by the reviewer who accepts them.
    if rec.review in ("pending", "rejected"):
        return
    if not rec.valid_from and rec.undated is None:
        report(rec, "has no valid_from: give the day it starts, or `undated:` with the reason no start is known")


def _check_properties(
    rec: Record,
    props: dict[str, Any],
    declared: dict[str, PropertySpec],
    where: str,
    label_of: dict[str, str],
    vocab: Vocabulary,
    report: Report,
) -> None:
    for name, value in props.items():
        if name in vocab.reserved:
            report(rec, f"properties.{name} is a reserved field ({vocab.reserved[name]}); set it on the record itself, not in properties")
            continue
        spec = declared.get(name)
        if spec is None:
            report(rec, f"properties.{name} is not declared for {where}; declare it in nhskg/core/vocabulary.yaml")
            continue
        problem = _type_problem(spec, value, label_of)
        if problem:
            report(rec, f"properties.{name}: {problem}")


def _type_problem(spec: PropertySpec, value: Any, label_of: dict[str, str]) -> str | None:
    if spec.is_reference:
        refs = value if isinstance(value, list) else [value]
        if spec.type == "entity" and isinstance(value, list):
            return "expected one entity id, got a list"
        for ref in refs:
            if not isinstance(ref, str) or ref not in label_of:
                return f"refers to unknown id {ref!r}"
            if spec.range and label_of[ref] not in spec.range:
                return f"{ref} is a {label_of[ref]}; expected one of {', '.join(spec.range)}"
        return None
    checks: dict[str, Callable[[Any], bool]] = {
        "string": lambda v: isinstance(v, str),
        "text": lambda v: isinstance(v, (str, bool)) or (isinstance(v, list) and all(isinstance(x, str) for x in v)),
        "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "float": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
        "bool": lambda v: isinstance(v, bool),
        "list": lambda v: isinstance(v, list),
        "date": _is_date,
    }
    if not checks[spec.type](value):
        return f"expected {spec.type}, got {value!r}"
    return None


def _is_date(value: Any) -> bool:
    try:
        dt.date.fromisoformat(str(value))
        return True
    except ValueError:
        return False
