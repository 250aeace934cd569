"""The neighbourhood walk behind /subgraph: breadth-first from a seed, one
catalogue query a hop (subgraph_neighbours), then the induced edges."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import islice
from typing import Any

from nhskg.core.timescope import Window
from nhskg.graph.store import GraphStore
from nhskg.queries.run import ask


@dataclass
class Neighbourhood:
    ids: list[str]
    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    truncated: bool


def neighbourhood(
    store: GraphStore,
    seed: str,
    depth: int,
    window: Window,
    labels: Iterable[str] | None,
    max_nodes: int,
    max_edges: int,
    seed_holds: bool = True,
    full_nodes: bool = True,
    full_edges: bool = True,
    edge_shape: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> Neighbourhood:
    """Breadth-first from the seed, one catalogue query per hop, then the
    induced edges. The seed is always included, but walked from only when it
    holds in the window. Nodes and edges are full records (every property,
    evidence included) or briefs (entity_briefs rows; subgraph_edge_briefs
    rows, which keep each edge's id and source ids).
    `edge_shape`: what each edge row is given as (the route's brief or
    record; the rows themselves when None)."""
    label_list = list(labels) if labels else None

    def hop(frontier: list[str], known: set[str]) -> list[str]:
        rows = ask(store, "subgraph_neighbours", window, ids=frontier, labels=label_list, limit=max_nodes + len(known) + 1)
        return [r["id"] for r in rows]

    seen, _, truncated = breadth_first(seed, depth, max_nodes, seed_holds, hop)
    if full_nodes:
        nodes = [r["node"] for r in ask(store, "subgraph_nodes", ids=seen)]
    else:
        nodes = sorted(ask(store, "entity_briefs", ids=seen), key=lambda r: r["id"])
    edge_query = "subgraph_edges" if full_edges else "subgraph_edge_briefs"
    edges = [r["edge"] for r in ask(store, edge_query, window, ids=seen, limit=max_edges + 1)]
    if len(edges) > max_edges:
        edges, truncated = edges[:max_edges], True
    if edge_shape is not None:
        edges = [edge_shape(e) for e in edges]
    return Neighbourhood(seen, nodes, edges, truncated)


def breadth_first(seed: str, depth: int, max_nodes: int, from_seed: bool, hop: Callable[[list[str], set[str]], Iterable[str]]) -> tuple[list[str], set[str], bool]:
    """The neighbourhood walk's frame: up to `depth` hops from the seed (none
    when not `from_seed`: a seed that does not hold stands alone), `hop(frontier,
    known)` giving the next nodes in the order the cap keeps them (known ones
    are skipped), at most `max_nodes` in all. (nodes in the order reached,
    the same as a set, whether the cap bit)."""
    seen = [seed]
    known = {seed}
    frontier = [seed] if from_seed else []
    truncated = False
    for _ in range(depth):
        if not frontier:
            break
        room = max_nodes - len(seen)
        # One more than there is room for tells whether the cap bites.
        new = list(islice((n for n in hop(frontier, known) if n not in known), room + 1))
        if len(new) > room:
            new, truncated = new[:room], True
        seen.extend(new)
        known.update(new)
        frontier = new
    return seen, known, truncated
