"""/queries: the query catalogue, and running one named query read-only."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request

from nhskg.core.errors import UserError
from nhskg.api import models as m
from nhskg.api.deps import get_store
from nhskg.api.strict import errors, takes_any_query
from nhskg.api.strict import errors
from nhskg.graph import GraphStore
from nhskg.queries.catalogue import load_catalogue
from nhskg.queries.run import ask_all

router = APIRouter(tags=["queries"])

# What a windowed query takes besides its own parameters (see queries/catalogue.py).
WINDOW_PARAMS_DOC = [
    {"name": "as_of", "type": "date", "optional": True, "description": "one day, ISO YYYY-MM-DD"},
    {"name": "from", "type": "date", "optional": True, "description": "start of a half-open period [from, to)"},
    {"name": "to", "type": "date", "optional": True, "description": "end of the period, exclusive"},
    {"name": "status", "type": "string", "optional": True, "description": "comma list of statuses, or any (default in_force)"},
]


@router.get("/queries", response_model=m.QueryCatalogue, responses=errors())
def list_queries(store: Annotated[GraphStore, Depends(get_store)]):
    """Every named query in queries/: what it answers, its parameters (with types) and an example."""
    return {
        "items": [
            {
                "name": q.name,
                "description": q.description,
                "parameters": [{"name": p.name, "type": p.type, "optional": p.optional, "description": p.description} for p in q.params]
                + (WINDOW_PARAMS_DOC if q.windowed else []),
                "example": q.example,
            }
            for q in load_catalogue()
        ]
    }


@router.get(
    "/queries/{name}",
    response_model=m.QueryResult,
    responses=errors({404: "no query with that name", 422: "unknown, missing or malformed parameter", 400: "the engine rejected the query"}),
)
@takes_any_query
def run_query(name: Annotated[str, Path(max_length=100)], request: Request, store: Annotated[GraphStore, Depends(get_store)]):
    """Run one catalogue query read-only. Parameters come from the query string
    (`list` parameters comma-separated or repeated); they are validated against
    the query's header (422 naming the parameter): whole numbers within
    0..100000, text up to 1000 characters, lists up to 1000 items (trimmed).
    A required `as_of` defaults to today. At most 1000 rows are returned (`truncated` says when more came back)."""
    entry = load_catalogue().get(name)
    raw: dict[str, Any] = {}
    for key in request.query_params:
        values = request.query_params.getlist(key)
        declared = next((p for p in entry.params if p.name == key), None)
        if declared is not None and declared.type == "list":
            raw[key] = [v.strip() for value in values for v in value.split(",") if v.strip()]
        elif len(values) > 1:
            raise UserError(f"{key}: given more than once; it takes one value")
        else:
            raw[key] = values[0]
    params = entry.coerce(raw)
    (rows,) = ask_all(store, (entry.cypher, params))
    return {"name": name, "params": params, "rows": rows[: m.QUERY_ROWS_MAX], "truncated": len(rows) > m.QUERY_ROWS_MAX}
