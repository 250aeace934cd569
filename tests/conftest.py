"""Shared fixtures: a real FalkorDB process with the knowledge base ingested,
and the real FastAPI app over it. No mocks.

When NEO4J_URI is set, the `engine_store` / `api` fixtures are parametrised
over Neo4j as well, so the API tests run against both engines.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from nhskg.api.app import create_app
from nhskg.graph import GraphStore, open_store
from nhskg.graph.falkordb_engine import FalkorDBStore
from nhskg.graph.store import GraphData, NodeRow, RelRow
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


def _small_graph(name: str) -> GraphData:
    """A body named `name`, an instance of a type since 2020."""
    body = {"id": "org:test-body", "name": name, "valid_from": "2020-01-01"}
    kind = {"id": "type:test-kind", "name": "Test kind"}
    return GraphData(
        nodes=[NodeRow("org:test-body", ("Entity", "Organisation"), body), NodeRow("type:test-kind", ("Entity", "OrganisationType"), kind)],
        relationships=[RelRow("rel:test", "INSTANCE_OF", "org:test-body", "type:test-kind", {"valid_from": "2020-01-01"})],
    )


@pytest.fixture
def small_graph() -> Callable[[str], GraphData]:
    """A two-entity graph whose body has the given name (for a replaced graph: a new name)."""
    return _small_graph


@pytest.fixture
def own_graph(tmp_path: Path) -> Iterator[tuple[FalkorDBStore, TestClient]]:
    """Its own FalkorDB holding the small graph (body "Before Trust"), and the
    real app over it with the answer cache off: for tests that replace the graph."""
    store = FalkorDBStore(tmp_path / "data")
    store.replace_graph(_small_graph("Before Trust"), version="test:1")
    settings = dataclasses.replace(Settings.from_env(data_dir=tmp_path / "data"), answer_cache_mb=0)
    with TestClient(create_app(settings, store=store)) as client:
        yield store, client
    store.close()
