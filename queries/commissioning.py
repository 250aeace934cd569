"""The commissioning index: /services/{id}/commissioners answered in memory, one index per graph build.

Asking the engine meant touching every COMMISSIONS fact into the service and
its parts, of all dates, to find those holding in the window: at 100,000
organisations a service a type commissions has thousands of facts real
bodies inherit from it (9,612 for one synthetic service in 2024: ~38 ms of
engine time), and a part with no commissioner of its own a second round
trip for its nearest ancestor. Each worker process reads, once per graph
build, what the answer touches and answers from memory:

- the facts of a service's own (the commissioning_own_facts catalogue query:
  a few hundred, in full, with their evidence), ordered as the engine orders
  its rows (lower-cased commissioner name, commissioner id, relationship id);
- the facts bodies inherit from their type (commissioning_inherited_facts),
  kept without evidence as one group a service, type and basis: what a
  grouped answer shows is the type's row and how many bodies hold its fact
  in the window (`instance_count`), their ids only with expand=instances.
  A fact holds when it and its commissioner both hold: overlapping the
  window [start, end) twice is the same as from = max(both starts) < end and
  start < to = min(both ends), so a group keeps those froms and tos sorted,
  one pair of lists per combination of statuses and undated flags, and counts
  by bisection (a fact whose from is not before its to, whose own dates and
  its commissioner's do not meet, is tested on its own);
- the PART_OF links a walk up or down the service hierarchy can take
  (service_hierarchy_links), walked as service_lineage walks them: every
  step and every node on the way holds in the window, the ends are services,
  up to 6 steps up (ancestors) and 4 down (parts);
- node names, labels and dates from the search directory of the same build
  (nhskg.queries.directory).

The rules stay in one place: the rows this module gives are the rows of
service_lineage and service_commissioners_folded (with
service_commissioner_instances), and queries.answers.service_commissioners
applies the hierarchy rule to them whichever answered
(tests/test_commissioning_index.py holds the two to the same answers).
The index answers the default shape (a brief of each commissioner, facts
grouped by type); expand=commissioner (full records), instances=list (each
body's fact and evidence) and the rare answer in which a body's type row is
not there to fold into are the engine's. The window test is
nhskg.core.timescope's rule.

Loading, build keys and the engine answering meanwhile are as for the
search directory (queries.directory.PerBuild): loaded in a background thread
the first time a commissioners answer meets a build the worker has none
for; a graph with more COMMISSIONS facts than the
`commissioning_memory_facts` setting is never loaded.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nhskg.core.timescope import BEGINNING, END, Span, Window, holds, span_verdicts
from nhskg.queries.directory import DIRECTORIES, Directory, NotKept, PerBuild, still_live

if TYPE_CHECKING:
    from nhskg.graph.store import GraphStore

INHERITS = "instance-inherits-type"  # the rule of a fact a real body inherits from its type
SERVICE = "Service"
UP_STEPS = 6  # service_lineage's ancestors: PART_OF*1..6
DOWN_STEPS = 4  # its parts, and service_commissioners' include_parts: PART_OF*1..4
PAGE = 20  # services whose inherited facts one commissioning_inherited_facts read asks for



def _span(valid_from: str, valid_to: str, status: str, undated: Any) -> Span:
    """A catalogue row's columns ('' for absent) -> a span."""
    return (valid_from or None, valid_to or None, status or None, bool(undated))


def _order_key(name: str | None, commissioner_id: str, relationship_id: str) -> tuple[Any, ...]:
    """ORDER BY toLower(c.name), c.id, r.id (a null name sorts last)."""
    return (name is None, (name or "").lower(), commissioner_id, relationship_id)


# What a group of facts shares besides its dates: the fact's status and
# undated flag, and its commissioner's. Few distinct ones.
Flags = tuple[str, bool, str, bool]


