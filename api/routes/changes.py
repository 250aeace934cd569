"""/changes: the landscape's timeline in a period."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from nhskg.api import models as m
from nhskg.api import serialise as ser
from nhskg.api.deps import get_store
from nhskg.api.routes._common import AllTimeWindow, comma_list
from nhskg.api.strict import errors
from nhskg.core.errors import UserError
from nhskg.core.timescope import weakest
from nhskg.graph import GraphStore
from nhskg.queries.changes import CHANGE_KINDS, changes

router = APIRouter(tags=["changes"])

KIND_PATTERN = r"^\s*(" + "|".join(CHANGE_KINDS) + r")\s*(,\s*(" + "|".join(CHANGE_KINDS) + r")\s*)*$"


@router.get("/changes", response_model=m.Changes, responses=errors({422: "an unknown kind, a malformed date, an unknown parameter"}))
def list_changes(
    store: Annotated[GraphStore, Depends(get_store)],
    window: AllTimeWindow,
    kind: Annotated[
        str | None,
        Query(max_length=400, description=f"comma list of kinds to keep: {', '.join(CHANGE_KINDS)} (default all)", json_schema_extra={"pattern": KIND_PATTERN}),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=m.CHANGES_LIMIT_MAX, description=f"page size (max {m.CHANGES_LIMIT_MAX})")] = m.CHANGES_LIMIT_DEFAULT,
    offset: Annotated[int, Query(ge=0, le=m.OFFSET_MAX, description=f"items to skip (max {m.OFFSET_MAX})")] = 0,
):
    """What changed in the landscape between `from` and `to` (a half-open period; all time unless narrowed), ordered by date.

    Kinds: `established` and `abolished` (a body or type starting or ending,
    with the Act when an ESTABLISHED_BY / ABOLISHED_BY event names one;
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
    commissioning the service, then the bodies it moved from, then to."""
    kinds = comma_list(kind)
    unknown = [k for k in kinds if k not in CHANGE_KINDS]
    if unknown:
        raise UserError(f"kind: unknown kind {unknown[0]!r}; kinds are {', '.join(CHANGE_KINDS)}")
    found = changes(store, window, kinds or None)
    items = [
        {
            "date": c.date,
            "kind": c.kind,
            "entities": c.entities,
            "description": c.description,
            "status": weakest(*(r.get("status") for r in c.records)),
            "evidence": [e for r in c.records for e in ser.evidence(r)],
        }
        for c in found[offset : offset + limit]
    ]
    return {"window": window.describe(), "items": items, "total": len(found), "limit": limit, "offset": offset}
