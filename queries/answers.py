"""Answers that take more than one catalogue query, and the domain rules they
apply, in one place (routes only render them; the client and notebooks can
call them too):

- the service hierarchy: a part is answered by the commissioners of its
  nearest ancestor that has any, unless something more specific (its own
  commissioning, or a delegation that names it) covers it in the window;
- delegation does not move accountability: the body that stays accountable
  is the record's `accountability_retained_by`, else the delegator;
- the statute behind a succession step: stated on the step, else inferred
  from what abolished the predecessor or established the successor;
- the neighbourhood walk behind /subgraph (breadth-first, one query a hop).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from nhskg.core.timescope import Window
from nhskg.graph.store import GraphStore
from nhskg.queries.catalogue import load_catalogue
from nhskg.queries.catalogue import run as run_named


def ask(store: GraphStore, name: str, /, window: Window | None = None, **params: Any) -> list[dict[str, Any]]:
    """Run catalogue query `name` with parameters checked by the catalogue
    (UserError naming the parameter); a windowed query gets `window`."""
    entry = load_catalogue().get(name)
    raw = dict(params)
    if entry.windowed and window is not None:
        raw["window"] = window
    return run_named(store, name, entry.coerce(raw))


# --- the service hierarchy ------------------------------------------------------


@dataclass
class CommissionerRow:
    commissioner: dict[str, Any]
    relationship: dict[str, Any]
    service_id: str
    via: dict[str, Any] | None = None  # the part commissioned (include_parts)
    from_parent: dict[str, Any] | None = None  # the ancestor whose commissioner answers for the service
    depth: int = 0


@dataclass
class Commissioners:
    rows: list[CommissionerRow] = field(default_factory=list)
    ancestors: list[dict[str, Any]] = field(default_factory=list)


def service_commissioners(store: GraphStore, service_id: str, window: Window, include_parts: bool = True) -> Commissioners:
    lineage = ask(store, "service_lineage", window, id=service_id, include_parts=include_parts)
    parts = sorted((p for p in (lineage[0]["parts"] if lineage else []) if p), key=lambda p: (p["depth"], p["id"]))
    ancestors = sorted((a for a in (lineage[0]["ancestors"] if lineage else []) if a), key=lambda a: (a["distance"], a["id"]))
    wanted = [service_id, *(p["id"] for p in parts), *(a["id"] for a in ancestors)]
    by_service: dict[str, list[dict[str, Any]]] = {}
    for row in ask(store, "service_commissioners", window, ids=wanted):
        by_service.setdefault(row["service_id"], []).append(row)

    out = Commissioners(ancestors=ancestors)
    own = by_service.get(service_id, [])
    if own:
        out.rows.extend(CommissionerRow(r["commissioner"], r["relationship"], service_id) for r in own)
    else:
        # Nothing more specific covers the service: its nearest ancestor with
        # commissioners answers for it (dental services <- primary care).
        for anc in ancestors:
            found = by_service.get(anc["id"], [])
            if found:
                out.rows.extend(
                    CommissionerRow(r["commissioner"], r["relationship"], service_id, from_parent={"id": anc["id"], "name": anc["name"]}, depth=-anc["distance"])
                    for r in found
                )
                break
    for part in parts:
        out.rows.extend(
            CommissionerRow(r["commissioner"], r["relationship"], part["id"], via={"id": part["id"], "name": part["name"]}, depth=part["depth"])
            for r in by_service.get(part["id"], [])
        )
    return out


# --- delegation and accountability ----------------------------------------------


def accountable_for(delegation: Mapping[str, Any]) -> tuple[str | None, bool]:
    """(who stays accountable, whether the record says so). Delegation does
    not move accountability, so an unstated record falls back to the delegator."""
    stated = delegation.get("accountability_retained_by")
    return (stated or delegation.get("by") or delegation.get("from")), bool(stated)


# --- succession -----------------------------------------------------------------


def _is_statute(link: Mapping[str, Any]) -> bool:
    return bool({"Statute", "StatuteSection"} & set(link["statute"].get("labels") or []))


def statute_for_step(step: Mapping[str, Any], links: Mapping[str, list[dict[str, Any]]]) -> tuple[str | None, str | None]:
    """(statute id, basis) behind a SUCCEEDED_BY / RENAMED_TO step: `stated`
    on the step, else inferred from the predecessor's ABOLISHED_BY or the
    successor's ESTABLISHED_BY (`abolished_by` / `established_by`)."""
    if step.get("statute"):
        return step["statute"], "stated"
    abolished = [l for l in links.get(step["from"], []) if l["relationship"]["type"] == "ABOLISHED_BY" and _is_statute(l)]
    established = [l for l in links.get(step["to"], []) if l["relationship"]["type"] == "ESTABLISHED_BY" and _is_statute(l)]
    both = [l for l in abolished if l["statute"]["id"] in {e["statute"]["id"] for e in established}]
    for chosen, basis in ((both, "abolished_by"), (abolished, "abolished_by"), (established, "established_by")):
        if chosen:
            return chosen[0]["statute"]["id"], basis
    return None, None


# --- the neighbourhood walk ---------------------------------------------------------


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
) -> Neighbourhood:
    """Breadth-first from the seed, one catalogue query per hop, then the
    induced edges. The seed is always included, but walked from only when it
    holds in the window."""
    label_list = list(labels) if labels else None
    seen: list[str] = [seed]
    known = {seed}
    frontier = [seed] if seed_holds else []
    truncated = False
    for _ in range(depth):
        if not frontier:
            break
        rows = ask(store, "subgraph_neighbours", window, ids=frontier, labels=label_list, limit=max_nodes + len(seen) + 1)
        new = [r["id"] for r in rows if r["id"] not in known]
        room = max_nodes - len(seen)
        if len(new) > room:
            new, truncated = new[:room], True
        seen.extend(new)
        known.update(new)
        frontier = new
    nodes = [r["node"] for r in ask(store, "subgraph_nodes", ids=seen)]
    edges = [r["edge"] for r in ask(store, "subgraph_edges", window, ids=seen, limit=max_edges + 1)]
    if len(edges) > max_edges:
        edges, truncated = edges[:max_edges], True
    return Neighbourhood(seen, nodes, edges, truncated)
