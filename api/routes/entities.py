"""/entities: search, one entity, its accountability chains, delegations and history."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import anyio.to_thread
from fastapi import APIRouter, Depends, Path, Query

from nhskg.api import models as m
from nhskg.api import serialise as ser
from nhskg.api.deps import get_store
from nhskg.api.strict import errors
from nhskg.core.timescope import holds
from nhskg.api.routes.budgets import budget_item
from nhskg.api.routes._common import TABLE_RESPONSE, AllTimeWindow, DirectoryWindow, LandscapeWindow, TableFormat, briefs, briefs_async, check_label, entity_question, found_entity, found_entity_async, require_entity
from nhskg.queries.rules import accountable_bodies as accountable_bodies_answer
from nhskg.queries.rules import accountable_for, statute_for_step
from nhskg.queries.run import ask, ask_all_async, question
from nhskg.queries.search import search_entities as search_entities_answer
from nhskg.graph import GraphStore

router = APIRouter(tags=["entities"])

EntityId = Annotated[str, Path(description="node id, e.g. org:nhs-england, type:icb", max_length=200)]


# The declared fields of m.SourceMeta, in order (entity detail's `sources`).
SOURCE_META_FIELDS = tuple(m.SourceMeta.model_fields)

IdParam = Annotated[str | None, Query(min_length=1, max_length=200)]


def search_item(r: dict[str, Any]) -> dict[str, Any]:
    """One /entities item; a source document also says when it was published."""
    # Every item has `published` (the model declares it): null but on a Source.
    published = r.get("published") if "Source" in (r.get("labels") or []) else None
    return {**ser.brief(r), "status": r.get("status") or "in_force", "codes": ser.codes(r), "match": r.get("match"), "published": published}


@router.get("/entities", response_model=m.EntityList, responses={**TABLE_RESPONSE, **errors()})
async def search_entities(
    store: Annotated[GraphStore, Depends(get_store)],
    window: DirectoryWindow,
    q: Annotated[str | None, Query(description="case-insensitive substring of the name, an alias or the id, or an exact ODS/ONS code; exact matches rank first, and when nothing contains q the closest names are given (`match: similar`)", max_length=200)] = None,
    label: Annotated[m.LabelName | None, Query(description="only nodes with this label (Organisation, OrganisationType, Service, StatutoryBody, ...)")] = None,
    instance_of: Annotated[str | None, Query(min_length=1, max_length=200, description="only bodies that are an INSTANCE_OF this type on the date or in the period, e.g. type:icb")] = None,
    part_of: Annotated[str | None, Query(min_length=1, max_length=200, description="only nodes directly PART_OF this node on the date or in the period (e.g. the sub-ICB locations of an ICB)")] = None,
    code: Annotated[str | None, Query(min_length=1, max_length=40, description="the body with this ODS or ONS code, current or former, any date (e.g. 09Y, E38000246)")] = None,
    limit: Annotated[int, Query(ge=1, le=m.ENTITY_LIMIT_MAX, description=f"page size (max {m.ENTITY_LIMIT_MAX})")] = m.ENTITY_LIMIT_DEFAULT,
    offset: Annotated[int, Query(ge=0, le=m.OFFSET_MAX, description=f"rows to skip (max {m.OFFSET_MAX})")] = 0,
    format: TableFormat = "json",
):
    """Find entities by name, alias or code, optionally by label, type, parent, date or period.

    Unlike the landscape endpoints, no date means *any date* and every status
    (a directory: abolished bodies such as PCTs and 2010 proposals can be
    found; each item says its status). With as_of or from/to, only entities
    holding then (in_force unless `status` says otherwise); `instance_of` and
    `part_of` then ask about the INSTANCE_OF / PART_OF link on that date.
    Items are ranked: exact name or id, exact alias or code, names starting
    with q, the rest (`match` says which)."""
    if label is not None:
        check_label(label)
    for param, value in (("instance_of", instance_of), ("part_of", part_of)):
        if value:
            (rows,) = await ask_all_async(store, entity_question(value, param))
            await found_entity_async(store, value, rows, param)
    filters = {"q": (q or "").strip() or None, "label": label, "instance_of": instance_of, "part_of": part_of, "code": code.strip() if code else None}
    # In a worker thread: the closest names (when nothing contains q) are
    # scored in Python, and no other request waits on them.
    found = await anyio.to_thread.run_sync(lambda: search_entities_answer(store, window, limit=limit, offset=offset, **filters))
    answer = {
        "window": window.describe(),
        "items": [search_item(r) for r in found.items],
        "total": found.total,
        "limit": limit,
        "offset": offset,
        "similar": found.similar,
    }
    if format != "json":
        return ser.table(answer, ser.TABLE_COLUMNS["/entities"], format, ser.file_stem("entities", q, label, instance_of, part_of, code, window.as_of))
    return ser.json_response(answer)


@router.get("/entities/{id}", response_model=m.EntityDetail, responses=errors())
async def get_entity(id: EntityId, store: Annotated[GraphStore, Depends(get_store)]):
    """One entity: its properties, aliases, evidence, the sources it cites and its neighbour counts by relationship type."""
    found, counts, source_rows, budget_rows = await ask_all_async(
        store, entity_question(id), question("entity_neighbour_counts", id=id), question("entity_sources", id=id), question("entity_latest_budget", id=id)
    )
    row = await found_entity_async(store, id, found)
    props: dict[str, Any] = row["properties"]
    neighbours: dict[str, int] = {}
    by_direction: dict[str, dict[str, int]] = {"out": {}, "in": {}}
    for r in counts:
        neighbours[r["type"]] = neighbours.get(r["type"], 0) + int(r["count"])
        by_direction[r["direction"]][r["type"]] = int(r["count"])
    return ser.json_response(
        {
            "id": props["id"],
            "name": props.get("name"),
            "labels": sorted(row["labels"]),
            "properties": {k: v for k, v in sorted(props.items()) if k not in ("evidence", "evidence_sources")},
            "aliases": list(props.get("aliases") or []),
            "codes": ser.codes(props),
            "evidence": ser.evidence(props),
            "sources": [ser.in_field_order(s["source"], SOURCE_META_FIELDS) for s in source_rows],
            "neighbours": dict(sorted(neighbours.items())),
            "neighbours_by_direction": {k: dict(sorted(v.items())) for k, v in by_direction.items()},
            "latest_budget": budget_item(budget_rows[0]["budget"], budget_rows[0]["holder_name"]) if budget_rows else None,
        }
    )


Expand = Annotated[Literal["nodes"] | None, Query(description="nodes: full node records (every property and its evidence) instead of briefs")]


@router.get("/entities/{id}/accountability", response_model=m.Accountability, responses=errors())
async def accountability(id: EntityId, store: Annotated[GraphStore, Depends(get_store)], window: LandscapeWindow, expand: Expand = None):
    """Every chain of ACCOUNTABLE_TO from the entity up to a body that answers to no one, as of the date.

    Works for a type (type:icb) and for a body that is an instance of one
    (type-level accountability is materialised on instances at ingest, within
    the dates of the INSTANCE_OF relationship). Each node and relationship on
    a chain is valid on as_of; chains are capped at 8 steps. An entity that
    answers to no one (or does not exist on as_of) has `chains: []`.
    """
    found, chains = await ask_all_async(store, entity_question(id), question("accountability_chains", window, id=id))
    row = await found_entity_async(store, id, found)
    return ser.json_response(
        {
            "entity": ser.in_model_order(ser.node(row["properties"], row["labels"]), ser.NODE_CORE),
            "as_of": window.as_of,
            "window": window.describe(),
            "valid_on_date": holds(row["properties"], window),
            "chains": [
                {
                    "nodes": [ser.in_model_order(ser.node(n), ser.NODE_CORE) if expand else ser.brief(n) for n in c["nodes"]],
                    "relationships": [ser.in_model_order(ser.relationship(r), ser.EDGE_CORE) for r in c["relationships"]],
                }
                for c in chains
            ],
        }
    )


def delegation_record(d: dict[str, Any], via_type: str | None, names: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A Delegation node (d {.*}) -> the public delegation record, ids resolved to briefs."""
    # In the order m.DelegationRecord writes it: its declared fields, then the extra ones.
    return {
        "id": d["id"],
        "name": d.get("name"),
        "by": ser.brief_or_id(names, d.get("by")),
        "to": ser.brief_or_id(names, d.get("to")),
        "services": [ser.brief_or_id(names, s) for s in d.get("services") or []],
        "power": ser.brief_or_id(names, d.get("power")),
        "accountability_retained_by": ser.brief_or_id(names, accountable_for(d)[0]),
        "status": d.get("status"),
        "valid_from": d.get("valid_from"),
        "valid_to": d.get("valid_to"),
        "evidence": ser.evidence(d),
        "via_type": via_type,
        "description": d.get("description"),
        "accountability_stated": accountable_for(d)[1],
        "source_ids": d.get("source_ids") or [],
        "quantifier": d.get("quantifier") or "all",
    }