@dataclass
class _Dated:
    """The facts of one group with the same Flags: their from/to as the window test reads them."""

    froms: list[str]  # sorted
    tos: list[str]  # sorted
    inverted: list[tuple[str, str]]  # facts whose from is not before their to, tested one by one

    def count(self, start: str, end: str) -> int:
        crossed = sum(1 for f, t in self.inverted if f < end and start < t)
        # Of the others, those starting before the end, less those ending by
        # the start (each of which starts before the end too).
        return bisect_left(self.froms, end) - bisect_right(self.tos, start) + crossed


def _flags_hold(flags: Flags, window: Window) -> bool:
    fact_status, fact_undated, body_status, body_undated = flags
    return fact_status in window.statuses and body_status in window.statuses and (window.undated_too or not (fact_undated or body_undated))


class _Inherited:
    """The facts bodies of one type inherit for one service and basis, of all dates."""

    def __init__(self, type_id: str | None, basis: str | None, facts: list[tuple[tuple[Any, ...], int, Span]], directory: Directory) -> None:
        """facts: (order key, the commissioner's slot, the fact's span)."""
        self.type_id = type_id
        self.basis = basis
        facts.sort(key=lambda f: f[0])
        self.slots = array("i", (slot for _, slot, _ in facts))
        self.spans: list[Span] = [span for _, _, span in facts]  # the facts' own (for the days a timeline cuts at)
        kind_of: dict[Flags, int] = {}  # the distinct flags met, numbered in the order met
        members: list[list[int]] = []  # by kind: its facts
        self.kind = array("i")  # fact i's flags are kinds[kind[i]]
        self.froms: list[str] = []
        self.tos: list[str] = []
        spans = directory.spans
        for i, (_, slot, (r_from, r_to, r_status, r_undated)) in enumerate(facts):
            b_from, b_to, b_status, b_undated = spans[slot]
            flags = (r_status or "in_force", r_undated, b_status or "in_force", b_undated)
            k = kind_of.setdefault(flags, len(kind_of))
            if k == len(members):
                members.append([])
            members[k].append(i)
            self.kind.append(k)
            self.froms.append(max(r_from or BEGINNING, b_from or BEGINNING))
            self.tos.append(min(r_to or END, b_to or END))
        self.kinds: list[Flags] = list(kind_of)
        self.dated: list[_Dated] = []  # by kind
        for group in members:
            plain = [i for i in group if self.froms[i] < self.tos[i]]
            self.dated.append(
                _Dated(
                    sorted(self.froms[i] for i in plain),
                    sorted(self.tos[i] for i in plain),
                    [(self.froms[i], self.tos[i]) for i in group if not self.froms[i] < self.tos[i]],
                )
            )

    def count(self, window: Window) -> int:
        """How many of the facts hold in the window, their commissioners too."""
        return sum(dated.count(window.start, window.end) for flags, dated in zip(self.kinds, self.dated) if _flags_hold(flags, window))

    def bodies(self, window: Window, directory: Directory) -> list[str]:
        """The ids of the bodies whose fact holds, in answer order (one pass:
        a timeline at 100,000 organisations asks this hundreds of times)."""
        ids = directory.ids
        start, end = window.start, window.end
        ok = [_flags_hold(flags, window) for flags in self.kinds]
        return [ids[slot] for slot, k, f, t in zip(self.slots, self.kind, self.froms, self.tos) if ok[k] and f < end and start < t]


@dataclass(frozen=True)
class _Link:
    """A PART_OF relationship, seen from one of its ends."""

    number: int  # which relationship (a walk takes each at most once, as Cypher's paths do)
    other: str  # the node at its other end
    span: Span


