"""Neo4j faults without a Neo4j server: the real driver against a closed port,
and the driver's own exception classes through the engine's error mapping.
(The live-server tests are in test_engine_neo4j.py, run when NEO4J_URI is set.)"""

from __future__ import annotations

import socket
import time
import warnings
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from neo4j.exceptions import IncompleteCommit, Neo4jError, ServiceUnavailable, SessionExpired

from nhskg.api.app import create_app
from nhskg.core.errors import EngineUnavailable, QueryError
from nhskg.core.settings import Settings
from nhskg.graph.neo4j_engine import Neo4jStore, engine_error
from nhskg.graph.store import GraphData, NodeRow


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens once the socket is closed


@pytest.fixture
def unreachable() -> Iterator[Neo4jStore]:
    """A store whose server went away after it connected."""
    store = Neo4jStore(f"bolt://127.0.0.1:{closed_port()}", password="x", verify=False, retry_s=0.0)
    yield store
    store.close()


def server_error(code: str) -> Neo4jError:
    """The exception the driver raises for a server failure with this code."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return Neo4jError.hydrate(message=f"server said {code}", code=code)


def test_reads_on_a_down_server_are_unavailable_within_the_retry_budget(unreachable: Neo4jStore) -> None:
    started = time.monotonic()
    with pytest.raises(EngineUnavailable, match="is unavailable"):
        unreachable.run_read("MATCH (n:Entity) RETURN n.id AS id", {})
    with pytest.raises(EngineUnavailable):
        unreachable.counts()
    assert time.monotonic() - started < 10  # not the driver's default 30 s per call


def test_schema_and_ingest_on_a_down_server_are_unavailable_not_tracebacks(unreachable: Neo4jStore) -> None:
    with pytest.raises(EngineUnavailable):
        unreachable.apply_schema()
    with pytest.raises(EngineUnavailable, match="previous graph is unchanged"):
        unreachable.replace_graph(GraphData([NodeRow("org:a", ("Organisation",), {"name": "a"})], []), version="v")


@pytest.mark.parametrize(
    ("exc", "expected", "words"),
    [
        (SessionExpired("session expired"), EngineUnavailable, "unavailable"),
        (ServiceUnavailable("no route"), EngineUnavailable, "unavailable"),
        (server_error("Neo.TransientError.General.DatabaseUnavailable"), EngineUnavailable, "unavailable"),
        (server_error("Neo.TransientError.Transaction.DeadlockDetected"), EngineUnavailable, "unavailable"),
        (server_error("Neo.DatabaseError.General.UnknownError"), EngineUnavailable, "unavailable"),
        (server_error("Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration"), EngineUnavailable, "did not finish within"),
        (server_error("Neo.ClientError.Statement.SyntaxError"), QueryError, "rejected the query"),
        (IncompleteCommit("connection lost during commit"), EngineUnavailable, "outcome is unknown"),
    ],
)
def test_driver_errors_map_by_meaning(exc: Exception, expected: type, words: str) -> None:
    mapped = engine_error(exc, "bolt://db:7687")
    assert type(mapped) is expected
    assert words in str(mapped)
    assert "\n" not in str(mapped)


def test_an_unknown_commit_is_never_called_unchanged() -> None:
    mapped = engine_error(IncompleteCommit("lost"), "bolt://db:7687", writing=True)
    assert "unknown" in str(mapped) and "unchanged" not in str(mapped)


def test_api_answers_503_with_retry_after_when_neo4j_goes_away(tmp_path) -> None:
    store = Neo4jStore(f"bolt://127.0.0.1:{closed_port()}", password="x", verify=False, retry_s=0.0)
    app = create_app(Settings(data_dir=tmp_path), store=store)
    try:
        with TestClient(app) as client:
            for path in ("/health", "/health/ready", "/entities/org:nhs-england"):
                response = client.get(path)
                assert response.status_code == 503, (path, response.text)
                assert int(response.headers["Retry-After"]) >= 1
            assert client.get("/health/live").status_code == 200
    finally:
        store.close()


def test_a_lost_commit_into_a_database_no_reader_uses_leaves_the_previous_graph() -> None:
    # The alias switch's load goes to a new database: whatever happened to
    # that commit, readers still use the previous one.
    mapped = engine_error(IncompleteCommit("lost"), "neo4j://db:7687", writing=True, staging=True)
    assert isinstance(mapped, EngineUnavailable)
    assert "previous graph is unchanged" in str(mapped) and "unknown" not in str(mapped)


def test_a_timeout_names_the_transactions_own_limit() -> None:
    exc = server_error("Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration")
    assert "within 120s" in str(engine_error(exc, "bolt://db:7687", writing=True, limit_s=120.0))
    assert "within its time limit" in str(engine_error(exc, "bolt://db:7687"))
