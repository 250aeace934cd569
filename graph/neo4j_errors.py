"""Driver and server errors -> the one-line error a user sees.

By what they mean: the server or a session unavailable, a transient failure
or a timeout -> EngineUnavailable (503 at the API, exit 3 at the CLI); a
refused query -> QueryError; a commit whose outcome never came back ->
EngineUnavailable saying the outcome is unknown, unless the write went to a
database readers do not use yet (an alias switch's new database), where the
previous graph is unchanged whatever happened.
"""

from __future__ import annotations

from neo4j.exceptions import ClientError, DriverError, IncompleteCommit, Neo4jError

from nhskg.core.errors import EngineUnavailable, QueryError, UserError

DATABASE_NOT_FOUND = "Neo.ClientError.Database.DatabaseNotFound"


def terminated(exc: Neo4jError) -> bool:
    """The server ended the transaction from outside (Neo4j does so to
    transactions on an alias being switched); the driver reports it as a
    ClientError and does not retry it."""
    return (exc.code or "").endswith(".Transaction.Terminated")


def one_line(exc: BaseException) -> str:
    """The driver's messages span lines; the CLI and API show one."""
    return " ".join(str(exc).split()) or type(exc).__name__


def engine_error(exc: Exception, uri: str, *, writing: bool = False, staging: bool = False, limit_s: float | None = None) -> UserError:
    """`writing`: the error ended a write; `staging`: a write to a database no
    reader uses yet; `limit_s`: the transaction's time limit, for the message."""
    unchanged = "; the previous graph is unchanged" if writing or staging else ""
    if isinstance(exc, IncompleteCommit):  # before ServiceUnavailable: it is one
        if staging:
            return EngineUnavailable(f"Neo4j at {uri} lost the connection while loading the new database{unchanged} ({one_line(exc)})")
        return EngineUnavailable(
            f"Neo4j at {uri} lost the connection while committing, so the outcome is unknown: the new graph may or may "
            f"not be live; check `nhskg status` and run the ingest again ({one_line(exc)})"
        )
    if isinstance(exc, Neo4jError) and "TransactionTimedOut" in (exc.code or ""):
        within = f" within {limit_s:.0f}s" if limit_s else " within its time limit"
        return EngineUnavailable(f"Neo4j at {uri} did not finish{within}{unchanged}: {one_line(exc)}")
    if isinstance(exc, ClientError):
        what = "a write" if writing or staging else "the query"
        return QueryError(f"Neo4j rejected {what}{unchanged}: {one_line(exc)}")
    if isinstance(exc, (DriverError, Neo4jError, OSError)):
        # ServiceUnavailable, SessionExpired, TransientError (DatabaseUnavailable,
        # ...), DatabaseError: the server, not the request, is the problem.
        return EngineUnavailable(f"Neo4j at {uri} is unavailable{unchanged}: {one_line(exc)}")
    raise exc
