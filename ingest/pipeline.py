"""documents -> facts -> graph: the one function `nhskg ingest` runs."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from nhskg.core.gcpause import gc_paused
from nhskg.graph.store import GraphData, GraphStore, Progress
from nhskg.ingest.compile import compile_graph
from nhskg.ingest.derive import derive_edges, normalise_events
from nhskg.ingest.derive_membership import derive_membership, derive_own_superiors
from nhskg.ingest.kb import DEFAULT_KB_DIR, load_knowledge_base
from nhskg.ingest.registers import add_registers
from nhskg.ingest.registers.money import add_money
from nhskg.ingest.version import source_version


@dataclass(frozen=True)
class IngestSummary:
    nodes: int
    relationships: int
    derived: int
    seconds: float

    def line(self, engine: str) -> str:
        return (
            f"ingested {self.nodes} nodes and {self.relationships} relationships "
            f"({self.derived} derived) into {engine} in {self.seconds:.2f}s"
        )


def build_graph(kb_dirs: Iterable[Path] = (DEFAULT_KB_DIR,)) -> GraphData:
    """Validate the knowledge base, compile it, add the register layer and
    derive the edges that rest on both; raises KnowledgeBaseError.

    Derivation runs last so that real bodies from the registers inherit the
    facts of their types like curated ones do."""
    data = compile_graph(load_knowledge_base(kb_dirs))
    add_registers(data)
    add_money(data)  # after the registers: the CCG allocations join to their CCG nodes
    return complete_graph(data)


def complete_graph(data: GraphData) -> GraphData:
    """The last in-memory step of every ingest: events become dated
    occurrences, then the derived edges are added (in place; returns `data`):
    membership (ingest/derive_membership.py), then delegation and
    inheritance (ingest/derive.py).

    The garbage collector is paused meanwhile: derivation allocates millions
    of small objects and no cycles, which the collector's passes would walk
    again and again (nhskg.core.gcpause)."""
    with gc_paused():
        normalise_events(data)
        # Membership first: the INSTANCE_OF links it adds are what the
        # delegation and inheritance derivations reach real bodies through.
        members = derive_membership(data)
        data.relationships.extend(members)
        data.relationships.extend(derive_own_superiors(data))
        data.relationships.extend(derive_edges(data))
    return data


def ingest(store: GraphStore, kb_dirs: Iterable[Path] = (DEFAULT_KB_DIR,), progress: Progress | None = None) -> IngestSummary:
    """Replace the store's graph with the knowledge base, atomically.

    Validation happens before anything is written, and the engine swaps the
    new graph in only once it is complete, so a bad data file or a failed
    load leaves the previous graph as it was.
    """
    started = time.perf_counter()
    with gc_paused():  # building and writing allocate millions of objects, no cycles (see complete_graph)
        data = build_graph(kb_dirs)
        store.replace_graph(data, progress, version=source_version(kb_dirs))
    derived = sum(1 for r in data.relationships if r.props.get("derived"))
    return IngestSummary(len(data.nodes), len(data.relationships), derived, time.perf_counter() - started)
