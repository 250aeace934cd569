"""Finding entities: /entities' ranked substring search (the catalogue's
entity_search), and the closest names when nothing contains the text (the
typo-tolerant fallback, and the suggestions of a 404)."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from nhskg.core.timescope import END, Window
from nhskg.graph.store import GraphStore
from nhskg.queries.run import ask


SIMILAR_CUTOFF = 0.72
# What entity_search's rank numbers mean (`match` in /entities).
RANKS = ("exact", "alias_or_code", "prefix", "contains")


class _Matcher:
    """How close `text` is to a candidate, or to a run of its words of about
    the same length (so "comissioning board" finds "NHS Commissioning
    Board"). difflib's cheap upper bounds skip most candidates, so matching
    thousands of names stays fast."""

    WORD_RUN_WEIGHT = 0.9  # a run of words inside a longer name counts a little less than the whole name

    def __init__(self, text: str, cutoff: float) -> None:
        self.text = text.lower().strip()
        self.width = max(1, len(self.text.split()))
        self.cutoff = cutoff
        self.matcher = difflib.SequenceMatcher(None)
        self.matcher.set_seq2(self.text)  # difflib caches what it learns about seq2

    def _ratio(self, candidate: str, floor: float) -> float:
        self.matcher.set_seq1(candidate)
        if self.matcher.real_quick_ratio() < floor or self.matcher.quick_ratio() < floor:
            return 0.0
        return self.matcher.ratio()

    def score(self, candidate: str) -> float:
        candidate = candidate.lower().strip()
        if not self.text or not candidate:
            return 0.0
        best = self._ratio(candidate, self.cutoff)
        words = candidate.split()
        if len(words) > self.width:
            floor = self.cutoff / self.WORD_RUN_WEIGHT
            for i in range(len(words) - self.width + 1):
                run = " ".join(words[i : i + self.width])
                best = max(best, self.WORD_RUN_WEIGHT * self._ratio(run, floor))
        return best


# How many entities the closest-names search scores: on a larger graph, those
# sharing the most character trigrams with the text (the pg_trgm idea: close
# strings share most of their trigrams), chosen by the engine
# (entity_name_candidates); on a graph this size or smaller, every one.
CANDIDATES = 5_000


def grams(text: str) -> list[str]:
    """The character trigrams of a text and of its id slug, lower-cased, each
    padded with a space at each end so that short texts and word edges count."""
    found: set[str] = set()
    for form in (text, text.split(":", 1)[-1].replace("-", " ")):
        padded = f" {form.lower()} "
        found |= {padded[i : i + 3] for i in range(len(padded) - 2)}
    return sorted(found)


def closest_entities(store: GraphStore, text: str, n: int = 5, cutoff: float = SIMILAR_CUTOFF, rows: Iterable[Mapping[str, Any]] | None = None) -> list[dict[str, Any]]:
    """The entities whose id, id slug, name, alias or code is closest to `text`
    (the typo-tolerant search, and the suggestions of a 404), best first,
    among the CANDIDATES the engine finds (`rows`: rows of that shape given
    instead)."""
    text = text[:200]
    matchers = [_Matcher(text, cutoff), _Matcher(text.split(":", 1)[-1].replace("-", " "), cutoff)]
    scored = []
    for row in ask(store, "entity_name_candidates", grams=grams(text), limit=CANDIDATES) if rows is None else rows:
        names = [row["id"], row["id"].split(":", 1)[-1].replace("-", " "), row.get("name") or "", *row.get("aliases", []), row.get("ods_code") or "", row.get("ons_code") or ""]
        score = max(m.score(c) for m in matchers for c in names if c)
        if score >= cutoff:
            scored.append((score, row))
    scored.sort(key=lambda s: (-s[0], s[1]["id"]))
    # Only those nearly as close as the best: a clear best match comes alone.
    scored = [s for s in scored if s[0] >= scored[0][0] - 0.08] if scored else []
    return [{"id": r["id"], "name": r.get("name"), "labels": sorted(r.get("labels") or [])} for _, r in scored[:n]]


def suggest_entities(store: GraphStore, text: str, n: int = 5) -> list[dict[str, Any]]:
    """closest_entities for the suggestions of a 404 or a search miss."""
    return closest_entities(store, text, n)


@dataclass
class Search:
    items: list[dict[str, Any]]
    total: int
    similar: bool = False  # nothing contained q: these are the closest names


def code_day(window: Window, today: str | None = None) -> str:
    """The day whose holder of a code is listed first: the day asked, the
    last day of a period, or today when the search is undated (or the period
    runs past today)."""
    today = today or dt.date.today().isoformat()
    if window.as_of:
        return window.as_of
    last = (dt.date.fromisoformat(window.end) - dt.timedelta(days=1)).isoformat() if window.end < END else today
    return min(last, today)


def search_entities(store: GraphStore, window: Window, *, limit: int, offset: int, **filters: Any) -> Search:
    """/entities: landscape entities, then Count records, then sources; each
    substring match ranked (exact name, exact alias or code, prefix, the rest:
    RANKS, entity_search's rank numbers), a code's holder on the day asked
    first, a renamed body under its name that day; when nothing contains q, the closest names instead."""
    day = code_day(window)
    items = ask(store, "entity_search", window, **filters, code_day=day, name_day=window.as_of, limit=limit, offset=offset)
    # Every row carries the count; an empty page counts only when it is past the end.
    if items:
        total = int(items[0]["total"])
    else:
        total = int(ask(store, "entity_search_count", window, **filters)[0]["total"]) if offset else 0
    match = dict(enumerate(RANKS))
    for item in items:
        item.pop("total")
        rank = int(item.pop("rank"))
        item["match"] = match[rank] if filters.get("q") else None
    if total or not filters.get("q"):
        return Search(items, total)
    # Typo tolerance: rank the closest names, then keep those the other filters allow.
    close = suggest_entities(store, filters["q"], n=50)
    ids = [c["id"] for c in close]
    allowed = {r["id"]: r for r in ask(store, "entity_search", window, **{**filters, "q": None}, code_day=day, name_day=window.as_of, ids=ids, limit=len(ids), offset=0)} if close else {}
    similar = [{**allowed[c["id"]], "match": "similar"} for c in close if c["id"] in allowed]
    for item in similar:
        item.pop("rank", None)
        item.pop("total", None)
    return Search(similar[offset : offset + limit], len(similar), similar=True)
