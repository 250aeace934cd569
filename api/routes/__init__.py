"""Route modules, one per resource; register_routes mounts them all, with
the strict-input check on every route, the offline docs and the landing page."""

from __future__ import annotations

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse

from nhskg.api.routes import budgets, browser_kit, catalogue, changes, commissions, entities, explore, health, home, paths, relationships, services, sources, statutes, subgraph
from nhskg.api.routes._common import UnknownEntity
from nhskg.api.routes.docs import mount_docs
from nhskg.api.strict import errors, reject_unknown_query_params, tidy_openapi

STRICT = [Depends(reject_unknown_query_params)]


async def unknown_entity(request: Request, exc: Exception) -> JSONResponse:
    suggestions = getattr(exc, "suggestions", [])
    return JSONResponse(status_code=404, content={"detail": str(exc), "suggestions": suggestions})


def register_routes(app: FastAPI) -> None:
    # An id ending in "/" is a 404 like any unknown id, not a redirect whose
    # Location echoes the Host header.
    app.router.redirect_slashes = False
    app.add_exception_handler(UnknownEntity, unknown_entity)
    app.include_router(home.router)
    mount_docs(app)
    for module in (health, entities, commissions, services, statutes, changes, paths, budgets, subgraph, relationships, sources, catalogue, explore, browser_kit):
        app.include_router(module.router, dependencies=STRICT, responses=errors())
    tidy_openapi(app)
