"""/changes: the landscape's timeline in a period, as a list, a summary or a table.

The timeline itself comes from queries.changes.changes; this module only
orders, filters and counts it: on each day the type-level and statute
changes come before the register rows they stand for (the type's row says
how many, `instance_count`), `label` and `instance_of` keep the changes whose
subject (the first entity) is of that label or an instance of that type, and
`summary=true` counts them by kind and type.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from nhskg.api import models as m
from nhskg.api import serialise as ser
from nhskg.api.deps import get_store
from nhskg.api.routes._common import TABLE_RESPONSE, AllTimeWindow, TableFormat, check_label, comma_list, found_entity, entity_question
from nhskg.api.strict import errors
from nhskg.core.errors import UserError
from nhskg.core.timescope import weakest
from nhskg.graph import GraphStore
from nhskg.queries.changes import CHANGE_KINDS, Change, changes
from nhskg.queries.run import ask, ask_all

router = APIRouter(tags=["changes"])

KIND_PATTERN = r"^\s*(" + "|".join(CHANGE_KINDS) + r")\s*(,\s*(" + "|".join(CHANGE_KINDS) + r")\s*)*$"

# Subjects whose change is a headline: a class of bodies, an Act, a policy.
HEADLINE_LABELS = {"OrganisationType", "Statute", "Policy"}
IDS_PER_READ = 1000  # the catalogue's cap on a list parameter


class ChangeRow(m.ChangeItem):
    instance_count: int | None = Field(
        None,
        description="on a type-level change: how many changes of the same kind that day are of bodies of that type (listed after it; "
        "for a succession or merger, only those to the same successor or a body of the successor type); null otherwise",
    )


class SummaryRow(BaseModel):
    row: str = Field(description="change: a type-level change (one row each, first); count: the other changes of one kind whose subject is an instance of one type (null type: of none)")
    date: str | None = Field(None, description="the day of a change row (null on count rows)")
    kind: str
    type: m.Brief | None = Field(None, description="the type: the subject of a change row; on a count row the subjects' type (null when they have none)")
    count: int = Field(description="change row: the register rows it stands for (its instance_count); count row: how many changes")
    description: str | None = None


class ChangeList(m.Changes):
    """The timeline (items: changes), or with summary=true its counts (items: summary rows, and by_kind)."""

    items: list[ChangeRow] | list[SummaryRow]  # type: ignore[assignment]
    summary: bool = Field(False, description="true when the items are summary rows")
    by_kind: dict[str, int] | None = Field(None, description="with summary=true: how many changes of each kind")


def subject_types(store: GraphStore, found: Iterable[Change]) -> dict[str, list[str]]:
    """The types each change's subject (and, for a succession or merger, its
    successor) is an instance of (at any date)."""
    found = list(found)
    ids = sorted({c.entities[0]["id"] for c in found if c.entities and c.entities[0]} | {s for c in found if (s := _successor(c))})
    out: dict[str, list[str]] = {}
    for start in range(0, len(ids), IDS_PER_READ):
        for r in ask(store, "entity_types", ids=ids[start : start + IDS_PER_READ]):
            out[r["id"]] = sorted(r["types"])
    return out


# Kinds whose last entity is the successor: "PCTs succeeded by local
# authorities" stands only for the PCTs a local authority succeeded, not for a
# PCT a trust succeeded.
SUCCESSOR_KINDS = {"succeeded", "merged"}


def _subject(c: Change) -> dict[str, Any]:
    return c.entities[0] if c.entities and c.entities[0] else {"id": "", "labels": []}


def _successor(c: Change) -> str | None:
    """The successor's id on a succession or merger (None on other kinds)."""
    if c.kind in SUCCESSOR_KINDS and len(c.entities) > 1 and c.entities[-1]:
        return str(c.entities[-1]["id"])
    return None


def _type_key(c: Change) -> tuple[str, str, str, str | None]:
    """What a type-level change stands for: its day, kind, type and (for a
    succession or merger) successor."""
    return (c.date, c.kind, _subject(c)["id"], _successor(c))


