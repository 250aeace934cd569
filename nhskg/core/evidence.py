"""How evidence is stored on nodes and relationships, written once.

Neither engine stores lists of maps, so each fact carries parallel lists:
`evidence[i]` (the text) came from source `evidence_sources[i]`, is of kind
`evidence_kinds[i]` and sits at `evidence_locators[i]` inside that source.

Kinds:
- ``quote``: verbatim from a corpus document (ingest checked it is there);
- ``citation``: an outside primary source's exact words (with its URL on the source);
- ``paraphrase``: the curator's summary of an outside source, never shown as a quote;
- ``register``: a row of a national register file; the locator names the row.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

EVIDENCE_KINDS: dict[str, str] = {
    "quote": "verbatim words from a corpus document, checked against it at ingest",
    "citation": "the exact words of an outside primary source (legislation, an official publication), with its URL",
    "paraphrase": "the curator's summary of an outside source: labelled, never presented as a quote",
    "register": "a row of a national register file (ODS, ONS, NHS Digital), named by file and row key",
}

# The stored properties that together hold a fact's evidence.
EVIDENCE_KEYS: tuple[str, ...] = ("evidence", "evidence_sources", "evidence_kinds", "evidence_locators")


@dataclass(frozen=True)
class EvidenceItem:
    source_id: str
    text: str
    kind: str = "quote"
    locator: str = ""


def pack(items: Iterable[EvidenceItem], *, external: bool | None = None) -> dict[str, Any]:
    """Evidence items -> the stored properties (plus `source_ids`)."""
    unique = list(dict.fromkeys(items))
    if external is None:
        external = any(i.kind in ("citation", "paraphrase") for i in unique)
    return stored([(i.source_id, i.text, i.kind, i.locator) for i in unique], bool(external))


def unpack(props: Mapping[str, Any]) -> list[EvidenceItem]:
    """Stored properties -> evidence items (older graphs without kinds read as quotes)."""
    return [EvidenceItem(*key) for key in evidence_keys(props)]


# One evidence item as stored: (source id, text, kind, locator).
EvidenceKey = tuple[str, str, str, str]


def evidence_keys(props: Mapping[str, Any]) -> list[EvidenceKey]:
    """A fact's stored evidence as keys, in order (older graphs without kinds
    read as quotes); works on the lists directly, without EvidenceItems."""
    texts = props.get("evidence") or ()
    sources = props.get("evidence_sources") or ()
    kinds = props.get("evidence_kinds") or ()
    locators = props.get("evidence_locators") or ()
    return [
        (sources[i], texts[i], kinds[i] if i < len(kinds) else "quote", locators[i] if i < len(locators) else "")
        for i in range(min(len(texts), len(sources)))
    ]


def stored(keys: Iterable[EvidenceKey], external: bool) -> dict[str, Any]:
    """Evidence keys (already once each) -> the stored properties."""
    keys = list(keys)
    sources = [k[0] for k in keys]
    return {
        "evidence": [k[1] for k in keys],
        "evidence_sources": sources,
        "evidence_kinds": [k[2] for k in keys],
        "evidence_locators": [k[3] for k in keys],
        "source_ids": list(dict.fromkeys(sources)),
        "external": external,
    }


def merge(*props: Mapping[str, Any]) -> dict[str, Any]:
    """The evidence of several facts, once each: what a derived fact rests on."""
    seen: dict[EvidenceKey, None] = {}
    for p in props:
        seen.update(dict.fromkeys(evidence_keys(p)))
    return stored(seen, any(bool(p.get("external")) for p in props))
