"""Rows from catalogue queries -> the public JSON shapes of the API.

The graph stores evidence as two parallel lists (`evidence[i]` is a quote
from source `evidence_sources[i]`); the API always shows it as
`[{"source_id", "quote"}]`. Nodes and relationships keep every stored
property, with the core fields first and always present (null when absent).
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx
import orjson
from fastapi.responses import Response

from nhskg.core.evidence import EVIDENCE_KEYS, unpack

# Stored properties replaced by the zipped `evidence` list.
_EVIDENCE_KEYS = EVIDENCE_KEYS

NODE_CORE = ("id", "name", "labels", "valid_from", "valid_to", "status")
EDGE_CORE = ("id", "type", "from", "to", "valid_from", "valid_to", "status")


def evidence(props: Mapping[str, Any]) -> list[dict[str, str]]:
    """The stored parallel lists -> [{"source_id", "kind", "quote" | "paraphrase", "locator"}].

    Only verbatim words (a corpus quote, a citation's exact words, a register
    row) are given as `quote`; a curator's paraphrase is `paraphrase`."""
    out = []
    for item in unpack(props):
        key = "paraphrase" if item.kind == "paraphrase" else "quote"
        entry = {"source_id": item.source_id, "kind": item.kind, key: item.text}
        if item.locator:
            entry["locator"] = item.locator
        out.append(entry)
    return out


def _rest(props: Mapping[str, Any], core: Iterable[str]) -> dict[str, Any]:
    skip = set(core) | set(_EVIDENCE_KEYS)
    return {k: props[k] for k in sorted(props) if k not in skip}


def node(props: Mapping[str, Any], labels: Iterable[str] | None = None) -> dict[str, Any]:
    """A node map (`n {.*, labels: labels(n)}`) -> the public node shape."""
    labs = sorted(labels if labels is not None else props.get("labels") or [])
    out: dict[str, Any] = {k: props.get(k) for k in NODE_CORE}
    out["labels"] = labs
    out.update(_rest(props, NODE_CORE))
    out["evidence"] = evidence(props)
    return out


def relationship(props: Mapping[str, Any]) -> dict[str, Any]:
    """A relationship map (`r {.*, type: type(r), from: ..., to: ...}`) -> the public shape."""
    out: dict[str, Any] = {k: props.get(k) for k in EDGE_CORE}
    out.update(_rest(props, EDGE_CORE))
    out["evidence"] = evidence(props)
    return out


