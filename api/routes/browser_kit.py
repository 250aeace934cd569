"""/browser/*: the Neo4j Browser kit (style and guide), generated from the
vocabulary declaration and the query catalogue (see nhskg.api.browser_kit)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, PlainTextResponse

from nhskg.api.browser_kit import guide_html, grass

router = APIRouter(tags=["neo4j browser"])

# Neo4j Browser (http://localhost:7474) fetches the guide and the style from
# the page, across origins: the kit is public, so any origin may read it.
CORS = {"Access-Control-Allow-Origin": "*"}


@router.get("/browser/style.grass", response_class=PlainTextResponse)
def style_grass() -> PlainTextResponse:
    """A Neo4j Browser style: a colour per label, captions by name, relationship captions by type. Drag the file onto the Browser window."""
    return PlainTextResponse(grass(), headers={**CORS, "Content-Disposition": 'inline; filename="style.grass"'})


@router.get("/browser/guide", response_class=HTMLResponse)
def guide(request: Request) -> HTMLResponse:
    """A Neo4j Browser guide: `:play http://<this server>/browser/guide` walks through the model and asks the catalogue's research questions ("Who is an ICB accountable to?"). Its style link is this server's own address."""
    return HTMLResponse(guide_html(base_url=str(request.base_url)), headers=CORS)
