"""/relationships/{id}: one relationship with its evidence, the record a
subgraph's edge brief points to."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from nhskg.api import models as m
from nhskg.api import serialise as ser
from nhskg.api.deps import get_store
from nhskg.queries.run import ask
from nhskg.api.strict import errors
from nhskg.core.errors import NotFound
from nhskg.graph import GraphStore

router = APIRouter(tags=["relationships"])


def start_hint(relationship_id: str) -> str | None:
    """The start node's id as ingest spells it in a relationship id
    (`rel:<type>:<from>:<to>`, `drv:...`; node ids are `kind:slug`), so the
    lookup can go through the node id index. Only a hint: an id of another
    shape, or a wrong guess, falls back to the scan of every relationship."""
    parts = relationship_id.split(":")
    if len(parts) >= 6 and parts[0] in ("rel", "drv"):
        return f"{parts[2]}:{parts[3]}"
    return None


@router.get("/relationships/{id}", response_model=m.RelationshipDetail, responses=errors({404: "no relationship with that id"}))
def get_relationship(
    id: Annotated[str, Path(max_length=400, description="relationship id, as a subgraph edge gives it, e.g. rel:accountable_to:type:icb:org:nhs-england")],
    store: Annotated[GraphStore, Depends(get_store)],
):
    """One relationship, whatever its date or status: every stored property
    and its evidence (each quote or paraphrase with its source and locator),
    its two ends as briefs, and the source documents it cites. Subgraph edges
    are briefs by default; this is where each leads."""
    start = start_hint(id)
    rows = ask(store, "relationship_from", id=id, start=start) if start else []
    rows = rows or ask(store, "relationship_get", id=id)
    if not rows:
        raise NotFound(f"no relationship with id {id!r}")
    edge = ser.in_model_order(ser.relationship(rows[0]["edge"]), ser.EDGE_CORE)
    ends = {r["id"]: ser.node_brief(r) for r in ask(store, "entity_briefs", ids=sorted({edge["from"], edge["to"]}))}
    sources = ask(store, "sources_by_ids", ids=list(edge.get("source_ids") or [])) if edge.get("source_ids") else []
    return {"relationship": edge, "from": ends[edge["from"]], "to": ends[edge["to"]], "sources": [s["source"] for s in sources]}