def brief(row: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """An entity_briefs row (or any node map) -> {id, name, labels, valid_from, valid_to}."""
    if row is None:
        return None
    return {
        "id": row.get("id"),
        "name": row.get("name"),
        "labels": sorted(row.get("labels") or []),
        "valid_from": row.get("valid_from"),
        "valid_to": row.get("valid_to"),
    }


# What a relationship brief carries besides EDGE_CORE and source_ids, each only
# when set: derived and event when true, an event's date, and a quantifier
# other than the default `all` ("in some cases", "may choose to").
EDGE_BRIEF_FLAGS = ("derived", "event", "date", "quantifier")


def node_brief(row: Mapping[str, Any]) -> dict[str, Any]:
    """An entity_briefs row -> a brief with its status: {id, name, labels, valid_from, valid_to, status}."""
    return {**brief(row), "status": row.get("status")}  # type: ignore[dict-item]


def relationship_brief(row: Mapping[str, Any]) -> dict[str, Any]:
    """A subgraph_edge_briefs row -> {id, type, from, to, valid_from, valid_to,
    status, source_ids} plus the EDGE_BRIEF_FLAGS that are set. The id leads
    to the full record and its evidence (GET /relationships/{id}); source_ids
    to the documents (GET /sources/{id})."""
    out: dict[str, Any] = {k: row.get(k) for k in EDGE_CORE}
    out["source_ids"] = list(row.get("source_ids") or [])
    for key in EDGE_BRIEF_FLAGS:
        value = row.get(key)
        if value is None or value is False or (key == "quantifier" and value == "all"):
            continue
        out[key] = value
    return out


def codes(props: Mapping[str, Any]) -> dict[str, Any]:
    """A body's register codes: {"ods": ODS code, "ons": ONS GSS code} (null when it has none)."""
    return {"ods": props.get("ods_code"), "ons": props.get("ons_code")}


def brief_or_id(briefs: Mapping[str, dict[str, Any]], node_id: str | None) -> dict[str, Any] | None:
    """The brief for an id; an id the graph does not hold still shows as {id, name: null}."""
    if node_id is None:
        return None
    return briefs.get(node_id) or {"id": node_id, "name": None, "labels": [], "valid_from": None, "valid_to": None}


def in_model_order(item: Mapping[str, Any], core: Iterable[str]) -> dict[str, Any]:
    """A node or relationship with its keys in the order the response models
    write them (the declared fields, evidence, then the other properties), so
    a pre-built JSON answer reads exactly as a validated one."""
    fields = (*core, "evidence")
    return {**{k: item[k] for k in fields}, **{k: v for k, v in item.items() if k not in fields}}


def in_field_order(item: Mapping[str, Any], fields: Iterable[str]) -> dict[str, Any]:
    """A record as a response model with extra fields writes it: the declared
    `fields` first, in order (null when absent, their default), then the
    other keys as they came."""
    fields = tuple(fields)
    return {**{k: item.get(k) for k in fields}, **{k: v for k, v in item.items() if k not in fields}}


def json_response(data: Any) -> Response:
    """An answer already in its public shape, written as JSON as it is.

    FastAPI validates a returned dict against the route's response_model and
    serialises the model: for a depth-2 subgraph (hundreds of nodes, a
    thousand relationships, each with its evidence) that was a fifth of the
    request. Routes that build their answer from serialise.node /
    serialise.relationship (the shapes the models declare) can skip it; the
    response_model stays declared, so the OpenAPI document is unchanged, and
    tests check the answers against it (tests/test_api_json_answers.py:
    byte for byte what the validated model writes)."""
    return Response(orjson.dumps(data), media_type="application/json")


# --- exports -----------------------------------------------------------------


def _flat(value: Any) -> Any:
    """A value GraphML/CSV can hold: lists and maps become JSON text."""
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value


def to_networkx(subgraph: Mapping[str, Any]) -> nx.MultiDiGraph:
    """The JSON subgraph as a MultiDiGraph: node key = node id, edge key = edge id.

    Attribute names are those of the JSON (node: id, name, labels, ...; edge:
    id, type, from, to, valid_from, valid_to, status, evidence, ...); list and
    map values (labels, aliases, evidence, ...) are JSON strings and nulls are
    left out, since GraphML holds only scalars.
    """
    graph = nx.MultiDiGraph()
    for key in ("seed", "as_of", "depth"):
        if subgraph.get(key) is not None:
            graph.graph[key] = subgraph[key]
    for n in subgraph["nodes"]:
        graph.add_node(n["id"], **{k: _flat(v) for k, v in n.items() if v is not None})
    for e in subgraph["edges"]:
        graph.add_edge(e["from"], e["to"], key=e["id"], **{k: _flat(v) for k, v in e.items() if v is not None})
    return graph


def _unify_types(graph: nx.MultiDiGraph) -> None:
    """GraphML declares one type per attribute name: where an attribute holds
    mixed scalar types across elements (e.g. int and float), make them all text."""
    for items in (list(graph.nodes(data=True)), [(k, d) for *_, k, d in graph.edges(keys=True, data=True)]):
        kinds: dict[str, set[type]] = {}
        for _, data in items:
            for k, v in data.items():
                kinds.setdefault(k, set()).add(type(v))
        mixed = {k for k, ts in kinds.items() if len(ts) > 1}
        for _, data in items:
            for k in mixed & set(data):
                if kinds[k] <= {int, float}:
                    data[k] = float(data[k])
                elif not isinstance(data[k], str):
                    data[k] = json.dumps(data[k])


def to_graphml(subgraph: Mapping[str, Any]) -> bytes:
    graph = to_networkx(subgraph)
    _unify_types(graph)
    buffer = io.BytesIO()
    nx.write_graphml(graph, buffer, encoding="utf-8", prettyprint=True)
    return buffer.getvalue()


def _csv(rows: list[Mapping[str, Any]], core: tuple[str, ...]) -> str:
    columns = list(core) + ["evidence"]
    extra = sorted({k for r in rows for k in r} - set(columns))
    columns += extra
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({k: _csv_cell(r.get(k)) for k in columns})
    return buffer.getvalue()


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)  # lists, maps, numbers, true/false


