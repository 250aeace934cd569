"""Which entities to score when looking for the names closest to a text.

closest_entities (the typo-tolerant search and the suggestions of a 404)
scores every entity's id, id slug, name, aliases and codes with difflib.
That is fine for the curated landscape (1,640 entities, ~0.1 s) and not for a
national graph: at 100,000 organisations one unknown id took 7-25 s, holding
a worker thread the whole time. So past `SCORE_ALL_UP_TO` entities, only the
`CANDIDATES` entities sharing the most character trigrams with the text are
scored (the pg_trgm idea: close strings share most of their trigrams).

On a graph at most `SCORE_ALL_UP_TO` entities every entity is scored, so the
answer is the exhaustive one. Past it the answer is the exhaustive one
whenever the closest names are among the candidates, which is what trigram
overlap gives for typos; tests compare the two on the landscape with the
threshold forced low. Where many names tie (a typo in an ONS code is as close
to a couple of hundred codes), the last suggestions may be other, equally
close, names than the exhaustive search would list. The index is built on first use, once per directory
(graph build), about 3.8 million postings and a few seconds at 100,000
organisations.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Iterable, Sequence

SCORE_ALL_UP_TO = 5_000
CANDIDATES = 2_000


def grams(text: str) -> set[str]:
    """The character trigrams of a lower-cased text, padded with a space at
    each end so that short texts and word edges count."""
    padded = f" {text} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def query_texts(text: str) -> tuple[str, str]:
    """What closest_entities matches: the text, and its id slug as words."""
    return text.lower(), text.split(":", 1)[-1].replace("-", " ").lower()


class GramIndex:
    """Slots (positions in the search directory) by trigram of their texts."""

    def __init__(self, texts: Iterable[tuple[int, Sequence[str]]]) -> None:
        """`texts`: (slot, that entity's texts) for every entity to index."""
        postings: dict[str, array] = {}
        for slot, entity_texts in texts:
            seen: set[str] = set()
            for text in entity_texts:
                if text:
                    seen |= grams(text.lower())
            for gram in seen:
                slots = postings.get(gram)
                if slots is None:
                    slots = postings[gram] = array("I")
                slots.append(slot)
        self.postings = postings

    def candidates(self, text: str, n: int = CANDIDATES) -> list[int]:
        """The (at most n) slots sharing the most trigrams with `text` (either
        form closest_entities matches), in slot order."""
        wanted: set[str] = set()
        for form in query_texts(text):
            wanted |= grams(form)
        shared: Counter[int] = Counter()
        for gram in wanted:
            slots = self.postings.get(gram)
            if slots is not None:
                shared.update(slots)
        return sorted(slot for slot, _ in shared.most_common(n))
