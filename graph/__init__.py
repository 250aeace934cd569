"""Schema vocabulary, the store interface and its two engines."""

from __future__ import annotations

from nhskg.graph.store import GraphCounts, GraphData, GraphStore, NodeRow, RelRow
from nhskg.core.settings import Settings

__all__ = ["GraphCounts", "GraphData", "GraphStore", "NodeRow", "RelRow", "open_store"]


def open_store(settings: Settings, *, exclusive: bool = False) -> GraphStore:
    """The engine the settings select: Neo4j when NEO4J_URI is set, else embedded FalkorDB.

    `exclusive` (for `nhskg serve`): own the embedded engine of the data
    directory, and refuse if another process already does."""
    if settings.neo4j_uri:
        from nhskg.graph.neo4j_engine import Neo4jStore

        return Neo4jStore(
            settings.neo4j_uri,
            settings.neo4j_user,
            settings.neo4j_password,
            settings.neo4j_database,
            single_tx_limit=settings.neo4j_single_tx_limit,
        )
    from nhskg.graph.falkordb_engine import FalkorDBStore

    return FalkorDBStore(settings.data_dir, settings.graph_name, exclusive=exclusive)
