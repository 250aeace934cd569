"""/services/{id}/commissioners: who commissions a service on a date."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from nhskg.api import models as m
from nhskg.api import serialise as ser
from nhskg.api.deps import get_store
from nhskg.api.routes._common import LandscapeWindow, require_entity
from nhskg.queries.answers import service_commissioners
from nhskg.graph import GraphStore
from nhskg.core.errors import NotFound

router = APIRouter(tags=["services"])


@router.get("/services/{id}/commissioners", response_model=m.Commissioners, responses={404: {"description": "no service with that id"}})
def commissioners(
    id: Annotated[str, Path(description="service id, e.g. service:sexual-health", max_length=200)],
    store: Annotated[GraphStore, Depends(get_store)],
    window: LandscapeWindow,
    include_parts: Annotated[bool, Query(description="also list commissioners of the service's PART_OF descendants, flagged with `via`")] = True,
):
    """Who commissions the service on the date (or in the period), and on what basis (statutory, delegated, ...).

    A COMMISSIONS relationship that holds in the window into the service,
    from a commissioner that holds (in_force unless `status` asks for more).
    Type-level facts reach real bodies (items with `derived: true`,
    `inherited_from` the type; only statements about *all* bodies of a type);
    delegated commissioning carries its `delegation_id`.

    The hierarchy works both ways. Upwards: when nothing more specific covers
    the service in the window (no commissioning of it, no delegation naming
    it), the commissioners of its nearest ancestor answer for it, flagged
    `from_parent` (dental services in 2020 <- NHS England via primary care).
    Downwards: with include_parts (default) the commissioners of its parts are
    listed too, with `via` naming the part.
    """
    row = require_entity(store, id)
    if "Service" not in row["labels"]:
        raise NotFound(f"{id!r} is not a service (labels: {', '.join(sorted(row['labels']))})")
    answer = service_commissioners(store, id, window, include_parts)
    items = []
    for r in answer.rows:
        rel = r.relationship
        items.append(
            {
                "commissioner": ser.node(r.commissioner),
                "basis": rel.get("basis"),
                "valid_from": rel.get("valid_from"),
                "valid_to": rel.get("valid_to"),
                "status": rel.get("status") or "in_force",
                "evidence": ser.evidence(rel),
                "via": ser.brief(r.via) if r.via else None,
                "from_parent": ser.brief(r.from_parent) if r.from_parent else None,
                "relationship_id": rel["id"],
                "derived": bool(rel.get("derived")),
                "rule": rel.get("rule"),
                "inherited_from": rel.get("inherited_from"),
                "delegation_id": rel.get("delegation_id"),
                "delegated_by": rel.get("delegated_by"),
            }
        )
    return {"service": ser.brief({**row["properties"], "labels": row["labels"]}), "as_of": window.as_of, "window": window.describe(), "items": items}