def _stood_for_by(c: Change, types: dict[str, list[str]]) -> set[tuple[str, str, str, str | None]]:
    """The type-level keys a change would be one of the instances of: its
    subject's types and, on a succession or merger, its successor or the
    successor's types."""
    successor = _successor(c)
    successors: list[str | None] = [successor, *types.get(successor, [])] if successor else [None]
    return {(c.date, c.kind, t, s) for t in types.get(_subject(c)["id"], []) for s in successors}


def is_headline(c: Change) -> bool:
    """A change of a type, an Act or a policy, or one an Act made (an entity is a Statute)."""
    if set(_subject(c)["labels"]) & HEADLINE_LABELS:
        return True
    return any("Statute" in (e or {}).get("labels", []) for e in c.entities[1:]) and not all(ser.evidence(r) and all(e["kind"] == "register" for e in ser.evidence(r)) for r in c.records)


def headline_first(found: list[Change], types: dict[str, list[str]]) -> tuple[list[Change], dict[int, int]]:
    """The changes in date order, each day's headlines first; and for each
    type-level change (by position in the new order) how many changes of the
    same kind and day are of bodies of that type (and, for a succession or
    merger, went to that successor or a body of that successor type)."""
    ordered = sorted(found, key=lambda c: (c.date, 0 if is_headline(c) else 1))  # stable: keeps the kind order within
    per_type: Counter[tuple[str, str, str, str | None]] = Counter()
    for c in ordered:
        for key in _stood_for_by(c, types):
            per_type[key] += 1
    counts = {i: per_type[_type_key(c)] for i, c in enumerate(ordered) if "OrganisationType" in _subject(c)["labels"]}
    return ordered, counts


def folded(ordered: list[Change], counts: dict[int, int], types: dict[str, list[str]]) -> tuple[list[Change], dict[int, int]]:
    """The timeline without the changes a type-level change stands for (same
    day, same kind, subject an instance of the type); the counts kept."""
    headline = {_type_key(ordered[i]) for i in counts}
    kept: list[Change] = []
    kept_counts: dict[int, int] = {}
    for i, c in enumerate(ordered):
        if i not in counts and _stood_for_by(c, types) & headline:
            continue
        if i in counts:
            kept_counts[len(kept)] = counts[i]
        kept.append(c)
    return kept, kept_counts


