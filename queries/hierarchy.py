"""The service hierarchy: a part is answered by the commissioners of its
nearest ancestor that has any, unless something more specific (its own
commissioning, or a delegation that names it) covers it in the window; and
a service's commissioners over time, the rule applied to each piece of the
window between the days its commissioning can change."""

from __future__ import annotations

from dataclasses import dataclass, field
from collections.abc import Iterable, Mapping
from typing import Any

from nhskg.core.timescope import Window
from nhskg.graph.store import GraphStore
from nhskg.queries.run import Question, ask, ask_all, question

# The rule of the COMMISSIONS facts a body inherits from its type (ingest.derive).
INHERITS = "instance-inherits-type"


@dataclass
class CommissionerRow:
    commissioner: dict[str, Any]
    relationship: dict[str, Any]
    service_id: str
    via: dict[str, Any] | None = None  # the part commissioned (include_parts)
    from_parent: dict[str, Any] | None = None  # the ancestor whose commissioner answers for the service
    depth: int = 0
    # Grouped answers, on a type's row: how many real bodies hold its fact,
    # and (when asked for) their ids.
    instance_count: int | None = None
    instances: list[str] | None = None


@dataclass
class Commissioners:
    rows: list[CommissionerRow] = field(default_factory=list)
    ancestors: list[dict[str, Any]] = field(default_factory=list)
    service: dict[str, Any] | None = None  # the service's record; None: no such service




def group_instances(rows: list[CommissionerRow], with_ids: bool = True) -> list[CommissionerRow]:
    """Fold the rows real bodies inherit from their type into the type's own
    row: "CCGs commission urgent and emergency care (209 bodies)" rather
    than 209 copies of the same fact and evidence. A row is folded only when
    its type's row (same service, part and parent, same basis) is there too.
    A row may stand for many bodies at once (`body_count`, and `bodies`, their
    ids, when they were read: service_commissioners_folded,
    service_commissioner_instances). with_ids: a type's row lists its bodies
    (an empty list when none holds its fact)."""
    def context(row: CommissionerRow) -> tuple[Any, ...]:
        return (row.service_id, (row.via or {}).get("id"), (row.from_parent or {}).get("id"), row.relationship.get("basis"))

    types = {(r.commissioner.get("id"), *context(r)): r for r in rows if r.relationship.get("rule") != INHERITS}
    out: list[CommissionerRow] = []
    for row in rows:
        owner = types.get((row.relationship.get("inherited_from"), *context(row))) if row.relationship.get("rule") == INHERITS else None
        if owner is None:
            out.append(row)
            continue
        rel = row.relationship
        owner.instance_count = (owner.instance_count or 0) + rel.get("body_count", 1)
        if with_ids:
            if owner.instances is None:
                owner.instances = []
            owner.instances.extend(rel.get("bodies", [row.commissioner["id"]]))
    for row in out:
        if row.instance_count is None and "OrganisationType" in (row.commissioner.get("labels") or []):
            row.instance_count = 0
            row.instances = [] if with_ids else None
    return out


def service_commissioners(
    store: GraphStore, service_id: str, window: Window, include_parts: bool = True, grouped: bool = False, instance_ids: bool = True
) -> Commissioners:
    """Who commissions the service in the window, by the hierarchy rule.
    grouped: the facts bodies inherit from their type folded into the type's
    row, with their ids only when instance_ids (otherwise counted: a type at
    100,000 organisations has thousands of bodies). `service` is None when
    the id is not a service (then nothing else is used).

    One round trip asks the lineage and the facts of the service and its
    parts together. Only when the service has none of its own in the window
    are its ancestors' facts read (then the nearest ancestor that has any
    answers for it: _commissioner_rows), the nearest first. A service with
    facts of its own never reads its ancestors' (a root at 100,000
    organisations has tens of thousands)."""
    found = _hierarchy_answer(_FactReader(store, window, grouped, instance_ids), service_id, include_parts, grouped, instance_ids)
    if found is None:
        return Commissioners()
    out, answered_by, parts = found
    if grouped and _unfolded(out):
        # Bodies whose type's row is not in the answer stand alone, each with
        # its full record: rare, so read every row in full this once.
        every = _FactReader(store, window, False, False)
        every_row = every.read([*answered_by, *(p["id"] for p in parts)])
        service = out.service
        out = _commissioner_rows(every_row, service_id, parts, out.ancestors, grouped, instance_ids)
        out.service = service
    return out


def _unfolded(answer: Commissioners) -> bool:
    """Whether a grouped answer has rows of bodies left with no type row to fold into."""
    return any("body_count" in r.relationship for r in answer.rows)


