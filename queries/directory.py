"""The search directory: /entities answered in memory, one directory per graph build.

Searching the engine meant a scan of every node evaluating `toLower(...)
CONTAINS` over names, ids and aliases: 8-10 ms of engine time a request on
the 1,640-node graph and 420-770 ms at 100,000 organisations. A search
touches only what the `entity_directory` catalogue query returns (ids, names,
aliases, codes, labels, dates and status), so each worker process reads that
once per graph build and answers from memory:

- matching: every entity's lower-cased name, id and aliases are one string
  (`blob`), laid out in the answer's sort order (lower-cased name, then id).
  A trigram index (nhskg.queries.substring_index) lists the entities that
  can hold q, and each is checked with str.find over its own texts: a search
  touches those, not the ~4 MB a scan of the blob read at 100,000
  organisations (a q of one or two characters still scans). ODS and ONS
  codes (current and former) are a dict by upper-cased code;
- ranking and filters are the catalogue query's (entity_search), spelled in
  Python: exact name or id, exact alias or code, name prefix, the rest; label;
  code; the window by nhskg.core.timescope.holds, the one rule in Python.
  Ranks 0-2 are looked up, not tested hit by hit: names equal to q or
  starting with it are each one run of slots (bisection), ids and aliases
  are dicts; the rest of the hits is rank 3.
  INSTANCE_OF / PART_OF in the window stay with the engine (entity_links_in).
  tests/test_search_directory.py holds the two to the same answers.

Keyed by the build id the request read before its questions (the graph
records it with itself, and an ingest or write_batches gives a new one): a
directory is used only for the build it was read from, so a replaced graph
is never searched through an old directory. The build id is read before the
directory's query, so a directory is never labelled with a build older than
its data. A worker loads the directory in a background thread the first time
a search meets a build it has none for, and answers from the engine's query
(as before) until the load is done: no request waits for it, startup and
import load nothing, and a worker that never searches never spends the memory.
The cyclic garbage collector is off while any per-build load runs
(nhskg.gcpause): it was over half of a large load's CPU.
"""

from __future__ import annotations

import logging
import threading
from array import array
from bisect import bisect_left, bisect_right
from itertools import accumulate
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from nhskg.core.errors import UserError
from nhskg.gcpause import gc_paused
from nhskg.core.timescope import BEGINNING, END, Window, holds
from nhskg.queries.name_grams import CANDIDATES, SCORE_ALL_UP_TO, GramIndex
from nhskg.queries.substring_index import TrigramIndex

if TYPE_CHECKING:
    from nhskg.graph.store import GraphStore

log = logging.getLogger(__name__)
T = TypeVar("T")

SEP = "\x00"  # between an entity's texts in the blob
END_MARK = "\x01"  # after each entity's texts
RANKS = ("exact", "alias_or_code", "prefix", "contains")
# The parallel lists of an entity_directory row.
COLUMNS = ("ids", "names", "ods_codes", "ons_codes", "valid_from", "valid_to", "statuses", "undated", "extras")


@dataclass(frozen=True)
class Filters:
    """What /entities narrows by, besides q and the window."""

    label: str | None = None
    code: str | None = None
    linked: frozenset[str] | None = None  # only these ids (INSTANCE_OF / PART_OF held in the window)


