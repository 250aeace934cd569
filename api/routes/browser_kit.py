"""/browser/*: the Neo4j Browser kit (style and guide), generated from the
vocabulary declaration and the query catalogue (see nhskg.api.browser_kit)."""

from __future__ import annotations

import os

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, PlainTextResponse

from nhskg.api.browser_kit import guide_html, grass

router = APIRouter(tags=["neo4j browser"])

# Neo4j Browser fetches the guide and the style from its page, across
# origins. Only the Browser's own origins may read them: docker-compose.yml
# publishes it on localhost:7474. Another deployment lists its Browser's
# origins, comma-separated, in NHSKG_BROWSER_ORIGINS.
DEFAULT_BROWSER_ORIGINS = "http://localhost:7474,http://127.0.0.1:7474"


def browser_origins() -> frozenset[str]:
    listed = os.environ.get("NHSKG_BROWSER_ORIGINS") or DEFAULT_BROWSER_ORIGINS
    return frozenset(o.strip().rstrip("/") for o in listed.split(",") if o.strip())


def cors(request: Request) -> dict[str, str]:
    """The CORS header for a Browser origin (that origin, never `*`); none for another."""
    origin = request.headers.get("origin", "").rstrip("/")
    headers = {"Vary": "Origin"}
    if origin in browser_origins():
        headers["Access-Control-Allow-Origin"] = origin
    return headers


@router.get("/browser/style.grass", response_class=PlainTextResponse)
def style_grass(request: Request) -> PlainTextResponse:
    """A Neo4j Browser style: a colour per label, captions by name, relationship captions by type. Drag the file onto the Browser window."""
    return PlainTextResponse(grass(), headers={**cors(request), "Content-Disposition": 'inline; filename="style.grass"'})


@router.get("/browser/guide", response_class=HTMLResponse)
def guide(request: Request) -> HTMLResponse:
    """A Neo4j Browser guide: `:play http://<this server>/browser/guide` walks through the model and asks the catalogue's research questions ("Who is an ICB accountable to?"). Its style link is this server's own address."""
    return HTMLResponse(guide_html(base_url=str(request.base_url)), headers=cors(request))
