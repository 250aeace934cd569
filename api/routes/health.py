from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from nhskg.api.deps import StoreHolder
from nhskg.core.errors import EngineUnavailable, QueryError

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str
    engine: str
    nodes: int
    relationships: int


@router.get("/health", response_model=Health, responses={503: {"description": "the engine is down; `reason` says why"}})
def health(request: Request):
    """Engine liveness and graph size. 503 with a reason when the engine is down."""
    holder: StoreHolder = request.app.state.holder
    try:
        counts = holder.get().counts()
    except (EngineUnavailable, QueryError) as exc:
        return JSONResponse(status_code=503, content={"status": "unavailable", "engine": holder.engine, "reason": str(exc)})
    return Health(status="ok", engine=holder.engine, nodes=counts.nodes, relationships=counts.relationships)