class Directory:
    """Every entity of one graph build, in the order search answers list them."""

    def __init__(self, build: str, rows: list[dict[str, Any]]) -> None:
        """`rows`: the entity_directory rows (one per set of labels)."""
        self.build = build
        self._grams: GramIndex | None = None  # built on the first miss (similar_rows)
        self._grams_lock = threading.Lock()
        row: dict[str, list[Any]] = {column: [] for column in COLUMNS}
        labels: list[tuple[str, ...]] = []
        for group in rows:
            for column in COLUMNS:
                row[column].extend(group[column])
            labels.extend([tuple(group["labels"])] * len(group["ids"]))  # the engine's order
        ids: list[str] = row["ids"]
        names: list[str] = row["names"]
        # The answer's order within a rank: toLower(coalesce(name, id)), then id.
        order = sorted(range(len(ids)), key=[((names[i] or ids[i]).lower(), ids[i]) for i in range(len(ids))].__getitem__)
        self.ids: list[str] = [ids[i] for i in order]
        self.names: list[str | None] = [names[i] or None for i in order]
        self.labels: list[tuple[str, ...]] = [labels[i] for i in order]
        # One object per distinct span: few of them.
        shared: dict[Any, Any] = {}
        keep = shared.setdefault
        self.ods: list[str | None] = [row["ods_codes"][i] or None for i in order]
        self.ons: list[str | None] = [row["ons_codes"][i] or None for i in order]
        # What the window rule reads, as (valid_from, valid_to, status, undated).
        valid_from, valid_to, statuses, undated = row["valid_from"], row["valid_to"], row["statuses"], row["undated"]
        self.spans: list[tuple[str | None, str | None, str | None, bool]] = [
            keep(t, t) for t in ((valid_from[i] or None, valid_to[i] or None, statuses[i] or None, bool(undated[i])) for i in order)
        ]
        # Slots by id (the adjacency's too), and by lower-cased id for the few ids that are not lower case.
        self.slot_of: dict[str, int] = {node_id: slot for slot, node_id in enumerate(self.ids)}
        slot_of = self.slot_of
        self.upper_ids: dict[str, list[int]] = {}
        for slot, node_id in enumerate(self.ids):
            if (lowered := node_id.lower()) != node_id:
                self.upper_ids.setdefault(lowered, []).append(slot)
        self.unnamed = frozenset(slot for slot, name in enumerate(self.names) if name is None)
        self.aliases: dict[int, tuple[str, ...]] = {}
        self.alias_slots: dict[str, list[int]] = {}  # by lower-cased alias
        former_ons: dict[int, tuple[str, ...]] = {}
        for node_id, aliases, former in row["extras"]:
            if aliases:
                self.aliases[slot_of[node_id]] = tuple(aliases)
                for alias in {a.lower() for a in aliases}:
                    self.alias_slots.setdefault(alias, []).append(slot_of[node_id])
            if former:
                former_ons[slot_of[node_id]] = tuple(former)
        # Slots by upper-cased code: the ODS code, the ONS code, former ONS
        # codes (a slot may appear twice: readers take the set).
        self.codes: dict[str, list[int]] = {}
        for column in (enumerate(self.ods), enumerate(self.ons), ((slot, c) for slot, cs in sorted(former_ons.items()) for c in cs)):
            for slot, code in column:
                if code:
                    self.codes.setdefault(code.upper(), []).append(slot)
        # Each entity's texts, lower-cased, in slot order: name, id, aliases.
        aliases_of = self.aliases
        # Slot i is END_MARK + name + SEP + id (+ SEP + alias)...; one more
        # END_MARK closes the blob. So "name starts with q" is END_MARK + q,
        # and an id or alias equal to q is SEP + q + SEP or END_MARK.
        texts = [
            f"{END_MARK}{(name or '').lower()}{SEP}{node_id.lower()}{SEP + SEP.join(aliases_of[slot]).lower() if slot in aliases_of else ''}"
            for slot, (name, node_id) in enumerate(zip(self.names, self.ids))
        ]
        self.starts = array("q", accumulate(map(len, texts), initial=0))
        self.blob = "".join(texts) + END_MARK
        # Which slots can hold a text: a search looks only at those.
        self.index = TrigramIndex(self.blob, self.starts)
        # Where each id starts in the blob (after END_MARK, the name and SEP).
        self.id_at = array("q", (start + 2 + len((name or "").lower()) for start, name in zip(self.starts, self.names)))
        # The spans at the edges: a window that holds these holds every span (below).
        valid_froms = [span[0] or BEGINNING for span in self.spans]
        valid_tos = [span[1] or END for span in self.spans]
        self.edges = (
            max(valid_froms, default=BEGINNING),
            min(valid_tos, default=END),
            frozenset(span[2] for span in self.spans),
            any(span[3] for span in self.spans),
        )

    def __len__(self) -> int:
        return len(self.ids)

    def matches(self, q: str) -> list[tuple[int, int]] | None:
        """(slot, rank) of every entity q matches, in answer order; None when
        q cannot be matched in memory exactly (it holds a separator).

        The ranks are entity_search's CASE, whose first true branch wins:
        0 exact name or id, 1 exact alias or code, 2 name starts with q, 3 the
        rest. Ranks 0-2 are looked up, not tested hit by hit (a common word
        hits most of a large graph): slots are in (lower-cased name or id)
        order, so the names equal to q, and those starting with it, are
        each one run of slots, found by bisection."""
        ql, qu = q.lower(), q.upper()
        if not ql or SEP in ql or END_MARK in ql:
            return None
        by_code = self.codes.get(qu, ())
        hits = self._occurrences(ql)
        if by_code and not set(by_code) <= set(hits):  # a code that q does not contain
            hits = sorted({*hits, *by_code})
        slots = range(len(self.ids))
        first = bisect_left(slots, ql, key=self._key)  # the run of keys starting with q
        equal = bisect_right(slots, ql, key=self._key, lo=first)  # ... and of those equal to it: name or id is q
        prefixed = bisect_right(slots, ql, key=lambda slot: self._key(slot)[: len(ql)], lo=equal)
        exact = {*range(first, equal), *self.id_slots(ql)}
        alias_or_code = {*self.alias_slots.get(ql, ()), *by_code} - exact
        ranked = exact | alias_or_code
        unnamed = self.unnamed
        # A name starts with q (a slot without a name is in the run by its id: not this rank).
        prefix = [slot for slot in range(equal, prefixed) if slot not in ranked and slot not in unnamed]
        rest = [slot for slot in hits if slot not in ranked and not (equal <= slot < prefixed and slot not in unnamed)]
        return [*((slot, 0) for slot in sorted(exact)), *((slot, 1) for slot in sorted(alias_or_code)), *((slot, 2) for slot in prefix), *((slot, 3) for slot in rest)]

    def _key(self, slot: int) -> str:
        """The slot's place in the order: its lower-cased name, or id when it has none."""
        name_at, id_at = self.starts[slot] + 1, self.id_at[slot]
        return self.blob[name_at : id_at - 1] if slot not in self.unnamed else self.ids[slot].lower()

    def id_slots(self, ql: str) -> list[int]:
        """The slots whose lower-cased id is ql."""
        slot = self.slot_of.get(ql)
        return [*([] if slot is None else [slot]), *self.upper_ids.get(ql, ())]

    def _occurrences(self, ql: str) -> list[int]:
        """Every slot whose texts hold ql, in slot order: the trigram index's
        candidates checked one by one, or (ql shorter than a trigram) one
        scan of the blob, skipping to the next slot after a hit. q holds no
        END_MARK, so an occurrence never spans two slots."""
        blob, starts = self.blob, self.starts
        find = blob.find
        candidates = self.index.candidates(ql)
        if candidates is not None:
            return [slot for slot in candidates if find(ql, starts[slot], starts[slot + 1]) != -1]
        found = []
        pos = find(ql)
        while pos != -1:
            slot = bisect_right(starts, pos) - 1
            found.append(slot)
            pos = find(ql, starts[slot + 1])
        return found

    def work(self, q: str | None) -> int:
        """At most how many entities a search for q looks at (every one
        without q): what a caller weighs before answering on the event loop."""
        return self.index.bound(q.lower(), len(self.ids)) if q else len(self.ids)

    def select(self, hits: Iterable[tuple[int, int]], window: Window, filters: Filters) -> list[tuple[int, int]] | None:
        """The hits the filters and window keep, in order; None when a filter
        cannot be applied in memory exactly (a blank code). One pass per
        filter given: a common word can match most of the graph."""
        if filters.code is not None and not filters.code.strip():
            return None
        kept = list(hits)
        if filters.code is not None:
            by_code = set(self.codes.get(filters.code.upper(), ()))
            kept = [hit for hit in kept if hit[0] in by_code]
        if filters.linked is not None:
            ids, linked = self.ids, filters.linked
            kept = [hit for hit in kept if ids[hit[0]] in linked]
        if filters.label is not None:
            labels, label = self.labels, filters.label
            kept = [hit for hit in kept if label in labels[hit[0]]]
        # The window rule, once per distinct (valid_from, valid_to, status, undated) met.
        verdicts: dict[tuple[Any, ...], bool] = {}

        def held(span: tuple[Any, ...]) -> bool:
            verdict = verdicts.get(span)
            if verdict is None:
                verdict = verdicts[span] = holds({"valid_from": span[0], "valid_to": span[1], "status": span[2], "undated": span[3]}, window)
            return verdict

        if not self._holds_everywhere(window):
            spans = self.spans
            kept = [hit for hit in kept if held(spans[hit[0]])]
        return kept

    def _holds_everywhere(self, window: Window) -> bool:
        """Whether every entity holds in the window (a search with no date):
        the rule is a conjunction, later starts and earlier ends only fail it
        sooner, so it holds for all when it holds for the latest start with
        the earliest end, for each status present, undated if any is."""
        latest_start, earliest_end, statuses, undated = self.edges
        return all(holds({"valid_from": latest_start, "valid_to": earliest_end, "status": status, "undated": undated}, window) for status in statuses)

    def every(self) -> Iterator[tuple[int, int]]:
        """Every slot, in answer order (q absent: all rank 0)."""
        return ((slot, 0) for slot in range(len(self.ids)))

    def slots(self, ids: list[str]) -> list[int]:
        """The slots of these ids, in their order (ids not held are left out)."""
        slot_of = self.slot_of
        return [slot_of[i] for i in ids if i in slot_of]

    def row(self, slot: int) -> dict[str, Any]:
        """The entity_search row of a slot (without rank and total)."""
        valid_from, valid_to, status, _ = self.spans[slot]
        return {
            "id": self.ids[slot],
            "name": self.names[slot],
            "labels": list(self.labels[slot]),
            "valid_from": valid_from,
            "valid_to": valid_to,
            "status": status,
            "ods_code": self.ods[slot],
            "ons_code": self.ons[slot],
        }

    def name_rows(self, slots: Iterable[int] | None = None) -> Iterator[dict[str, Any]]:
        """entity_names rows (every entity but sources, or those of `slots`), for closest_entities."""
        for slot in range(len(self.ids)) if slots is None else slots:
            if "Source" in self.labels[slot]:
                continue
            yield {"id": self.ids[slot], "name": self.names[slot], "labels": list(self.labels[slot]), "aliases": list(self.aliases.get(slot, ())), "ods_code": self.ods[slot], "ons_code": self.ons[slot]}

    def similar_rows(self, text: str, score_all_up_to: int = SCORE_ALL_UP_TO, candidates: int = CANDIDATES) -> Iterator[dict[str, Any]]:
        """The name rows closest_entities should score for `text`: all of
        them on a graph of at most `score_all_up_to` entities, else those
        sharing the most trigrams with it (nhskg.queries.name_grams)."""
        if len(self.ids) <= score_all_up_to:
            return self.name_rows()
        with self._grams_lock:  # built once, by the first caller; the others wait for it
            if self._grams is None:
                self._grams = GramIndex((slot, self._texts_of(slot)) for slot in range(len(self.ids)) if "Source" not in self.labels[slot])
        return self.name_rows(self._grams.candidates(text, candidates))

    def _texts_of(self, slot: int) -> tuple[str, ...]:
        """What closest_entities compares with: id, id slug, name, aliases, codes."""
        node_id = self.ids[slot]
        return (node_id, node_id.split(":", 1)[-1].replace("-", " "), self.names[slot] or "", *self.aliases.get(slot, ()), self.ods[slot] or "", self.ons[slot] or "")


