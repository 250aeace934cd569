"""The store interface every engine implements, and the data it exchanges.

It covers what the rest of the code needs and no more: run a named catalogue
query (read-only), write batches in one transaction, apply the schema,
replace the whole graph atomically, count, close.
"""

from __future__ import annotations

import abc
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import anyio.to_thread

from nhskg.graph.schema import ALL_LABELS, BASE_LABEL, REL_TYPES

BATCH_SIZE = 500

# Called with (done, total) as a load progresses.
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class NodeRow:
    id: str
    labels: tuple[str, ...]
    props: dict[str, Any]


@dataclass(frozen=True)
class RelRow:
    id: str
    type: str
    from_id: str
    to_id: str
    props: dict[str, Any]


@dataclass
class GraphData:
    """A whole graph, ready to write."""

    nodes: list[NodeRow] = field(default_factory=list)
    relationships: list[RelRow] = field(default_factory=list)


@dataclass(frozen=True)
class GraphCounts:
    nodes: int
    relationships: int
    by_label: dict[str, int]
    by_type: dict[str, int]
    # The source version (content hash) the live graph was built from; None
    # for an empty graph or one written before versions were recorded.
    version: str | None = None


def graph_counts(by_label: Mapping[str, Any], by_type: Mapping[str, Any], version: str | None) -> GraphCounts:
    """Counts by label and by type (labels and types with none left out) ->
    GraphCounts. Every node has the label Entity, so its count is the node count."""
    labels = {label: int(n) for label, n in by_label.items() if int(n)}
    types = {rel_type: int(n) for rel_type, n in by_type.items() if int(n)}
    return GraphCounts(
        nodes=labels.get(BASE_LABEL, 0),
        relationships=sum(types.values()),
        by_label=dict(sorted(labels.items())),
        by_type=dict(sorted(types.items())),
        version=version,
    )


Statement = tuple[str, dict[str, Any]]


