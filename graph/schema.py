"""The vocabulary as the store and older callers use it: names and tables
read from nhskg/core/vocabulary.yaml (the one declaration; edit it there).

Labels and relationship types are the only identifiers ever placed into
Cypher text by code (Cypher cannot parameterise them); they come from these
tables, never from user input. Values always travel as parameters.
"""

from __future__ import annotations

from nhskg.core.vocabulary import vocabulary

_V = vocabulary()

BASE_LABEL: str = _V.base_label
NODE_LABELS: dict[str, str] = {name: spec.description for name, spec in _V.labels.items()}
ORGANISATION_KINDS: dict[str, str] = dict(_V.kinds)
ALL_LABELS: frozenset[str] = _V.all_labels
REL_TYPES: dict[str, str] = {name: spec.description for name, spec in _V.relationships.items()}
STATUSES: tuple[str, ...] = tuple(_V.statuses)
QUANTIFIERS: tuple[str, ...] = tuple(_V.quantifiers)
COMMISSIONING_BASES: tuple[str, ...] = tuple(_V.commissioning_bases)
INHERITED_BY_INSTANCES: tuple[str, ...] = _V.inherited_types
EVENT_TYPES: tuple[str, ...] = _V.event_types
ID_PREFIXES: dict[str, str] = _V.prefixes
