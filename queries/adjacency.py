"""The subgraph adjacency: /subgraph walked in memory, one adjacency per graph build.

A depth-2 /subgraph was one `subgraph_neighbours` query a hop and one
`subgraph_edge_briefs` for the induced edges: the engine costs about 10 µs a
traversed relationship (2,000-odd for 250 nodes), most of the request. Each
worker process reads every relationship's ends, dates, status, flags and
brief columns once per graph build (the `subgraph_adjacency` catalogue query)
and walks them in memory; node briefs, labels and the nodes' window come
from the search directory of the same build (nhskg.queries.directory).

The walk is the catalogue's, spelled in Python (tests/test_subgraph_adjacency.py
holds the two to the same answers):

- a hop (subgraph_neighbours): every relationship of a frontier node, either
  direction, that holds in the window, whose other end holds too unless the
  relationship is an event, and carries one of the asked labels; neighbours
  ordered by "reached only through derived edges" last, types first, id;
- the edges (subgraph_edge_briefs): every relationship holding in the window
  with both ends among the nodes, by id, capped;
- the window by nhskg.core.timescope.holds, the one rule in Python, asked
  once per distinct (valid_from, valid_to, status, undated) a request meets.

The read's reply is shaped to be cheap for the worker: each relationship's
id and ends, and the rest of it as one '|'-joined text (`kind_of_text`),
parsed once per distinct kind; at 100,000 organisations that cut the
worker's CPU reading the adjacency from 36.6 s to 4.9 s (with the collector
off during loads, nhskg.gcpause), for ~4 s more of the
engine's (docs/scaling.md).

Loading, build keys and the engine answering meanwhile are as for the
search directory: a worker loads the adjacency in a background thread the
first time a /subgraph meets a build it has none for (`Adjacencies`), and
the catalogue queries answer until then. A graph larger than the
`subgraph_memory_max_relationships` setting is never loaded (the engine
answers): see docs/scaling.md for the memory a relationship costs.
"""

from __future__ import annotations

import logging
from array import array
from collections.abc import Callable, Iterable, Iterator
from heapq import merge
from itertools import accumulate, islice
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from nhskg.core.timescope import Span, Window, span_verdicts
from nhskg.queries.directory import DIRECTORIES, Directory, NotKept, PerBuild, still_live

if TYPE_CHECKING:
    from nhskg.graph.store import GraphStore

log = logging.getLogger(__name__)
N = TypeVar("N")  # a node: an id (the engine's walk) or a slot (memory)

# The parallel lists of a subgraph_adjacency row.
COLUMNS = ("ids", "from_ids", "to_ids", "kinds")
KIND_FIELDS = 9  # of a `kinds` text, before its source ids: see kind_of_text
TYPE_LABEL = "OrganisationType"  # neighbours with it come first when the cap bites
HEAD = ("id", "type", "from", "to")  # what an edge's brief has of its own; the rest is its kind's
HUB_EDGES = 64  # a node with more edges of a kind than this keeps them ranked (Adjacency._ranked)
PAGE = 1000  # entities whose relationships one subgraph_adjacency read asks for (the catalogue's list cap)



@dataclass(frozen=True, slots=True)
class Kind:
    """What relationships share, besides their id and ends: few distinct
    ones (at 565,000 relationships, about 95,000), so each is kept once."""

    span: Span
    derived: bool
    event: bool
    type: str
    date: str | None
    quantifier: str | None
    source_ids: tuple[str, ...]


@dataclass(frozen=True)
class Walk:
    """What the neighbourhood walk found: node ids in the order reached, and
    the edges (indexes into the adjacency, in id order)."""

    ids: list[str]
    edges: list[int]
    truncated: bool


def breadth_first(seed: N, depth: int, max_nodes: int, from_seed: bool, hop: Callable[[list[N], set[N]], Iterable[N]]) -> tuple[list[N], set[N], bool]:
    """The neighbourhood walk's frame, for the engine and for memory alike:
    up to `depth` hops from the seed (none when not `from_seed`: a seed that
    does not hold stands alone), `hop(frontier, known)` giving the next
    nodes in the order the cap keeps them (known ones are skipped), at most
    `max_nodes` in all. (nodes in the order reached, the same as a set,
    whether the cap bit)."""
    seen = [seed]
    known = {seed}
    frontier = [seed] if from_seed else []
    truncated = False
    for _ in range(depth):
        if not frontier:
            break
        room = max_nodes - len(seen)
        # One more than there is room for tells whether the cap bites; a hop
        # that yields lazily (memory's) stops there.
        new = list(islice((n for n in hop(frontier, known) if n not in known), room + 1))
        if len(new) > room:
            new, truncated = new[:room], True
        seen.extend(new)
        known.update(new)
        frontier = new
    return seen, known, truncated


