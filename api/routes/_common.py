"""What every route module shares: the time window every landscape endpoint takes, the
404 for an unknown id, and label checks."""

# No `from __future__ import annotations` here: FastAPI must evaluate the
# window dependency's annotations, which refer to its closure.

from collections.abc import Callable, Iterable
from typing import Annotated, Any, Literal

import anyio.to_thread
from fastapi import Depends, Query

from nhskg.api.serialise import brief
from nhskg.core.errors import NotFound, UserError
from nhskg.core.timescope import ALL_STATUSES, Window, WindowError
from nhskg.graph import GraphStore
from nhskg.core.vocabulary import vocabulary
from nhskg.graph.schema import ALL_LABELS
from nhskg.queries.run import Question, ask_all, ask_all_async, question
from nhskg.queries.search import suggest_entities

DATE_SCHEMA = {"format": "date"}
_STATUSES = tuple(vocabulary().statuses)
STATUS_DOC = f"statuses to answer with: a comma list of {', '.join(_STATUSES)}; or any. Default in_force."


def comma_list(value: str | None) -> list[str]:
    """A comma-separated parameter, each item trimmed, empty items dropped."""
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def choices_pattern(choices: Iterable[str]) -> str:
    """The schema pattern of a comma list of these words (spaces allowed around each)."""
    names = "|".join(choices)
    return rf"^\s*({names})\s*(,\s*({names})\s*)*$"


def label_pattern() -> str:
    """The schema pattern of a comma list of labels (documents what is accepted);
    longest first, so no label matches as the start of a longer one."""
    return choices_pattern(sorted(ALL_LABELS, key=lambda x: (-len(x), x)))


_ONE_STATUS = "|".join(_STATUSES)
STATUS_PATTERN = rf"^\s*(any|(({_ONE_STATUS})\s*(,\s*({_ONE_STATUS})\s*)*))\s*$"


def _window_dependency(default: str, any_status_without_date: bool = False) -> Callable[..., Window]:
    as_of_doc = (
        "one day, ISO YYYY-MM-DD (default: today; not with from/to). A fact counts when valid_from <= as_of < valid_to."
        if default == "today"
        else "one day, ISO YYYY-MM-DD (default: all time; not with from/to)."
    )

    # async: pure arithmetic on the parameters, so it runs on the event loop
    # instead of costing each request a hand-off to the thread pool.
    async def window(
        as_of: Annotated[str | None, Query(description=as_of_doc, examples=["2015-01-01"], max_length=40, json_schema_extra=DATE_SCHEMA)] = None,
        from_: Annotated[
            str | None,
            Query(alias="from", description="start of a period, ISO date, inclusive (with `to`: a fact counts when it overlaps [from, to); before `to`; not with as_of)", max_length=40, json_schema_extra=DATE_SCHEMA),
        ] = None,
        to: Annotated[str | None, Query(description="end of a period, ISO date, exclusive", max_length=40, json_schema_extra=DATE_SCHEMA)] = None,
        status: Annotated[str | None, Query(description=STATUS_DOC, max_length=200, examples=["in_force", "any", "in_force,planned"], json_schema_extra={"pattern": STATUS_PATTERN})] = None,
    ) -> Window:
        try:
            if any_status_without_date and status is None and not (as_of or from_ or to):
                # A directory lookup with no date finds every record, whatever
                # its status; each item says which.
                status = ",".join(ALL_STATUSES)
            return Window.from_request(as_of, from_, to, status, default=default)
        except WindowError as exc:
            raise UserError(str(exc)) from None

    return window


# Landscape questions: what holds today unless asked about another day or period.
LandscapeWindow = Annotated[Window, Depends(_window_dependency("today"))]
# Questions over all time unless narrowed: history, budgets.
AllTimeWindow = Annotated[Window, Depends(_window_dependency("always"))]
# The directory (/entities): all time and every status unless narrowed.
DirectoryWindow = Annotated[Window, Depends(_window_dependency("always", any_status_without_date=True))]


