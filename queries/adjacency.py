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
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nhskg.core.timescope import Window, holds
from nhskg.queries.directory import DIRECTORIES, Directory, PerBuild

if TYPE_CHECKING:
    from nhskg.graph.store import GraphStore

log = logging.getLogger(__name__)

# The parallel lists of a subgraph_adjacency row.
COLUMNS = ("ids", "from_ids", "to_ids", "valid_from", "valid_to", "statuses", "undated", "derived", "event", "dates", "quantifiers", "source_ids")
TYPE_LABEL = "OrganisationType"  # neighbours with it come first when the cap bites

# A (valid_from, valid_to, status, undated) span, as the window rule reads it.
Span = tuple[str | None, str | None, str | None, bool]


@dataclass(frozen=True)
class Walk:
    """What the neighbourhood walk found: node ids in the order reached, and
    the edges (indexes into the adjacency, in id order)."""

    ids: list[str]
    edges: list[int]
    truncated: bool


class _Verdicts:
    """The window rule, once per distinct span met in one request."""

    def __init__(self, window: Window) -> None:
        self.window = window
        self.known: dict[Span, bool] = {}

    def __call__(self, span: Span) -> bool:
        verdict = self.known.get(span)
        if verdict is None:
            verdict = self.known[span] = holds({"valid_from": span[0], "valid_to": span[1], "status": span[2], "undated": span[3]}, self.window)
        return verdict


def _csr(ends: array, nodes: int) -> tuple[array, array]:
    """Edge indexes grouped by node (compressed rows): node i's edges are
    edges[starts[i]:starts[i + 1]], in edge (id) order."""
    counts = [0] * (nodes + 1)
    for node in ends:
        counts[node + 1] += 1
    for i in range(nodes):
        counts[i + 1] += counts[i]
    starts = array("i", counts)
    fill = list(counts[:-1])
    edges = array("i", bytes(4 * len(ends)))
    for edge, node in enumerate(ends):
        edges[fill[node]] = edge
        fill[node] += 1
    return starts, edges


