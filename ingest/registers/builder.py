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
    """(latest name, earlier names, history lines "<date attested>: <name>")."""
    seen: list[tuple[str, str]] = []
    for attested, name in sorted(b.names, key=lambda n: n[0]):
        if seen and seen[-1][1].casefold() == name.casefold():
            continue
        seen.append((attested, name))
    if not seen:
        return b.id, [], []
    latest = seen[-1][1]
    # A later name that only differs in case from an earlier one (ODS capitals
    # vs ONS mixed case) should not hide the readable form.
    readable = [n for _, n in sorted(b.names, key=lambda n: n[0]) if n.casefold() == latest.casefold() and not n.isupper()]
    name = readable[-1] if readable else latest
    earlier = list(dict.fromkeys(n for _, n in seen if n.casefold() != name.casefold()))
    history = [f"{d}: {n}" for d, n in seen]
    return name, earlier, history


def node_props(b: Body) -> dict[str, Any]:
    name, aliases, history = names_over_time(b)
    props: dict[str, Any] = {"name": name, **b.props}
    if aliases:
        props["aliases"] = aliases
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
    notes: list[str] = field(default_factory=list)  # what the loader skipped, for the summary