def to_csv_zip(subgraph: Mapping[str, Any]) -> bytes:
    """A zip of nodes.csv and edges.csv; non-text values are JSON (lists, true/false)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("nodes.csv", _csv(subgraph["nodes"], NODE_CORE))
        archive.writestr("edges.csv", _csv(subgraph["edges"], EDGE_CORE))
    return buffer.getvalue()


# --- tables: format=csv | ndjson on the list endpoints ------------------------------

TABLE_FORMATS = ("json", "csv", "ndjson")
# Joins the values of a list column in a CSV cell (entities.id: "a;b").
LIST_SEPARATOR = ";"


def column_value(row: Mapping[str, Any], column: str) -> Any:
    """A dotted column of a response row: `commissioner.id` descends maps, and
    through a list of maps takes the key of each (`entities.id` -> [ids])."""
    value: Any = row
    for part in column.split("."):
        if isinstance(value, list):
            value = [v.get(part) if isinstance(v, Mapping) else None for v in value]
        elif isinstance(value, Mapping):
            value = value.get(part)
        else:
            return None
    return value


def table_cell(value: Any) -> str:
    """One CSV cell: empty for null, true/false, a list of scalars joined by
    LIST_SEPARATOR, and maps or lists of maps as JSON text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list) and all(v is None or isinstance(v, (str, int, float)) for v in value):
        return LIST_SEPARATOR.join("" if v is None else str(v) for v in value)
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def to_csv(rows: Iterable[Mapping[str, Any]], columns: Iterable[str]) -> str:
    """The rows as CSV with exactly `columns`, in order, whatever the rows hold."""
    columns = list(columns)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([table_cell(column_value(row, c)) for c in columns])
    return buffer.getvalue()


def to_ndjson(rows: Iterable[Mapping[str, Any]]) -> bytes:
    """One JSON object a line, each row as the JSON answer has it."""
    return b"".join(orjson.dumps(r) + b"\n" for r in rows)


def table(answer: Mapping[str, Any], columns: Iterable[str], format: str, stem: str, key: str = "items") -> Any:
    """A list answer in the format asked: the answer itself for json (the
    route returns it as before), else its `key` rows as CSV (the endpoint's
    stable `columns`, docs/api.md) or NDJSON, with the paging in headers:
    X-Total-Count (rows in all), X-Row-Count (rows here), X-Offset."""
    if format == "json":
        return answer
    rows = list(answer[key])
    headers = {
        "Content-Disposition": f'attachment; filename="{stem}.{format}"',
        "X-Total-Count": str(answer.get("total", len(rows))),
        "X-Row-Count": str(len(rows)),
        "X-Offset": str(answer.get("offset", 0)),
    }
    if format == "csv":
        return Response(to_csv(rows, columns), media_type="text/csv; charset=utf-8", headers=headers)
    return Response(to_ndjson(rows), media_type="application/x-ndjson", headers=headers)


def file_stem(*parts: str | None) -> str:
    """A download's file name from the endpoint and its arguments: letters, digits, - and _ only."""
    text = "-".join(p for p in parts if p)
    # ASCII only: the name goes into a Content-Disposition header, which is latin-1.
    return "".join(c if (c.isascii() and c.isalnum()) or c in "-_" else "_" for c in text)


# The columns of each endpoint's CSV, stable: new fields are added at the
# end, never renamed or reordered (docs/api.md lists them; a test checks).
_EVIDENCE_COLUMNS = ("evidence.source_id", "evidence")
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "/entities": ("id", "name", "labels", "valid_from", "valid_to", "status", "codes.ods", "codes.ons", "match"),
    "/changes": ("date", "kind", "entities.id", "entities.name", "description", "status", "instance_count", *_EVIDENCE_COLUMNS),
    "/changes?summary=true": ("row", "date", "kind", "type.id", "type.name", "count", "description"),
    "/budgets": ("id", "name", "amount_gbp", "fiscal_year", "holder", "holder_name", "description", "original_text", "approximate", "ring_fenced", "valid_from", "valid_to", "status", "measure", "year_basis", *_EVIDENCE_COLUMNS),
    "/services/{id}/commissioners": (
        "commissioner.id", "commissioner.name", "commissioner.labels", "basis", "valid_from", "valid_to", "status", "via.id", "from_parent.id",
        "relationship_id", "derived", "rule", "inherited_from", "delegation_id", "delegated_by", "instance_count", "instances", *_EVIDENCE_COLUMNS,
    ),
    "/services/{id}/timeline": (
        "from", "to", "commissioner.id", "commissioner.name", "basis", "status", "from_parent.id", "relationship_id", "derived", "delegation_id", "instance_count", "instances", *_EVIDENCE_COLUMNS,
    ),
    "/entities/{id}/accountable-bodies": ("node.id", "node.name", "node.labels", "node.valid_from", "node.valid_to", "node.status", "distance", "via.id", "via.name"),
    "/statutes/{id}/effects": ("effect", "date", "valid_to", "entity.id", "entity.name", "other.id", "other.name", "status", "through", "relationship_id", *_EVIDENCE_COLUMNS),
}
