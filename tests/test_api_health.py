"""GET /health on the real app: ok with counts, 503 with a reason when the engine is down."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from nhskg.api.app import create_app
from nhskg.core.settings import Settings


def test_health_reports_engine_and_counts(api: TestClient, engine_store) -> None:
    response = api.get("/health")
    assert response.status_code == 200
    body = response.json()
    counts = engine_store.counts()
    assert body == {"status": "ok", "engine": engine_store.engine, "nodes": counts.nodes, "relationships": counts.relationships}


def test_health_is_503_when_the_engine_is_down(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, neo4j_uri="bolt://127.0.0.1:1", neo4j_password="x")
    with TestClient(create_app(settings)) as client:
        response = client.get("/health")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable" and body["engine"] == "neo4j"
    assert "unreachable" in body["reason"]


def test_openapi_docs_are_served(api: TestClient) -> None:
    assert api.get("/docs").status_code == 200
    assert "/health" in api.get("/openapi.json").json()["paths"]