class CommissioningIndex:
    """What a commissioners answer reads, for one graph build."""

    def __init__(self, directory: Directory, own: list[dict[str, Any]], inherited: list[dict[str, Any]], links: list[dict[str, Any]]) -> None:
        """`directory`: the search directory of the same build; the rows of
        commissioning_own_facts, commissioning_inherited_facts (any number of
        pages) and service_hierarchy_links."""
        self.build = directory.build
        self.directory = directory
        self.slot_of = directory.slot_of  # shared with the directory
        names = directory.names
        self.own: dict[str, list[tuple[tuple[Any, ...], int, dict[str, Any]]]] = {}
        for row in own:
            slot = self.slot_of[row["commissioner_id"]]
            rel = row["relationship"]
            self.own.setdefault(row["service_id"], []).append((_order_key(names[slot], row["commissioner_id"], rel["id"]), slot, rel))
        for facts in self.own.values():
            facts.sort(key=lambda f: f[0])
        self.inherited: dict[str, list[_Inherited]] = {}
        self.facts = len(own)
        shared: dict[Span, Span] = {}
        keep = shared.setdefault
        for row in inherited:
            facts = []
            for commissioner_id, rel_id, valid_from, valid_to, status, undated in zip(
                row["commissioner_ids"], row["ids"], row["valid_from"], row["valid_to"], row["statuses"], row["undated"]
            ):
                slot = self.slot_of[commissioner_id]
                span = _span(valid_from, valid_to, status, undated)
                facts.append((_order_key(names[slot], commissioner_id, rel_id), slot, keep(span, span)))
            self.inherited.setdefault(row["service_id"], []).append(_Inherited(row["type_id"], row["basis"], facts, directory))
            self.facts += len(facts)
        self.up: dict[str, list[_Link]] = {}
        self.down: dict[str, list[_Link]] = {}
        for number, link in enumerate(links):
            span = _span(link["valid_from"], link["valid_to"], link["status"], link["undated"])
            self.up.setdefault(link["from_id"], []).append(_Link(number, link["to_id"], span))
            self.down.setdefault(link["to_id"], []).append(_Link(number, link["from_id"], span))

    def _brief(self, slot: int) -> dict[str, Any]:
        """A node as the answer shows it (its id, name, labels, dates and status)."""
        directory = self.directory
        valid_from, valid_to, status, _ = directory.spans[slot]
        return {"id": directory.ids[slot], "name": directory.names[slot], "labels": list(directory.labels[slot]), "valid_from": valid_from, "valid_to": valid_to, "status": status}

    def _is_service(self, node_id: str) -> bool:
        slot = self.slot_of.get(node_id)
        return slot is not None and SERVICE in self.directory.labels[slot]

    def _walk(self, start: str, links: dict[str, list[_Link]], steps: int, verdict: Callable[[Span], bool]) -> Iterator[tuple[str, int]]:
        """(node, length) of every walk of 1..steps links from `start` whose
        links and nodes (the start too) all hold: each link once a walk."""
        spans, slot_of = self.directory.spans, self.slot_of

        def node_holds(node_id: str) -> bool:
            slot = slot_of.get(node_id)
            return slot is not None and verdict(spans[slot])

        if not node_holds(start):
            return
        stack: list[tuple[str, int, frozenset[int]]] = [(start, 0, frozenset())]
        while stack:
            node, length, used = stack.pop()
            if length == steps:
                continue
            for link in links.get(node, ()):
                if link.number in used or not verdict(link.span) or not node_holds(link.other):
                    continue
                yield link.other, length + 1
                stack.append((link.other, length + 1, used | {link.number}))

    def lineage(self, service_id: str, window: Window, include_parts: bool) -> dict[str, Any] | None:
        """The service_lineage row of a service (None when the id is not a service)."""
        if not self._is_service(service_id):
            return None
        verdict = span_verdicts(window)
        names = self.directory.names
        parts: dict[tuple[str, int], dict[str, Any]] = {}
        if include_parts:
            for node, depth in self._walk(service_id, self.down, DOWN_STEPS, verdict):
                if self._is_service(node):
                    parts.setdefault((node, depth), {"id": node, "name": names[self.slot_of[node]], "depth": depth})
        ancestors: dict[tuple[str, int], dict[str, Any]] = {}
        for node, distance in self._walk(service_id, self.up, UP_STEPS, verdict):
            if self._is_service(node):
                ancestors.setdefault((node, distance), {"id": node, "name": names[self.slot_of[node]], "distance": distance})
        return {"service": self._brief(self.slot_of[service_id]), "parts": list(parts.values()), "ancestors": list(ancestors.values())}

    def change_days(self, ids: list[str], window: Window) -> set[str]:
        """The days service_commissioning_dates gives: the start and end
        dates of the COMMISSIONS facts into the services that hold in the
        window and of their commissioners, and of the PART_OF links into
        them and of their parts."""
        verdict = span_verdicts(window)
        spans = self.directory.spans
        days: set[str | None] = set()
        for service_id in ids:
            for _, slot, rel in self.own.get(service_id, ()):
                if holds(rel, window):
                    days.update((rel.get("valid_from"), rel.get("valid_to"), *spans[slot][:2]))
            for group in self.inherited.get(service_id, ()):
                for slot, span in zip(group.slots, group.spans):
                    if verdict(span):
                        days.update((*span[:2], *spans[slot][:2]))
            for link in self.down.get(service_id, ()):
                slot = self.slot_of.get(link.other)
                if slot is not None and verdict(link.span):
                    days.update((*link.span[:2], *spans[slot][:2]))
        return {day for day in days if day}

    def folded_rows(self, ids: list[str], window: Window, instance_ids: bool) -> list[dict[str, Any]]:
        """The rows of service_commissioners_folded for the services among
        `ids`, as without include_parts (a caller that wants the parts names
        them: lineage walks to them), and, with instance_ids, each type
        row's `bodies` from service_commissioner_instances; in the shape
        queries.answers reads them: a fact of a service's own with its
        commissioner's brief; the facts bodies inherit from a type counted
        (`body_count`) under a null commissioner id, after the others."""
        verdict = span_verdicts(window)
        spans = self.directory.spans
        own: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
        folded: list[dict[str, Any]] = []
        for service_id in dict.fromkeys(i for i in ids if self._is_service(i)):
            for key, slot, rel in self.own.get(service_id, ()):
                if holds(rel, window) and verdict(spans[slot]):
                    own.append((key, {"service_id": service_id, "commissioner": self._brief(slot), "relationship": rel}))
            for group in self.inherited.get(service_id, ()):
                count = group.count(window)
                if count:
                    relationship: dict[str, Any] = {"rule": INHERITS, "inherited_from": group.type_id, "basis": group.basis, "body_count": count}
                    if instance_ids:
                        relationship["bodies"] = group.bodies(window, self.directory)
                    folded.append({"service_id": service_id, "commissioner": {"id": None}, "relationship": relationship})
        own.sort(key=lambda item: item[0])
        return [row for _, row in own] + folded


