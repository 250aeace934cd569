"""/sources: the documents, with their metadata and the facts that cite each."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from nhskg.api import models as m
from nhskg.api.deps import get_store
from nhskg.api.strict import errors
from nhskg.queries.run import ask
from nhskg.graph import GraphStore
from nhskg.core.errors import NotFound

router = APIRouter(tags=["sources"])


def _counts(store: GraphStore) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for r in ask(store, "source_fact_counts"):
        bucket = counts.setdefault(r["source_id"], {"nodes": 0, "relationships": 0})
        bucket["nodes" if r["kind"] == "node" else "relationships"] += int(r["count"])
    return counts


@router.get("/sources", response_model=m.SourceList, responses=errors())
def list_sources(store: Annotated[GraphStore, Depends(get_store)]):
    """Every source document with its metadata and how many facts cite it."""
    counts = _counts(store)
    return {"items": [{**r["source"], "facts": counts.get(r["source"]["id"], {"nodes": 0, "relationships": 0})} for r in ask(store, "sources_list")]}


@router.get("/sources/{id}", response_model=m.SourceDetail, responses=errors({404: "no source with that id"}))
def get_source(
    id: Annotated[str, Path(max_length=200, description="source id, e.g. source:kingsfund-2023")],
    store: Annotated[GraphStore, Depends(get_store)],
    limit: Annotated[int, Query(ge=1, le=m.SOURCE_FACTS_MAX, description=f"at most this many nodes and this many relationships (max {m.SOURCE_FACTS_MAX})")] = m.SOURCE_FACTS_DEFAULT,
    include_derived: Annotated[bool, Query(description="also list derived relationships (which repeat the evidence of what they rest on)")] = False,
):
    """One source document: its metadata and the facts (nodes and relationships) citing it, each with the quotes it takes from this source."""
    rows = ask(store, "source_get", id=id)
    if not rows:
        raise NotFound(f"no source with id {id!r}")
    nodes = ask(store, "source_facts_nodes", id=id, limit=limit + 1)
    rels = ask(store, "source_facts_relationships", id=id, include_derived=include_derived, limit=limit + 1)
    return {
        "source": rows[0]["source"],
        "facts": {"nodes": [{**n, "labels": sorted(n["labels"])} for n in nodes[:limit]], "relationships": rels[:limit]},
        "truncated": len(nodes) > limit or len(rels) > limit,
    }
