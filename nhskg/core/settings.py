"""Settings read from the environment: the one place that knows variable names.

Everything else receives a :class:`Settings` object, so tests can build one
directly and the docker-compose file can be checked against :data:`ENV_VARS`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from nhskg.core.errors import UserError

# Every environment variable the code reads, with what it is for. The compose
# file test checks the API service's environment against this table.
ENV_VARS: dict[str, str] = {
    "NHSKG_DATA_DIR": "directory of the embedded FalkorDB engine (socket, lock, persisted graph)",
    "NHSKG_GRAPH": "graph name inside the engine (default 'nhskg')",
    "NEO4J_URI": "selects the Neo4j engine when set, e.g. bolt://localhost:7687",
    "NEO4J_USER": "Neo4j user (default 'neo4j')",
    "NEO4J_PASSWORD": "Neo4j password",
    "NEO4J_DATABASE": "Neo4j database the app reads (default 'neo4j'); on Enterprise, a name that is not a database (e.g. nhskg) becomes an alias that ingest switches to each new build",
    "NEO4J_SINGLE_TX_LIMIT": "largest graph (nodes + relationships) Neo4j ingest writes in one transaction when it cannot switch an alias (default 100000)",
    "NHSKG_ANSWER_CACHE_MB": "megabytes of answers each API worker keeps, by graph build (default 64; 0 = off, ETags and 304s stay)",
}


def _whole_number(name: str, raw: str | None, default: int, unit: str) -> int:
    """A non-negative whole number from the environment (`_` separators
    allowed), or a one-line error naming the variable and what it counts."""
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw.replace("_", "").strip())
    except ValueError:
        value = -1
    if value < 0:
        raise UserError(f"{name} must be a whole number of {unit} (0 or more), not {raw!r}")
    return value


def default_data_dir() -> Path:
    """A per-user data directory, following the XDG base directory convention."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "nhskg"


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    graph_name: str = "nhskg"
    neo4j_uri: str | None = None
    neo4j_user: str = "neo4j"
    neo4j_password: str = ""
    neo4j_database: str = "neo4j"
    neo4j_single_tx_limit: int = 100_000
    answer_cache_mb: int = 64

    @property
    def engine(self) -> str:
        return "neo4j" if self.neo4j_uri else "falkordb"

    @classmethod
    def from_env(cls, data_dir: str | Path | None = None) -> "Settings":
        env = os.environ
        chosen = data_dir or env.get("NHSKG_DATA_DIR") or default_data_dir()
        return cls(
            data_dir=Path(chosen).expanduser(),
            graph_name=env.get("NHSKG_GRAPH", "nhskg"),
            neo4j_uri=env.get("NEO4J_URI") or None,
            neo4j_user=env.get("NEO4J_USER", "neo4j"),
            neo4j_password=env.get("NEO4J_PASSWORD", ""),
            neo4j_database=env.get("NEO4J_DATABASE", "neo4j"),
            neo4j_single_tx_limit=_whole_number("NEO4J_SINGLE_TX_LIMIT", env.get("NEO4J_SINGLE_TX_LIMIT"), 100_000, "nodes and relationships"),
            answer_cache_mb=_whole_number("NHSKG_ANSWER_CACHE_MB", env.get("NHSKG_ANSWER_CACHE_MB"), 64, "megabytes"),
        )

