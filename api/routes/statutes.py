"""/statutes/{id}/effects: what an Act (or a policy) did."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from nhskg.api import models as m
from nhskg.api import serialise as ser
from nhskg.api.deps import get_store
from nhskg.api.routes._common import TABLE_RESPONSE, AllTimeWindow, TableFormat, require_entity
from nhskg.api.strict import errors
from nhskg.graph import GraphStore
from nhskg.queries.rules import statute_effects

router = APIRouter(tags=["statutes"])


@router.get("/statutes/{id}/effects", response_model=m.StatuteEffects, responses=TABLE_RESPONSE | errors({404: "no entity with that id"}))
def effects(
    id: Annotated[str, Path(description="statute (or policy) id, e.g. statute:health-and-social-care-act-2012", max_length=200)],
    store: Annotated[GraphStore, Depends(get_store)],
    window: AllTimeWindow,
    format: TableFormat = "json",
):
    """What an Act established, abolished, renamed, enabled or conferred, over all time unless narrowed.

    One item a fact, ordered by date: `effect` is established, abolished,
    enabled, delegation_under_power (a delegation made under its powers),
    succession or renamed (a step that names the Act; `entity` before,
    `other` after), conferred_commissioning (`entity` commissions `other`
    under the Act), set_out or applies_to. Facts about the Act's sections
    count, with `through` naming the section. Authored facts only: the copies
    real bodies inherit from their type are not repeated."""
    entity = require_entity(store, id)
    items = [
        {
            "effect": e["effect"],
            "entity": ser.brief(e["entity"]),
            "other": ser.brief(e["other"]) if e["other"] else None,
            "date": e["date"],
            "valid_to": e["valid_to"],
            "status": e["status"],
            "through": e["through"],
            "relationship_id": e["relationship"]["id"],
            "evidence": ser.evidence(e["relationship"]),
        }
        for e in statute_effects(store, id, window)
    ]
    answer = {"statute": ser.brief({**entity["properties"], "labels": entity["labels"]}), "window": window.describe(), "items": items, "total": len(items)}
    return ser.table(answer, ser.TABLE_COLUMNS["/statutes/{id}/effects"], format, ser.file_stem("effects", id))
