"""Which entities can contain a text: the search directory's trigram index.

/entities matches q as a case-insensitive substring of a name, an id or an
alias (the catalogue's entity_search), and the search directory
(nhskg.queries.directory) answered that with one str.find scan of every
entity's texts: ~4 MB at 100,000 organisations, 1.5-8 ms a search whatever
it matched. A word index cannot keep substring semantics ("trus" must find
"Trust", "-00" an id's middle), so this indexes character trigrams, the
pg_trgm idea: a text containing q contains each of q's trigrams, so the
entities holding q are among those listed under q's rarest trigram (the
candidates). The caller then checks each candidate with the same find over
that entity's own texts, so the answer is exactly the scan's; only the
entities it looks at change.

A trigram is indexed once per entity, from the entity's span of the
directory's blob (its texts and the separators between them: q never holds
a separator, so the trigrams that span one are never asked for). A q
shorter than three characters has no trigram, and the caller scans.

At 100,000 synthetic organisations: ~5 million postings (array('i'), 4
bytes each), ~1.5 s to build in the directory's background load; see
docs/scaling.md for the measured figures.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence

GRAM = 3
# Past this many candidates under the rarest trigram, the next rarest one
# narrows them (a set intersection in C) when that halves them.
NARROW_FROM = 2_048


def trigrams(text: str) -> set[str]:
    return {text[i : i + GRAM] for i in range(len(text) - GRAM + 1)}


class TrigramIndex:
    """Entity numbers (the directory's slots) by trigram of their text."""

    def __init__(self, blob: str, starts: Sequence[int], narrow_from: int = NARROW_FROM) -> None:
        """`blob`: every entity's text, end to end; entity i's is
        blob[starts[i]:starts[i + 1]] (so `starts` has one more item)."""
        self.narrow_from = narrow_from
        postings: dict[str, array] = {}
        get = postings.get
        for slot in range(len(starts) - 1):
            text = blob[starts[slot] : starts[slot + 1]]
            for gram in {text[i : i + GRAM] for i in range(len(text) - GRAM + 1)}:
                slots = get(gram)
                if slots is None:
                    postings[gram] = array("i", (slot,))
                else:
                    slots.append(slot)
        # Slots were added in order: each array is sorted, without repeats.
        self.postings = postings

    def __len__(self) -> int:
        """How many postings (memory: 4 bytes each, plus one array per trigram)."""
        return sum(len(slots) for slots in self.postings.values())

    def candidates(self, text: str) -> Sequence[int] | None:
        """The slots whose text may contain `text` (already lower-cased), in
        slot order; every slot that does is among them. None when `text` is
        too short to have a trigram: every slot is a candidate."""
        wanted = trigrams(text)
        if not wanted:
            return None
        lists = []
        for gram in wanted:
            slots = self.postings.get(gram)
            if slots is None:
                return ()  # a trigram no entity has: nothing contains text
            lists.append(slots)
        lists.sort(key=len)
        found: Sequence[int] = lists[0]
        if len(found) > self.narrow_from and len(lists) > 1:
            # A set pass costs about as much as checking the candidates:
            # worth it only when the next rarest trigram halves them.
            kept = set(found).intersection(lists[1])
            if len(kept) <= len(found) // 2:
                found = sorted(kept)
        return found

    def bound(self, text: str, everything: int) -> int:
        """How many slots a search for `text` looks at, at most (`everything`
        when it scans): the caller's guess at its cost."""
        wanted = trigrams(text)
        if not wanted:
            return everything
        return min(len(self.postings.get(gram, ())) for gram in wanted)