def _hierarchy_answer(
    facts: "_FactReader", service_id: str, include_parts: bool, grouped: bool, instance_ids: bool
) -> tuple[Commissioners, list[str], list[dict[str, Any]]] | None:
    """The hierarchy rule over what `facts` reads: (the answer, the services
    whose facts answer for the service itself, its parts); None when the id
    is not a service."""
    lineage, rows = facts.lineage_and_facts(service_id, include_parts)
    if lineage is None:
        return None
    parts = sorted((p for p in lineage["parts"] if p), key=lambda p: (p["depth"], p["id"]))
    ancestors = sorted((a for a in lineage["ancestors"] if a), key=lambda a: (a["distance"], a["id"]))
    answered_by = [service_id]
    lineage_ids = {service_id, *(a["id"] for a in ancestors)}
    if ancestors and not _answers_for(r for r in rows if r["service_id"] == service_id):
        # The nearest ancestor first, the others only when it has no fact
        # that answers for the service either: at 100,000 organisations each
        # has thousands of them.
        answered_by = [service_id, *(a["id"] for a in ancestors)]
        found = facts.read([ancestors[0]["id"]])
        if not _answers_for(r for r in found if _reaches(r["relationship"], lineage_ids)) and ancestors[1:]:
            found += facts.read([a["id"] for a in ancestors[1:]])
        rows += found
    out = _commissioner_rows(rows, service_id, parts, ancestors, grouped, instance_ids)
    out.service = lineage["service"]
    return out, answered_by, parts


@dataclass
class _FactReader:
    """The COMMISSIONS facts into services, as an answer reads them from the
    engine: every row in full (service_commissioners), or folded (grouped),
    the facts bodies inherit from their type as one row per type and basis
    with `body_count` (a service a type commissions has a row per body, each
    a copy of the type's fact and evidence: 23,689 rows for a synthetic
    service at 100,000 organisations) and, with instance_ids, the bodies'
    ids (`bodies`, from service_commissioner_instances, asked in the same
    round trip)."""

    store: GraphStore
    window: Window
    grouped: bool
    instance_ids: bool

    def lineage_and_facts(self, service_id: str, include_parts: bool) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
        """(the service_lineage row, None when the id is not a service; the
        facts of the service and, with include_parts, of its parts), in one
        round trip."""
        lineage, rows = self._read([service_id], include_parts, question("service_lineage", self.window, id=service_id, include_parts=include_parts))
        return (lineage[0] if lineage else None), rows

    def read(self, ids: list[str]) -> list[dict[str, Any]]:
        """The facts of `ids` (not of their parts)."""
        return self._read(ids, False)[1]

    def _read(self, ids: list[str], include_parts: bool, *before: Question) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        name = "service_commissioners_folded" if self.grouped else "service_commissioners"
        asked = [*before, question(name, self.window, ids=ids, include_parts=include_parts)]
        if self.grouped and self.instance_ids:
            asked.append(question("service_commissioner_instances", self.window, ids=ids, include_parts=include_parts))
        answers = ask_all(self.store, *asked)
        first = answers[0] if before else []
        rows = answers[len(before)]
        if self.grouped:
            bodies = {(g["service_id"], g["type_id"], g["basis"]): g["instances"] for g in answers[-1]} if self.instance_ids else {}
            for row in rows:
                if row["commissioner"] is None:
                    row["commissioner"] = {"id": None}
                    if self.instance_ids:
                        rel = row["relationship"]
                        rel["bodies"] = bodies.get((row["service_id"], rel["inherited_from"], rel["basis"]), [])
        return first, rows


def _commissioner_rows(
    rows: list[dict[str, Any]], service_id: str, parts: list[dict[str, Any]], ancestors: list[dict[str, Any]], grouped: bool, instance_ids: bool = True
) -> Commissioners:
    """The service hierarchy rule over the rows of service_commissioners."""
    by_service: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_service.setdefault(row["service_id"], []).append(row)

    out = Commissioners(ancestors=ancestors)
    own = by_service.get(service_id, [])
    out.rows.extend(CommissionerRow(r["commissioner"], r["relationship"], service_id) for r in own)
    # Upwards: the ancestors, nearest first, until a level holds a fact that
    # answers for the service (not an addition): dental services <- primary
    # care. An ancestor's fact reaches the service only where it covers it
    # (`covers`), and gives way to a nearer fact of the same commissioner.
    answered = _answers_for(own)
    lineage_ids = {service_id, *(a["id"] for a in ancestors)}
    seen = {_holder(r) for r in own}
    for anc in ancestors:
        if answered:
            break
        found = [r for r in _reaching(by_service.get(anc["id"], []), lineage_ids) if _holder(r) not in seen]
        out.rows.extend(
            CommissionerRow(r["commissioner"], r["relationship"], service_id, from_parent={"id": anc["id"], "name": anc["name"]}, depth=-anc["distance"])
            for r in found
        )
        seen |= {_holder(r) for r in found}
        answered = _answers_for(found)
    for part in parts:
        out.rows.extend(
            CommissionerRow(r["commissioner"], r["relationship"], part["id"], via={"id": part["id"], "name": part["name"]}, depth=part["depth"])
            for r in by_service.get(part["id"], [])
        )
    if grouped:
        out.rows = group_instances(out.rows, instance_ids)
    return out


