"""GET /health, /health/ready, /health/live on the real app: ok with counts and
version, 503 with a reason and Retry-After when the engine is down."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from nhskg.api.app import create_app
from nhskg.core.settings import Settings
from nhskg.graph.falkordb_engine import FalkorDBStore
from nhskg.ingest.version import source_version


def test_health_reports_engine_and_counts(api: TestClient, engine_store) -> None:
    response = api.get("/health")
    assert response.status_code == 200
    body = response.json()
    counts = engine_store.counts()
    assert body == {
        "status": "ok",
        "engine": engine_store.engine,
        "nodes": counts.nodes,
        "relationships": counts.relationships,
        "version": source_version(),
    }


def test_ready_and_live_on_a_loaded_graph(api: TestClient) -> None:
    ready = api.get("/health/ready")
    assert ready.status_code == 200 and ready.json()["status"] == "ready" and ready.json()["nodes"] > 0
    assert api.get("/health/live").json() == {"status": "ok"}


def test_an_empty_engine_is_live_but_not_ready(fresh_store: FalkorDBStore, tmp_path: Path) -> None:
    with TestClient(create_app(Settings(data_dir=tmp_path), store=fresh_store)) as client:
        assert client.get("/health").json()["nodes"] == 0
        not_ready = client.get("/health/ready")
        assert not_ready.status_code == 503 and "no graph is loaded" in not_ready.json()["reason"]
        assert not_ready.headers["Retry-After"] == "2"
        assert client.get("/health/live").status_code == 200


def test_health_is_503_when_the_engine_is_down(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, neo4j_uri="bolt://127.0.0.1:1", neo4j_password="x")
    with TestClient(create_app(settings)) as client:
        response = client.get("/health")
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    body = response.json()
    assert body["status"] == "unavailable" and body["engine"] == "neo4j"
    assert "unreachable" in body["reason"]


def test_openapi_docs_are_served(api: TestClient) -> None:
    assert api.get("/docs").status_code == 200
    assert "/health" in api.get("/openapi.json").json()["paths"]


def test_health_is_503_not_422_when_the_data_directory_is_unusable(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    with TestClient(create_app(Settings(data_dir=blocker / "data"))) as client:
        response = client.get("/health")
        assert response.status_code == 503 and "not writable" in response.json()["reason"]
        assert client.get("/entities/org:nhs-england").status_code == 503