def delegation_ids(d: dict[str, Any]) -> set[str | None]:
    return {d.get("by"), d.get("to"), d.get("power"), d.get("accountability_retained_by"), *(d.get("services") or [])}


@router.get("/entities/{id}/delegations", response_model=m.DelegationList, responses=errors())
async def delegations(
    id: EntityId,
    store: Annotated[GraphStore, Depends(get_store)],
    window: LandscapeWindow,
    direction: Annotated[Literal["out", "in"], Query(description="out: delegations the entity makes; in: delegations it receives")] = "out",
):
    """Delegation records the entity makes (out) or receives (in), valid on the date.

    A body that is an INSTANCE_OF a type also sees the type's delegations
    (`via_type` names the type). Only in_force delegations unless `status`
    asks for others (a planned or delayed delegation is not in effect).
    `accountability_retained_by` defaults to the delegator when the record
    does not name anyone (`accountability_stated: false`).
    """
    found, rows = await ask_all_async(store, entity_question(id), question("delegations_out" if direction == "out" else "delegations_in", window, id=id))
    entity = await found_entity_async(store, id, found)
    names = await briefs_async(store, set().union(*(delegation_ids(r["delegation"]) for r in rows)) if rows else set())
    return ser.json_response(
        {
            "entity": ser.brief({**entity["properties"], "labels": entity["labels"]}),
            "direction": direction,
            "as_of": window.as_of,
            "window": window.describe(),
            "items": [delegation_record(r["delegation"], r.get("via_type"), names) for r in rows],
        }
    )


