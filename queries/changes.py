"""The landscape's timeline (/changes): bodies established, abolished,
merged, succeeded or renamed; delegations taking effect; commissioning of a
service moving; policies announced; Acts enacted; built from three catalogue
queries (changes_events, changes_bodies, changes_commissioning)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from nhskg.core.timescope import Window
from nhskg.graph.store import GraphStore
from nhskg.queries.run import ask


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
    "took_effect",
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
            # A scheme that took effect on its day is not an announcement;
            # an announcement happened (in force), what it announced is planned.
            if row["starts"] and n.get("took_effect"):
                changes.append(Change(n["valid_from"], "took_effect", [_brief(n)], f"{_name(n)} took effect", [n], n["id"]))
            elif row["starts"]:
                what = f": {n['announces']}" if n.get("announces") else ""
                changes.append(Change(n["valid_from"], "announced", [_brief(n)], f"{_name(n)} published or announced{what}", [n], n["id"]))
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
