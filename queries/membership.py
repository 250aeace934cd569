"""How many bodies a type's row stands for (DESIGN "Membership is data").

A type's row in an answer ("CCGs with delegated primary care commission
primary medical services") stands for a set of real bodies. The graph knows
that set in one of three ways, and an answer says which: every body named
(membership by rule, or the type's own instances), some named and a cited
count of the whole (a partial published list beside a board paper's figure),
or only a figure; and when it knows neither, the row says it stands for an
unknown set rather than looking like an answer with no bodies.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from nhskg.core.timescope import Window
from nhskg.graph.store import GraphStore


def type_counts(store: GraphStore, type_ids: Iterable[str], window: Window) -> dict[str, dict[str, Any]]:
    """The cited count of each type in the window (the latest that holds), by type id."""
    from nhskg.queries.run import ask

    ids = sorted(set(type_ids))
    if not ids:
        return {}
    out: dict[str, dict[str, Any]] = {}
    for row in ask(store, "type_counts", window, ids=ids):
        out[row["type_id"]] = row["count"]  # ordered by start: the latest wins
    return out


def stands_for(known: int, count: dict[str, Any] | None, some: bool) -> dict[str, Any]:
    """What a type's row stands for: `known` bodies named in the graph, the
    cited `count` (a Count record) if any; `some`: the fact is about some of
    the type's bodies (a quantifier some / may, or an addition)."""
    value = count.get("value") if count else None
    if value is not None and known >= value:
        note = f"every one of the {value} bodies is named"
    elif value is not None:
        approx = "about " if count.get("approximate") else ""
        note = f"{known} named of {approx}{value} (cited count {count['id']}); the others are not named in the graph"
    elif known:
        note = f"{known} bodies named; no published count of the whole was found" if some else f"{known} bodies named"
    else:
        note = "an unknown set of bodies: none is named in the graph and no published count was found" if some else "no real body of the type holds this fact in the window"
    return {
        "known": known,
        "count": value,
        "count_id": count.get("id") if count else None,
        "approximate": count.get("approximate") if count else None,
        "note": note,
    }
