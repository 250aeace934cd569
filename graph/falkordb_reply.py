"""Read a FalkorDB query reply straight into plain rows.

The falkordb client parses every value of a `--compact` reply into its own
objects (OrderedDicts, Node, Edge), and the engine then copied those into
plain dicts: two passes in Python over every scalar. Profiling the API
(benchmarks/profile_api.py) put the two at a third of a large answer's time
(a depth-2 subgraph reads ~1,700 relationships with their evidence). The
catalogue's queries return maps, lists and scalars, so this reads those in
one pass; a node, relationship, path or any other engine type still goes
through the client's parser, then to plain values as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from falkordb.query_result import parse_scalar
from redis import ResponseError

# Value types of the compact reply (falkordb.query_result.ResultSetScalarTypes).
_NULL, _STRING, _INTEGER, _BOOLEAN, _DOUBLE, _ARRAY, _MAP = 1, 2, 3, 4, 5, 6, 10


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def plain_value(cell: list[Any], graph: Any, other: Callable[[Any], Any]) -> Any:
    """One `[type, value]` cell -> a plain value. `other` turns what the
    client's parser makes of the engine's own types into plain values.
    Strings arrive decoded (the client's connection decodes replies); most
    cells are strings, so lists and maps take them without a call."""
    kind, value = cell
    if kind == _STRING:
        return value
    if kind == _MAP:
        pairs = iter(value)
        return {key: (item[1] if item[0] == _STRING else plain_value(item, graph, other)) for key, item in zip(pairs, pairs)}
    if kind == _ARRAY:
        return [item[1] if item[0] == _STRING else plain_value(item, graph, other) for item in value]
    if kind == _NULL:
        return None
    if kind == _INTEGER:
        return int(value)
    if kind == _BOOLEAN:
        return value == "true"
    if kind == _DOUBLE:
        return float(value)
    return other(parse_scalar(cell, graph))


def rows(reply: list[Any], graph: Any, other: Callable[[Any], Any]) -> list[dict[str, Any]]:
    """A GRAPH.RO_QUERY --compact reply -> rows as dicts by column name.
    An error the engine put in the reply (a query that failed while running)
    is raised as the client would raise it."""
    if reply and isinstance(reply[0], ResponseError):
        raise reply[0]
    if reply and isinstance(reply[-1], ResponseError):
        raise reply[-1]
    if len(reply) == 1 or not reply[0]:  # statistics only, or no columns
        return []
    columns = [_text(col[1]) if isinstance(col, (list, tuple)) else _text(col) for col in reply[0]]
    return [dict(zip(columns, (plain_value(cell, graph, other) for cell in row))) for row in reply[1]]
