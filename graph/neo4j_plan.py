"""How a graph goes into Neo4j: pure decisions, no driver, no server.

Which strategy an ingest uses follows from facts about the server (edition,
Aura or not, what NEO4J_DATABASE names there) and the size of the graph:

- **alias switch** (Neo4j Enterprise, self-managed, one machine or a
  cluster): NEO4J_DATABASE is a database *alias*. Ingest creates a new
  database, loads it in bounded transactions, checks it, and then moves the
  alias to it with one `ALTER ALIAS` (or `CREATE ALIAS` the first time):
  a reader's transaction runs wholly against the old database or wholly
  against the new one. The previous database is dropped afterwards, but only
  if its name shows this project built it.
- **single transaction** (Community, Aura, or an Enterprise NEO4J_DATABASE that
  is a plain database): delete and rewrite this project's nodes in ONE write
  transaction, readers see the old graph until it commits. Above
  NEO4J_SINGLE_TX_LIMIT elements this is refused with a one-line error rather
  than run as one giant transaction: Community and Aura have one user
  database and no aliases, and an in-place batched load would let readers see
  a half-built graph unless every catalogue query learned to filter it out.

docs/scaling.md explains the choice; tests/test_neo4j_plan.py covers it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

from nhskg.core.errors import EngineUnavailable, UserError
from nhskg.graph.store import Statement

ALIAS_SWITCH = "alias-switch"
SINGLE_TRANSACTION = "single-transaction"
Strategy = Literal["alias-switch", "single-transaction"]

# Rows (nodes or relationships) per write transaction in a batched load:
# bounded, so no transaction holds more than this in the server's memory,
# and large enough that the round trips do not dominate.
TRANSACTION_ROWS = 10_000

# The largest graph (nodes + relationships) written as one transaction when
# no alias switch is possible. The curated knowledge base with its registers is
# a few thousand; the 100,000-organisation synthetic landscape is ~665,000.
DEFAULT_SINGLE_TX_LIMIT = 100_000

# ---------------------------------------------------------------- the URI --

_SCHEMES = {"bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc"}
# Aura's instances answer at <id>.databases.neo4j.io: one user database, and
# CREATE DATABASE / aliases are not available through Cypher there.
_AURA_HOST = re.compile(r"(^|\.)databases\.neo4j\.io$", re.IGNORECASE)


@dataclass(frozen=True)
class Neo4jUri:
    uri: str
    scheme: str
    host: str

    @property
    def routing(self) -> bool:
        """neo4j:// asks the server for a routing table: writes go to the
        leader, read transactions to followers and read replicas."""
        return self.scheme.startswith("neo4j")

    @property
    def encrypted(self) -> bool:
        return "+" in self.scheme

    @property
    def aura(self) -> bool:
        return bool(_AURA_HOST.search(self.host))


def parse_uri(uri: str) -> Neo4jUri:
    """Check NEO4J_URI before any driver exists; bad input is one line."""
    parts = urlsplit(uri.strip())
    scheme = parts.scheme.lower()
    if scheme not in _SCHEMES:
        choices = ", ".join(f"{s}://" for s in sorted(_SCHEMES))
        raise EngineUnavailable(f"NEO4J_URI {uri!r} is not a Neo4j URI: the scheme must be one of {choices}")
    try:
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        host = ""
    if not host:
        raise EngineUnavailable(f"NEO4J_URI {uri!r} is not a Neo4j URI: it needs a host and, if any, a numeric port (e.g. neo4j://db.example.org:7687)")
    return Neo4jUri(uri=uri.strip(), scheme=scheme, host=host)


# ------------------------------------------------------ the server's facts --


@dataclass(frozen=True)
class Topology:
    """How many copies of a database a cluster keeps: primaries take writes
    (and reads), secondaries are read replicas."""

    primaries: int
    secondaries: int


@dataclass(frozen=True)
class ServerFacts:
    edition: str  # "community" or "enterprise" (Aura says enterprise)
    version: str
    aura: bool
    # What NEO4J_DATABASE names on the server: a local alias (to alias_target),
    # a remote alias, a standard database, or nothing yet.
    kind: Literal["alias", "remote-alias", "database", "missing"]
    alias_target: str | None = None
    # The topology of the database readers use now, when it is a cluster's.
    topology: Topology | None = None
    # Databases this project built for NEO4J_DATABASE (<alias>-b<12 hex>).
    built: tuple[str, ...] = ()

    @property
    def left_over(self) -> tuple[str, ...]:
        """Databases built for the alias that it does not point at: from a
        killed ingest (or one running right now), to drop by hand."""
        return tuple(name for name in self.built if name != (self.alias_target or "").lower())

    @property
    def multi_database(self) -> bool:
        """Can this project create databases and aliases through Cypher?"""
        return self.edition == "enterprise" and not self.aura


def _count(value: Any) -> int | None:
    return int(value) if isinstance(value, int) and not isinstance(value, bool) else None


def _topology(row: Mapping[str, Any] | None) -> Topology | None:
    if not row:
        return None
    primaries = _count(row.get("requestedPrimariesCount")) or _count(row.get("currentPrimariesCount"))
    secondaries = _count(row.get("requestedSecondariesCount"))
    if secondaries is None:
        secondaries = _count(row.get("currentSecondariesCount"))
    if primaries is None or secondaries is None or (primaries <= 1 and secondaries == 0):
        return None  # a single copy: the server's default topology is the same
    return Topology(primaries, secondaries)


def facts_from_rows(
    database: str,
    components: Sequence[Mapping[str, Any]],
    databases: Sequence[Mapping[str, Any]],
    aliases: Sequence[Mapping[str, Any]],
    *,
    aura: bool,
) -> ServerFacts:
    """Rows of `CALL dbms.components()`, `SHOW DATABASES` and `SHOW ALIASES
    FOR DATABASE` (empty on Community, which has no aliases) -> the facts."""
    kernel = next((r for r in components if r.get("name") == "Neo4j Kernel"), components[0] if components else {})
    edition = str(kernel.get("edition") or "community").lower()
    versions = kernel.get("versions") or [""]
    version = str(versions[0] if isinstance(versions, list) and versions else versions)
    wanted = database.lower()
    by_name = {str(r.get("name", "")).lower(): r for r in databases if r.get("name") is not None}
    built = tuple(sorted(name for name in by_name if built_by_us(name, database)))
    alias = next((r for r in aliases if str(r.get("name", "")).lower() == wanted), None)
    if alias is not None:
        if str(alias.get("location") or "local").lower() == "remote":
            return ServerFacts(edition, version, aura, "remote-alias", str(alias.get("database") or ""))
        target = str(alias.get("database") or "")
        return ServerFacts(edition, version, aura, "alias", target, _topology(by_name.get(target.lower())), built)
    if wanted in by_name:
        return ServerFacts(edition, version, aura, "database", None, _topology(by_name[wanted]))
    # Not there yet: the first build takes the shape of the DBMS's default
    # database, so a cluster with read replicas gets them for ours too.
    default = next((r for r in databases if r.get("default") is True), None)
    return ServerFacts(edition, version, aura, "missing", None, _topology(default), built)


# --------------------------------------------------------------- the plan --


@dataclass(frozen=True)
class LoadPlan:
    strategy: Strategy
    database: str  # what readers name (NEO4J_DATABASE)
    reason: str
    # alias switch only: the database the alias points at now (None: the
    # alias does not exist yet), whether that database is one this project
    # built (and so may drop), and the topology to give the new database.
    previous: str | None = None
    drop_previous: bool = False
    topology: Topology | None = None


_ALIAS_NAME = re.compile(r"[A-Za-z][A-Za-z0-9-]{0,47}")
_OURS = "-b"  # <alias>-b<12 hex>: a database this project built for that alias
_BUILD_HEX = 12


def check_alias_name(name: str) -> str:
    if not _ALIAS_NAME.fullmatch(name) or name.endswith("-"):
        raise UserError(
            f"NEO4J_DATABASE {name!r} cannot name a database alias here: use 1-48 letters, digits or dashes, "
            "starting with a letter (e.g. nhskg)"
        )
    return name


def new_database_name(alias: str, build_id: str) -> str:
    """The database one build is loaded into; valid under Neo4j's naming rules
    (3-63 characters, lowercase letters, digits, dashes, starting with a letter)."""
    tag = re.sub(r"[^0-9a-f]", "", build_id.lower())[:_BUILD_HEX].ljust(_BUILD_HEX, "0")
    return f"{check_alias_name(alias).lower()}{_OURS}{tag}"


def built_by_us(database: str, alias: str) -> bool:
    return re.fullmatch(re.escape(alias.lower() + _OURS) + f"[0-9a-f]{{{_BUILD_HEX}}}", database.lower()) is not None


def choose_plan(facts: ServerFacts, database: str, elements: int, single_tx_limit: int = DEFAULT_SINGLE_TX_LIMIT) -> LoadPlan:
    """The strategy for writing `elements` (nodes + relationships) so that
    readers of `database` never see a half-built graph; a UserError when no
    strategy can (see the module docstring)."""
    small = elements <= single_tx_limit
    over = (
        f"{elements:,} nodes and relationships is more than NEO4J_SINGLE_TX_LIMIT ({single_tx_limit:,}) "
        "written in one transaction"
    )
    if facts.kind == "remote-alias":
        raise UserError(
            f"NEO4J_DATABASE {database!r} is a remote alias: ingest cannot switch it; point NEO4J_URI at the DBMS that "
            "holds the database"
        )
    if facts.kind == "alias" and facts.multi_database:
        target = facts.alias_target or ""
        return LoadPlan(
            ALIAS_SWITCH,
            check_alias_name(database),
            f"alias {database!r} -> {target!r}: load a new database in batches, then move the alias",
            previous=target,
            drop_previous=built_by_us(target, database),
            topology=facts.topology,
        )
    if facts.kind == "missing":
        if facts.multi_database:
            return LoadPlan(
                ALIAS_SWITCH,
                check_alias_name(database),
                f"no database or alias {database!r} yet: load a new database in batches, then create the alias",
                topology=facts.topology,
            )
        where = "Aura" if facts.aura else f"Neo4j {facts.edition}"
        raise UserError(
            f"{where} has no database {database!r} and cannot create one here: set NEO4J_DATABASE to the existing "
            "database (usually neo4j)"
        )
    # A plain database (or an alias on a server where this project cannot
    # create databases): rewrite in place, in one transaction, if small enough.
    if small:
        return LoadPlan(SINGLE_TRANSACTION, database, f"database {database!r}: replace in one transaction ({elements:,} elements)")
    if facts.multi_database:
        raise UserError(
            f"{over}: set NEO4J_DATABASE to a name that is not a database (e.g. nhskg), so ingest loads a new "
            "database in batches and switches an alias to it, or raise NEO4J_SINGLE_TX_LIMIT"
        )
    where = "Aura" if facts.aura else "Neo4j Community"
    raise UserError(
        f"{over}, and {where} has one user database and no aliases to switch atomically: use Neo4j Enterprise "
        "(see docs/scaling.md) or raise NEO4J_SINGLE_TX_LIMIT"
    )


# ------------------------------------------------------ bounded transactions --


def statement_rows(statement: Statement) -> int:
    rows = statement[1].get("rows")
    return len(rows) if isinstance(rows, list) else 1


def transaction_batches(statements: Iterable[Statement], max_rows: int = TRANSACTION_ROWS) -> list[list[Statement]]:
    """Consecutive statements grouped into transactions of at most `max_rows`
    rows each (a single statement larger than that is a transaction of its
    own). Order is kept, so every node is committed before the relationships
    that MATCH it."""
    if max_rows < 1:
        raise ValueError("max_rows must be at least 1")
    batches: list[list[Statement]] = []
    current: list[Statement] = []
    size = 0
    for statement in statements:
        rows = statement_rows(statement)
        if current and size + rows > max_rows:
            batches.append(current)
            current, size = [], 0
        current.append(statement)
        size += rows
    if current:
        batches.append(current)
    return batches
