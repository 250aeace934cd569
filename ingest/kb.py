"""Load and validate the curated knowledge base (YAML data files).

Validation collects every problem (schema, unknown or duplicate ids, dates,
amounts, quotes not found in their document) into one report with file and
line, and refuses the whole knowledge base if there is any: nothing is
loaded from a knowledge base with a known defect.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import yaml
from pydantic import ValidationError

from nhskg.ingest.models import (
    SECTION_MODELS,
    BudgetRecord,
    CountRecord,
    DelegationRecord,
    EntityRecord,
    Evidence,
    Record,
    RelationRecord,
    SourceRecord,
)

from nhskg.ingest.vocab_check import check_vocabulary  # noqa: E402  (after the models it checks)

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_KB_DIR = PACKAGE_DIR / "kb"
DEFAULT_CORPUS_DIR = PACKAGE_DIR / "corpus"


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


class KnowledgeBaseError(Exception):
    """The knowledge base has problems; nothing from it may be loaded."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the knowledge base:\n" + "\n".join(map(str, problems)))


@dataclass
class KnowledgeBase:
    sources: list[SourceRecord] = field(default_factory=list)
    entities: list[EntityRecord] = field(default_factory=list)
    relations: list[RelationRecord] = field(default_factory=list)
    delegations: list[DelegationRecord] = field(default_factory=list)
    budgets: list[BudgetRecord] = field(default_factory=list)
    counts: list[CountRecord] = field(default_factory=list)
    # Normalised full text of each corpus source, by source id.
    texts: dict[str, str] = field(default_factory=dict)

    def records(self) -> Iterable[Record]:
        yield from self.sources
        yield from self.entities
        yield from self.relations
        yield from self.delegations
        yield from self.budgets
        yield from self.counts

    def node_ids(self) -> set[str]:
        ids: set[str] = set()
        for group in (self.sources, self.entities, self.delegations, self.budgets, self.counts):
            ids.update(r.id for r in group)  # type: ignore[attr-defined]
        return ids


# --- YAML with line numbers -------------------------------------------------


# libyaml's parser when PyYAML has it (about 7x faster on the knowledge base);
# the constructors below run in Python either way, so behaviour is the same.
_SafeBase = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_SafeBase):  # type: ignore[misc, valid-type]
    """A safe loader that records each mapping's line as `_line`."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["_line"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# Keep dates as text: the models parse them, so an impossible date such as
# 2013-13-01 becomes a reported problem with its line, not a crash here.
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node))


def _refuse_aliases(root: yaml.Node) -> None:
    """Raise at the first alias (`*name`): a knowledge-base file states each
    thing once, and aliases nested in aliases are how a 1 KB file expands to
    gigabytes (a "billion laughs"; 49 s and 6 GB before a MemoryError). The
    composer hands back the anchored node itself for an alias, so a node met
    twice is one; the walk visits each node once, so it is linear in the
    file, before anything is expanded."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed in knowledge-base files; write the value out", node.start_mark
            )
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.extend((key, value))


def load_yaml(text: str) -> Any:
    """A knowledge-base file's YAML (line-numbered mappings, dates as text),
    aliases refused before anything is built from them."""
    loader = _LineLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _refuse_aliases(node)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _strip_lines(value: Any) -> Any:
    """Remove loader line markers from free-form values (properties)."""
    if isinstance(value, dict):
        return {k: _strip_lines(v) for k, v in value.items() if k != "_line"}
    if isinstance(value, list):
        return [_strip_lines(v) for v in value]
    return value


# --- quote checking ------------------------------------------------------------

_TYPOGRAPHY = str.maketrans(
    {"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00a0": " ", "\u2009": " ", "\u202f": " "}
)


def fold_typography(text: str) -> str:
    """Curly quotes, dashes and special spaces -> their plain forms, one
    character for one, so offsets into the folded text are offsets into the
    original (extraction relies on that)."""
    return text.translate(_TYPOGRAPHY)