class MovedEntity(Exception):
    """An id the graph held before two nodes for one legal body became one
    (`former_ids`): answered by a redirect to the same request for the body."""

    def __init__(self, former: str, body: str) -> None:
        super().__init__(f"{former} is now {body}")
        self.former = former
        self.body = body


class UnknownEntity(NotFound):
    """A 404 for an id the graph does not hold, with the closest entities."""

    def __init__(self, message: str, suggestions: list[dict[str, Any]]) -> None:
        super().__init__(message)
        self.suggestions = suggestions


def entity_question(node_id: str, param: str = "id") -> Question:
    """entity_get for `node_id`, to be asked with the route's own questions
    in one round trip (ask_all), then checked by found_entity. An empty id
    is a 422 naming the parameter, before anything is asked."""
    if not node_id.strip():
        raise UserError(f"{param}: give an entity id, e.g. org:nhs-england")
    return question("entity_get", id=node_id)


def found_entity(store: GraphStore, node_id: str, rows: list[dict[str, Any]], param: str = "id") -> dict[str, Any]:
    """entity_get's rows -> the row ({properties, labels}), or a 404 naming
    the id (and the parameter it came in) with `suggestions`: the closest entities."""
    if not rows:
        (moved,) = ask_all(store, question("entity_by_former_id", id=node_id))
        if moved:
            raise MovedEntity(node_id, moved[0]["id"])
        suggestions = suggest_entities(store, node_id)
        hint = f"; did you mean {suggestions[0]['id']!r} ({suggestions[0]['name']})?" if suggestions else ""
        raise UnknownEntity(f"{param}: no entity with id {node_id!r}{hint}", suggestions)
    return rows[0]


async def found_entity_async(store: GraphStore, node_id: str, rows: list[dict[str, Any]], param: str = "id") -> dict[str, Any]:
    """found_entity for an async route: only a 404 reads more (the closest
    entities), and that in a worker thread, off the event loop."""
    return rows[0] if rows else await anyio.to_thread.run_sync(found_entity, store, node_id, rows, param)


def require_entity(store: GraphStore, node_id: str, param: str = "id") -> dict[str, Any]:
    """The entity_get row, or the 404 of found_entity; a route that asks more
    asks entity_question with its own questions instead (one round trip)."""
    (rows,) = ask_all(store, entity_question(node_id, param))
    return found_entity(store, node_id, rows, param)


def _briefs_question(ids: set[str | None]) -> Question | None:
    wanted = sorted(i for i in ids if i)
    return question("entity_briefs", ids=wanted) if wanted else None


def briefs(store: GraphStore, ids: set[str | None]) -> dict[str, dict[str, Any]]:
    """The briefs of these ids, by id (one read; none when there are no ids)."""
    asked = _briefs_question(ids)
    return {r["id"]: brief(r) for r in ask_all(store, asked)[0]} if asked else {}


async def briefs_async(store: GraphStore, ids: set[str | None]) -> dict[str, dict[str, Any]]:
    """briefs for an async route."""
    asked = _briefs_question(ids)
    return {r["id"]: brief(r) for r in (await ask_all_async(store, asked))[0]} if asked else {}


def check_label(label: str, param: str = "label") -> str:
    if label not in ALL_LABELS:
        raise UserError(f"{param}: unknown label {label!r}; known labels: {', '.join(sorted(ALL_LABELS))}")
    return label


# The one `format` parameter of the list endpoints (rendered by serialise.table).
TableFormat = Annotated[
    Literal["json", "csv", "ndjson"],
    Query(description="json (default); csv: one row per item, the endpoint's stable columns (docs/api.md), lists joined by ';', evidence as JSON; ndjson: one JSON item a line. Both page as json does (limit, offset) and say the paging in X-Total-Count, X-Row-Count and X-Offset"),
]
# The OpenAPI `responses` entry of a list endpoint that takes TableFormat.
TABLE_RESPONSE: dict[int | str, dict[str, Any]] = {200: {"content": {"application/json": {}, "text/csv": {}, "application/x-ndjson": {}}, "description": "JSON by default; CSV (format=csv) or NDJSON (format=ndjson)"}}
