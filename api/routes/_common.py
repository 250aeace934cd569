"""What every route module shares: running a named catalogue query with
validated parameters, the 404 for an unknown id, and the common query
parameters (as_of, label)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import Query

from nhskg.api.serialise import brief
from nhskg.graph import GraphStore
from nhskg.graph.schema import ALL_LABELS
from nhskg.core.errors import NotFound, UserError
from nhskg.queries.catalogue import load_catalogue, parse_iso_date
from nhskg.queries.catalogue import run as run_query

AS_OF_DOC = "Landscape date, ISO YYYY-MM-DD (default: today). A node or relationship counts when valid_from <= as_of < valid_to (null = unbounded)."

AsOf = Annotated[str | None, Query(description=AS_OF_DOC, examples=["2015-01-01"], max_length=40)]


def run(store: GraphStore, name: str, /, **params: Any) -> list[dict[str, Any]]:
    """Run catalogue query `name`; parameters are checked by the catalogue
    (UserError -> 422 naming the parameter, e.g. a malformed as_of).
    `store` and `name` are positional-only so that a catalogue parameter may
    be called `name` (or `store`) without clashing with them."""
    entry = load_catalogue().get(name)
    return run_query(store, name, entry.coerce(params))


def as_of_value(raw: str | None) -> str:
    """Validate as_of (422 naming it when malformed); default today."""
    return parse_iso_date(raw, "as_of") if raw else dt.date.today().isoformat()


def require_entity(store: GraphStore, node_id: str) -> dict[str, Any]:
    """The entity_get row ({properties, labels}) or 404 naming the id."""
    rows = run(store, "entity_get", id=node_id)
    if not rows:
        raise NotFound(f"no entity with id {node_id!r}")
    return rows[0]


def briefs(store: GraphStore, ids: set[str | None]) -> dict[str, dict[str, Any]]:
    wanted = sorted(i for i in ids if i)
    if not wanted:
        return {}
    return {r["id"]: brief(r) for r in run(store, "entity_briefs", ids=wanted)}


def check_label(label: str, param: str = "label") -> str:
    if label not in ALL_LABELS:
        raise UserError(f"{param}: unknown label {label!r}; known labels: {', '.join(sorted(ALL_LABELS))}")
    return label


def valid_on(props: dict[str, Any], as_of: str) -> bool:
    return (props.get("valid_from") or "0000-01-01") <= as_of < (props.get("valid_to") or "9999-12-31")