def _csr(ends: array, nodes: int) -> tuple[array, array]:
    """Edge indexes grouped by node (compressed rows): node i's edges are
    edges[starts[i]:starts[i + 1]], in edge (id) order."""
    counts = [0] * (nodes + 1)
    for node in ends:
        counts[node + 1] += 1
    for i in range(nodes):
        counts[i + 1] += counts[i]
    starts = array("i", counts)
    fill = counts[:-1]
    edges = array("i", bytes(4 * len(ends)))
    for edge, node in enumerate(ends):
        edges[fill[node]] = edge
        fill[node] += 1
    return starts, edges


def kind_of_text(rel_type: str, text: str, keep: Callable[[Any, Any], Any] = lambda value, _: value) -> Kind:
    """A subgraph_adjacency `kinds` text -> its Kind, its span and source
    ids through `keep` (to share equal ones). NotKept when a field
    held the '|' that joins them (the fields do not add up): the engine
    then answers /subgraph, as for a graph too large to keep."""
    fields = text.split("|")
    if not fields[KIND_FIELDS - 1].isdigit() or len(fields) != KIND_FIELDS + int(fields[KIND_FIELDS - 1]):
        raise NotKept(f"a {rel_type} relationship's dates, status, quantifier or source ids hold '|': {text[:200]!r}")
    valid_from, valid_to, status, undated, derived, event, date, quantifier = fields[: KIND_FIELDS - 1]
    span = (valid_from or None, valid_to or None, status or None, undated == "true")
    source_ids = tuple(fields[KIND_FIELDS:])
    return Kind(keep(span, span), derived == "true", event == "true", rel_type, date or None, quantifier or None, keep(source_ids, source_ids))


