"""/subgraph: the neighbourhood of a seed as JSON, GraphML or a CSV zip."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from nhskg.api import models as m
from nhskg.api import serialise as ser
from nhskg.api.deps import get_store
from nhskg.api.strict import errors
from nhskg.core.errors import UserError
from nhskg.core.timescope import holds
from nhskg.api.routes._common import LandscapeWindow, check_label, choices_pattern, comma_list, label_pattern, require_entity
from nhskg.queries.walk import neighbourhood
from nhskg.graph import GraphStore

router = APIRouter(tags=["subgraph"])

EXPANDABLE = ("nodes", "edges")
EXPAND_PATTERN = choices_pattern(EXPANDABLE)


def parse_expand(value: str | None) -> set[str]:
    """`expand` (a comma list of nodes, edges) -> the set asked for; a one-line 422 otherwise."""
    asked = set(comma_list(value))
    unknown = sorted(asked - set(EXPANDABLE))
    if unknown:
        raise UserError(f"expand: unknown value {unknown[0]!r}; give nodes, edges or nodes,edges")
    return asked


CAPS = {"depth": m.SUBGRAPH_DEPTH_MAX, "max_nodes": m.SUBGRAPH_NODES_MAX, "edges": m.SUBGRAPH_EDGES_MAX}


@router.get(
    "/subgraph",
    response_model=m.Subgraph,
    responses={
        200: {
            "content": {"application/graphml+xml": {}, "application/zip": {}},
            "description": "JSON by default; GraphML (format=graphml) or a zip of nodes.csv and edges.csv (format=csv)",
        },
        **errors({404: "unknown seed", 422: "depth or max_nodes over the cap, unknown label, format or expand value, malformed as_of"}),
    },
)
def subgraph(
    store: Annotated[GraphStore, Depends(get_store)],
    window: LandscapeWindow,
    seed: Annotated[str, Query(min_length=1, max_length=200, description="node id to start from, e.g. type:icb")],
    depth: Annotated[int, Query(ge=0, le=m.SUBGRAPH_DEPTH_MAX, description=f"hops from the seed (max {m.SUBGRAPH_DEPTH_MAX})")] = m.SUBGRAPH_DEPTH_DEFAULT,
    labels: Annotated[
        str | None,
        Query(max_length=1000, description="comma-separated labels: only walk to nodes carrying one of them (e.g. Organisation,OrganisationType)", json_schema_extra={"pattern": label_pattern()}),
    ] = None,
    max_nodes: Annotated[int, Query(ge=1, le=m.SUBGRAPH_NODES_MAX, description=f"node cap (max {m.SUBGRAPH_NODES_MAX}); `truncated` says when it bit")] = m.SUBGRAPH_NODES_DEFAULT,
    format: Annotated[Literal["json", "graphml", "csv"], Query(description="json (default), graphml, or csv (a zip of nodes.csv and edges.csv)")] = "json",
    expand: Annotated[
        str | None,
        Query(max_length=40, description="what to give as full records in JSON: nodes (every property and its evidence), edges (every property and its evidence), or nodes,edges; default briefs. GraphML and CSV are always full", json_schema_extra={"pattern": EXPAND_PATTERN}),
    ] = None,
):
    """The neighbourhood of a seed on a date or in a period: nodes within `depth` hops (either direction) and every relationship holding in the window among them.

    The seed is always returned; when it does not hold in the window it is
    returned alone. Events (an Act abolishing a body, a merger) show with
    both ends in any window containing their date, even when a body ends
    that day. Caps: depth <= 4, max_nodes <= 1000, edges <= 5000 (`truncated: true`
    when a cap cut the result). GraphML has no lists, so list and map values
    (labels, aliases, evidence, source_ids, ...) are JSON strings in GraphML
    and CSV; node keys are node ids, edge keys are relationship ids.
    """
    label_list = None
    if labels:
        label_list = [check_label(lab, "labels") for lab in comma_list(labels)] or None
    full = parse_expand(expand)
    if format != "json":
        full = set(EXPANDABLE)  # downloads for Gephi and notebooks carry everything
    seed_holds = holds(require_entity(store, seed, "seed")["properties"], window)
    walk = neighbourhood(
        store, seed, depth, window, label_list, max_nodes, m.SUBGRAPH_EDGES_MAX, seed_holds,
        full_nodes="nodes" in full, full_edges="edges" in full,
        edge_shape=ser.relationship if "edges" in full else ser.relationship_brief,
    )
    data = {
        "seed": seed,
        "as_of": window.as_of,
        "window": window.describe(),
        "depth": depth,
        "labels": label_list,
        "expand": [k for k in EXPANDABLE if k in full],
        "truncated": walk.truncated,
        "caps": {**CAPS, "max_nodes": max_nodes},
        "nodes": [ser.node(n) if "nodes" in full else ser.node_brief(n) for n in walk.nodes],
        "edges": walk.edges,
    }
    when = window.as_of or f"{window.start}_{window.end}"
    stem = "subgraph-" + "".join(c if c.isalnum() or c in "-_" else "_" for c in seed) + f"-{when}"
    if format == "graphml":
        return Response(ser.to_graphml(data), media_type="application/graphml+xml", headers={"Content-Disposition": f'attachment; filename="{stem}.graphml"'})
    if format == "csv":
        return Response(ser.to_csv_zip(data), media_type="application/zip", headers={"Content-Disposition": f'attachment; filename="{stem}.zip"'})
    if "nodes" in full:
        data["nodes"] = [ser.in_model_order(n, ser.NODE_CORE) for n in data["nodes"]]
    if "edges" in full:
        data["edges"] = [ser.in_model_order(e, ser.EDGE_CORE) for e in data["edges"]]
    return ser.json_response(data)