def normalise_text(text: str) -> str:
    """Whitespace-normalise and fold typography, so a quote typed with
    straight quotes still matches the document's curly ones."""
    return re.sub(r"\s+", " ", fold_typography(text)).strip()


def quote_occurs(quote: str, normalised_document: str) -> bool:
    return normalise_text(quote) in normalised_document


# --- loading -------------------------------------------------------------------


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _section_lines(text: str) -> dict[str, int]:
    """The line of each top-level key (`entities:`), for problems about a whole section."""
    return {m.group(1): text.count("\n", 0, m.start()) + 1 for m in re.finditer(r"^([A-Za-z_][\w-]*)\s*:", text, re.M)}


def _read_file(path: Path, kb: KnowledgeBase, problems: list[Problem]) -> bool:
    """Add the file's records to kb; False when it could not be read or parsed
    (then its records are unknown, and checks across files would only echo that)."""
    shown = _display(path)
    try:
        text = path.read_text(encoding="utf-8")
        data = load_yaml(text)
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(shown, 1, f"cannot read: {exc}"))
        return False
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problems.append(
            Problem(shown, mark.line + 1 if mark else 1, f"not valid YAML: {getattr(exc, 'problem', None) or exc} (references to its ids are checked once it parses)")
        )
        return False
    section_line = _section_lines(text)
    if data is None:
        return True
    if not isinstance(data, dict):
        problems.append(Problem(shown, 1, "a data file must be a mapping of sections (sources, entities, ...)"))
        return True
    for section, items in data.items():
        if section == "_line":
            continue
        model = SECTION_MODELS.get(section)
        if model is None:
            problems.append(Problem(shown, section_line.get(section, 1), f"unknown section {section!r}; expected {', '.join(SECTION_MODELS)}"))
            continue
        if not isinstance(items, list):
            problems.append(Problem(shown, section_line.get(section, 1), f"section {section!r} must be a list"))
            continue
        for item in items:
            if not isinstance(item, dict):
                problems.append(Problem(shown, section_line.get(section, 1), f"{section}: every item must be a mapping, got {item!r}"))
                continue
            line = item.get("_line", 0)
            raw = dict(item)
            if "properties" in raw:
                raw["properties"] = _strip_lines(raw["properties"])
            if model is SourceRecord and raw.get("document"):
                # Documents are located relative to the data file that names them.
                raw["document"] = str((path.parent / raw["document"]).resolve())
            raw["_file"] = shown
            for ev in raw.get("evidence") or []:
                if isinstance(ev, dict):
                    ev["_file"] = shown
            try:
                record = model.model_validate(raw)
            except ValidationError as exc:
                for err in exc.errors():
                    loc = ".".join(str(p) for p in err["loc"] if p != "__root__")
                    ident = item.get("id") or f"{item.get('type', '')} {item.get('from', '')} -> {item.get('to', '')}".strip()
                    msg = err["msg"].removeprefix("Value error, ")
                    problems.append(Problem(shown, line, f"{section} {ident!s}: {loc + ': ' if loc else ''}{msg}"))
                continue
            getattr(kb, section).append(record)
    return True


def load_knowledge_base(
    kb_dirs: Iterable[Path] = (DEFAULT_KB_DIR,),
    *,
    include_candidates: bool = False,
) -> KnowledgeBase:
    """Read every *.yaml under the given folders, validate, and return the KB.

    Raises KnowledgeBaseError listing every problem found. Records marked
    `review: pending` or `rejected` are dropped unless include_candidates.
    """
    kb = KnowledgeBase()
    problems: list[Problem] = []
    files: list[Path] = []
    for folder in kb_dirs:
        folder = Path(folder)
        if folder.is_file():
            files.append(folder)
        elif folder.is_dir():
            files.extend(sorted(folder.rglob("*.yaml")))
        else:
            problems.append(Problem(str(folder), 0, "knowledge-base folder does not exist"))
    unparsed = [path for path in files if not _read_file(path, kb, problems)]
    if unparsed:
        # The records of a file that does not parse are unknown: checking the
        # other files' references to them would only give one false "unknown
        # id" line per reference. Say so once, and stop there.
        raise KnowledgeBaseError(problems)
    if not include_candidates:
        for section in SECTION_MODELS:
            setattr(kb, section, [r for r in getattr(kb, section) if getattr(r, "loads", True)])
    _check_sources(kb, problems)
    _check_references(kb, problems)
    if not problems:
        check_vocabulary(kb, lambda rec, message: problems.append(Problem(rec.file, rec.line, f"{_describe(rec)}: {message}")))
    if problems:
        raise KnowledgeBaseError(problems)
    return kb