class Adjacency:
    """Every relationship between entities of one graph build, by node."""

    def __init__(self, directory: Directory, rows: list[dict[str, Any]]) -> None:
        """`directory`: the search directory of the same build (node briefs,
        labels, spans); `rows`: the subgraph_adjacency rows (one per type)."""
        self.build = directory.build
        self.directory = directory
        self.slot_of: dict[str, int] = {node_id: slot for slot, node_id in enumerate(directory.ids)}
        self.is_type = bytes(TYPE_LABEL in labels for labels in directory.labels)
        # Repeated values (dates, statuses, types, source-id lists, spans) are
        # one object each: at 565,000 relationships most are repeats.
        shared: dict[Any, Any] = {}
        keep = shared.setdefault
        flat: dict[str, list[Any]] = {column: [] for column in COLUMNS}
        types: list[str] = []
        for group in rows:
            for column in COLUMNS:
                flat[column].extend(group[column])
            types.extend([keep(group["type"], group["type"])] * len(group["ids"]))
        order = sorted(range(len(types)), key=flat["ids"].__getitem__)  # subgraph_edge_briefs' ORDER BY r.id
        ids, slot_of = flat["ids"], self.slot_of
        self.ids: list[str] = [ids[i] for i in order]
        self.types: list[str] = [types[i] for i in order]
        self.sources: array = array("i", (slot_of[flat["from_ids"][i]] for i in order))
        self.targets: array = array("i", (slot_of[flat["to_ids"][i]] for i in order))
        valid_from, valid_to, statuses, undated = flat["valid_from"], flat["valid_to"], flat["statuses"], flat["undated"]
        self.spans: list[Span] = [
            keep(span, span) for span in ((valid_from[i] or None, valid_to[i] or None, statuses[i] or None, bool(undated[i])) for i in order)
        ]
        self.derived = bytes(flat["derived"][i] is True for i in order)
        self.event = bytes(flat["event"][i] is True for i in order)
        dates, quantifiers, source_ids = flat["dates"], flat["quantifiers"], flat["source_ids"]
        self.dates: list[str | None] = [keep(dates[i], dates[i]) or None for i in order]
        self.quantifiers: list[str | None] = [keep(quantifiers[i], quantifiers[i]) or None for i in order]
        self.source_ids: list[tuple[str, ...]] = [keep(t, t) for t in (tuple(source_ids[i]) for i in order)]
        del flat, shared, order
        nodes = len(directory.ids)
        self.out_starts, self.out_edges = _csr(self.sources, nodes)
        self.in_starts, self.in_edges = _csr(self.targets, nodes)

    def __len__(self) -> int:
        return len(self.ids)

    def slot(self, node_id: str) -> int | None:
        return self.slot_of.get(node_id)

    def node_holds(self, node_id: str, window: Window) -> bool:
        """The seed's test (the route's holds(...) on its record)."""
        span = self.directory.spans[self.slot_of[node_id]]
        return holds({"valid_from": span[0], "valid_to": span[1], "status": span[2], "undated": span[3]}, window)

    def walk(self, seed: str, depth: int, window: Window, labels: Iterable[str] | None, max_nodes: int, max_edges: int, seed_holds: bool) -> Walk:
        """queries.answers.neighbourhood's walk (see the module docstring);
        the seed must be a node of this build."""
        verdict = _Verdicts(window)
        directory = self.directory
        node_spans, node_labels, ids = directory.spans, directory.labels, directory.ids
        edge_spans, sources, targets, derived, event, is_type = self.spans, self.sources, self.targets, self.derived, self.event, self.is_type
        wanted = frozenset(labels) if labels else None
        label_ok: dict[int, bool] = {}
        start = self.slot_of[seed]
        seen = [start]
        known = {start}
        frontier = [start] if seed_holds else []
        truncated = False
        for _ in range(depth):
            if not frontier:
                break
            # neighbour slot -> 0 when some edge reaching it is stated, 1 when all are derived
            reached: dict[int, int] = {}
            for node in frontier:
                for starts, edges, ends in ((self.out_starts, self.out_edges, targets), (self.in_starts, self.in_edges, sources)):
                    for e in edges[starts[node] : starts[node + 1]]:
                        other = ends[e]
                        if other in known or reached.get(other) == 0 or not verdict(edge_spans[e]):
                            continue
                        if not event[e] and not verdict(node_spans[other]):
                            continue
                        if wanted is not None:
                            ok = label_ok.get(other)
                            if ok is None:
                                ok = label_ok[other] = not wanted.isdisjoint(node_labels[other])
                            if not ok:
                                continue
                        reached[other] = derived[e]
            new = sorted(reached, key=lambda n: (reached[n], 1 - is_type[n], ids[n]))
            room = max_nodes - len(seen)
            if len(new) > room:
                new, truncated = new[:room], True
            seen.extend(new)
            known.update(new)
            frontier = new
        inside = known
        found: list[int] = []
        out_starts, out_edges = self.out_starts, self.out_edges
        for node in seen:
            for e in out_edges[out_starts[node] : out_starts[node + 1]]:
                if targets[e] in inside and verdict(edge_spans[e]):
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

    def edge_briefs(self, edges: list[int]) -> list[dict[str, Any]]:
        """subgraph_edge_briefs rows of these edges (flags unset are None or False)."""
        ids = self.directory.ids
        out = []
        for e in edges:
            valid_from, valid_to, status, _ = self.spans[e]
            out.append(
                {
                    "id": self.ids[e],
                    "valid_from": valid_from,
                    "valid_to": valid_to,
                    "status": status,
                    "source_ids": list(self.source_ids[e]),
                    "derived": bool(self.derived[e]),
                    "event": bool(self.event[e]),
                    "date": self.dates[e],
                    "quantifier": self.quantifiers[e],
                    "type": self.types[e],
                    "from": ids[self.sources[e]],
                    "to": ids[self.targets[e]],
                }
            )
        return out


def read_adjacency(store: "GraphStore", build: str) -> Adjacency:
    """Read the adjacency of the live graph, labelled `build` (read before),
    with the search directory of that build (read now when not held)."""
    from nhskg.queries.answers import ask  # answers imports this module

    directory = DIRECTORIES.held(build) or DIRECTORIES.load(store, build)
    return Adjacency(directory, ask(store, "subgraph_adjacency"))


# This worker's adjacencies; nothing is read until a /subgraph asks.
ADJACENCIES: PerBuild[Adjacency] = PerBuild(read_adjacency, "subgraph adjacency")
