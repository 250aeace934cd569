"""Strict input, for every endpoint: a query parameter the endpoint does not
take is a 422 naming it and listing the ones it does take (a misspelled
`asof` must not silently answer for today), and every error body has the one
shape the OpenAPI document declares (`ErrorBody`)."""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import FastAPI, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from nhskg.api.examples import add_examples, load_examples
from nhskg.api.models import ErrorBody
from nhskg.core.errors import UserError

F = TypeVar("F", bound=Callable[..., Any])

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "an unknown id; `suggestions` lists the closest entities"},
    422: {"model": ErrorBody, "description": "a bad or unknown parameter, named in `detail`"},
    503: {"model": ErrorBody, "description": "the graph engine is down (/health says why)"},
}


def takes_any_query(endpoint: F) -> F:
    """Mark an endpoint that checks its own query parameters (/queries/{name},
    whose parameters come from the catalogue entry it names)."""
    endpoint.any_query_params = True  # type: ignore[attr-defined]
    return endpoint


def accepted(route: APIRoute) -> list[str]:
    """The query parameter names the route declares, its dependencies' included."""
    cached = getattr(route, "_nhskg_accepted", None)
    if cached is None:
        cached = list(dict.fromkeys(_query_names(route.dependant)))
        route._nhskg_accepted = cached  # type: ignore[attr-defined]
    return cached


def _query_names(dependant: Dependant) -> list[str]:
    names = [p.alias for p in dependant.query_params]
    for sub in dependant.dependencies:
        names += _query_names(sub)
    return names


def repeatable(route: APIRoute) -> frozenset[str]:
    """The query parameters the route takes as a list (`?kind=a&kind=b`)."""
    cached = getattr(route, "_nhskg_repeatable", None)
    if cached is None:
        cached = frozenset(_list_names(route.dependant))
        route._nhskg_repeatable = cached  # type: ignore[attr-defined]
    return cached


def _list_names(dependant: Dependant) -> list[str]:
    names = [p.alias for p in dependant.query_params if _is_list(p.field_info.annotation)]
    for sub in dependant.dependencies:
        names += _list_names(sub)
    return names


def _is_list(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin in (list, tuple, set, frozenset):
        return True
    if origin in (typing.Union, types.UnionType):
        return any(_is_list(arg) for arg in typing.get_args(annotation))
    if origin is typing.Annotated:
        return _is_list(typing.get_args(annotation)[0])
    return False


def reject_repeats(request: Request, lists: frozenset[str] = frozenset()) -> None:
    """A single-valued parameter given twice (`q=a&q=b`) is a 422: which one
    was meant is not for the server to guess."""
    seen: set[str] = set()
    for given, _ in request.query_params.multi_items():
        if given in seen and given not in lists:
            raise UserError(f"{given}: given more than once; it takes one value")
        seen.add(given)


async def reject_unknown_query_params(request: Request) -> None:
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    if getattr(route.endpoint, "any_query_params", False):
        return  # it checks its own, repeats included (its list parameters may repeat)
    names = accepted(route)
    reject_repeats(request, repeatable(route))
    for given in request.query_params.keys():
        if given not in names:
            close = difflib.get_close_matches(given, names, n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            takes = ", ".join(names) if names else "no query parameters"
            raise UserError(f"{given}: unknown parameter{hint}; {route.path} takes {takes}")


def errors(described: dict[int, str] | None = None) -> dict[int | str, dict[str, Any]]:
    """A route's `responses`: every error status with the ErrorBody model (so
    the OpenAPI document declares the body the API sends), described."""
    out = {code: dict(spec) for code, spec in ERROR_RESPONSES.items()}
    for code, text in (described or {}).items():
        out[code] = {"model": ErrorBody, "description": text}
    return out


def tidy_openapi(app: FastAPI) -> None:
    """A query parameter cannot be null, only absent: drop the `null` branch
    FastAPI writes for `str | None` parameters, so the schema says plainly
    what a value must be (`{"type": "string", "format": "date"}`). And give
    every operation its real example answer (nhskg.api.examples)."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = generate()
        for item in schema.get("paths", {}).values():
            for operation in item.values():
                for param in operation.get("parameters", []):
                    param["schema"] = _without_null(param.get("schema", {}))
                _errors_are_json(operation)
        add_examples(schema, load_examples())
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _errors_are_json(operation: dict[str, Any]) -> None:
    """Error bodies are JSON even on a route whose answer is a page or a file
    (FastAPI files them under the route's own media type)."""
    for code, response in operation.get("responses", {}).items():
        content = response.get("content") or {}
        if code.startswith(("4", "5")) and content and "application/json" not in content:
            response["content"] = {"application/json": next(iter(content.values()))}


def _without_null(schema: dict[str, Any]) -> dict[str, Any]:
    branches = schema.get("anyOf")
    if not branches:
        return schema
    rest = [b for b in branches if b != {"type": "null"}]
    if len(rest) != 1 or len(rest) == len(branches):
        return schema
    return {**rest[0], **{k: v for k, v in schema.items() if k != "anyOf"}}
