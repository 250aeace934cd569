"""/budgets: amounts of money by holder and fiscal year."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from nhskg.api import models as m
from nhskg.api import serialise as ser
from nhskg.api.deps import get_store
from nhskg.api.strict import errors
from nhskg.api.routes._common import TABLE_RESPONSE, AllTimeWindow, TableFormat, require_entity
from nhskg.queries.run import ask
from nhskg.graph import GraphStore

router = APIRouter(tags=["budgets"])

BUDGET_FIELDS = tuple(m.BudgetItem.model_fields)  # the declared fields of an item, in order


@router.get("/budgets", response_model=m.BudgetList, responses=TABLE_RESPONSE | errors({404: "holder names an unknown id", 422: "malformed fiscal_year, limit over the cap, unknown parameter"}))
def budgets(
    store: Annotated[GraphStore, Depends(get_store)],
    window: AllTimeWindow,
    q: Annotated[str | None, Query(max_length=200, description="text in the budget's name, description, wording or holder's name (case-insensitive), e.g. public health")] = None,
    holder: Annotated[str | None, Query(min_length=1, max_length=200, description="holder node id: a type matches its instances' budgets too, and a body its types' (type:ccg; a CCG)")] = None,
    fiscal_year: Annotated[str | None, Query(pattern=r"^[0-9]{4}/[0-9]{2}$", description="fiscal year like 2017/18")] = None,
    limit: Annotated[int, Query(ge=1, le=m.BUDGET_LIMIT_MAX, description=f"page size (max {m.BUDGET_LIMIT_MAX})")] = m.BUDGET_LIMIT_DEFAULT,
    offset: Annotated[int, Query(ge=0, le=m.OFFSET_MAX, description=f"rows to skip (max {m.OFFSET_MAX})")] = 0,
    format: TableFormat = "json",
):
    """Budgets, optionally by text, holder and fiscal year, with amount (GBP), the amount as worded, and evidence.

    A holder matches its own budgets, a type's instances' and a body's
    types' (within the window): the CCG allocation is held by type:ccg (all
    CCGs together), so it is listed for a CCG too, as the CCGs' combined
    allocation (`holder` says who holds it).
    """
    if holder:
        require_entity(store, holder, "holder")
    filters = {"q": (q or "").strip() or None, "holder": holder, "fiscal_year": fiscal_year}
    total = ask(store, "budgets_count", window, **filters)
    rows = ask(store, "budgets", window, **filters, limit=limit, offset=offset)
    items = [budget_item(r["budget"], (r.get("holder") or {}).get("name")) for r in rows]
    answer = {"window": window.describe(), "items": items, "total": int(total[0]["total"]) if total else 0, "limit": limit, "offset": offset}
    return ser.table(answer, ser.TABLE_COLUMNS["/budgets"], format, ser.file_stem("budgets", q, holder, fiscal_year))


def budget_item(b: dict[str, Any], holder_name: str | None) -> dict[str, Any]:
    """One Budget node as a BudgetItem (also GET /entities/{id}'s latest_budget),
    its keys in the order the model writes them (declared fields, then the
    extras: valid_from, valid_to, status), since /entities/{id} writes its
    answer without the model's validation and must give the same bytes."""
    item = {
        "id": b["id"],
        "name": b.get("name"),
        "amount_gbp": float(b["amount_gbp"]),  # as the JSON answer gives it (BudgetItem.amount_gbp is a float), so CSV and JSON agree
        "fiscal_year": b.get("fiscal_year"),
        "holder": b.get("holder"),
        "holder_name": holder_name,
        "description": b.get("description"),
        "original_text": b.get("original_text"),
        "approximate": b.get("approximate"),
        "ring_fenced": b.get("ring_fenced"),
        "valid_from": b.get("valid_from"),
        "valid_to": b.get("valid_to"),
        "status": b.get("status") or "in_force",
        "measure": b.get("measure"),
        "year_basis": b.get("year_basis"),
        "year_note": b.get("year_note"),
        "derived_file": b.get("derived_file"),
        "evidence": ser.evidence(b),
    }
    return ser.in_field_order(item, BUDGET_FIELDS)
