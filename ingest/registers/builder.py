"""An accumulator for register facts: bodies, names over time, dated links.

Loaders add what each file row says; `finish()` turns the lot into graph rows:
names become `name` (the latest), `aliases` and `name_history`; links that
several yearly lookups repeat become one edge over the joined period, citing
every line behind it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from nhskg.core.evidence import EvidenceItem, pack
from nhskg.graph.store import NodeRow, RelRow
from nhskg.ingest.registers.files import Row
from nhskg.ingest.registers.names import display_name

ORGANISATION = "Organisation"


def evidence(row: Row, key: str) -> EvidenceItem:
    """The verbatim line as register evidence, located by file, line and row key."""
    return EvidenceItem(row.file.source_id, row.text, "register", f"{row.file.name} line {row.line}, {key}")


@dataclass
class Body:
    id: str
    kind: str
    props: dict[str, Any] = field(default_factory=dict)
    names: list[tuple[str, str]] = field(default_factory=list)  # (date the name is attested from, name)
    evidence: list[EvidenceItem] = field(default_factory=list)
    ons_codes: list[tuple[str, str]] = field(default_factory=list)  # (date attested, ONS code)


@dataclass
class _Link:
    type: str
    from_id: str
    to_id: str
    props: dict[str, Any]
    intervals: list[tuple[str | None, str | None, list[EvidenceItem]]] = field(default_factory=list)


class RegisterGraph:
    def __init__(self) -> None:
        self.bodies: dict[str, Body] = {}
        self._links: dict[tuple[Any, ...], _Link] = {}
        self._events: dict[tuple[str, str, str, str], _Link] = {}

    # -- bodies ------------------------------------------------------------------

    def body(self, body_id: str, kind: str) -> Body:
        b = self.bodies.get(body_id)
        if b is None:
            b = self.bodies[body_id] = Body(body_id, kind)
        return b

    def cite(self, body_id: str, item: EvidenceItem) -> None:
        self.bodies[body_id].evidence.append(item)

    def name(self, body_id: str, attested: str, name: str) -> None:
        name = name.strip()
        if name:
            self.bodies[body_id].names.append((attested, name))

    def ons(self, body_id: str, code: str, attested: str) -> None:
        code = code.strip()
        b = self.bodies[body_id]
        if code and code not in (c for _, c in b.ons_codes):
            b.ons_codes.append((attested, code))

    # -- relationships -------------------------------------------------------------

    def link(
        self,
        rel_type: str,
        from_id: str,
        to_id: str,
        valid_from: str | None,
        valid_to: str | None,
        items: list[EvidenceItem],
        **props: Any,
    ) -> None:
        """A state that holds over [valid_from, valid_to); repeated periods are joined."""
        key = (rel_type, from_id, to_id, tuple(sorted((k, str(v)) for k, v in props.items())))
        ln = self._links.get(key)
        if ln is None:
            ln = self._links[key] = _Link(rel_type, from_id, to_id, props)
        ln.intervals.append((valid_from, valid_to, list(items)))

    def event(self, rel_type: str, from_id: str, to_id: str, on: str, items: list[EvidenceItem], **props: Any) -> None:
        """An event on one day (succession): valid_from only, no valid_to."""
        key = (rel_type, from_id, to_id, on)
        ln = self._events.get(key)
        if ln is None:
            ln = self._events[key] = _Link(rel_type, from_id, to_id, props)
            ln.intervals.append((on, None, []))
        ln.intervals[0][2].extend(items)

    # -- output ----------------------------------------------------------------------

    def node_rows(self, labels_for: dict[str, tuple[str, ...]]) -> list[NodeRow]:
        rows = []
        for b in self.bodies.values():
            rows.append(NodeRow(b.id, labels_for.get(b.id, (ORGANISATION, b.kind)), node_props(b)))
        return rows

    def rel_rows(self) -> list[RelRow]:
        rows: list[RelRow] = []
        used: dict[str, int] = {}

        def make_id(prefix: str, ln: _Link) -> str:
            base = f"{prefix}:{ln.type.lower()}:{ln.from_id}:{ln.to_id}"
            used[base] = used.get(base, 0) + 1
            return base if used[base] == 1 else f"{base}:{used[base]}"

        for ln in list(self._links.values()) + list(self._events.values()):
            prefix = "drv" if ln.props.get("derived") else "rel"
            for start, end, items in _join(ln.intervals):
                rel_id = make_id(prefix, ln)
                props = {"id": rel_id, **ln.props, **pack(items)}
                if start:
                    props["valid_from"] = start
                if end:
                    props["valid_to"] = end
                props.setdefault("status", "in_force")
                rows.append(RelRow(rel_id, ln.type, ln.from_id, ln.to_id, props))
        return rows


def _join(intervals: list[tuple[str | None, str | None, list[EvidenceItem]]]) -> list[tuple[str | None, str | None, list[EvidenceItem]]]:
    """Join periods that touch or overlap; None sorts first as a start and last as an end."""
    ordered = sorted(intervals, key=lambda i: i[0] or "")
    out: list[tuple[str | None, str | None, list[EvidenceItem]]] = []
    for start, end, items in ordered:
        if out:
            p_start, p_end, p_items = out[-1]
            if p_end is None or (start or "") <= p_end:
                new_end = None if (p_end is None or end is None) else max(p_end, end)
                out[-1] = (p_start, new_end, p_items + items)
                continue
        out.append((start, end, list(items)))
    return out


def names_over_time(b: Body) -> tuple[str, list[str], list[str]]:
    """(name to show, aliases, history lines "<date attested>: <name>"), in the
    one style of names.display_name; every register spelling stays an alias."""
    seen: list[tuple[str, str]] = []
    for attested, name in sorted(b.names, key=lambda n: n[0]):
        if seen and seen[-1][1] == name:
            continue
        seen.append((attested, name))
    if not seen:
        return b.id, [], []
    latest = seen[-1][1]
    # The latest name in the registers' spellings (ODS capitals vs ONS mixed
    # case); earlier names that differ only in case are spellings of it.
    ordered = [n for _, n in seen if n.casefold() != latest.casefold()] + [n for _, n in seen if n.casefold() == latest.casefold()]
    name, aliases = display_name(str(b.props.get("register_role", "")), ordered)
    history = [f"{d}: {n}" if d else n for d, n in seen]
    return name, aliases, history


def node_props(b: Body) -> dict[str, Any]:
    name, aliases, history = names_over_time(b)
    props: dict[str, Any] = {"name": name, **b.props}
    if aliases:
        props["aliases"] = list(dict.fromkeys([*props.get("aliases", []), *aliases]))
    if history:
        props["name_history"] = history
    if b.ons_codes:
        codes = [c for _, c in sorted(b.ons_codes)]
        props["ons_code"] = codes[-1]  # the latest
        if len(codes) > 1:
            props["ons_codes"] = codes
    props.update(pack(b.evidence))
    props.setdefault("status", "in_force")
    return {k: v for k, v in props.items() if v is not None and v != []}


@dataclass
class Context:
    """What later loaders need from earlier ones (codes and dates by code)."""

    ccg_valid: dict[str, tuple[str, str]] = field(default_factory=dict)  # CCG code -> (valid_from, valid_to)
    ccg_open_at_icb_start: set[str] = field(default_factory=set)  # the 106 codes carried on as sub-ICB locations
    icb_valid: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # ICB code -> (valid_from, valid_to)
    sicbl_icb: dict[str, str] = field(default_factory=dict)  # sub-ICB location code -> ICB code (July 2022)
    loc22_rows: dict[str, Row] = field(default_factory=dict)  # sub-ICB location code -> its LOC22 line
    ccg_successor: dict[str, str] = field(default_factory=dict)  # CCG code -> the CCG it merged into
    region_ons_to_ods: dict[str, str] = field(default_factory=dict)
    office_ons_to_ods: dict[str, str] = field(default_factory=dict)
    ccg_ons_to_ods: dict[str, str] = field(default_factory=dict)  # CCG ONS code (2017) -> ODS code  # ONS E39 -> ODS Q code of a local office
    trust_codes: set[str] = field(default_factory=set)  # English trusts in ODS etr
    notes: list[str] = field(default_factory=list)  # what the loader skipped, for the summary


OPERATIONAL_RULE = (
    "operational start: the register opened the code less than a year before the first succession into it (its "
    "predecessors still operating until the day before), so the body answers from that succession; the register's "
    "open date is kept as register_valid_from. A body opened a year or more before a succession into it had been "
    "operating (an acquisition) and keeps its open date."
)


def operational_starts(g: RegisterGraph) -> list[str]:
    """Move a body's start from the register's administrative open date to the
    day its predecessors' successions took effect (13T: opened 2014-11-26,
    its three predecessors closed 2015-03-31), so no date has two bodies for
    one place. Returns the ids moved."""
    from datetime import date

    first_in: dict[str, str] = {}
    for ln in g._events.values():
        if ln.type == "SUCCEEDED_BY" and ln.intervals[0][0]:
            on = ln.intervals[0][0]
            first_in[ln.to_id] = min(first_in.get(ln.to_id, on), on)
    moved = []
    for body_id, first in sorted(first_in.items()):
        b = g.bodies.get(body_id)
        opened = b.props.get("valid_from") if b else None
        if not opened or opened >= first or (date.fromisoformat(first) - date.fromisoformat(opened)).days >= 365:
            continue
        b.props["register_valid_from"] = opened
        b.props["valid_from"] = first
        note = f"Operational from {first}, when its predecessors' successions took effect (ODS succ); the register opened the code on {opened}."
        b.props["date_note"] = f"{b.props['date_note']} {note}" if b.props.get("date_note") else note
        b.props["start_basis"] = OPERATIONAL_RULE
        for ln in g._links.values():
            if ln.from_id == body_id or ln.to_id == body_id:
                ln.intervals = [(max(s, first) if s else s, e, items) for s, e, items in ln.intervals if not (e and e <= first)]
        moved.append(body_id)
    return moved
