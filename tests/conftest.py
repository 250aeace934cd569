"""Shared fixtures: a real FalkorDB process with the knowledge base ingested,
and the real FastAPI app over it. No mocks.

When NEO4J_URI is set, the `engine_store` / `api` fixtures are parametrised
over Neo4j as well, so the API tests run against both engines.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from nhskg.api.app import create_app
from nhskg.graph import GraphStore, open_store
from nhskg.graph.falkordb_engine import FalkorDBStore
from nhskg.ingest.pipeline import ingest
from nhskg.core.settings import Settings

REPO = Path(__file__).resolve().parents[1]
ENGINES = ["falkordb"] + (["neo4j"] if os.environ.get("NEO4J_URI") else [])


@pytest.fixture(scope="session")
def kg_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FalkorDBStore]:
    """The knowledge base ingested into a real embedded FalkorDB (session-wide, read-only use)."""
    store = FalkorDBStore(tmp_path_factory.mktemp("kg") / "data")
    ingest(store)
    yield store
    store.close()


@pytest.fixture(scope="session", params=ENGINES)
def engine_store(request: pytest.FixtureRequest, kg_store: FalkorDBStore) -> Iterator[GraphStore]:
    """The ingested graph on each available engine."""
    if request.param == "falkordb":
        yield kg_store
        return
    settings = Settings.from_env()
    store = open_store(settings)
    ingest(store)
    yield store
    store.close()


@pytest.fixture(scope="session")
def api(engine_store: GraphStore) -> Iterator[TestClient]:
    """The real HTTP app over the ingested graph."""
    app = create_app(Settings.from_env(), store=engine_store)
    with TestClient(app) as client:
        yield client


@pytest.fixture
def fresh_store(tmp_path: Path) -> Iterator[FalkorDBStore]:
    """An empty FalkorDB in its own data directory, for tests that write."""
    store = FalkorDBStore(tmp_path / "data")
    yield store
    store.close()
