"""The gazetteer: every way the knowledge base names an entity, and a matcher for it.

Why: a new document mostly talks about bodies the KB already knows ("CCGs",
"clinical commissioning groups", "NWS CCG"), so the cheapest accurate entity
recogniser is the KB's own names and aliases, expanded with the variants
writers use (plural/singular, a leading "the", "the 2022 Health and Care
Act" for "Health and Care Act 2022"). Matching uses spaCy's PhraseMatcher on
a blank English pipeline (tokeniser only, no model download).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable

import spacy
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.util import filter_spans

from nhskg.ingest.models import EntityRecord

# How much we trust a match, by how the term was obtained.
CONF_NAME = 0.95
CONF_ALIAS = 0.9
CONF_VARIANT = 0.85
CONF_AMBIGUOUS = 0.5

# Words a one-word lowercase term may not be: they are too common in prose to
# mean the entity (a KB alias "services" or "care" would flood the output).
_STOP_TERMS = {"services", "service", "care", "health", "the", "board", "boards", "commissioning", "nhs", "government"}


@lru_cache(maxsize=1)
def blank_nlp() -> spacy.language.Language:
    """A blank English tokeniser, created once (about half a second)."""
    return spacy.blank("en")


def pluralise(word: str) -> str:
    if re.fullmatch(r"[A-Z]{2,}", word):
        return word + "s"  # CCG -> CCGs, ICS -> ICSs
    lower = word.lower()
    if re.search(r"[^aeiou]y$", lower):
        return word[:-1] + "ies"
    if re.search(r"(s|x|z|ch|sh)$", lower):
        return word + "es"
    return word + "s"


def singularise(word: str) -> str | None:
    if re.fullmatch(r"[A-Z]{2,}s", word):
        return word[:-1]
    lower = word.lower()
    if lower.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if re.search(r"(ches|shes|sses|xes)$", lower):
        return word[:-2]
    if lower.endswith("s") and not lower.endswith(("ss", "us", "is")) and len(word) > 3:
        return word[:-1]
    return None


def variants(term: str, label: str) -> set[str]:
    """The forms of a term a writer may use; the term itself excluded."""
    term = " ".join(term.split())
    out: set[str] = set()
    words = term.split(" ")
    last = words[-1]
    acronym_last = re.fullmatch(r"[A-Z]{2,}s?", last) is not None
    if (label in ("OrganisationType", "Service") or (acronym_last and label != "Organisation")) and re.fullmatch(
        r"[A-Za-z][A-Za-z\-]*", last
    ):
        out.add(" ".join(words[:-1] + [pluralise(last)]))
        single = singularise(last)
        if single:
            out.add(" ".join(words[:-1] + [single]))
    if label == "Statute":
        m = re.fullmatch(r"(?:the )?(.+ Act) (\d{4})", term, re.I)
        if m:
            out.update({f"the {m.group(2)} {m.group(1)}", f"{m.group(2)} {m.group(1)}", f"the {m.group(1)} {m.group(2)}",
                        f"{m.group(1)} of {m.group(2)}"})
    if label == "StatuteSection":
        m = re.fullmatch(r"[Ss]ection (\S+)", term)
        if m:
            out.update({f"section {m.group(1)}", f"Section {m.group(1)}", f"s.{m.group(1)}", f"s{m.group(1)}"})
    if term.lower().startswith("the "):
        out.add(term[4:])
    out.discard(term)
    return {v for v in out if v.strip()}


def case_sensitive(term: str) -> bool:
    """One-word names with capitals ("Monitor", "CCG") match exactly; other terms ignore case.

    "Monitor" the regulator must not match "monitor quality"; but "Clinical
    Commissioning Groups" in a heading is the KB's "clinical commissioning group".
    """
    return len(term.split()) == 1 and term != term.lower()


@dataclass
class Term:
    text: str
    entity_id: str
    label: str
    confidence: float


@dataclass
class Gazetteer:
    """Terms -> candidate entity ids, plus the compiled matchers."""

    entities: dict[str, EntityRecord]
    terms: dict[str, list[Term]] = field(default_factory=lambda: defaultdict(list))
    exact: PhraseMatcher | None = None
    folded: PhraseMatcher | None = None

    def resolve(self, text: str) -> list[Term]:
        """Candidates for a surface form, best first (exact name before alias before variant)."""
        key = " ".join(text.split())
        found = self.terms.get(key) or self.terms.get(key.lower()) or []
        best: dict[str, Term] = {}
        for t in found:
            if t.entity_id not in best or t.confidence > best[t.entity_id].confidence:
                best[t.entity_id] = t
        return sorted(best.values(), key=lambda t: -t.confidence)


def build_gazetteer(entities: Iterable[EntityRecord]) -> Gazetteer:
    """Index every name, alias and generated variant of the KB's entities."""
    nlp = blank_nlp()
    gaz = Gazetteer(entities={e.id: e for e in entities})
    raw: list[Term] = []
    for ent in gaz.entities.values():
        raw.append(Term(ent.name, ent.id, ent.label, CONF_NAME))
        raw.extend(Term(a, ent.id, ent.label, CONF_ALIAS) for a in ent.aliases)
    for term in list(raw):
        raw.extend(Term(v, term.entity_id, term.label, CONF_VARIANT) for v in variants(term.text, term.label))
    gaz.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
    gaz.folded = PhraseMatcher(nlp.vocab, attr="LOWER")
    exact_terms: dict[str, Doc] = {}
    folded_terms: dict[str, Doc] = {}
    for term in raw:
        text = " ".join(term.text.split())
        if len(text) < 2 or text.lower() in _STOP_TERMS:
            continue
        if case_sensitive(text):
            gaz.terms[text].append(term)
            exact_terms.setdefault(text, nlp.make_doc(text))
        else:
            gaz.terms[text.lower()].append(term)
            folded_terms.setdefault(text.lower(), nlp.make_doc(text))
    if exact_terms:
        gaz.exact.add("TERM", list(exact_terms.values()))
    if folded_terms:
        gaz.folded.add("TERM", list(folded_terms.values()))
    return gaz


@dataclass
class Match:
    start: int  # character offsets
    end: int
    text: str
    candidates: list[Term]


def find_terms(gaz: Gazetteer, doc: Doc) -> list[Match]:
    """Longest non-overlapping gazetteer matches in a tokenised text."""
    spans = []
    for matcher in (gaz.exact, gaz.folded):
        if matcher is None:
            continue
        for _, s, e in matcher(doc):
            spans.append(doc[s:e])
    out: list[Match] = []
    for span in filter_spans(spans):
        cands = gaz.resolve(span.text)
        if cands:
            out.append(Match(span.start_char, span.end_char, span.text, cands))
    return out
