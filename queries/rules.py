"""The domain rules applied to what the catalogue's queries return:

- delegation does not move accountability: the body that stays accountable
  is the record's `accountability_retained_by`, else the delegator;
- the statute behind a succession step: stated on the step, else inferred
  from what abolished the predecessor or established the successor;
- who answers to a body: each body once, with its shortest chain;
- what an Act did: each fact it rests on named as an effect.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from nhskg.core.timescope import Window
from nhskg.graph.store import GraphStore
from nhskg.queries.run import ask


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


# --- who answers to a body ------------------------------------------------------


@dataclass
class Answering:
    rows: list[dict[str, Any]]  # the page asked for
    total: int  # every body that answers, on any page
    truncated: bool = False  # kept in the answer's shape: every body is counted now


def accountable_bodies(store: GraphStore, body_id: str, window: Window, limit: int, offset: int = 0) -> Answering:
    """Everyone who answers to the body, transitively, each once with its
    shortest chain (`via`: the bodies in between, nearest first), ordered by
    distance, name (case-insensitive) and id: the page from `offset`. The
    engine keeps the shortest chain of each body and cuts the page
    (accountable_bodies_page), so only the page crosses the wire."""
    found = ask(store, "accountable_bodies_page", window, id=body_id, limit=limit, offset=offset)
    if not found:
        return Answering([], 0)
    rows = [{**r, "distance": int(r["distance"])} for r in found[0]["items"]]
    return Answering(rows, int(found[0]["total"]))


# --- what an Act did ------------------------------------------------------------

# (relationship type, whether the statute is the end node) -> the effect's name
EFFECTS = {
    "ESTABLISHED_BY": "established",
    "ABOLISHED_BY": "abolished",
    "ENABLED_BY": "enabled",
    "UNDER_POWER": "delegation_under_power",
    "SUCCEEDED_BY": "succession",
    "RENAMED_TO": "renamed",
    "COMMISSIONS": "conferred_commissioning",
    "SETS_OUT": "set_out",
    "APPLIES_TO": "applies_to",
}


def statute_effects(store: GraphStore, statute_id: str, window: Window) -> list[dict[str, Any]]:
    """What a statute did, one item a fact: the effect, the entity affected
    (for a succession or renaming, the body before; `other` the body after;
    for conferred commissioning, the commissioner, `other` the service)."""
    out = []
    for row in ask(store, "statute_effects", window, id=statute_id):
        kind = row["type"]
        rel = row["relationship"]
        if kind in ("SETS_OUT", "APPLIES_TO"):
            entity, other = row["end"], None
        elif kind in ("SUCCEEDED_BY", "RENAMED_TO", "COMMISSIONS"):
            entity, other = row["start"], row["end"]
        else:
            entity, other = row["start"], None
        out.append(
            {
                "effect": EFFECTS[kind],
                "entity": entity,
                "other": other,
                "date": rel.get("date") or rel.get("valid_from"),
                "valid_to": None if rel.get("event") else rel.get("valid_to"),
                "status": rel.get("status") or "in_force",
                "through": row["act"] if row["act"] != statute_id else None,
                "relationship": rel,
            }
        )
    return out