class Adjacency:
    """Every relationship between entities of one graph build, by node."""

    def __init__(self, directory: Directory, rows: Iterable[dict[str, Any]]) -> None:
        """`directory`: the search directory of the same build (node briefs,
        labels, spans); `rows`: subgraph_adjacency rows (any number of pages)."""
        self.build = directory.build
        self.directory = directory
        self.slot_of = directory.slot_of
        self.is_type = bytes(TYPE_LABEL in labels for labels in directory.labels)
        self.kinds: list[Kind] = []
        shared: dict[Any, Any] = {}  # one object per distinct span and source ids
        keep = shared.setdefault
        kind_of: dict[tuple[str, str], int] = {}  # by (type, kinds text)
        rel_ids: list[str] = []
        sources: list[int] = []
        targets: list[int] = []
        numbers: list[int] = []
        slot_of = self.slot_of
        for group in rows:
            rel_type = keep(group["type"], group["type"])
            rel_ids += group["ids"]
            sources += map(slot_of.__getitem__, group["from_ids"])
            targets += map(slot_of.__getitem__, group["to_ids"])
            for text in group["kinds"]:
                number = kind_of.get((rel_type, text))
                if number is None:
                    number = kind_of[rel_type, text] = len(self.kinds)
                    self.kinds.append(kind_of_text(rel_type, text, keep))
                numbers.append(number)
        del kind_of, shared
        order = sorted(range(len(rel_ids)), key=rel_ids.__getitem__)  # subgraph_edge_briefs' ORDER BY r.id
        # Relationship ids, one string: edge e's is id_text[id_at[e]:id_at[e + 1]].
        self.id_text = "".join([rel_ids[e] for e in order])
        self.id_at = array("q", accumulate((len(rel_ids[e]) for e in order), initial=0))
        del rel_ids
        self.sources = array("i", [sources[e] for e in order])
        self.targets = array("i", [targets[e] for e in order])
        self.kind = array("i", [numbers[e] for e in order])
        del sources, targets, numbers, order
        nodes = len(directory.ids)
        self.out_starts, self.out_edges = _csr(self.sources, nodes)
        self.in_starts, self.in_edges = _csr(self.targets, nodes)
        self._rank: array | None = None  # _ranks()
        self._hubs: dict[tuple[int, bool], list[tuple[int, int, int]]] = {}  # _ranked() of nodes with many edges
        self._tails: dict[Callable[..., Any], dict[int, dict[str, Any] | None]] = {}  # edge_briefs(): by shape, each kind's rest

    def __len__(self) -> int:
        return len(self.sources)

    def edge_id(self, e: int) -> str:
        return self.id_text[self.id_at[e] : self.id_at[e + 1]]

    def slot(self, node_id: str) -> int | None:
        return self.slot_of.get(node_id)

    def node_holds(self, node_id: str, window: Window) -> bool:
        """The seed's test (the route's holds(...) on its record)."""
        return span_verdicts(window)(self.directory.spans[self.slot_of[node_id]])

    def _ranks(self) -> array:
        """Each node's place in the order a hop lists neighbours in: types
        first, then by id (read once per adjacency, on the first walk)."""
        if self._rank is None:
            ids, is_type = self.directory.ids, self.is_type
            order = sorted(range(len(ids)), key=lambda n: (1 - is_type[n], ids[n]))
            rank = array("i", bytes(4 * len(ids)))
            for place, node in enumerate(order):
                rank[node] = place
            self._rank = rank
        return self._rank

    def _ranked(self, node: int, derived: bool) -> list[tuple[int, int, int]]:
        """The node's edges, either direction, stated or derived ones, as
        (rank of the other end, the other end, edge) in rank order. Kept for
        nodes with many edges (a type and its instances), sorted anew for the others."""
        key = (node, derived)
        found = self._hubs.get(key)
        if found is not None:
            return found
        ranks, kinds, kind_of = self._ranks(), self.kinds, self.kind
        out = [
            (ranks[other], other, e)
            for starts, edges, ends in ((self.out_starts, self.out_edges, self.targets), (self.in_starts, self.in_edges, self.sources))
            for e in edges[starts[node] : starts[node + 1]]
            if kinds[kind_of[e]].derived is derived
            for other in (ends[e],)
        ]
        out.sort()
        if len(out) > HUB_EDGES:
            self._hubs[key] = out
        return out

    def walk(self, seed: str, depth: int, window: Window, labels: Iterable[str] | None, max_nodes: int, max_edges: int, seed_holds: bool) -> Walk:
        """queries.answers.neighbourhood's walk (see the module docstring);
        the seed must be a node of this build."""
        verdict = span_verdicts(window)
        kinds = self.kinds
        kind_holds: dict[int, bool] = {}  # by kind: whether its span holds
        directory = self.directory
        node_spans, node_labels, ids = directory.spans, directory.labels, directory.ids
        targets, kind_of = self.targets, self.kind
        wanted = frozenset(labels) if labels else None

        def edge_holds(e: int) -> bool:
            k = kind_of[e]
            ok = kind_holds.get(k)
            if ok is None:
                ok = kind_holds[k] = verdict(kinds[k].span)
            return ok

        def qualifies(e: int, other: int) -> bool:
            if not edge_holds(e):
                return False
            if not kinds[kind_of[e]].event and not verdict(node_spans[other]):
                return False
            return wanted is None or not wanted.isdisjoint(node_labels[other])

        def hop(frontier: list[int], known: set[int]) -> Iterator[int]:
            # The catalogue's order: neighbours reached through a stated edge
            # first, then those reached only through derived ones; within
            # each, types first, then by id. Each frontier node's edges are
            # taken in that order (_ranked), merged, and the walk stops the
            # hop when it has what it keeps: a type with 30,000 instances
            # costs what the cap keeps of them, not all of them.
            emitted: set[int] = set()
            for derived in (False, True):
                for _, other, e in merge(*(self._ranked(node, derived) for node in frontier)):
                    if other not in known and other not in emitted and qualifies(e, other):
                        emitted.add(other)
                        yield other

        seen, known, truncated = breadth_first(self.slot_of[seed], depth, max_nodes, seed_holds, hop)
        found: list[int] = []
        out_starts, out_edges = self.out_starts, self.out_edges
        for node in seen:
            for e in out_edges[out_starts[node] : out_starts[node + 1]]:
                if targets[e] in known and edge_holds(e):
                    found.append(e)
        found.sort()
        if len(found) > max_edges:
            found, truncated = found[:max_edges], True
        return Walk([ids[n] for n in seen], found, truncated)

    def node_briefs(self, node_ids: list[str]) -> list[dict[str, Any]]:
        """entity_briefs rows of these ids, by id."""
        directory = self.directory
        out = []
        for node_id in sorted(node_ids):
            slot = self.slot_of[node_id]
            valid_from, valid_to, status, _ = directory.spans[slot]
            out.append({"id": node_id, "name": directory.names[slot], "labels": list(directory.labels[slot]), "valid_from": valid_from, "valid_to": valid_to, "status": status})
        return out

    def edge_row(self, e: int) -> dict[str, Any]:
        """The subgraph_edge_briefs row of an edge (flags unset are None or False)."""
        kind = self.kinds[self.kind[e]]
        valid_from, valid_to, status, _ = kind.span
        ids = self.directory.ids
        return {
            "id": self.edge_id(e),
            "valid_from": valid_from,
            "valid_to": valid_to,
            "status": status,
            "source_ids": list(kind.source_ids),
            "derived": kind.derived,
            "event": kind.event,
            "date": kind.date,
            "quantifier": kind.quantifier,
            "type": kind.type,
            "from": ids[self.sources[e]],
            "to": ids[self.targets[e]],
        }

    def edge_briefs(self, edges: list[int], shape: Callable[[dict[str, Any]], dict[str, Any]] | None = None) -> list[Any]:
        """The edges' subgraph_edge_briefs rows, or shape(row) of each. A
        shape that leads with the row's id, type, from and to as they are
        (api.serialise.relationship_brief) is asked once per kind and kept
        with the adjacency, and each edge's brief is its id, type and ends
        then the kind's rest: building a dict per edge twice was a third of
        a depth-2 request (at 100,000 organisations nearly every edge is a
        kind of its own, so the rests are kept across requests)."""
        if shape is None:
            return [self.edge_row(e) for e in edges]
        ids, sources, targets, kind_of, kinds = self.directory.ids, self.sources, self.targets, self.kind, self.kinds
        id_text, id_at = self.id_text, self.id_at
        tails = self._tails.setdefault(shape, {})
        out = []
        for e in edges:
            k = kind_of[e]
            if k in tails:
                tail = tails[k]
            else:
                row = self.edge_row(e)
                shaped = shape(row)
                head = list(shaped)[: len(HEAD)]
                leads = head == list(HEAD) and all(shaped[key] == row[key] for key in HEAD)
                tail = tails[k] = {key: value for key, value in shaped.items() if key not in HEAD} if leads else None
            if tail is None:
                out.append(shape(self.edge_row(e)))
            else:
                out.append({"id": id_text[id_at[e] : id_at[e + 1]], "type": kinds[k].type, "from": ids[sources[e]], "to": ids[targets[e]], **tail})
        return out


def read_adjacency(store: "GraphStore", build: str, max_relationships: int) -> Adjacency:
    """Read the adjacency of the live graph, labelled `build` (read before),
    with the search directory of that build (read now when not held), a
    page of entities at a time (no one large read holds the engine, nor a
    large reply the worker's memory). NotKept when the graph has more than
    `max_relationships`; UserError when the graph changed meanwhile (the
    next request tries again)."""
    from nhskg.queries.answers import ask  # answers imports this module

    (count,) = ask(store, "relationship_count")
    if count["count"] > max_relationships:
        raise NotKept(f"{count['count']} relationships, more than the {max_relationships} kept in memory")
    directory = DIRECTORIES.require(store, build)
    ids = directory.ids
    pages = (ask(store, "subgraph_adjacency", ids=ids[i : i + PAGE]) for i in range(0, len(ids), PAGE))
    adjacency = Adjacency(directory, (row for page in pages for row in page))
    still_live(store, build, "adjacency was")
    return adjacency


# This worker's adjacencies; nothing is read until a /subgraph asks.
ADJACENCIES: PerBuild[Adjacency] = PerBuild(read_adjacency, "subgraph adjacency")
