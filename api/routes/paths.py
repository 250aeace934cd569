"""/paths/delegation: how a function travels from its statutory holder to the body that carries it out.

Answered by the catalogue query delegation_paths and the briefs of what its
steps name. The answer is written with orjson in the response model's key
order, not validated on the way out."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query

from nhskg.api import models as m
from nhskg.api import serialise as ser
from nhskg.api.deps import get_store
from nhskg.api.strict import errors
from nhskg.api.routes._common import LandscapeWindow, briefs_async, entity_question, found_entity_async
from nhskg.queries.rules import accountable_for
from nhskg.queries.run import ask_all_async, question
from nhskg.graph import GraphStore
from nhskg.core.errors import UserError

router = APIRouter(tags=["paths"])

NodeParam = Annotated[str | None, Query(max_length=200)]


@router.get(
    "/paths/delegation",
    response_model=m.DelegationPaths,
    responses=errors({404: "delegator, delegate or service names an unknown id", 422: "none of delegator/delegate/service given, a malformed date, an unknown parameter"}),
)
async def delegation_paths(
    store: Annotated[GraphStore, Depends(get_store)],
    window: LandscapeWindow,
    delegator: Annotated[str | None, Query(min_length=1, max_length=200, description="the delegating body (statutory holder), e.g. org:nhs-england")] = None,
    delegate: Annotated[str | None, Query(min_length=1, max_length=200, description="the body that carries the function out; a body matches delegations made to its type")] = None,
    expand: Annotated[Literal["nodes"] | None, Query(description="nodes: full node records (every property and its evidence) instead of briefs")] = None,
    service: Annotated[str | None, Query(min_length=1, max_length=200, description="the service the function concerns; a delegation covers it if it names the service or one of its PART_OF ancestors")] = None,
):
    """Chains of delegations (DELEGATES_TO, derived from Delegation records) valid on the date.

    At least one of `delegator`, `delegate`, `service` is required. An end
    left open is maximal: without `delegator` a chain starts at a body that
    receives no (covering) delegation; without `delegate` it ends at one that
    passes none on. `from` and `to` are a period, as on every landscape endpoint.
    Every step names the delegation record, what it covers, the power, and
    who stays accountable (`accountability_retained_by` of the record, else
    the delegator: delegation does not move accountability). Up to 6 steps
    per chain and 200 chains (`truncated` says when there were more),
    shortest first, then by the holder's id, the last body's id and the
    steps' relationship ids.
    """
    if not (delegator or delegate or service):
        raise UserError("give at least one of delegator, delegate, service (from and to are the start and end of a period)")
    given = [(param, value) for param, value in (("delegator", delegator), ("delegate", delegate), ("service", service)) if value]
    limit = m.DELEGATION_PATHS_MAX + 1
    paths = question("delegation_paths", window, delegator=delegator, delegate=delegate, service=service, limit=limit)
    *found, rows = await ask_all_async(store, *(entity_question(value, param) for param, value in given), paths)
    for (param, value), entity_rows in zip(given, found):
        await found_entity_async(store, value, entity_rows, param)
    truncated = len(rows) > m.DELEGATION_PATHS_MAX
    rows = rows[: m.DELEGATION_PATHS_MAX]
    ids: set[str | None] = set()
    for r in rows:
        for rel in r["relationships"]:
            ids |= named_ids(rel)
    names = await briefs_async(store, ids)
    # Written with orjson, not validated on the way out; the keys in the
    # order m.DelegationPaths writes them (tests/test_api_delegations.py).
    return ser.json_response({"as_of": window.as_of, "window": window.describe(), "truncated": truncated, "paths": [_path(r, names, expand == "nodes") for r in rows]})


def named_ids(step: dict[str, Any]) -> set[str | None]:
    """The ids a step names that /paths/delegation gives as briefs."""
    return {step.get("delegation_id"), step.get("power"), step.get("accountability_retained_by"), step["from"], *(step.get("services") or [])}


def _path(row: dict[str, Any], names: dict[str, dict[str, Any]], full: bool) -> dict[str, Any]:
    nodes = [ser.in_model_order(ser.node(n), ser.NODE_CORE) if full else ser.brief(n) for n in row["nodes"]]
    steps = []
    for rel in row["relationships"]:
        accountable, stated = accountable_for(rel)
        steps.append(
            {
                "from": rel["from"],
                "to": rel["to"],
                "delegation": ser.brief_or_id(names, rel.get("delegation_id")),
                "services": [ser.brief_or_id(names, s) for s in rel.get("services") or []],
                "power": ser.brief_or_id(names, rel.get("power")),
                "accountable": ser.brief_or_id(names, accountable),
                "status": rel.get("status"),
                "valid_from": rel.get("valid_from"),
                "valid_to": rel.get("valid_to"),
                "evidence": ser.evidence(rel),
                "accountability_stated": stated,  # not declared by m.DelegationStep: after its fields
            }
        )
    accountable: list[dict[str, Any]] = []
    for s in steps:
        if s["accountable"]["id"] not in {a["id"] for a in accountable}:
            accountable.append(s["accountable"])
    return {
        "holder": ser.brief(nodes[0]),
        "carried_out_by": ser.brief(nodes[-1]),
        "accountable": accountable,
        "steps": steps,
        "nodes": nodes,
        "relationships": [ser.in_model_order(ser.relationship(r), ser.EDGE_CORE) for r in row["relationships"]],
    }
