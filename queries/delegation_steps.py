"""The delegation steps: /paths/delegation walked in memory, one set per graph build.

The catalogue query `delegation_paths` finds a chain's first body by
scanning every entity (its ends are matched through lists, which no index
answers): 60-90 ms of engine time a request at 100,000 organisations, for a
walk over a handful of relationships (DELEGATES_TO are derived from
Delegation records: 10 on the real graph, 24 at 100,000 organisations).
Each worker process reads every DELEGATES_TO relationship with its ends'
records, and the briefs of the ids the steps name, once per graph build
(`delegation_steps`, `entity_briefs`), and walks them in memory. A request
reads only its ends (`delegation_path_ends`: index lookups, asked in one
round trip with the check that the ids exist).

The walk is delegation_paths', spelled in Python
(tests/test_delegation_steps.py holds the two to the same answers):

- a chain is 1 to 6 DELEGATES_TO steps from an entity to an entity, every
  step and node on it holding in the window (nhskg.core.timescope.holds,
  the one rule in Python), every step covering the service when one is
  asked (one of its services is the service or a PART_OF ancestor);
- its first body is the delegator or one of its types when a delegator is
  asked, else one that no qualifying step (from an entity holding in the
  window) comes into; its last likewise with the delegate, or one that no
  qualifying step leaves (to an entity holding);
- FalkorDB's variable-length walk does not go on from a node already on
  the chain (a chain may end where it began; it never loops further), and
  neither does this one. A chain that ends where it began (only when both
  ends are asked for: an open end has nothing coming in, or nothing going
  out) is given as it runs, where FalkorDB 4.x may list it backwards; no
  graph built from the knowledge base has such a loop;
- chains by length, first body's id, last body's id, then the steps'
  relationship ids; at most `limit`.

Loading, build keys and the engine answering meanwhile are as for the
search directory and the subgraph adjacency (nhskg.queries.directory
PerBuild): a worker loads the steps in a background thread the first time
a /paths/delegation meets a build it has none for, and the catalogue query
answers until then. A graph with more than MAX_STEPS of them is never held.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nhskg.core.timescope import Window, holds
from nhskg.queries.answers import ask
from nhskg.queries.directory import NotKept, PerBuild, still_live

if TYPE_CHECKING:
    from nhskg.graph.store import GraphStore

MAX_LENGTH = 6  # steps in a chain (delegation_paths' *1..6)
MAX_STEPS = 50_000  # more DELEGATES_TO than this and the engine answers
PAGE = 1000  # ids one entity_briefs read asks for (the catalogue's list cap)


@dataclass(frozen=True)
class Ends:
    """A delegation_path_ends row: what the ends and steps are matched against."""

    covering: frozenset[str]  # the service and its ancestors (empty: no service asked)
    froms: frozenset[str]  # the delegator and its types (empty: none asked)
    tos: frozenset[str]  # the delegate and its types (empty: none asked)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> "Ends":
        return cls(*(frozenset(i for i in row[key] if i is not None) for key in ("covering", "froms", "tos")))


class DelegationSteps:
    """Every DELEGATES_TO relationship of one graph build, by node."""

    def __init__(self, build: str, rows: list[dict[str, Any]], briefs: list[dict[str, Any]]) -> None:
        """`rows`: the delegation_steps rows; `briefs`: the entity_briefs rows
        of every id the steps name (named_ids)."""
        self.build = build
        self.briefs: dict[str, dict[str, Any]] = {r["id"]: r for r in briefs}
        self.steps: list[dict[str, Any]] = [r["relationship"] for r in rows]
        self.nodes: dict[str, dict[str, Any]] = {}
        for r in rows:
            for node in (r["from_node"], r["to_node"]):
                self.nodes[node["id"]] = node
        self.entities = frozenset(i for i, node in self.nodes.items() if "Entity" in node["labels"])
        self.out: dict[str, list[int]] = {}
        self.into: dict[str, list[int]] = {}
        for number, step in enumerate(self.steps):  # in id order, as read
            self.out.setdefault(step["from"], []).append(number)
            self.into.setdefault(step["to"], []).append(number)

    def __len__(self) -> int:
        return len(self.steps)

    def paths(self, window: Window, ends: Ends, delegator: str | None, delegate: str | None, service: str | None, limit: int) -> list[dict[str, Any]]:
        """delegation_paths' rows (nodes and relationships of each chain), in its order, at most `limit`."""
        steps, nodes, entities = self.steps, self.nodes, self.entities
        node_holds = {i: holds(node, window) for i, node in nodes.items()}
        qualifies = [holds(step, window) and (service is None or any(s in ends.covering for s in step.get("services") or [])) for step in steps]

        def open_end(node_id: str, edges: dict[str, list[int]], other: str) -> bool:
            """No qualifying step, from (or to) an entity that holds, comes in (or goes out)."""
            return not any(qualifies[n] and steps[n][other] in entities and node_holds[steps[n][other]] for n in edges.get(node_id, ()))

        def first(node_id: str) -> bool:
            return node_id in entities and (node_id in ends.froms if delegator is not None else open_end(node_id, self.into, "from"))

        def last(node_id: str) -> bool:
            return node_id in entities and (node_id in ends.tos if delegate is not None else open_end(node_id, self.out, "to"))

        found: list[tuple[int, str, str, list[str], list[int]]] = []
        for start in self.out:
            if first(start) and node_holds[start]:
                for chain in self._chains(start, qualifies, node_holds):
                    end = steps[chain[-1]]["to"]
                    if last(end):
                        found.append((len(chain), start, end, [steps[n]["id"] for n in chain], chain))
        found.sort(key=lambda f: f[:4])
        return [self._row(f[1], f[4]) for f in found[:limit]]

    def _chains(self, start: str, qualifies: list[bool], node_holds: dict[str, bool]) -> Iterator[list[int]]:
        """Every chain of qualifying steps from `start` through nodes that
        hold, up to MAX_LENGTH; a chain that reaches a node already on it
        ends there (the engine's variable-length walk)."""
        steps, out = self.steps, self.out
        stack: list[tuple[list[int], list[str]]] = [([], [start])]
        while stack:
            chain, on_chain = stack.pop()
            for n in out.get(on_chain[-1], ()):
                to = steps[n]["to"]
                if not (qualifies[n] and node_holds[to]):
                    continue
                longer = [*chain, n]
                yield longer
                if len(longer) < MAX_LENGTH and to not in on_chain:
                    stack.append((longer, [*on_chain, to]))

    def _row(self, start: str, chain: list[int]) -> dict[str, Any]:
        nodes = [self.nodes[start], *(self.nodes[self.steps[n]["to"]] for n in chain)]
        return {"nodes": nodes, "relationships": [self.steps[n] for n in chain]}


def named_ids(step: dict[str, Any]) -> set[str | None]:
    """The ids a step names that /paths/delegation gives as briefs."""
    return {step.get("delegation_id"), step.get("power"), step.get("accountability_retained_by"), step["from"], *(step.get("services") or [])}


def read_steps(store: "GraphStore", build: str) -> DelegationSteps:
    """Read the delegation steps of the live graph, labelled `build` (read
    before), and the briefs of what they name. NotKept when the graph has
    more than MAX_STEPS; UserError when the graph changed meanwhile (the
    next request tries again)."""
    rows = ask(store, "delegation_steps", limit=MAX_STEPS + 1)
    if len(rows) > MAX_STEPS:
        raise NotKept(f"more than {MAX_STEPS} DELEGATES_TO relationships")
    wanted = sorted({i for r in rows for i in named_ids(r["relationship"]) if i})
    briefs = [b for i in range(0, len(wanted), PAGE) for b in ask(store, "entity_briefs", ids=wanted[i : i + PAGE])]
    still_live(store, build, "delegation steps were")
    return DelegationSteps(build, rows, briefs)


# This worker's delegation steps; nothing is read until a /paths/delegation asks.
STEPS: PerBuild[DelegationSteps] = PerBuild(read_steps, "delegation steps")
