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
    out: dict[str, Any] = {
        "evidence": [i.text for i in unique],
        "evidence_sources": [i.source_id for i in unique],
        "evidence_kinds": [i.kind for i in unique],
        "evidence_locators": [i.locator for i in unique],
        "source_ids": list(dict.fromkeys(i.source_id for i in unique)),
    }
    out["external"] = bool(external) if external is not None else any(i.kind in ("citation", "paraphrase") for i in unique)
    return out


def unpack(props: Mapping[str, Any]) -> list[EvidenceItem]:
    """Stored properties -> evidence items (older graphs without kinds read as quotes)."""
    texts = list(props.get("evidence") or [])
    sources = list(props.get("evidence_sources") or [])
    kinds = list(props.get("evidence_kinds") or [])
    locators = list(props.get("evidence_locators") or [])
    return [
        EvidenceItem(sources[i], texts[i], kinds[i] if i < len(kinds) else "quote", locators[i] if i < len(locators) else "")
        for i in range(min(len(texts), len(sources)))
    ]


def merge(*props: Mapping[str, Any]) -> dict[str, Any]:
    """The evidence of several facts, once each: what a derived fact rests on.

    Works on the stored lists directly: derivation calls it once per derived
    edge, hundreds of thousands of times on a national graph."""
    seen: dict[tuple[str, str, str, str], None] = {}
    for p in props:
        texts = p.get("evidence") or ()
        sources = p.get("evidence_sources") or ()
        kinds = p.get("evidence_kinds") or ()
        locators = p.get("evidence_locators") or ()
        for i in range(min(len(texts), len(sources))):
            seen[(sources[i], texts[i], kinds[i] if i < len(kinds) else "quote", locators[i] if i < len(locators) else "")] = None
    keys = list(seen)
    return {
        "evidence": [k[1] for k in keys],
        "evidence_sources": [k[0] for k in keys],
        "evidence_kinds": [k[2] for k in keys],
        "evidence_locators": [k[3] for k in keys],
        "source_ids": list(dict.fromkeys(k[0] for k in keys)),
        "external": any(bool(p.get("external")) for p in props),
    }