def read_commissioning(store: "GraphStore", build: str, max_facts: int) -> CommissioningIndex:
    """Read the commissioning index of the live graph, labelled `build` (read
    before), with the search directory of that build (read now when not
    held), a page of services at a time. NotKept when the graph has more
    than `max_facts` COMMISSIONS facts; UserError when the graph changed
    meanwhile (the next answer tries again)."""
    from nhskg.queries.answers import ask  # answers imports this module

    (count,) = ask(store, "commissioning_fact_count")
    if count["count"] > max_facts:
        raise NotKept(f"{count['count']} commissioning facts, more than the {max_facts} kept in memory")
    directory = DIRECTORIES.require(store, build)
    services = [node_id for node_id, labels in zip(directory.ids, directory.labels) if SERVICE in labels]
    inherited = [row for i in range(0, len(services), PAGE) for row in ask(store, "commissioning_inherited_facts", ids=services[i : i + PAGE])]
    index = CommissioningIndex(directory, ask(store, "commissioning_own_facts"), inherited, ask(store, "service_hierarchy_links"))
    still_live(store, build, "commissioning index was")
    return index


# This worker's commissioning indexes; nothing is read until a commissioners answer asks.
COMMISSIONING: PerBuild[CommissioningIndex] = PerBuild(read_commissioning, "commissioning index")
