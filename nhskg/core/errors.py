"""Errors a user can cause or fix, shown as one line by the CLI and as 4xx/503 by the API."""

from __future__ import annotations


class UserError(Exception):
    """Something the user can fix: a bad file, a bad flag, a busy port.

    The CLI prints ``nhskg: error: <message>`` and exits non-zero, no traceback.
    """

    exit_code = 2


class EngineUnavailable(UserError):
    """The graph engine cannot be reached or started (Neo4j down, FalkorDB failed)."""

    exit_code = 3


class NotFound(UserError):
    """An id, query name or source that does not exist."""


class QueryError(UserError):
    """A catalogue query failed in the engine."""