def _batches(rows: Sequence[Any], size: int = BATCH_SIZE) -> Iterator[Sequence[Any]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def node_labels(node: NodeRow) -> tuple[str, ...]:
    """The node's labels as written (the base label first), checked against
    the closed vocabulary: labels go into Cypher text, never as parameters."""
    labels = tuple(dict.fromkeys((BASE_LABEL, *node.labels)))
    unknown = [lab for lab in labels if lab not in ALL_LABELS]
    if unknown:
        raise ValueError(f"node {node.id}: labels {unknown} are not in the schema vocabulary")
    return labels


def rel_type(rel: RelRow) -> str:
    """The relationship's type, checked against the closed vocabulary."""
    if rel.type not in REL_TYPES:
        raise ValueError(f"relationship {rel.id}: type {rel.type} is not in the schema vocabulary")
    return rel.type


def load_statements(data: GraphData) -> list[Statement]:
    """Batched `UNWIND ... MERGE` statements that write `data`.

    Labels and relationship types cannot be Cypher parameters, so they are
    placed into the text here, and only after checking them against the
    closed vocabulary in graph/schema.py; every value is a parameter.
    """
    statements: list[Statement] = []
    by_labels: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for node in data.nodes:
        by_labels.setdefault(node_labels(node), []).append({"id": node.id, "props": node.props})
    for labels, rows in by_labels.items():
        label_text = ":".join(labels)
        cypher = f"UNWIND $rows AS row MERGE (n:{label_text} {{id: row.id}}) SET n += row.props"
        statements.extend((cypher, {"rows": list(batch)}) for batch in _batches(rows))

    by_type: dict[str, list[dict[str, Any]]] = {}
    for rel in data.relationships:
        by_type.setdefault(rel_type(rel), []).append({"id": rel.id, "from": rel.from_id, "to": rel.to_id, "props": rel.props})
    for type_name, rows in by_type.items():
        cypher = (
            f"UNWIND $rows AS row MATCH (a:{BASE_LABEL} {{id: row.from}}) MATCH (b:{BASE_LABEL} {{id: row.to}}) "
            f"MERGE (a)-[r:{type_name} {{id: row.id}}]->(b) SET r += row.props"
        )
        statements.extend((cypher, {"rows": list(batch)}) for batch in _batches(rows))
    return statements


def plain(value: Any) -> Any:
    """Engine result values -> plain JSON-able Python (dicts, lists, scalars)."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


# What a graph was built from lives on one node of its own label, outside
# Entity, so landscape queries and counts never see it. It is written in the
# same atomic replace as the graph, so it always describes the live graph.
BUILD_LABEL = "NhskgBuild"

# Housekeeping reads, like the schema DDL, belong to the engine layer: they are
# about the store, not the landscape, and the catalogue sits above this layer.
# Only this project's nodes (label Entity) count, so a Neo4j database that
# also holds other data reports ours alone. It is ONE query, so an ingest that
# swaps graphs in between cannot tear the counts (FalkorDB runs each query
# against one graph; Neo4j runs it in one read transaction). Every node has
# the label Entity, so the node count is the Entity row of by_label.
_COUNTS = (
    f"MATCH (n:{BASE_LABEL}) UNWIND labels(n) AS label "
    "WITH label, count(*) AS c "
    "WITH collect({label: label, count: c}) AS by_label "
    f"OPTIONAL MATCH (:{BASE_LABEL})-[r]->(:{BASE_LABEL}) "
    "WITH by_label, type(r) AS type, count(r) AS c "
    "WITH by_label, collect({type: type, count: c}) AS by_type "
    f"OPTIONAL MATCH (b:{BUILD_LABEL}) "
    "RETURN by_label, by_type, b.source_version AS version LIMIT 1"
)

_BUILD_INFO = f"MATCH (b:{BUILD_LABEL}) RETURN b.source_version AS source_version, b.build_id AS build_id, b.built_at AS built_at LIMIT 1"


@dataclass(frozen=True)
class BuildInfo:
    source_version: str | None
    build_id: str
    built_at: str


# The read behind GraphStore.build_info, for a caller that sends it in one
# round trip with its own reads (GraphStore.run_reads).
BUILD_READ: tuple[str, dict[str, Any]] = (_BUILD_INFO, {})


def build_from_rows(rows: list[dict[str, Any]]) -> BuildInfo | None:
    """BUILD_READ's rows -> the build, or None (empty or unversioned graph)."""
    if not rows or not rows[0].get("build_id"):
        return None
    r = rows[0]
    return BuildInfo(r.get("source_version"), str(r["build_id"]), str(r.get("built_at") or ""))


def build_statement(build: BuildInfo) -> Statement:
    """The statement that records `build` in the graph being written."""
    props = {"source_version": build.source_version, "build_id": build.build_id, "built_at": build.built_at}
    return f"CREATE (b:{BUILD_LABEL}) SET b = $props", {"props": props}


def rebuild_statement() -> Statement:
    """The statement that gives a graph changed in place (write_batches) a
    new build id, keeping what it was built from: anything keyed by the
    build (the API's ETags and answer cache) must not outlive the change."""
    build = new_build(None)
    return f"MATCH (b:{BUILD_LABEL}) SET b.build_id = $build_id, b.built_at = $built_at", {"build_id": build.build_id, "built_at": build.built_at}


def new_build(source_version: str | None) -> BuildInfo:
    return BuildInfo(source_version, uuid.uuid4().hex, datetime.now(timezone.utc).isoformat(timespec="seconds"))


class GraphStore(abc.ABC):
    """What ingest, the API and the CLI need from a graph engine."""

    engine: str = ""

    # -- reads ---------------------------------------------------------------

    @abc.abstractmethod
    def run_read(self, cypher: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        """Run Cypher read-only at the engine level: a write in it fails."""

    def run_reads(self, reads: Sequence[tuple[str, dict[str, Any]]]) -> list[list[dict[str, Any]]]:
        """Several reads, run in order, their rows in the same order. An engine
        that can pipeline sends them in one round trip (FalkorDB); otherwise
        they are asked one by one. Each is its own read, as with run_read: a
        graph replaced in between is seen by the reads after it."""
        return [self.run_read(cypher, params) for cypher, params in reads]

    async def run_reads_async(self, reads: Sequence[tuple[str, dict[str, Any]]]) -> list[list[dict[str, Any]]]:
        """run_reads for a caller on an event loop (the API's small answers:
        no thread hand-off per request). An engine with an asyncio client
        awaits the engine (FalkorDB); otherwise run_reads runs in a worker
        thread, as a `def` route's reads would."""
        return await anyio.to_thread.run_sync(self.run_reads, reads)

    # -- writes --------------------------------------------------------------

    @abc.abstractmethod
    def write_batches(self, statements: Iterable[Statement], progress: Progress | None = None) -> None:
        """Run the statements in one transaction: all of them or none."""

    @abc.abstractmethod
    def apply_schema(self) -> None:
        """Create indexes on `id` for every label, and uniqueness where supported."""

    @abc.abstractmethod
    def replace_graph(self, data: GraphData, progress: Progress | None = None, version: str | None = None) -> None:
        """Replace the whole graph with `data`, recording `version` (what it was
        built from) with it. Readers never see a half-built graph; when this
        returns, the new graph is live and durable; when it raises, the
        previous graph is (or, if the message says the outcome is unknown,
        may still be) live."""

    # -- housekeeping ----------------------------------------------------------

    def counts(self) -> GraphCounts:
        """Node and relationship counts, by label and by type, and the version
        of the live graph, from one consistent read."""
        rows = self.run_read(_COUNTS, {})
        row = rows[0] if rows else {"by_label": [], "by_type": [], "version": None}
        return graph_counts(
            {r["label"]: r["count"] for r in row["by_label"] if r.get("label") is not None},
            {r["type"]: r["count"] for r in row["by_type"] if r.get("type") is not None},
            row.get("version"),
        )

    def has_graph(self) -> bool:
        """Whether the engine holds a graph under our name at all (FalkorDB: the
        key exists). A missing graph is not an empty answer: the API says 503."""
        return True

    def build_info(self) -> BuildInfo | None:
        """What the live graph was built from, or None (empty or unversioned)."""
        return build_from_rows(self.run_read(*BUILD_READ))

    @abc.abstractmethod
    def describe(self) -> str:
        """Where the data lives (data directory or URI), for status output."""

    @abc.abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> "GraphStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
