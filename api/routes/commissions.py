"""/entities/{id}/commissions: what a body (or a type) commissioned on a date."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from nhskg.api import models as m
from nhskg.api import serialise as ser
from nhskg.api.deps import get_store
from nhskg.api.routes._common import LandscapeWindow, entity_question, found_entity_async
from nhskg.api.strict import errors
from nhskg.core.errors import UserError
from nhskg.core.vocabulary import vocabulary
from nhskg.graph import GraphStore
from nhskg.queries.run import ask_all_async, question

router = APIRouter(tags=["entities"])


@router.get("/entities/{id}/commissions", response_model=m.EntityCommissions, responses=errors({404: "no entity with that id"}))
async def commissions(
    id: Annotated[str, Path(description="entity id: a real body (org:ods-02r) or a type (type:icb)", max_length=200)],
    store: Annotated[GraphStore, Depends(get_store)],
    window: LandscapeWindow,
    basis: Annotated[
        str | None,
        # The schema lists the bases (as /changes' kind gives its pattern) so a
        # client knows what is accepted; the route checks it for a one-line error.
        Query(description="only facts on this basis: " + ", ".join(vocabulary().commissioning_bases), max_length=40, json_schema_extra={"enum": list(vocabulary().commissioning_bases)}),
    ] = None,
):
    """The services the entity commissions on the date (or in the period), each with its basis and where it comes from.

    A real body's facts include those it holds as an instance of its type
    (`inherited_from` the type: CCGs commissioned urgent and emergency care)
    or as a member of a cohort (`inherited_from` the cohort: the ICBs of three
    regions held 59 specialised services by delegation from April 2024), and
    delegated commissioning names its Delegation record (`delegation_id`) and
    the delegator (`delegated_by`, who stays accountable). Only the services
    the facts name are listed; who commissions a service's parts is
    /services/{id}/commissioners.
    """
    if basis is not None and basis not in vocabulary().commissioning_bases:
        raise UserError(f"basis: {basis!r} is not one of {', '.join(vocabulary().commissioning_bases)}")
    found, rows = await ask_all_async(store, entity_question(id), question("entity_commissions", window, id=id, basis=basis))
    row = await found_entity_async(store, id, found)
    items = []
    for r in rows:
        rel = r["relationship"]
        items.append(
            {
                "service": ser.brief(r["service"]),
                "basis": rel.get("basis"),
                "valid_from": rel.get("valid_from"),
                "valid_to": rel.get("valid_to"),
                "status": rel.get("status") or "in_force",
                "evidence": ser.evidence(rel),
                "relationship_id": rel["id"],
                "derived": bool(rel.get("derived")),
                "rule": rel.get("rule"),
                "inherited_from": rel.get("inherited_from"),
                "delegation_id": rel.get("delegation_id"),
                "delegated_by": rel.get("delegated_by"),
                "addition": bool(rel.get("addition")) or rel.get("quantifier") in ("some", "may"),
            }
        )
    return {"entity": ser.brief({**row["properties"], "labels": row["labels"]}), "as_of": window.as_of, "window": window.describe(), "items": items}
