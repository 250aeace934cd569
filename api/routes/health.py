"""Health endpoints, following the usual conventions of an orchestrator:

- `/health/live`: the process is up and serving HTTP (never touches the
  engine, so a slow or restarting engine does not get the process killed).
- `/health/ready`: the engine answers and a graph is loaded; 503 with
  Retry-After otherwise, so a load balancer holds traffic back.
- `/health`: readiness plus the graph's size and version, counted once per
  build (see _counts).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

import logging

from nhskg.api.deps import RETRY_AFTER_S, StoreHolder
from nhskg.api.redact import public_reason
from nhskg.core.errors import EngineUnavailable, QueryError
from nhskg.graph import GraphStore
from nhskg.graph.store import GraphCounts

router = APIRouter(tags=["health"])
logger = logging.getLogger("nhskg.api")

_UNAVAILABLE = {503: {"description": "the engine is down or restarting, or no graph is loaded; `reason` says why (with Retry-After)"}}


class Health(BaseModel):
    status: str = Field(examples=["ok"])
    engine: str = Field(examples=["falkordb"])
    nodes: int
    relationships: int
    version: str | None = Field(
        default=None, description="content hash of the knowledge base, corpus and registers the graph was built from"
    )


class Live(BaseModel):
    status: str = Field(examples=["ok"])


def _unavailable(engine: str, reason: str) -> JSONResponse:
    # The log keeps the whole reason; the body leaves out paths, pids and argv.
    logger.warning("health: %s", reason)
    return JSONResponse(
        status_code=503,
        content={"status": "unavailable", "engine": engine, "reason": public_reason(reason)},
        headers={"Retry-After": str(RETRY_AFTER_S)},
    )


# Counts of the live build, by build id (one per process). Counting every
# relationship in one query took 12 s at 100,000 organisations, too slow for a
# probe (FalkorDB now counts label by label and type by type, ~25 ms; a Neo4j
# database holding other data still needs the one query); the build id is one
# cheap read and changes with every swap, so a new graph is counted once. Kept only when the same build was live before and after the
# count, so a swap in between cannot pair one build's id with another's counts.
_COUNTED: dict[str, GraphCounts] = {}


def _counts(store: GraphStore) -> GraphCounts:
    build = store.build_info()
    if build is not None and build.build_id in _COUNTED:
        return _COUNTED[build.build_id]
    counts = store.counts()
    after = store.build_info()
    if build is not None and after is not None and after.build_id == build.build_id:
        _COUNTED.clear()
        _COUNTED[build.build_id] = counts
    return counts


def _report(request: Request, *, ready_check: bool) -> Health | JSONResponse:
    """Counts and version from one read; 503 when the engine is down, or (for
    readiness) when no graph is loaded."""
    holder: StoreHolder = request.app.state.holder
    try:
        counts = _counts(holder.get())
    except (EngineUnavailable, QueryError) as exc:
        return _unavailable(holder.engine, str(exc))
    if ready_check and counts.nodes == 0:
        return _unavailable(holder.engine, "no graph is loaded (the snapshot is missing or empty): run nhskg ingest")
    status = "ready" if ready_check else "ok"
    return Health(status=status, engine=holder.engine, nodes=counts.nodes, relationships=counts.relationships, version=counts.version)


@router.get("/health", response_model=Health, responses=_UNAVAILABLE)
def health(request: Request):
    """Engine, graph size and version, from one consistent read; 503 with a reason when the engine is down."""
    return _report(request, ready_check=False)


@router.get("/health/ready", response_model=Health, responses=_UNAVAILABLE)
def ready(request: Request):
    """200 when the engine answers and a graph is loaded, else 503 with Retry-After."""
    return _report(request, ready_check=True)


@router.get("/health/live", response_model=Live)
def live() -> Live:
    """200 while the process serves HTTP; does not touch the engine."""
    return Live(status="ok")
