"""/services/{id}/commissioners: who commissions a service on a date."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import anyio.to_thread
from fastapi import APIRouter, Depends, Path, Query

from nhskg.api import models as m
from nhskg.api import serialise as ser
from nhskg.api.deps import get_store
from nhskg.api.strict import errors
from nhskg.api.routes._common import TABLE_RESPONSE, AllTimeWindow, LandscapeWindow, TableFormat, choices_pattern, comma_list, require_entity
from nhskg.core.timescope import BEGINNING, END, Window
from nhskg.queries.hierarchy import Commissioners, service_commissioners, service_timeline
from nhskg.queries.membership import stands_for, type_counts
from nhskg.graph import GraphStore
from nhskg.core.errors import NotFound

router = APIRouter(tags=["services"])


EXPAND_COMMISSIONERS = choices_pattern(("commissioner", "instances"))
COMMISSIONER_FIELDS = tuple(m.Commissioner.model_fields)  # the declared fields of an item, in order


@router.get("/services/{id}/commissioners", response_model=m.Commissioners, responses=TABLE_RESPONSE | errors({404: "no service with that id"}))
async def commissioners(
    id: Annotated[str, Path(description="service id, e.g. service:sexual-health", max_length=200)],
    store: Annotated[GraphStore, Depends(get_store)],
    window: LandscapeWindow,
    include_parts: Annotated[bool, Query(description="also list commissioners of the service's PART_OF descendants, flagged with `via`")] = True,
    expand: Annotated[
        str | None,
        Query(
            pattern=EXPAND_COMMISSIONERS,
            description="a comma list of: commissioner (the commissioner's full record, every property and its evidence, instead of a brief); "
            "instances (on a type's row, the ids of the bodies that hold its fact, `instances`, besides their count)",
        ),
    ] = None,
    instances: Annotated[
        Literal["group", "list"],
        Query(
            description="group (default): the facts real bodies inherit from their type are folded into the type's row (`instance_count`; "
            "their ids in `instances` with expand=instances); list: one row per body, each with its own fact and evidence"
        ),
    ] = "group",
    format: TableFormat = "json",
):
    """Who commissions the service on the date (or in the period), and on what basis (statutory, delegated, ...).

    A COMMISSIONS relationship that holds in the window into the service,
    from a commissioner that holds (in_force unless `status` asks for more).
    Type-level facts reach real bodies (items with `derived: true`,
    `inherited_from` the type; only statements about *all* bodies of a type);
    delegated commissioning carries its `delegation_id`. By default a type's
    row counts the bodies that hold its fact (`instance_count`) and the
    bodies are not repeated: `expand=instances` lists their ids, and
    `instances=list` gives each its own row (fact, evidence, relationship id).
    A type's row also says what it stands for (`stands_for`): every body
    named, some named of a cited count (63 CCGs with delegated primary care
    in 2015/16), or an unknown set ("some CCGs", no list, no count). A fact
    about named bodies or some of a type (`addition: true`) adds to the
    answer and never replaces the rest.

    The hierarchy works both ways. Upwards: until a fact that answers for
    the service (not an addition) covers it in the window, the commissioners
    of its ancestors, nearest first, answer for it where their fact covers
    it, flagged `from_parent` (dental services in 2020 <- NHS England via
    primary care; CCG co-commissioning covered primary medical services
    only, so it does not reach dental services).
    Downwards: with include_parts (default) the commissioners of its parts are
    listed too, with `via` naming the part.
    """
    expanded = set(comma_list(expand))
    grouped, instance_ids = instances == "group", "instances" in expanded
    # Several reads (the lineage and facts in one round trip, an ancestor's
    # facts when the service has none): in a worker thread.
    answer = await anyio.to_thread.run_sync(lambda: _from_engine(store, id, window, include_parts, grouped, instance_ids))
    # A type's row about all its bodies names them all; a cited count is
    # looked up only for rows about some of them, or that name none.
    uncertain = [r for r in answer.rows if "OrganisationType" in (r.commissioner.get("labels") or []) and (_about_some(r.relationship) or not r.instance_count)]
    counts = await anyio.to_thread.run_sync(lambda: type_counts(store, (r.commissioner["id"] for r in uncertain), window)) if uncertain else {}
    items = []
    for r in answer.rows:
        rel = r.relationship
        is_type = "OrganisationType" in (r.commissioner.get("labels") or [])
        some = _about_some(rel)
        items.append(
            ser.in_field_order(
                {
                    "commissioner": ser.in_model_order(ser.node(r.commissioner), ser.NODE_CORE) if "commissioner" in expanded else ser.brief(r.commissioner),
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
                    "instances": r.instances,
                    "instance_count": r.instance_count,
                    "addition": some,
                    "stands_for": stands_for(r.instance_count or 0, counts.get(r.commissioner["id"]), some) if is_type and r.instance_count is not None else None,
                },
                COMMISSIONER_FIELDS,
            )
        )
    # Written as it is, in the model's field order (tests/test_api_json_answers.py).
    out = {"service": ser.brief(answer.service), "as_of": window.as_of, "window": window.describe(), "items": items}
    if format != "json":
        return ser.table(out, ser.TABLE_COLUMNS["/services/{id}/commissioners"], format, ser.file_stem("commissioners", id, window.as_of))
    return ser.json_response(out)


def _about_some(rel: dict[str, Any]) -> bool:
    """A fact about named bodies or some of a type (queries.membership)."""
    return bool(rel.get("addition")) or rel.get("quantifier") in ("some", "may")


def _from_engine(store: GraphStore, id: str, window: Window, include_parts: bool, grouped: bool, instance_ids: bool) -> Commissioners:
    answer = service_commissioners(store, id, window, include_parts, grouped=grouped, instance_ids=instance_ids)
    if answer.service is None:
        require_service(store, id)  # says why: no such entity, or not a service
        raise NotFound(f"no service with id {id!r}")
    return answer


def require_service(store: GraphStore, service_id: str) -> dict[str, Any]:
    row = require_entity(store, service_id)
    if "Service" not in row["labels"]:
        raise NotFound(f"{service_id!r} is not a service (labels: {', '.join(sorted(row['labels']))})")
    return row


@router.get("/services/{id}/timeline", response_model=m.ServiceTimeline, responses=TABLE_RESPONSE | errors({404: "no service with that id"}))
def timeline(
    id: Annotated[str, Path(description="service id, e.g. service:dental-services", max_length=200)],
    store: Annotated[GraphStore, Depends(get_store)],
    window: AllTimeWindow,
    expand: Annotated[Literal["commissioner"] | None, Query(description="commissioner: full records instead of briefs")] = None,
    format: TableFormat = "json",
):
    """Who commissioned the service over time (all time unless narrowed), as intervals [from, to) with basis and evidence.

    The same rule as /services/{id}/commissioners, applied to every stretch of
    time in which nothing changes: a part with no commissioner of its own is
    answered by its nearest ancestor's (`from_parent`). Neighbouring
    stretches with the same commissioner and the same fact are joined;
    `from: null` / `to: null` mean unbounded."""
    row = require_service(store, id)
    items = []
    for piece in service_timeline(store, id, window):
        r = piece["row"]
        rel = r.relationship
        items.append(
            {
                "from": None if piece["from"] == BEGINNING else piece["from"],
                "to": None if piece["to"] == END else piece["to"],
                "commissioner": ser.node(r.commissioner) if expand else ser.brief(r.commissioner),
                "basis": rel.get("basis"),
                "status": rel.get("status") or "in_force",
                "from_parent": ser.brief(r.from_parent) if r.from_parent else None,
                "relationship_id": rel["id"],
                "derived": bool(rel.get("derived")),
                "delegation_id": rel.get("delegation_id"),
                "evidence": ser.evidence(rel),
                "instances": r.instances,
                "instance_count": r.instance_count,
            }
        )
    answer = {"service": ser.brief({**row["properties"], "labels": row["labels"]}), "window": window.describe(), "items": items}
    return ser.table(answer, ser.TABLE_COLUMNS["/services/{id}/timeline"], format, ser.file_stem("timeline", id))