def _check_sources(kb: KnowledgeBase, problems: list[Problem]) -> None:
    for src in kb.sources:
        if src.external or not src.document:
            continue
        path = Path(src.document)
        try:
            kb.texts[src.id] = normalise_text(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(Problem(src.file, src.line, f"source {src.id}: cannot read document {path}: {exc}"))


def _evidence_of(record: Record) -> list[Evidence]:
    return list(getattr(record, "evidence", []) or [])


def _describe(record: Record) -> str:
    if isinstance(record, RelationRecord):
        return f"relation {record.type} {record.from_} -> {record.to}"
    return f"{type(record).__name__.removesuffix('Record').lower()} {getattr(record, 'id', '?')}"


def _check_references(kb: KnowledgeBase, problems: list[Problem]) -> None:
    seen: dict[str, Record] = {}
    for rec in kb.records():
        rid = getattr(rec, "id", None)
        if rid is None:
            continue
        if rid in seen:
            first = seen[rid]
            problems.append(Problem(rec.file, rec.line, f"duplicate id {rid} (first defined at {first.file}:{first.line})"))
        else:
            seen[rid] = rec
    first_relation: dict[str, RelationRecord] = {}
    for rel in kb.relations:
        if not rel.id:
            continue
        if rel.id in first_relation:
            first = first_relation[rel.id]
            problems.append(Problem(rel.file, rel.line, f"duplicate relation id {rel.id} (first defined at {first.file}:{first.line})"))
        else:
            first_relation[rel.id] = rel

    ids = kb.node_ids()
    sources = {s.id: s for s in kb.sources}

    def need(rec: Record, ref: str | None, what: str) -> None:
        if ref is not None and ref not in ids:
            problems.append(Problem(rec.file, rec.line, f"{_describe(rec)}: {what} refers to unknown id {ref}"))

    for rel in kb.relations:
        need(rel, rel.from_, "from")
        need(rel, rel.to, "to")
    for d in kb.delegations:
        need(d, d.by, "by")
        need(d, d.to, "to")
        need(d, d.power, "power")
        need(d, d.accountability_retained_by, "accountability_retained_by")
        for s in d.services:
            need(d, s, "services")
    for b in kb.budgets:
        need(b, b.holder, "holder")
        need(b, b.allocated_by, "allocated_by")
        need(b, b.part_of, "part_of")
        for s in b.funds:
            need(b, s, "funds")
    for c in kb.counts:
        need(c, c.of, "of")

    for rec in kb.records():
        if isinstance(rec, SourceRecord):
            continue
        evidence = _evidence_of(rec)
        if not evidence:
            problems.append(Problem(rec.file, rec.line, f"{_describe(rec)}: no evidence; every fact needs a source and a verbatim quote"))
        for ev in evidence:
            line = ev.line or rec.line
            src = sources.get(ev.source)
            if src is None:
                problems.append(Problem(rec.file, line, f"{_describe(rec)}: evidence cites unknown source {ev.source}"))
                continue
            if src.external:
                continue  # an external source has no document here; its url is the citation
            if ev.quote is None:
                problems.append(Problem(rec.file, line, f"{_describe(rec)}: evidence from corpus document {src.id} must be a verbatim quote, not a paraphrase"))
                continue
            text = kb.texts.get(src.id)
            if text is not None and not quote_occurs(ev.quote, text):
                problems.append(
                    Problem(rec.file, line, f"{_describe(rec)}: quote not found in {src.id} ({Path(src.document or '').name}): {ev.quote!r}")
                )
