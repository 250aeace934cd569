"""Answers that take more than one catalogue query, and the domain rules they
apply, in one place (routes only render them; the client and notebooks can
call them too):

- delegation does not move accountability: the body that stays accountable
  is the record's `accountability_retained_by`, else the delegator;
- the statute behind a succession step: stated on the step, else inferred
  from what abolished the predecessor or established the successor;
- the neighbourhood walk behind /subgraph (breadth-first, one query a hop).

The service hierarchy is in nhskg.queries.hierarchy, running catalogue
queries in nhskg.queries.run (both re-exported here).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping
from itertools import islice
from dataclasses import dataclass
from typing import Any

from nhskg.core.timescope import Window
from nhskg.graph.store import GraphStore
from nhskg.queries.hierarchy import (  # noqa: F401  (re-exported)
    CommissionerRow,
    Commissioners,
    group_instances,
    service_commissioners,
    service_timeline,
)
from nhskg.queries.run import Question, ask, ask_all, ask_all_async, question  # noqa: F401  (re-exported)


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


# --- finding things -------------------------------------------------------------

SIMILAR_CUTOFF = 0.72
# What entity_search's rank numbers mean (`match` in /entities).
RANKS = ("exact", "alias_or_code", "prefix", "contains")


class _Matcher:
    """How close `text` is to a candidate, or to a run of its words of about
    the same length (so "comissioning board" finds "NHS Commissioning
    Board"). difflib's cheap upper bounds skip most candidates, so matching
    thousands of names stays fast."""

    WORD_RUN_WEIGHT = 0.9  # a run of words inside a longer name counts a little less than the whole name

    def __init__(self, text: str, cutoff: float) -> None:
        self.text = text.lower().strip()
        self.width = max(1, len(self.text.split()))
        self.cutoff = cutoff
        self.matcher = difflib.SequenceMatcher(None)
        self.matcher.set_seq2(self.text)  # difflib caches what it learns about seq2

    def _ratio(self, candidate: str, floor: float) -> float:
        self.matcher.set_seq1(candidate)
        if self.matcher.real_quick_ratio() < floor or self.matcher.quick_ratio() < floor:
            return 0.0
        return self.matcher.ratio()

    def score(self, candidate: str) -> float:
        candidate = candidate.lower().strip()
        if not self.text or not candidate:
            return 0.0
        best = self._ratio(candidate, self.cutoff)
        words = candidate.split()
        if len(words) > self.width:
            floor = self.cutoff / self.WORD_RUN_WEIGHT
            for i in range(len(words) - self.width + 1):
                run = " ".join(words[i : i + self.width])
                best = max(best, self.WORD_RUN_WEIGHT * self._ratio(run, floor))
        return best


def closest_entities(store: GraphStore, text: str, n: int = 5, cutoff: float = SIMILAR_CUTOFF, rows: Iterable[Mapping[str, Any]] | None = None) -> list[dict[str, Any]]:
    """The entities whose id, id slug, name, alias or code is closest to `text`
    (the typo-tolerant search, and the suggestions of a 404), best first.
    `rows`: the entity_names rows when the caller holds them."""
    text = text[:200]
    matchers = [_Matcher(text, cutoff), _Matcher(text.split(":", 1)[-1].replace("-", " "), cutoff)]
    scored = []
    for row in ask(store, "entity_names") if rows is None else rows:
        names = [row["id"], row["id"].split(":", 1)[-1].replace("-", " "), row.get("name") or "", *row.get("aliases", []), row.get("ods_code") or "", row.get("ons_code") or ""]
        score = max(m.score(c) for m in matchers for c in names if c)
        if score >= cutoff:
            scored.append((score, row))
    scored.sort(key=lambda s: (-s[0], s[1]["id"]))
    # Only those nearly as close as the best: a clear best match comes alone.
    scored = [s for s in scored if s[0] >= scored[0][0] - 0.08] if scored else []
    return [{"id": r["id"], "name": r.get("name"), "labels": sorted(r.get("labels") or [])} for _, r in scored[:n]]


def suggest_entities(store: GraphStore, text: str, n: int = 5) -> list[dict[str, Any]]:
    """closest_entities for the suggestions of a 404 or a search miss."""
    return closest_entities(store, text, n)


@dataclass
class Search:
    items: list[dict[str, Any]]
    total: int
    similar: bool = False  # nothing contained q: these are the closest names


def search_entities(store: GraphStore, window: Window, *, limit: int, offset: int, **filters: Any) -> Search:
    """/entities: substring matches ranked (exact name, exact alias or code,
    prefix, the rest: RANKS, entity_search's rank numbers); when nothing
    contains q, the closest names instead."""
    items = ask(store, "entity_search", window, **filters, limit=limit, offset=offset)
    # Every row carries the count; an empty page counts only when it is past the end.
    if items:
        total = int(items[0]["total"])
    else:
        total = int(ask(store, "entity_search_count", window, **filters)[0]["total"]) if offset else 0
    match = dict(enumerate(RANKS))
    for item in items:
        item.pop("total")
        rank = int(item.pop("rank"))
        item["match"] = match[rank] if filters.get("q") else None
    if total or not filters.get("q"):
        return Search(items, total)
    # Typo tolerance: rank the closest names, then keep those the other filters allow.
    close = suggest_entities(store, filters["q"], n=50)
    allowed = {r["id"]: r for r in ask(store, "entity_search", window, **{**filters, "q": None}, limit=100_000, offset=0)} if close else {}
    similar = [{**allowed[c["id"]], "match": "similar"} for c in close if c["id"] in allowed]
    for item in similar:
        item.pop("rank", None)
        item.pop("total", None)
    return Search(similar[offset : offset + limit], len(similar), similar=True)


# --- who answers to a body ------------------------------------------------------


CHAINS_MAX = 20_000  # chains read to answer accountable_bodies


@dataclass
class Answering:
    rows: list[dict[str, Any]]
    truncated: bool  # more than CHAINS_MAX chains: some bodies may be missing


def accountable_bodies(store: GraphStore, body_id: str, window: Window) -> Answering:
    """Everyone who answers to the body, transitively, each once with its
    shortest chain (`via`: the bodies in between, nearest first)."""
    chains = ask(store, "accountable_bodies", window, id=body_id, limit=CHAINS_MAX + 1)
    best: dict[str, dict[str, Any]] = {}
    for row in chains[:CHAINS_MAX]:
        if row["id"] not in best or int(row["distance"]) < best[row["id"]]["distance"]:
            best[row["id"]] = {**row, "distance": int(row["distance"])}
    rows = sorted(best.values(), key=lambda r: (r["distance"], (r.get("name") or r["id"]).lower(), r["id"]))
    return Answering(rows, len(chains) > CHAINS_MAX)


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


# --- the landscape's timeline -------------------------------------------------------

CHANGE_KINDS = (
    "established",
    "abolished",
    "merged",
    "succeeded",
    "renamed",
    "delegation",
    "commissioning_moved",
    "commissioning_started",
    "commissioning_ended",
    "announced",
    "enacted",
)
_KIND_ORDER = {k: i for i, k in enumerate(CHANGE_KINDS)}


def _brief(node: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if node is None:
        return None
    return {"id": node["id"], "name": node.get("name"), "labels": sorted(node.get("labels") or []), "valid_from": node.get("valid_from"), "valid_to": node.get("valid_to")}


def _name(node: Mapping[str, Any] | None) -> str:
    return (node or {}).get("name") or (node or {}).get("id") or "?"


def _names(nodes: Iterable[Mapping[str, Any]]) -> str:
    names = [_name(n) for n in nodes]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


@dataclass
class Change:
    date: str
    kind: str
    entities: list[dict[str, Any]]
    description: str
    records: list[Mapping[str, Any]]  # what the evidence and status come from
    key: str = ""

    def sort_key(self) -> tuple[Any, ...]:
        return (self.date, _KIND_ORDER[self.kind], self.key or (self.entities[0]["id"] if self.entities else ""))


def _event_changes(rows: list[dict[str, Any]]) -> tuple[list[Change], set[tuple[str, str, str]]]:
    """Events -> changes; also the (kind, entity, date) they cover, so a body's
    own start or end date on the same day is not reported twice."""
    changes: list[Change] = []
    covered: set[tuple[str, str, str]] = set()
    successions: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in rows:
        kind, date, a, b, rel = row["type"], row["date"], row["start"], row["end"], row["relationship"]
        if kind == "ESTABLISHED_BY":
            changes.append(Change(date, "established", [_brief(a), _brief(b)], f"{_name(a)} established by {_name(b)}", [rel], a["id"]))
            covered.add(("start", a["id"], date))
        elif kind == "ABOLISHED_BY":
            changes.append(Change(date, "abolished", [_brief(a), _brief(b)], f"{_name(a)} abolished by {_name(b)}", [rel], a["id"]))
            covered.add(("end", a["id"], date))
        elif kind == "RENAMED_TO":
            changes.append(Change(date, "renamed", [_brief(a), _brief(b)], f"{_name(a)} renamed {_name(b)}", [rel], a["id"]))
            covered |= {("end", a["id"], date), ("start", b["id"], date)}
        else:
            successions.setdefault((b["id"], date), []).append(row)
    for (_, date), group in successions.items():
        before = [r["start"] for r in group]
        after = group[0]["end"]
        if len(group) > 1:
            kind, text = "merged", f"{_names(before)} merged into {_name(after)}"
        else:
            kind, text = "succeeded", f"{_name(before[0])} succeeded by {_name(after)}"
        changes.append(Change(date, kind, [*map(_brief, before), _brief(after)], text, [r["relationship"] for r in group], after["id"]))
    return changes, covered


def _body_changes(rows: list[dict[str, Any]], covered: set[tuple[str, str, str]]) -> list[Change]:
    changes = []
    for row in rows:
        n = row["node"]
        labels = set(n.get("labels") or [])
        if "Delegation" in labels:
            if row["starts"]:
                changes.append(Change(n["valid_from"], "delegation", [_brief(n)], f"takes effect: {_name(n)}", [n], n["id"]))
            continue
        if "Policy" in labels:
            if row["starts"]:
                changes.append(Change(n["valid_from"], "announced", [_brief(n)], f"{_name(n)} published or announced", [n], n["id"]))
            continue
        if "Statute" in labels:
            if row["starts"]:
                changes.append(Change(n["valid_from"], "enacted", [_brief(n)], f"{_name(n)} enacted", [n], n["id"]))
            continue
        if row["starts"] and ("start", n["id"], n["valid_from"]) not in covered:
            changes.append(Change(n["valid_from"], "established", [_brief(n)], f"{_name(n)} established", [n], n["id"]))
        if row["ends"] and ("end", n["id"], n["valid_to"]) not in covered:
            changes.append(Change(n["valid_to"], "abolished", [_brief(n)], f"{_name(n)} closed (last day the day before)", [n], n["id"]))
    return changes


def _commissioning_changes(rows: list[dict[str, Any]], window: Window) -> list[Change]:
    """Group COMMISSIONS starts and ends by service and day: a body stopping
    and another starting the same day is commissioning moving between them."""
    days: dict[tuple[str, str], dict[str, list[dict[str, Any]]]] = {}
    services: dict[str, dict[str, Any]] = {}
    for row in rows:
        rel, sid = row["relationship"], row["service"]["id"]
        services[sid] = row["service"]
        for end, day in (("started", rel.get("valid_from")), ("ended", rel.get("valid_to"))):
            if day and window.start <= day < window.end:
                days.setdefault((sid, day), {"started": [], "ended": []})[end].append(row)
    changes = []
    for (sid, day), sides in days.items():
        service = services[sid]
        ended = {r["commissioner"]["id"]: r for r in sides["ended"]}
        started = {r["commissioner"]["id"]: r for r in sides["started"]}
        same = set(ended) & set(started)  # a new basis or record, same commissioner
        ended = {k: v for k, v in ended.items() if k not in same}
        started = {k: v for k, v in started.items() if k not in same}
        records = [r["relationship"] for r in [*ended.values(), *started.values()]]
        olds, news = [r["commissioner"] for r in ended.values()], [r["commissioner"] for r in started.values()]
        basis = ", ".join(sorted({r["relationship"].get("basis") for r in started.values() if r["relationship"].get("basis")}))
        suffix = f" ({basis})" if basis else ""
        if olds and news:
            kind, text = "commissioning_moved", f"commissioning of {_name(service)} moved from {_names(olds)} to {_names(news)}{suffix}"
        elif news:
            kind, text = "commissioning_started", f"{_names(news)} began commissioning {_name(service)}{suffix}"
        elif olds:
            kind, text = "commissioning_ended", f"{_names(olds)} stopped commissioning {_name(service)}"
        else:
            continue
        changes.append(Change(day, kind, [_brief(service), *map(_brief, olds), *map(_brief, news)], text, records, sid))
    return changes


def changes(store: GraphStore, window: Window, kinds: Iterable[str] | None = None) -> list[Change]:
    """The landscape's timeline in the window, ordered by date: bodies
    established, abolished, merged, succeeded or renamed; delegations taking
    effect; commissioning of a service moving; policies announced; Acts enacted."""
    events, covered = _event_changes(ask(store, "changes_events", window))
    found = events + _body_changes(ask(store, "changes_bodies", window), covered)
    found += _commissioning_changes(ask(store, "changes_commissioning", window), window)
    wanted = set(kinds) if kinds else set(CHANGE_KINDS)
    return sorted((c for c in found if c.kind in wanted), key=Change.sort_key)
