"""Entity mentions in a document: gazetteer matches first, then patterns for new names.

Why two passes: the KB's names resolve most mentions to existing ids; what is
left over and still looks like a name (an "... Act 2014", a "section 75", a
"Surrey Downs CCG", a quoted strategy title) is proposed as a new entity with
resolved_id null, so a reviewer sees it rather than it silently vanishing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from nhskg.ingest.extract.gazetteer import CONF_AMBIGUOUS, Gazetteer, blank_nlp, find_terms
from nhskg.ingest.kb import fold_typography


CONF_PATTERN = 0.6
CONF_ACRONYM = 0.85


@dataclass
class Mention:
    start: int
    end: int
    text: str
    label: str
    resolved_id: str | None
    confidence: float
    how: str  # gazetteer | acronym | pattern
    candidates: list[str] = field(default_factory=list)  # other ids the text could mean
    key: str = ""  # identity of the entity: resolved id, or label + normalised name
    canonical: str | None = None  # for a document-local acronym, the long form it stands for

    def __post_init__(self) -> None:
        if not self.key:
            self.key = self.resolved_id or f"new:{self.label}:{normal_name(self.text)}"


# Offsets into folded text are offsets into the original (one char for one).
fold = fold_typography


def normal_name(text: str) -> str:
    text = re.sub(r"^(?:the|a|an)\s+", "", fold(text).strip(), flags=re.I)
    text = re.sub(r"'s?$", "", text)
    return " ".join(text.split())


_STATUTE = re.compile(
    r"\b(?:[Tt]he\s+)?(?:(?P<y1>(?:19|20)\d{2})\s+)?(?P<name>(?:[A-Z][A-Za-z'\-]*\s+(?:(?:and|of|for|the|in|on|to|&)\s+)*){1,8}Act)\b(?:\s+(?P<y2>(?:19|20)\d{2}))?"
)
_SECTION = re.compile(r"\b[Ss]ection\s+(?P<n>\d+[A-Z]{0,2}(?:\(\d+\))?)")
_ORG_HEADS = r"CCG|CCGs|Council|Trust|Board|Partnership|Authority|Commission|Agency|Department|Fund|Alliance|Committee|Collaborative|Network|Bank|Deal"
_ORG = re.compile(
    rf"\b(?P<name>(?:[A-Z][A-Za-z'\-]*|&)(?:\s+(?:[A-Z][A-Za-z'\-]*|&|and|of|for|the)){{0,7}}\s+(?:{_ORG_HEADS}))\b"
)
_QUOTED_TITLE = re.compile(r"'(?P<name>[A-Z][^'\n]{6,120}?)'(?!s\b)")
_ACRONYM = re.compile(r"\s*\((?P<acr>[A-Z][A-Za-z&]*[A-Z]s?)\)")
_LEADING_WORDS = re.compile(r"^(?:The|A|An|In|On|By|For|Our|This|These|Its|Their|Local|Every|Each|All|Some|Further|More|New|Under|With|As|Since|From)\s+")

_POLICY_HEADS = ("Fund", "Deal", "Bank")


def _label_for_pattern_org(name: str) -> str:
    last = name.split()[-1]
    if last in ("Fund", "Deal"):
        return "Policy"
    return "Organisation"


def find_mentions(text: str, gaz: Gazetteer) -> list[Mention]:
    """All entity mentions in `text`, non-overlapping, in order."""
    folded = fold(text)
    doc = blank_nlp().make_doc(folded)
    mentions: list[Mention] = []
    for m in find_terms(gaz, doc):
        best = m.candidates[0]
        others = [c.entity_id for c in m.candidates[1:] if c.confidence >= best.confidence]
        conf = CONF_AMBIGUOUS if others else best.confidence
        mentions.append(Mention(m.start, m.end, text[m.start:m.end], best.label, best.entity_id, conf, "gazetteer", others))
    taken = [(m.start, m.end) for m in mentions]

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    def add_pattern(s: int, e: int, label: str) -> None:
        surface = text[s:e]
        if not free(s, e):
            return
        # A pattern match may be a KB name in another form ("the 2022 Health and Care Act").
        cands = gaz.resolve(normal_name(surface))
        if cands:
            mentions.append(Mention(s, e, surface, cands[0].label, cands[0].entity_id, cands[0].confidence - 0.05, "gazetteer"))
        else:
            mentions.append(Mention(s, e, surface, label, None, CONF_PATTERN, "pattern"))
        taken.append((s, e))

    for m in _STATUTE.finditer(folded):
        s, e = m.start(), m.end()
        name = m.group("name")
        lead = _LEADING_WORDS.match(folded[s:e])
        if lead and not m.group("y1"):
            s += lead.end()
        if len(name.split()) < 2:
            continue
        year = m.group("y1") or m.group("y2")
        canon = f"{_LEADING_WORDS.sub('', name)} {year}" if year else _LEADING_WORDS.sub("", name)
        if not free(s, e):
            continue
        cands = gaz.resolve(canon)
        if cands:
            mentions.append(Mention(s, e, text[s:e], cands[0].label, cands[0].entity_id, cands[0].confidence - 0.05, "gazetteer"))
            taken.append((s, e))
        else:
            add_pattern(s, e, "Statute")
    for m in _SECTION.finditer(folded):
        add_pattern(m.start(), m.end(), "StatuteSection")
    for m in _ORG.finditer(folded):
        s, e = m.start("name"), m.end("name")
        while True:
            lead = _LEADING_WORDS.match(folded[s:e])
            if not lead:
                break
            s += lead.end()
        name = folded[s:e]
        if len(name.split()) < 2 or not free(s, e):
            continue
        add_pattern(s, e, _label_for_pattern_org(name))
    for m in _QUOTED_TITLE.finditer(folded):
        name = m.group("name")
        if len(name.split()) >= 2 and sum(w[0].isupper() for w in name.split()) >= 2:
            add_pattern(m.start("name"), m.end("name"), "Policy")
    mentions.sort(key=lambda m: m.start)
    return _acronyms(text, folded, mentions, gaz)


def _acronyms(text: str, folded: str, mentions: list[Mention], gaz: Gazetteer) -> list[Mention]:
    """"long form (ACR)": the acronym means the long form's entity, here and later in the document.

    A KB entity is often known by its long name only; documents introduce the
    acronym once and then use it. Mentions inside the brackets are folded into
    the long form's mention so a relation pattern sees one entity, not two.
    """
    local: dict[str, Mention] = {}
    out: list[Mention] = []
    i = 0
    while i < len(mentions):
        m = mentions[i]
        after = _ACRONYM.match(folded, m.end)
        if after:
            acr = after.group("acr")
            acr_single = acr[:-1] if acr.endswith("s") and acr[:-1].isupper() else acr
            local.setdefault(acr_single, m)
            local.setdefault(acr_single + "s", m)
            # Swallow a mention that is just the bracketed acronym.
            if i + 1 < len(mentions) and mentions[i + 1].start >= after.start() and mentions[i + 1].end <= after.end():
                i += 1
            m.end = after.end()
            m.text = text[m.start:m.end]
        out.append(m)
        i += 1
    if not local:
        return out
    # Later bare uses of a document-local acronym the KB does not know.
    taken = [(m.start, m.end) for m in out]
    for acr, long_form in local.items():
        if gaz.resolve(acr):
            continue
        for hit in re.finditer(rf"(?<![\w(]){re.escape(acr)}(?![\w)])", folded):
            s, e = hit.span()
            if s < long_form.end or any(not (e <= a or s >= b) for a, b in taken):
                continue
            out.append(Mention(s, e, text[s:e], long_form.label, long_form.resolved_id, min(long_form.confidence, CONF_ACRONYM),
                               "acronym", key=long_form.key, canonical=long_form.text))
            taken.append((s, e))
    out.sort(key=lambda m: m.start)
    return out
