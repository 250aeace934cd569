"""The FastAPI app: a thin HTTP layer over the query catalogue.

Routes never build Cypher: they name a catalogue query and pass parameters
through the store. Errors a user can cause map to 4xx with a message naming
the problem; an engine that is down maps to 503.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from nhskg.api.answer_cache import AnswerCache
from nhskg.api.bounds import AnswerBounds
from nhskg.api.http_edges import HttpEdges
from nhskg.api.redact import public_reason
from nhskg.api.deps import RETRY_AFTER_S, StoreHolder
from nhskg.api.limits import RequestLimits
from nhskg.api.routes import register_routes
from nhskg.graph import GraphStore
from nhskg.core.settings import Settings
from nhskg.core.errors import EngineUnavailable, NotFound, QueryError, UserError

logger = logging.getLogger("nhskg.api")

DESCRIPTION = """
The reference knowledge graph of the NHS commissioning landscape in England:
who commissions what, who is accountable to whom, which Act set it up, where
the money sits and who delegated which function to whom, from the 1990
internal market to the 2022 Act. Every relationship carries its time scope
and the evidence (a verbatim quote, a cited source or a register row) that
supports it. Every landscape endpoint takes `as_of` (one day, ISO date,
default today) or `from` + `to` (a half-open period), and `status`
(in_force unless asked); statements about all bodies of a type reach real
bodies, proposals never do.
"""


def create_app(settings: Settings | None = None, store: GraphStore | None = None) -> FastAPI:
    """Build the app. Pass `store` to share an open store (tests, `nhskg serve`);
    otherwise the app opens one from `settings` and closes it on shutdown."""
    holder = StoreHolder(settings or Settings.from_env(), store)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        holder.close()

    # /docs and /redoc are served offline by nhskg.api.routes.docs.
    # redirect_slashes=False: an unknown path is a plain 404. Starlette's
    # trailing-slash redirect builds its Location from the Host header, so a
    # forged Host would be reflected into a redirect.
    app = FastAPI(
        title="NHS commissioning knowledge graph",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        redirect_slashes=False,
    )
    app.state.holder = holder
    # The cache sits inside the request limits: an oversized request never reaches it.
    app.add_middleware(AnswerCache, read_build=holder.build_id, max_mb=holder.settings.answer_cache_mb)
    # Outside the cache: an answer that met a swap is asked again from the
    # start, cache included; and no request waits past the deadline.
    app.add_middleware(AnswerBounds)
    app.add_middleware(RequestLimits)
    app.add_middleware(HttpEdges)  # outermost: HEAD is a GET for everything inside

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> JSONResponse:
        return JSONResponse(status_code=404, content={"detail": str(exc)})

    @app.exception_handler(EngineUnavailable)
    async def unavailable(request: Request, exc: EngineUnavailable) -> JSONResponse:
        # Down or restarting: never a 4xx, and say when to come back. The log
        # keeps the whole message; the caller gets it without paths, pids or argv.
        logger.warning("503 on %s %s: %s", request.method, request.url.path, exc)
        return JSONResponse(status_code=503, content={"detail": public_reason(str(exc))}, headers={"Retry-After": str(RETRY_AFTER_S)})

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

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> JSONResponse:
        # A bug: one line for the caller; the traceback goes to the server log.
        logger.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse(status_code=500, content={"detail": f"internal error ({type(exc).__name__}); see the server log"})

    register_routes(app)  # the API, the explorer page, the Neo4j Browser kit, the docs
    return app
