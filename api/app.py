"""The FastAPI app: a thin HTTP layer over the query catalogue.

Routes never build Cypher: they name a catalogue query and pass parameters
through the store. Errors a user can cause map to 4xx with a message naming
the problem; an engine that is down maps to 503.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from nhskg.api.deps import StoreHolder
from nhskg.api.routes import browser_kit, explore, register_routes
from nhskg.graph import GraphStore
from nhskg.core.settings import Settings
from nhskg.core.errors import EngineUnavailable, NotFound, QueryError, UserError

DESCRIPTION = """
The reference knowledge graph of the NHS commissioning landscape in England:
who commissions what, who is accountable to whom, which Act set it up, where
the money sits and who delegated which function to whom, from the 1990
internal market to the 2022 Act. Every relationship carries its time scope
and the verbatim sentences (with their source) that support it; every
landscape endpoint takes `as_of` (ISO date, default today).
"""


def create_app(settings: Settings | None = None, store: GraphStore | None = None) -> FastAPI:
    """Build the app. Pass `store` to share an open store (tests, `nhskg serve`);
    otherwise the app opens one from `settings` and closes it on shutdown."""
    holder = StoreHolder(settings or Settings.from_env(), store)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        holder.close()

    app = FastAPI(title="NHS commissioning knowledge graph", version="0.1.0", description=DESCRIPTION, lifespan=lifespan)
    app.state.holder = holder

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> JSONResponse:
        return JSONResponse(status_code=404, content={"detail": str(exc)})

    @app.exception_handler(EngineUnavailable)
    async def unavailable(request: Request, exc: EngineUnavailable) -> JSONResponse:
        return JSONResponse(status_code=503, content={"detail": str(exc)})

    @app.exception_handler(QueryError)
    async def query_failed(request: Request, exc: QueryError) -> JSONResponse:
        return JSONResponse(status_code=400, content={"detail": str(exc)})

    @app.exception_handler(UserError)
    async def bad_input(request: Request, exc: UserError) -> JSONResponse:
        return JSONResponse(status_code=422, content={"detail": str(exc)})

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        # FastAPI's own checks (caps, enums, patterns): keep `detail` a one-line
        # string naming the parameter, like every other 4xx; details in `errors`.
        errors = exc.errors()
        parts = [f"{e['loc'][-1] if e.get('loc') else 'request'}: {e.get('msg', 'invalid')} (got {e.get('input')!r})" for e in errors]
        return JSONResponse(status_code=422, content={"detail": "; ".join(parts), "errors": jsonable_encoder(errors)})

    register_routes(app)
    for router in (explore.router, browser_kit.router): app.include_router(router)  # the explorer page and the Neo4j Browser kit
    return app
