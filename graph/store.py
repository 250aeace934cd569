"""The store interface every engine implements, and the data it exchanges.

It covers what the rest of the code needs and no more: run a named catalogue
query (read-only), write batches in one transaction, apply the schema,
replace the whole graph atomically, count, close.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

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


Statement = tuple[str, dict[str, Any]]


def _batches(rows: Sequence[Any], size: int = BATCH_SIZE) -> Iterator[Sequence[Any]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def load_statements(data: GraphData) -> list[Statement]:
    """Batched `UNWIND ... MERGE` statements that write `data`.

    Labels and relationship types cannot be Cypher parameters, so they are
    placed into the text here, and only after checking them against the
    closed vocabulary in graph/schema.py; every value is a parameter.
    """
    statements: list[Statement] = []
    by_labels: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for node in data.nodes:
        labels = tuple(dict.fromkeys((BASE_LABEL, *node.labels)))
        unknown = [lab for lab in labels if lab not in ALL_LABELS]
        if unknown:
            raise ValueError(f"node {node.id}: labels {unknown} are not in the schema vocabulary")
        by_labels.setdefault(labels, []).append({"id": node.id, "props": node.props})
    for labels, rows in by_labels.items():
        label_text = ":".join(labels)
        cypher = f"UNWIND $rows AS row MERGE (n:{label_text} {{id: row.id}}) SET n += row.props"
        statements.extend((cypher, {"rows": list(batch)}) for batch in _batches(rows))

    by_type: dict[str, list[dict[str, Any]]] = {}
    for rel in data.relationships:
        if rel.type not in REL_TYPES:
            raise ValueError(f"relationship {rel.id}: type {rel.type} is not in the schema vocabulary")
        by_type.setdefault(rel.type, []).append({"id": rel.id, "from": rel.from_id, "to": rel.to_id, "props": rel.props})
    for rel_type, rows in by_type.items():
        cypher = (
            f"UNWIND $rows AS row MATCH (a:{BASE_LABEL} {{id: row.from}}) MATCH (b:{BASE_LABEL} {{id: row.to}}) "
            f"MERGE (a)-[r:{rel_type} {{id: row.id}}]->(b) SET r += row.props"
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


# Housekeeping reads, like the schema DDL, belong to the engine layer: they are
# about the store, not the landscape, and the catalogue sits above this layer.
# Only this project's nodes (label Entity) count, so a Neo4j database that
# also holds other data reports ours alone.
_COUNT_NODES = f"MATCH (n:{BASE_LABEL}) RETURN count(n) AS count"
_COUNT_BY_LABEL = f"MATCH (n:{BASE_LABEL}) UNWIND labels(n) AS label RETURN label, count(*) AS count ORDER BY label"
_COUNT_BY_TYPE = f"MATCH (:{BASE_LABEL})-[r]->(:{BASE_LABEL}) RETURN type(r) AS type, count(*) AS count ORDER BY type"


class GraphStore(abc.ABC):
    """What ingest, the API and the CLI need from a graph engine."""

    engine: str = ""

    # -- reads ---------------------------------------------------------------

    @abc.abstractmethod
    def run_read(self, cypher: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        """Run Cypher read-only at the engine level: a write in it fails."""

    # -- writes --------------------------------------------------------------

    @abc.abstractmethod
    def write_batches(self, statements: Iterable[Statement], progress: Progress | None = None) -> None:
        """Run the statements in one transaction: all of them or none."""

    @abc.abstractmethod
    def apply_schema(self) -> None:
        """Create indexes on `id` for every label, and uniqueness where supported."""

    @abc.abstractmethod
    def replace_graph(self, data: GraphData, progress: Progress | None = None) -> None:
        """Replace the whole graph with `data`. Readers never see a half-built
        graph, and a failure leaves the previous graph untouched."""

    # -- housekeeping ----------------------------------------------------------

    def counts(self) -> GraphCounts:
        """Node and relationship counts, by label and by type."""
        by_label = {r["label"]: int(r["count"]) for r in self.run_read(_COUNT_BY_LABEL, {})}
        by_type = {r["type"]: int(r["count"]) for r in self.run_read(_COUNT_BY_TYPE, {})}
        nodes = self.run_read(_COUNT_NODES, {})
        return GraphCounts(
            nodes=int(nodes[0]["count"]) if nodes else 0,
            relationships=sum(by_type.values()),
            by_label=dict(sorted(by_label.items())),
            by_type=dict(sorted(by_type.items())),
        )

    @abc.abstractmethod
    def describe(self) -> str:
        """Where the data lives (data directory or URI), for status output."""

    @abc.abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> "GraphStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
