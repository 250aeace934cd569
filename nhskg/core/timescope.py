"""The time and status rule, written once for Python (derive, the API).

A fact holds in a window when

    valid_from < window.end  and  window.start < valid_to      (overlap, half-open)
    and its status is one the caller asked for (in_force by default)
    and it is not an undated record of a dated kind

with a missing valid_from / valid_to read as unbounded. A day D is the
window [D, D+1), so for one day this is valid_from <= D < valid_to. Events
(an Act abolishing PCTs, a merger) are stored as the one-day span
[date, date+1), so the same rule shows an event in every window that
contains its date. The Cypher form of the rule is generated from the same
constants by nhskg.queries.catalogue (the `@valid(x)` fragment).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from nhskg.core.vocabulary import vocabulary

BEGINNING = "0000-01-01"
END = "9999-12-31"
DEFAULT_STATUSES: tuple[str, ...] = ("in_force",)

# Weakest wins when facts combine (an inherited fact is no stronger than
# the type fact, the INSTANCE_OF link and the body it rests on): the
# vocabulary's status_strength, strongest first.
STATUS_STRENGTH: dict[str, int] = {status: rank for rank, status in enumerate(vocabulary().status_strength)}
ALL_STATUSES: tuple[str, ...] = tuple(STATUS_STRENGTH)


class WindowError(ValueError):
    """A malformed date, an empty period, an unknown status: the message names the parameter."""


def parse_day(value: Any, name: str) -> str:
    try:
        return dt.date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        hint = " (a whole date is needed: e.g. 2015-01-01 for 2015)" if str(value).strip().isdigit() else ""
        raise WindowError(f"{name} must be an ISO date YYYY-MM-DD, got {value!r}{hint}") from None


def next_day(day: str) -> str:
    if day >= END:
        return END
    return (dt.date.fromisoformat(day) + dt.timedelta(days=1)).isoformat()


def parse_statuses(value: str | Iterable[str] | None) -> tuple[str, ...]:
    """`in_force` by default; a comma list; `any` for every status."""
    if value is None:
        return DEFAULT_STATUSES
    items = [v.strip() for v in (value.split(",") if isinstance(value, str) else value)]
    items = [v for v in items if v]
    if not items:
        return DEFAULT_STATUSES
    if items == ["any"]:
        return ALL_STATUSES
    unknown = [v for v in items if v not in STATUS_STRENGTH]
    if unknown:
        raise WindowError(f"status: unknown status {unknown[0]!r}; use a comma list of {', '.join(ALL_STATUSES)}, or any")
    return tuple(dict.fromkeys(items))


@dataclass(frozen=True)
class Window:
    """A half-open period [start, end) and the statuses that count in it."""

    start: str
    end: str
    statuses: tuple[str, ...] = DEFAULT_STATUSES
    as_of: str | None = None  # set when the window is one day
    # A question with no date at all (the directory, all of history) also
    # finds records whose start is unknown; a dated question never does.
    undated_too: bool = False

    @classmethod
    def on(cls, day: str, statuses: tuple[str, ...] = DEFAULT_STATUSES) -> "Window":
        return cls(day, next_day(day), statuses, as_of=day)

    @classmethod
    def between(cls, start: str, end: str, statuses: tuple[str, ...] = DEFAULT_STATUSES) -> "Window":
        if start >= end:
            raise WindowError(f"from ({start}) must be before to ({end}): the period is half-open [from, to)")
        return cls(start, end, statuses)

    @classmethod
    def always(cls, statuses: tuple[str, ...] = DEFAULT_STATUSES) -> "Window":
        return cls(BEGINNING, END, statuses, undated_too=True)

    @classmethod
    def from_request(
        cls,
        as_of: str | None = None,
        start: str | None = None,
        end: str | None = None,
        status: str | Iterable[str] | None = None,
        *,
        today: str | None = None,
        default: str = "today",
    ) -> "Window":
        """as_of (one day) or from + to (a period); neither = today (or all time)."""
        statuses = parse_statuses(status)
        if as_of not in (None, "") and (start not in (None, "") or end not in (None, "")):
            raise WindowError("give either as_of (one day) or from and to (a period), not both")
        if as_of not in (None, ""):
            return cls.on(parse_day(as_of, "as_of"), statuses)
        if start not in (None, "") or end not in (None, ""):
            first = parse_day(start, "from") if start not in (None, "") else BEGINNING
            last = parse_day(end, "to") if end not in (None, "") else END
            return cls.between(first, last, statuses)
        if default == "always":
            return cls.always(statuses)
        return cls.on(today or dt.date.today().isoformat(), statuses)

    def params(self) -> dict[str, Any]:
        """The parameters the catalogue's `@valid(x)` fragment reads."""
        return {"from_date": self.start, "to_date": self.end, "statuses": list(self.statuses), "undated_too": self.undated_too}

    def describe(self) -> dict[str, Any]:
        return {"as_of": self.as_of, "from": None if self.as_of else self.start, "to": None if self.as_of else self.end, "status": list(self.statuses)}


def in_time(props: Mapping[str, Any], start: str, end: str) -> bool:
    return (props.get("valid_from") or BEGINNING) < end and start < (props.get("valid_to") or END)


def holds(props: Mapping[str, Any], window: Window) -> bool:
    """The rule: overlaps the window, has an asked-for status, is not undated."""
    return (
        in_time(props, window.start, window.end)
        and (props.get("status") or "in_force") in window.statuses
        and (window.undated_too or not props.get("undated"))
    )


def overlap(*spans: tuple[str | None, str | None]) -> tuple[str | None, str | None] | None:
    """Intersect half-open [from, to) spans (None = unbounded); None if empty."""
    if len(spans) == 2:
        # Two spans, spelled out without the lists: derivation intersects a
        # type's fact with each body's life, 300,000 times at 100,000 bodies.
        (a_start, a_end), (b_start, b_end) = spans
        start = a_start if a_start and (not b_start or a_start > b_start) else b_start or None
        end = a_end if a_end and (not b_end or a_end < b_end) else b_end or None
    else:
        starts = [s for s, _ in spans if s]
        ends = [e for _, e in spans if e]
        start = max(starts) if starts else None
        end = min(ends) if ends else None
    if start and end and start >= end:
        return None
    return start, end


def subtract(span: tuple[str | None, str | None], holes: Iterable[tuple[str | None, str | None]]) -> list[tuple[str | None, str | None]]:
    """What is left of a half-open span after removing others (for an explicit
    fact that overrides an inherited one only within its own dates)."""
    pieces = [span]
    for hole_start, hole_end in holes:
        left: list[tuple[str | None, str | None]] = []
        for start, end in pieces:
            if overlap((start, end), (hole_start, hole_end)) is None:
                left.append((start, end))
                continue
            if hole_start and (start is None or start < hole_start):
                left.append((start, hole_start))
            if hole_end and (end is None or hole_end < end):
                left.append((hole_end, end))
        pieces = left
    return pieces


def weakest(*statuses: str | None) -> str:
    present = [s or "in_force" for s in statuses]
    return max(present, key=lambda s: STATUS_STRENGTH.get(s, 0)) if present else "in_force"
