"""The Cypher this project sends to Neo4j's `system` database: what the server
is, and the administration commands of an alias switch (Neo4j 5 syntax, see
the Operations Manual: "Managing databases", "Managing database aliases",
"WAIT options").

Database and alias names cannot be parameters everywhere, so they are placed
into the text here, always backtick-quoted and only after graph/neo4j_plan.py
has checked them. tests/test_cypher_neo4j_parser.py runs every statement
below (ADMIN_EXAMPLES) through Neo4j's own parser.
"""

from __future__ import annotations

from nhskg.graph.neo4j_plan import Topology

# How long a database command may take before the server answers (it goes on
# in the background after that, see WAIT options): creating a database in a
# cluster means every member allocating it.
WAIT_S = 300
SYSTEM_DATABASE = "system"

COMPONENTS = "CALL dbms.components() YIELD name, versions, edition RETURN name, versions, edition"
# YIELD *: the topology columns are there on Enterprise; Community has fewer.
DATABASES = "SHOW DATABASES YIELD *"
# Community has no aliases and refuses this command: it is sent to Enterprise only.
ALIASES = "SHOW ALIASES FOR DATABASE YIELD name, database, location RETURN name, database, location"


def quote(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def create_database(name: str, topology: Topology | None = None) -> str:
    """A new, empty database, returning once it is online everywhere it is
    allocated. With a topology (the previous database's), a cluster keeps the
    same number of read replicas after the switch."""
    shape = ""
    if topology is not None:
        shape = f" TOPOLOGY {topology.primaries} PRIMARIES {topology.secondaries} SECONDARIES"
    return f"CREATE DATABASE {quote(name)}{shape} WAIT {WAIT_S} SECONDS"


def point_alias(alias: str, database: str, *, exists: bool) -> str:
    """Move `alias` to `database` in one system-database transaction: a reader's
    transaction resolves the alias once, so it sees the old database or the new
    one, never a mixture."""
    if exists:
        return f"ALTER ALIAS {quote(alias)} SET DATABASE TARGET {quote(database)}"
    return f"CREATE ALIAS {quote(alias)} FOR DATABASE {quote(database)}"


def drop_database(name: str) -> str:
    return f"DROP DATABASE {quote(name)} IF EXISTS DESTROY DATA WAIT {WAIT_S} SECONDS"


def drop_alias(alias: str) -> str:
    """Not used by ingest (the alias is what readers name); for tests and by hand."""
    return f"DROP ALIAS {quote(alias)} IF EXISTS FOR DATABASE"


# Node and relationship totals of a freshly loaded database (the count store
# answers both without a scan), checked before the alias moves.
LOADED_COUNTS = (
    "CALL { MATCH (n) RETURN count(n) AS nodes } "
    "CALL { MATCH ()-[r]->() RETURN count(r) AS relationships } "
    "RETURN nodes, relationships"
)

# Every statement shape this module can produce, for the parser test.
ADMIN_EXAMPLES: dict[str, str] = {
    "components": COMPONENTS,
    "databases": DATABASES,
    "aliases": ALIASES,
    "create_database": create_database("nhskg-b0123456789ab"),
    "create_database_topology": create_database("nhskg-b0123456789ab", Topology(3, 2)),
    "alter_alias": point_alias("nhskg", "nhskg-b0123456789ab", exists=True),
    "create_alias": point_alias("nhskg", "nhskg-b0123456789ab", exists=False),
    "drop_database": drop_database("nhskg-b0123456789ab"),
    "drop_alias": drop_alias("nhskg"),
    "loaded_counts": LOADED_COUNTS,
}