def summarise(ordered: list[Change], counts: dict[int, int], types: dict[str, list[str]], type_briefs: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [
        {"row": "change", "date": c.date, "kind": c.kind, "type": _subject(c), "count": counts[i], "description": c.description}
        for i, c in enumerate(ordered)
        if i in counts
    ]
    tally: Counter[tuple[str, str | None]] = Counter()
    for i, c in enumerate(ordered):
        if i in counts:
            continue  # a type's own change is its change row
        for t in types.get(_subject(c)["id"]) or [None]:
            tally[(c.kind, t)] += 1
    for (kind, t), n in sorted(tally.items(), key=lambda kv: (CHANGE_KINDS.index(kv[0][0]), -kv[1], kv[0][1] or "")):
        rows.append({"row": "count", "date": None, "kind": kind, "type": ser.brief_or_id(type_briefs, t), "count": n, "description": None})
    return rows


@router.get("/changes", response_model=ChangeList, responses=TABLE_RESPONSE | errors({422: "an unknown kind or label, a malformed date, an unknown parameter", 404: "instance_of names an unknown id"}))
def list_changes(
    store: Annotated[GraphStore, Depends(get_store)],
    window: AllTimeWindow,
    kind: Annotated[
        str | None,
        Query(max_length=400, description=f"comma list of kinds to keep: {', '.join(CHANGE_KINDS)} (default all)", json_schema_extra={"pattern": KIND_PATTERN}),
    ] = None,
    label: Annotated[m.LabelName | None, Query(description="only changes whose subject (the first entity) has this label, e.g. OrganisationType, Organisation, Statute")] = None,
    instance_of: Annotated[str | None, Query(min_length=1, max_length=200, description="only changes whose subject is an instance of this type (at any date), e.g. type:ccg")] = None,
    summary: Annotated[bool, Query(description="true: counts instead of the list: one row per type-level change (with the register rows it stands for), then one per kind and type")] = False,
    fold: Annotated[bool, Query(description="true: leave out the changes a type-level change stands for (its instance_count says how many; instance_of=the type lists them), as commissioners fold a type's bodies")] = False,
    limit: Annotated[int, Query(ge=1, le=m.CHANGES_LIMIT_MAX, description=f"page size (max {m.CHANGES_LIMIT_MAX})")] = m.CHANGES_LIMIT_DEFAULT,
    offset: Annotated[int, Query(ge=0, le=m.OFFSET_MAX, description=f"items to skip (max {m.OFFSET_MAX})")] = 0,
    format: TableFormat = "json",
):
    """What changed in the landscape between `from` and `to` (a half-open period; all time unless narrowed), by date, each day's headlines first.

    Kinds: `established` and `abolished` (a body or type starting or ending,
    or a scheme such as GP fundholding taking effect, with the Act when an
    ESTABLISHED_BY / ABOLISHED_BY event names one;
    `abolished` is dated the first day the body no longer exists), `merged`
    (several bodies succeeded by one on the same day), `succeeded`,
    `renamed`, `delegation` (a delegation taking effect),
    `commissioning_moved` (a service's commissioner changing from one body to
    another on a day; `commissioning_started` / `commissioning_ended` when
    only one side changes), `announced` (a policy, white paper or
    announcement published), `enacted` (an Act's Royal Assent). Only
    in_force facts unless `status` asks for more (status=planned shows
    what was planned). `entities` are briefs: for established/abolished the
    body then the Act; for merged the predecessors then the successor; for
    commissioning the service, then the bodies it moved from, then to.

    On each day, changes of a type, an Act or a policy (and those an Act
    made) come first, then the register rows they stand for; a type's
    change says how many (`instance_count`: changes of that kind that day
    whose subject is an instance of the type). `summary=true` answers with
    those type-level rows and then counts by kind and type instead."""
    kinds = comma_list(kind)
    unknown = [k for k in kinds if k not in CHANGE_KINDS]
    if unknown:
        raise UserError(f"kind: unknown kind {unknown[0]!r}; kinds are {', '.join(CHANGE_KINDS)}")
    if label is not None:
        check_label(label)
    if instance_of:
        (rows,) = ask_all(store, entity_question(instance_of, "instance_of"))
        found_entity(store, instance_of, rows, "instance_of")
    found = changes(store, window, kinds or None)
    types = subject_types(store, found)
    if label is not None:
        found = [c for c in found if label in _subject(c)["labels"]]
    if instance_of:
        found = [c for c in found if instance_of in types.get(_subject(c)["id"], [])]
    ordered, counts = headline_first(found, types)
    if fold:
        ordered, counts = folded(ordered, counts, types)
    if summary:
        type_ids = {t for ts in types.values() for t in ts}
        type_briefs = {r["id"]: ser.brief(r) for r in ask(store, "entity_briefs", ids=sorted(type_ids))} if type_ids else {}
        rows = summarise(ordered, counts, types, type_briefs)
        answer: dict[str, Any] = {"window": window.describe(), "items": rows, "total": len(rows), "limit": len(rows), "offset": 0, "summary": True, "by_kind": dict(Counter(c.kind for c in ordered))}
        return ser.table(answer, ser.TABLE_COLUMNS["/changes?summary=true"], format, ser.file_stem("changes-summary", window.start, window.end))
    items = [
        {
            "date": c.date,
            "kind": c.kind,
            "entities": c.entities,
            "description": c.description,
            "status": weakest(*(r.get("status") for r in c.records)),
            "evidence": [e for r in c.records for e in ser.evidence(r)],
            "instance_count": counts.get(i),
        }
        for i, c in enumerate(ordered)
        if offset <= i < offset + limit
    ]
    answer = {"window": window.describe(), "items": items, "total": len(ordered), "limit": limit, "offset": offset, "summary": False}
    return ser.table(answer, ser.TABLE_COLUMNS["/changes"], format, ser.file_stem("changes", window.as_of or f"{window.start}_{window.end}"))
