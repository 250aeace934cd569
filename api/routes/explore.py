"""/explore: the built-in graph explorer, a static page over the API.

The page, its script and its stylesheet ship inside the package
(api/static/explore/), with Cytoscape.js vendored beside them (version and
licence in vendor/), so it works offline: nothing is fetched from another
host at run time. The page reads `seed` and `as_of` (or `from` + `to`)
from its own URL; they are checked here so a bad link gets a clear 422.
"""

from __future__ import annotations

from importlib import resources
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse

from nhskg.api.palette import style_document
from nhskg.api.routes._common import DATE_SCHEMA, STATUS_PATTERN
from nhskg.core.errors import NotFound, UserError
from nhskg.core.timescope import Window, WindowError

router = APIRouter(tags=["explore"])

STATIC = resources.files("nhskg.api") / "static" / "explore"
MEDIA_TYPES = {".js": "text/javascript", ".css": "text/css", ".txt": "text/plain", ".json": "application/json", ".html": "text/html"}


@router.get("/explore", response_class=HTMLResponse)
def explore(
    seed: Annotated[str | None, Query(max_length=200, description="entity id to open on, e.g. type:icb")] = None,
    as_of: Annotated[str | None, Query(max_length=40, description="day to open on, ISO YYYY-MM-DD", json_schema_extra=DATE_SCHEMA)] = None,
    from_: Annotated[str | None, Query(alias="from", max_length=40, description="start of a period (period mode), ISO date", json_schema_extra=DATE_SCHEMA)] = None,
    to: Annotated[str | None, Query(max_length=40, description="end of the period, exclusive", json_schema_extra=DATE_SCHEMA)] = None,
    status: Annotated[str | None, Query(max_length=200, description="statuses to show: a comma list, or any (default in_force)", json_schema_extra={"pattern": STATUS_PATTERN})] = None,
    view: Annotated[Literal["neighbourhood", "accountability", "delegation", "lineage", "changes"] | None, Query(description="the view to open")] = None,
) -> HTMLResponse:
    """The graph explorer page: search, an entity panel with evidence, the neighbourhood graph, a date control (1990-2026) and a period mode, accountability / delegation / lineage / changes views, GraphML and CSV export. `?seed=ID&as_of=DATE` opens on that entity and day."""
    try:
        Window.from_request(as_of, from_, to, status)
    except WindowError as exc:
        raise UserError(str(exc)) from None
    return HTMLResponse((STATIC / "index.html").read_text(encoding="utf-8"))


@router.get("/explore/style.json")
def explore_style() -> JSONResponse:
    """Colours and shapes per label and relationship type, from the vocabulary declaration (the same as /browser/style.grass)."""
    return JSONResponse(style_document())


@router.get("/explore/static/{name:path}", include_in_schema=False)
def explore_static(name: Annotated[str, Path(max_length=200)]) -> FileResponse:
    # Only files that ship in the package's static folder; no path may climb out of it.
    parts = [p for p in name.split("/") if p]
    if not parts or any(p in (".", "..") or p.startswith(".") for p in parts):
        raise NotFound(f"no explorer file {name!r}")
    target = STATIC.joinpath(*parts)
    if not target.is_file():
        raise NotFound(f"no explorer file {name!r}")
    suffix = "." + parts[-1].rsplit(".", 1)[-1] if "." in parts[-1] else ""
    return FileResponse(str(target), media_type=MEDIA_TYPES.get(suffix, "application/octet-stream"))
