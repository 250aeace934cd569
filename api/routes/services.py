"""/services/{id}/commissioners: who commissions a service on a date."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from nhskg.api import models as m
from nhskg.api import serialise as ser
from nhskg.api.deps import get_store
from nhskg.api.routes._common import AsOf, as_of_value, require_entity, run
from nhskg.graph import GraphStore
from nhskg.core.errors import NotFound

router = APIRouter(tags=["services"])


@router.get("/services/{id}/commissioners", response_model=m.Commissioners, responses={404: {"description": "no service with that id"}})
def commissioners(
    id: Annotated[str, Path(description="service id, e.g. service:sexual-health", max_length=200)],
    store: Annotated[GraphStore, Depends(get_store)],
    as_of: AsOf = None,
    include_parts: Annotated[bool, Query(description="also list commissioners of the service's PART_OF descendants, flagged with `via`")] = True,
):
    """Who commissions the service on the date, and on what basis (statutory, delegated, ...).

    A COMMISSIONS relationship valid on as_of into the service, from a
    commissioner valid on as_of. Type-level facts reach instances (items with
    `derived: true`, `inherited_from` the type); delegated commissioning
    carries its `delegation_id`. The service hierarchy is followed only
    downwards and only where the graph says so: a commissioner of
    service:public-health is *not* reported as commissioning
    service:sexual-health unless a COMMISSIONS relationship says so, but a
    query for service:public-health lists the commissioners of its parts with
    `via` naming the part (include_parts=false to leave them out).
    """
    date = as_of_value(as_of)
    row = require_entity(store, id)
    if "Service" not in row["labels"]:
        raise NotFound(f"{id!r} is not a service (labels: {', '.join(sorted(row['labels']))})")
    rows = run(store, "service_commissioners", id=id, as_of=date, include_parts=include_parts)
    items = []
    for r in rows:
        rel = r["relationship"]
        items.append(
            {
                "commissioner": ser.node(r["commissioner"]),
                "basis": rel.get("basis"),
                "valid_from": rel.get("valid_from"),
                "valid_to": rel.get("valid_to"),
                "status": rel.get("status"),
                "evidence": ser.evidence(rel),
                "via": ser.brief(r["via"]) if r.get("via") else None,
                "relationship_id": rel["id"],
                "derived": bool(rel.get("derived")),
                "rule": rel.get("rule"),
                "inherited_from": rel.get("inherited_from"),
                "delegation_id": rel.get("delegation_id"),
                "delegated_by": rel.get("delegated_by"),
            }
        )
    return {"service": ser.brief({**row["properties"], "labels": row["labels"]}), "as_of": date, "items": items}
