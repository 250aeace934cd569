"""The graph's vocabulary, read from vocabulary.yaml (the one declaration).

Everything that needs to know what a label or relationship type is asks
here: validation (ingest), the store's write statements (only declared
labels and types are ever placed into Cypher text), docs/model.md, the
OpenAPI enums, the Neo4j Browser kit and the extraction label sets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

VOCABULARY_FILE = Path(__file__).with_name("vocabulary.yaml")

PROPERTY_TYPES = ("string", "text", "int", "float", "bool", "date", "list", "entity", "entities")


@dataclass(frozen=True)
class PropertySpec:
    name: str
    type: str
    description: str = ""
    range: tuple[str, ...] = ()  # labels an entity reference may point at

    @property
    def is_reference(self) -> bool:
        return self.type in ("entity", "entities")


@dataclass(frozen=True)
class LabelSpec:
    name: str
    prefix: str
    description: str
    dated: bool
    record: str | None = None  # KB section with its own record model (budgets, ...)
    properties: dict[str, PropertySpec] = field(default_factory=dict)


@dataclass(frozen=True)
class RelSpec:
    name: str
    description: str
    from_labels: tuple[str, ...]
    to_labels: tuple[str, ...]
    kind: str  # state | event
    origins: tuple[str, ...]  # authored | record | derived
    inherited: bool
    dated: bool
    properties: dict[str, PropertySpec] = field(default_factory=dict)

    @property
    def is_event(self) -> bool:
        return self.kind == "event"

    @property
    def authored(self) -> bool:
        return "authored" in self.origins


@dataclass(frozen=True)
class Vocabulary:
    base_label: str
    labels: dict[str, LabelSpec]
    kinds: dict[str, str]
    relationships: dict[str, RelSpec]
    statuses: dict[str, str]
    status_strength: tuple[str, ...]  # strongest first
    quantifiers: dict[str, str]
    commissioning_bases: dict[str, str]
    reserved: dict[str, str]

    @property
    def all_labels(self) -> frozenset[str]:
        return frozenset(self.labels) | frozenset(self.kinds) | {self.base_label}

    @property
    def prefixes(self) -> dict[str, str]:
        return {spec.prefix: name for name, spec in self.labels.items()}

    @property
    def timeless_labels(self) -> frozenset[str]:
        return frozenset(name for name, spec in self.labels.items() if not spec.dated)

    @property
    def event_types(self) -> tuple[str, ...]:
        return tuple(name for name, spec in self.relationships.items() if spec.is_event)

    @property
    def inherited_types(self) -> tuple[str, ...]:
        return tuple(name for name, spec in self.relationships.items() if spec.inherited)

    def rel_is_dated(self, rel_type: str, from_label: str, to_label: str) -> bool:
        """A relationship must carry a start unless its type is timeless or
        it joins two timeless things (a service and its parent service)."""
        spec = self.relationships[rel_type]
        if not spec.dated:
            return False
        return not (from_label in self.timeless_labels and to_label in self.timeless_labels)


def _props(raw: dict[str, Any] | None, groups: dict[str, list[str]], where: str) -> dict[str, PropertySpec]:
    out: dict[str, PropertySpec] = {}
    for name, spec in (raw or {}).items():
        ptype = spec.get("type", "string")
        if ptype not in PROPERTY_TYPES:
            raise ValueError(f"vocabulary: {where}.{name} has unknown type {ptype!r}")
        out[name] = PropertySpec(name, ptype, spec.get("description", ""), tuple(_expand(spec.get("range", []), groups)))
    return out


def _expand(value: str | list[str], groups: dict[str, list[str]]) -> list[str]:
    items = [value] if isinstance(value, str) else list(value)
    out: list[str] = []
    for item in items:
        out.extend(groups.get(item, [item]))
    return out


def parse(raw: dict[str, Any]) -> Vocabulary:
    groups: dict[str, list[str]] = raw.get("groups", {})
    labels = {
        name: LabelSpec(name, spec["prefix"], spec["description"], bool(spec.get("dated", True)), spec.get("record"), _props(spec.get("properties"), groups, name))
        for name, spec in raw["labels"].items()
    }
    rels: dict[str, RelSpec] = {}
    for name, spec in raw["relationships"].items():
        rels[name] = RelSpec(
            name=name,
            description=spec["description"],
            from_labels=tuple(_expand(spec["from"], groups)),
            to_labels=tuple(_expand(spec["to"], groups)),
            kind=spec.get("kind", "state"),
            origins=tuple(spec.get("origins", ["authored"])),
            inherited=bool(spec.get("inherited", False)),
            dated=bool(spec.get("dated", True)),
            properties=_props(spec.get("properties"), groups, name),
        )
    vocab = Vocabulary(
        base_label=raw["base_label"],
        labels=labels,
        kinds=dict(raw["kinds"]),
        relationships=rels,
        statuses=dict(raw["statuses"]),
        status_strength=tuple(raw["status_strength"]),
        quantifiers=dict(raw["quantifiers"]),
        commissioning_bases=dict(raw["commissioning_bases"]),
        reserved=dict(raw["reserved"]),
    )
    _check(vocab)
    return vocab


def _check(vocab: Vocabulary) -> None:
    """The declaration must be self-consistent: every endpoint and range is a label."""
    if sorted(vocab.status_strength) != sorted(vocab.statuses):
        raise ValueError("vocabulary: status_strength must list every status once")
    known = set(vocab.labels)
    for rel in vocab.relationships.values():
        if rel.kind not in ("state", "event"):
            raise ValueError(f"vocabulary: {rel.name}.kind must be state or event")
        bad = [lab for lab in (*rel.from_labels, *rel.to_labels) if lab not in known]
        bad += [lab for p in rel.properties.values() for lab in p.range if lab not in known]
        if bad:
            raise ValueError(f"vocabulary: {rel.name} names unknown labels {bad}")
        clash = set(rel.properties) & set(vocab.reserved)
        if clash:
            raise ValueError(f"vocabulary: {rel.name} declares reserved properties {sorted(clash)}")
    for lab in vocab.labels.values():
        clash = set(lab.properties) & set(vocab.reserved)
        if clash:
            raise ValueError(f"vocabulary: {lab.name} declares reserved properties {sorted(clash)}")


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    return parse(yaml.safe_load(VOCABULARY_FILE.read_text(encoding="utf-8")))