def read_directory(store: "GraphStore", build: str) -> Directory:
    """Read the directory of the live graph, labelled `build` (read before)."""
    from nhskg.queries.answers import ask  # answers imports this module

    return Directory(build, ask(store, "entity_directory"))


def still_live(store: "GraphStore", build: str, what: str) -> None:
    """After reading something of the live graph labelled `build` (read
    before): UserError when the graph was replaced meanwhile, so that what
    was read is not kept under a build it may not match (the next request
    tries again). `what` names it in the message."""
    now = store.build_info()
    if now is None or now.build_id != build:
        raise UserError(f"the graph was replaced while its {what} read")


class NotKept(Exception):
    """This build is not kept in memory (say, larger than a setting allows):
    the engine answers for it, and no load is tried again."""


class PerBuild(Generic[T]):
    """What a worker keeps of the live build (the search directory, the
    subgraph adjacency), loaded in the background on first need (see the
    module docstring): `reader(store, build, *options)` reads it, labelled
    `build`, or raises NotKept."""

    def __init__(self, reader: Callable[..., T], name: str) -> None:
        self._reader = reader
        self._name = name
        self._current: T | None = None
        self._loading: str | None = None
        self._not_kept: str | None = None
        self._lock = threading.Lock()
        self._require_lock = threading.Lock()

    def get(self, store: "GraphStore", build: str | None, *options: Any) -> T | None:
        """What this worker holds of `build`, or None (not loaded yet: a load
        starts; or no build id, an unversioned graph, or a build not kept:
        never)."""
        if not build or build == self._not_kept:
            return None
        current = self.held(build)
        if current is not None:
            return current
        with self._lock:
            if self._loading is None:
                self._loading = build
                threading.Thread(target=self._load, args=(store, build, *options), name=f"nhskg-{self._name}", daemon=True).start()
        return None

    def held(self, build: str) -> T | None:
        """What is held of `build` now, never starting a load."""
        current = self._current
        return current if current is not None and current.build == build else None  # type: ignore[attr-defined]

    def load(self, store: "GraphStore", build: str, *options: Any) -> T:
        """Read it for `build` now, in this thread, and keep it."""
        with gc_paused():  # see nhskg.gcpause
            found = self._reader(store, build, *options)
        self._current = found  # one reference swap: readers see old or new, whole
        return found

    def require(self, store: "GraphStore", build: str, *options: Any) -> T:
        """What this worker holds of `build`, read now in this thread when it
        has none; callers that come during a load wait for it rather than
        read it again (for a caller that cannot answer without it)."""
        current = self.held(build)
        if current is not None:
            return current
        with self._require_lock:
            current = self.held(build)
            if current is not None:
                return current
            return self.load(store, build, *options)

    def _load(self, store: "GraphStore", build: str, *options: Any) -> None:
        try:
            self.load(store, build, *options)
        except NotKept as exc:
            self._not_kept = build
            log.info("%s not kept for build %s: %s", self._name, build, exc)
        except (UserError, OSError) as exc:  # the engine is down: the next request tries again
            log.warning("%s not loaded: %s", self._name, exc)
        finally:
            with self._lock:
                self._loading = None


# This worker's search directories; nothing is read until a search asks.
DIRECTORIES: PerBuild[Directory] = PerBuild(read_directory, "search directory")
