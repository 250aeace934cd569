"""Run the extraction steps over one document and collect what it states.

Why a separate orchestration module: reading, sentence splitting, matching,
value parsing and relation rules each do one job; this module decides how
their results combine (which sentence a mention belongs to, which budget a
sum of money is, which type a count counts) and produces one `Extraction`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from nhskg.ingest.extract.gazetteer import Gazetteer, build_gazetteer
from nhskg.ingest.extract.mentions import Mention, find_mentions, fold
from nhskg.ingest.extract.reader import Document, read_document
from nhskg.ingest.extract.relations import GRP, RelationCandidate, _indices, find_relations, sentence_dates, sentence_status, template
from nhskg.ingest.extract.sentences import Sentence, split_sentences
from nhskg.ingest.extract.values import DateMention, Money, Number, find_dates, find_money, find_numbers
from nhskg.ingest.kb import KnowledgeBase


@dataclass
class BudgetCandidate:
    key: str  # a candidate id, budget:...
    money: Money
    sentence: Sentence
    holder: Mention | None = None
    allocated_by: Mention | None = None
    funds: list[Mention] = field(default_factory=list)
    part_of: str | None = None  # key of a larger budget in the same sentence
    confidence: float = 0.6


@dataclass
class CountCandidate:
    number: Number
    of: Mention
    sentence: Sentence
    valid_from: str | None
    confidence: float = 0.7


@dataclass
class Extraction:
    document: Document
    sentences: list[Sentence]
    mentions: list[Mention]
    mention_sentence: dict[int, Sentence]  # id(mention) -> sentence
    relations: list[RelationCandidate]
    budgets: list[BudgetCandidate]
    counts: list[CountCandidate]
    dates: list[tuple[DateMention, Sentence]]


def slug(text: str, limit: int = 60) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", fold(text).lower().replace("£", "")).strip("-")
    return (s[:limit].rstrip("-") or "x")


def _amount_slug(amount: float) -> str:
    if amount >= 1e9:
        return f"{amount / 1e9:g}bn".replace(".", "-")
    if amount >= 1e6:
        return f"{amount / 1e6:g}m".replace(".", "-")
    return f"{amount:g}".replace(".", "-")


_MONEY_CONTEXT = re.compile(r"\b(?:budget|spen[dt]|spending|grant|allocat\w*|fund\w*|income|responsible\s+for|receiv\w*|hold|holds|manag\w*|worth|cost)\b", re.I)


def _budgets(sentence: Sentence, tpl: str, used: list[Mention], money: list[Money]) -> list[BudgetCandidate]:
    """Turn sums of money into budget candidates with holder, allocator and what they fund."""
    if not money or not _MONEY_CONTEXT.search(sentence.text):
        return []
    out: list[BudgetCandidate] = []
    # Where each mention sits in the sentence, to reason about "before"/"after" the sum.
    bodies = [m for m in used if m.label in ("Organisation", "OrganisationType")]
    services = [m for m in used if m.label == "Service"]
    text = fold(sentence.text)
    for mo in money:
        rel_start, rel_end = mo.start - sentence.start, mo.end - sentence.start
        holder = allocator = None
        conf = 0.5
        after = text[rel_end:]
        m_to = re.search(r"\b(?:allocated|given|paid|granted|grant|devolved|transferred)\s+(?:\w+\s+){0,3}?to\s+(?:the\s+)?(?:local\s+)?$", text[:rel_start]) \
            or None
        # "... is allocated to X" / "grant to X" anywhere in the sentence names the holder.
        for rx, base in ((r"\b(?:allocated|given|paid|granted|grant|devolved|transferred)\s+to\s+(?:the\s+)?(?:local\s+)?", 0.7),):
            for hit in re.finditer(rx, text, re.I):
                cands = [b for b in bodies if b.start - sentence.start >= hit.end() - 1 and b.start - sentence.start <= hit.end() + 2]
                if cands:
                    holder, conf = cands[0], base
                    break
            if holder:
                break
        if holder is None:
            # "NHS England's total spending ... was £25.4 billion": a possessive before the sum.
            for b in bodies:
                if b.end <= mo.start and re.match(r"'s?\b", text[b.end - sentence.start:b.end - sentence.start + 2]) and re.search(
                    r"\b(?:budget|spending|spend|income|allocation)\b", text[b.end - sentence.start:rel_start], re.I
                ):
                    holder, conf = b, 0.65
        if holder is None:
            before = [b for b in bodies if b.end <= mo.start]
            if before and not m_to:
                holder, conf = before[0], 0.5
        for hit in re.finditer(r"\b(?:allocated|granted|given)\s+by\s+(?:the\s+)?|\bgrant\s+from\s+(?:the\s+)?|\bfunded\s+by\s+(?:the\s+)?", text, re.I):
            cands = [b for b in bodies if abs(b.start - sentence.start - hit.end()) <= 2]
            if cands:
                allocator = cands[0]
        funds = [s for s in services if s.start >= mo.end and re.match(r"^\s*(?:\([^)]*\)\s*)?(?:in\s+\S+\s+)?(?:on|for)\s+(?:the\s+)?", text[rel_end:s.start - sentence.start] + " ")]
        if not funds:
            funds = [s for s in services if s.end <= mo.start and re.search(r"\b(?:for|on)\s+(?:the\s+)?$", text[:s.start - sentence.start])]
        name = (holder.text if holder else "budget") + " " + (mo.fiscal_year or "") + " " + _amount_slug(mo.amount_gbp)
        out.append(BudgetCandidate(f"budget:{slug(name)}", mo, sentence, holder, allocator, funds, None, conf))
    # "£65bn of the £95bn": the first is part of the second.
    for a, b in zip(out, out[1:]):
        between = text[a.money.end - sentence.start:b.money.start - sentence.start]
        if re.fullmatch(r"\s+(?:of|out\s+of)\s+(?:the\s+|a\s+)?", between):
            a.part_of = b.key
            if b.holder is a.holder:
                b.holder = None
    return out


_COUNT_GAP = re.compile(r"^\s+(?:(?!of\b|the\b|out\b|in\b|and\b|or\b|to\b|for\b|per\b)[a-z][a-z\-]*\s+){0,3}$")


def _counts(sentence: Sentence, mentions: list[Mention], numbers: list[Number], valid_from: str | None) -> list[CountCandidate]:
    """"42 statutory ICSs", "there are now four CSUs": a number right before a type it counts."""
    out: list[CountCandidate] = []
    text = fold(sentence.text)
    for n in numbers:
        for m in mentions:
            if m.start < n.end or m.label not in ("OrganisationType", "Service"):
                continue
            gap_text = text[n.end - sentence.start:m.start - sentence.start]
            if _COUNT_GAP.match(gap_text) and n.value > 1 or _COUNT_GAP.match(gap_text) and n.value == 1 and not m.text.endswith("s"):
                out.append(CountCandidate(n, m, sentence, valid_from, 0.75 if not gap_text.strip() else 0.65))
            break
    return out


def extract_document(doc: Document, gaz: Gazetteer, progress: Callable[[str], None] | None = None) -> Extraction:
    """Everything a document states that we can recognise, with the sentence for each."""
    sentences = split_sentences(doc.text)
    mentions = find_mentions(doc.text, gaz)
    starts = [s.start for s in sentences]
    by_sentence: dict[int, list[Mention]] = {i: [] for i in range(len(sentences))}
    mention_sentence: dict[int, Sentence] = {}
    kept: list[Mention] = []
    for m in mentions:
        i = bisect_right(starts, m.start) - 1
        if i < 0 or m.end > sentences[i].end:
            continue  # a mention across a sentence break is a splitting artefact
        by_sentence[i].append(m)
        mention_sentence[id(m)] = sentences[i]
        kept.append(m)
    relations: list[RelationCandidate] = []
    budgets: list[BudgetCandidate] = []
    counts: list[CountCandidate] = []
    all_dates: list[tuple[DateMention, Sentence]] = []
    total = len(sentences)
    for i, sent in enumerate(sentences):
        if progress and total >= 200 and i % 200 == 0:
            progress(f"{doc.path.name}: sentence {i}/{total}")
        ms = by_sentence[i]
        dates = [d for d in find_dates(sent.text, sent.start) if not any(m.start <= d.start < m.end for m in ms)]
        all_dates.extend((d, sent) for d in dates)
        prev = sentences[i - 1] if i else None
        relations.extend(find_relations(sent, ms, dates, prev, by_sentence.get(i - 1)))
        money = find_money(sent.text, sent.start)
        if money:
            tpl, used = template(sent, ms)
            budgets.extend(_budgets(sent, tpl, used, money))
        numbers = [n for n in find_numbers(sent.text, sent.start) if not any(d.start <= n.start < d.end for d in dates)]
        if numbers:
            valid_from, _, _ = sentence_dates(dates)
            counts.extend(_counts(sent, ms, numbers, valid_from))
    return Extraction(doc, sentences, kept, mention_sentence, relations, budgets, counts, all_dates)


def extract_file(path: str | Path, kb: KnowledgeBase, gaz: Gazetteer | None = None,
                 progress: Callable[[str], None] | None = None) -> Extraction:
    """Read a file and extract from it, with the KB's names as gazetteer."""
    doc = read_document(path)
    return extract_document(doc, gaz or build_gazetteer(kb.entities), progress)