@router.get("/entities/{id}/history", response_model=m.History, responses=errors())
def history(
    id: EntityId,
    store: Annotated[GraphStore, Depends(get_store)],
    window: AllTimeWindow,
    expand: Annotated[Literal["node"] | None, Query(description="node: full records of the predecessors and successors instead of briefs")] = None,
):
    """What the entity replaced and what replaced it, transitively (SUCCEEDED_BY and RENAMED_TO, up to 8 steps, all dates; a CCG -> its merged CCG -> its ICB -> the ICB's successor).

    Each step carries its date (valid_from of the relationship), the statute
    behind it where known (`statute_basis`: `stated` on the relationship, or
    inferred from the predecessor's ABOLISHED_BY / the successor's
    ESTABLISHED_BY) and its evidence. Each reached node is listed once, with
    its shortest chain.
    """
    entity = require_entity(store, id)
    raw = {"predecessors": ask(store, "entity_history_predecessors", window, id=id), "successors": ask(store, "entity_history_successors", window, id=id)}
    step_ids = {id} | {x for rows in raw.values() for r in rows for s in r["steps"] for x in (s["from"], s["to"])}
    links: dict[str, list[dict[str, Any]]] = {}
    for r in ask(store, "entity_statutes", window, ids=sorted(step_ids)):
        links.setdefault(r["id"], []).append({"statute": ser.brief(r["statute"]), "relationship": ser.relationship(r["relationship"])})
    inferred = {s["id"]: statute_for_step(s, links) for rows in raw.values() for r in rows for s in r["steps"]}
    names = briefs(store, {sid for sid, _ in inferred.values()})
    out: dict[str, Any] = {"entity": ser.brief({**entity["properties"], "labels": entity["labels"]}), "window": window.describe()}
    for key, rows in raw.items():
        seen: set[str] = set()
        items = []
        for r in sorted(rows, key=lambda r: (r["distance"], r["node"]["id"])):
            if r["node"]["id"] in seen:
                continue
            seen.add(r["node"]["id"])
            steps = []
            for s in r["steps"]:
                statute_id, basis = inferred[s["id"]]
                steps.append({**ser.relationship(s), "date": s.get("date") or s.get("valid_from"), "statute": ser.brief_or_id(names, statute_id), "statute_basis": basis})
            items.append({"node": ser.node(r["node"]) if expand else ser.brief(r["node"]), "distance": int(r["distance"]), "steps": steps})
        out[key] = items
    own = links.get(id, [])
    out["established_by"] = [l for l in own if l["relationship"]["type"] == "ESTABLISHED_BY"]
    out["abolished_by"] = [l for l in own if l["relationship"]["type"] == "ABOLISHED_BY"]
    return out


@router.get("/entities/{id}/accountable-bodies", response_model=m.AccountableBodies, responses={**TABLE_RESPONSE, **errors()})
def accountable_bodies(
    id: EntityId,
    store: Annotated[GraphStore, Depends(get_store)],
    window: LandscapeWindow,
    limit: Annotated[int, Query(ge=1, le=m.ACCOUNTABLE_LIMIT_MAX, description=f"page size (max {m.ACCOUNTABLE_LIMIT_MAX})")] = m.ACCOUNTABLE_LIMIT_DEFAULT,
    offset: Annotated[int, Query(ge=0, le=m.OFFSET_MAX, description=f"rows to skip (max {m.OFFSET_MAX})")] = 0,
    format: TableFormat = "json",
):
    """Who answers to this body, transitively, on the date or in the period: types and real bodies (NHS England <- the ICBs <- ...).

    Each body is listed once, at its shortest distance, with `via`: the
    bodies in between, nearest it first. Every node and ACCOUNTABLE_TO step
    on the chain holds in the window. Type-level accountability reaches real
    bodies (an ICB answers to NHS England because every ICB does)."""
    entity = require_entity(store, id)
    found = accountable_bodies_answer(store, id, window, limit, offset)
    page = found.rows
    names = briefs(store, {v for r in page for v in r["via"]})
    answer = {
        "entity": ser.brief({**entity["properties"], "labels": entity["labels"]}),
        "window": window.describe(),
        "items": [{"node": {**ser.brief(r), "status": r.get("status") or "in_force"}, "distance": r["distance"], "via": [ser.brief_or_id(names, v) for v in r["via"]]} for r in page],
        "total": found.total,
        "limit": limit,
        "offset": offset,
        "truncated": found.truncated,
    }
    return ser.table(answer, ser.TABLE_COLUMNS["/entities/{id}/accountable-bodies"], format, ser.file_stem("accountable-bodies", id, window.as_of))
