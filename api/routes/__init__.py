"""Route modules, one per resource; register_routes mounts them all, with
the strict-input check on every route, the offline docs and the landing page."""

from __future__ import annotations

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse

from nhskg.api.routes import budgets, browser_kit, catalogue, changes, commissions, entities, explore, health, home, paths, relationships, services, sources, statutes, subgraph
from nhskg.api.routes._common import MovedEntity, UnknownEntity
from nhskg.api.routes.docs import mount_docs
from nhskg.api.strict import errors, reject_unknown_query_params, tidy_openapi

STRICT = [Depends(reject_unknown_query_params)]


async def unknown_entity(request: Request, exc: Exception) -> JSONResponse:
    suggestions = getattr(exc, "suggestions", [])
    return JSONResponse(status_code=404, content={"detail": str(exc), "suggestions": suggestions})


async def moved_entity(request: Request, exc: Exception) -> RedirectResponse:
    """308 to the same path and query with the body's id (a relative Location)."""
    assert isinstance(exc, MovedEntity)
    path = request.url.path
    for form in (exc.former, exc.former.replace(":", "%3A")):
        path = path.replace(form, exc.body)
    query = f"?{request.url.query}" if request.url.query else ""
    return RedirectResponse(f"{path}{query}", status_code=308)


def register_routes(app: FastAPI) -> None:
    # An id ending in "/" is a 404 like any unknown id, not a redirect whose
    # Location echoes the Host header.
    app.router.redirect_slashes = False
    app.add_exception_handler(UnknownEntity, unknown_entity)
    app.add_exception_handler(MovedEntity, moved_entity)
    app.include_router(home.router)
    mount_docs(app)
    for module in (health, entities, commissions, services, statutes, changes, paths, budgets, subgraph, relationships, sources, catalogue, explore, browser_kit):
        app.include_router(module.router, dependencies=STRICT, responses=errors())
    tidy_openapi(app)
