"""/subgraph: the neighbourhood of a seed as JSON, GraphML or a CSV zip."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from nhskg.api import models as m
from nhskg.api import serialise as ser
from nhskg.api.deps import get_store
from nhskg.api.routes._common import AsOf, as_of_value, check_label, require_entity, run, valid_on
from nhskg.graph import GraphStore

router = APIRouter(tags=["subgraph"])

CAPS = {"depth": m.SUBGRAPH_DEPTH_MAX, "max_nodes": m.SUBGRAPH_NODES_MAX, "edges": m.SUBGRAPH_EDGES_MAX}


def neighbourhood(store: GraphStore, seed: str, depth: int, as_of: str, labels: list[str] | None, max_nodes: int, seed_valid: bool = True) -> dict[str, Any]:
    """Breadth-first walk from the seed, one catalogue query per hop, then the
    induced edges. The seed is always included, but walked from only when it
    is valid on as_of; other nodes must be valid on as_of (and carry one of
    `labels` if given), edges valid on as_of."""
    seen: list[str] = [seed]
    known = {seed}
    frontier = [seed] if seed_valid else []
    truncated = False
    for _ in range(depth):
        if not frontier:
            break
        rows = run(store, "subgraph_neighbours", ids=frontier, as_of=as_of, labels=labels, limit=max_nodes + len(seen) + 1)
        new = [r["id"] for r in rows if r["id"] not in known]
        room = max_nodes - len(seen)
        if len(new) > room:
            new, truncated = new[:room], True
        seen.extend(new)
        known.update(new)
        frontier = new
    nodes = [ser.node(r["node"]) for r in run(store, "subgraph_nodes", ids=seen)]
    edge_rows = run(store, "subgraph_edges", ids=seen, as_of=as_of, limit=m.SUBGRAPH_EDGES_MAX + 1)
    if len(edge_rows) > m.SUBGRAPH_EDGES_MAX:
        edge_rows, truncated = edge_rows[: m.SUBGRAPH_EDGES_MAX], True
    return {
        "seed": seed,
        "as_of": as_of,
        "depth": depth,
        "labels": labels,
        "truncated": truncated,
        "caps": {**CAPS, "max_nodes": max_nodes},
        "nodes": nodes,
        "edges": [ser.relationship(e["edge"]) for e in edge_rows],
    }


@router.get(
    "/subgraph",
    response_model=m.Subgraph,
    responses={
        200: {
            "content": {"application/graphml+xml": {}, "application/zip": {}},
            "description": "JSON by default; GraphML (format=graphml) or a zip of nodes.csv and edges.csv (format=csv)",
        },
        404: {"description": "unknown seed"},
        422: {"description": "depth or max_nodes over the cap, unknown label or format, malformed as_of"},
    },
)
def subgraph(
    store: Annotated[GraphStore, Depends(get_store)],
    seed: Annotated[str, Query(max_length=200, description="node id to start from, e.g. type:icb")],
    depth: Annotated[int, Query(ge=0, le=m.SUBGRAPH_DEPTH_MAX, description=f"hops from the seed (max {m.SUBGRAPH_DEPTH_MAX})")] = m.SUBGRAPH_DEPTH_DEFAULT,
    as_of: AsOf = None,
    labels: Annotated[str | None, Query(description="comma-separated labels: only walk to nodes carrying one of them (e.g. Organisation,OrganisationType)")] = None,
    max_nodes: Annotated[int, Query(ge=1, le=m.SUBGRAPH_NODES_MAX, description=f"node cap (max {m.SUBGRAPH_NODES_MAX}); `truncated` says when it bit")] = m.SUBGRAPH_NODES_DEFAULT,
    format: Annotated[Literal["json", "graphml", "csv"], Query(description="json (default), graphml, or csv (a zip of nodes.csv and edges.csv)")] = "json",
):
    """The neighbourhood of a seed on a date: nodes within `depth` hops (either direction) and every relationship valid on as_of among them.

    The seed is always returned; when it does not exist on as_of it is
    returned alone. Caps: depth <= 4, max_nodes <= 1000, edges <= 5000 (`truncated: true`
    when a cap cut the result). GraphML has no lists, so list and map values
    (labels, aliases, evidence, source_ids, ...) are JSON strings in GraphML
    and CSV; node keys are node ids, edge keys are relationship ids.
    """
    date = as_of_value(as_of)
    label_list = None
    if labels:
        label_list = [check_label(lab.strip(), "labels") for lab in labels.split(",") if lab.strip()] or None
    seed_row = require_entity(store, seed)
    data = neighbourhood(store, seed, depth, date, label_list, max_nodes, valid_on(seed_row["properties"], date))
    stem = "subgraph-" + "".join(c if c.isalnum() or c in "-_" else "_" for c in seed) + f"-{date}"
    if format == "graphml":
        return Response(ser.to_graphml(data), media_type="application/graphml+xml", headers={"Content-Disposition": f'attachment; filename="{stem}.graphml"'})
    if format == "csv":
        return Response(ser.to_csv_zip(data), media_type="application/zip", headers={"Content-Disposition": f'attachment; filename="{stem}.zip"'})
    return data