# Quantifiers of a statement about some bodies of a type, not all of them.
_SOME = ("some", "may")


def _is_addition(rel: Mapping[str, Any]) -> bool:
    """Whether a fact is about named bodies or some of a type (a wave, a
    cohort, "some CCGs"): it is added beside what holds for the rest and
    never answers for a service on its own (DESIGN "Some adds, never
    replaces"). Stated as data: `addition` on the fact (or the Delegation
    record it comes from), or a quantifier some / may."""
    return bool(rel.get("addition")) or rel.get("quantifier") in _SOME


def _answers_for(rows: Iterable[Mapping[str, Any]]) -> bool:
    """Whether the rows hold a fact that answers for its service: one that is
    not an addition. A body's copy of its type's fact follows the type's row."""
    return any(r["relationship"].get("rule") != INHERITS and not _is_addition(r["relationship"]) for r in rows)


def _reaches(rel: Mapping[str, Any], lineage_ids: set[str]) -> bool:
    """Whether an ancestor's fact reaches the service: a fact that names the
    parts it covers (`covers`: co-commissioning covered primary medical
    services) reaches only those parts and theirs; one that names none
    reaches every part."""
    covers = rel.get("covers")
    return not covers or not lineage_ids.isdisjoint(covers)


def _holder(row: Mapping[str, Any]) -> str | None:
    """Who holds a fact: its commissioner, or for a folded row (the bodies
    that inherit a type's fact) the type."""
    return (row.get("commissioner") or {}).get("id") or row["relationship"].get("inherited_from")


def _reaching(rows: list[dict[str, Any]], lineage_ids: set[str]) -> list[dict[str, Any]]:
    """An ancestor's rows that reach the service (_reaches). A folded row
    (the bodies that inherit a type's fact, no fact of its own) follows its
    type's row."""
    refused = {(r["commissioner"].get("id"), r["relationship"].get("basis")) for r in rows if "id" in r["relationship"] and not _reaches(r["relationship"], lineage_ids)}
    return [
        r
        for r in rows
        if (_reaches(r["relationship"], lineage_ids) if "id" in r["relationship"] else (r["relationship"].get("inherited_from"), r["relationship"].get("basis")) not in refused)
    ]


def service_timeline(store: GraphStore, service_id: str, window: Window) -> list[dict[str, Any]]:
    """Who commissioned the service over time, as intervals: the window is cut
    at every day its commissioning (or its ancestors') can change, each piece
    answered by the service-hierarchy rule, and equal neighbours joined."""
    always = Window.always(window.statuses)
    lineage = next(iter(ask(store, "service_lineage", always, id=service_id, include_parts=False)), None)
    ancestors = [a["id"] for a in (lineage["ancestors"] if lineage else []) if a]
    days = {r["day"] for r in ask(store, "service_commissioning_dates", window, ids=[service_id, *ancestors])}
    cuts = sorted({window.start, window.end, *(d for d in days if window.start < d < window.end)})
    intervals: list[dict[str, Any]] = []
    ending: dict[tuple[Any, ...], dict[str, Any]] = {}  # by key, the first interval that reaches this piece's start
    for start, end in zip(cuts, cuts[1:]):
        piece = Window(start, end, window.statuses)
        answer = service_commissioners(store, service_id, piece, include_parts=False, grouped=True)
        reaching: dict[tuple[Any, ...], dict[str, Any]] = {}
        for row in answer.rows:
            # A type's row is the same fact only while the same bodies hold it:
            # a merger of CCGs starts a new interval.
            key = (row.commissioner["id"], row.relationship.get("id"), (row.from_parent or {}).get("id"), tuple(row.instances or ()))
            last = ending.get(key)
            if last is not None and last["to"] == start:
                last["to"] = end
            else:
                last = {"from": start, "to": end, "row": row}
                intervals.append(last)
            reaching.setdefault(key, last)
        ending = reaching
    return sorted(intervals, key=lambda i: (i["from"], i["row"].commissioner["id"]))
