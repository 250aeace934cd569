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


# --- markers -----------------------------------------------------------------------
# Declared in pyproject.toml ([tool.pytest.ini_options] markers) and applied here,
# in one place, so that a test module needs no marker lines of its own:
#
#   .venv/bin/python -m pytest -m "not slow and not browser"   # the fast run (docs/testing.md)
#   .venv/bin/python -m pytest                                 # everything (what .ci/run runs)
#
# browser: the test drives Chromium (it uses the explorer tests' `browser` or `page`
#   fixture), or lives in a module listed in BROWSER_MODULES.
# neo4j: the test is about the Neo4j engine (its module's name says neo4j: the
#   driver, the Bolt stub, the plan, the Cypher parser, the faults), or it is the
#   Neo4j half of a test parametrised over both engines (NEO4J_URI set).
# slow: the test takes seconds on its own (measured with --durations, one test
#   file at a time: docs/testing.md), listed in SLOW by module and function. Every
#   module keeps at least one fast test, so the fast run still imports and
#   exercises every module; a new slow test goes into SLOW beside its module.
BROWSER_FIXTURES = {"browser", "page"}
BROWSER_MODULES = {"test_explore_browser"}
# Fixtures whose setup alone takes long: every test using one is slow.
SLOW_FIXTURES = {
    "lint_report",  # test_cypher_neo4j_parser: one Node run of Neo4j's parser over every .cypher file
    "served",  # test_serve_workers: `nhskg serve --workers 2` started for each test
}
SLOW: dict[str, set[str]] = {
    "test_api_docs": {"test_api_md_is_current"},
    "test_api_json_answers": {"test_written_answers_over_many_entities_and_dates"},
    "test_api_queries": {"test_a_catalogue_parameter_may_be_called_name"},
    "test_api_schemathesis": {"test_every_operation_honours_its_schema"},  # the module's one test: a fuzzer,
    "test_bulk_load": {"test_every_property_reads_back_as_written", "test_bulk_and_cypher_paths_build_the_same_graph"},
    "test_cli": {
        "test_serve_ingests_an_empty_graph_and_answers_health",
        "test_ingest_twice_gives_the_same_graph",
        "test_bad_knowledge_base_is_refused_and_the_graph_stays",
        "test_ingest_then_status",
        "test_status_shows_the_graph_version",
    },
    "test_client_notebooks": {"test_notebook_doc_runs"},
    "test_faults_answer_bounds": {"test_many_heavy_answers_at_once_stay_within_the_memory_budget_and_the_deadline"},
    "test_faults_memory": {"test_engine_memory_stays_flat_over_repeated_ingests"},
    "test_faults_server": {
        "test_one_engine_per_directory_a_second_server_is_refused_a_crashed_ones_engine_adopted",
        "test_stop_signal_saves_and_stops_everything",
        "test_serve_rebuilds_a_graph_built_from_other_data",
        "test_engine_killed_under_concurrent_reads_gives_only_200_or_503",
    },
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        module = item.module.__name__.rsplit(".", 1)[-1] if getattr(item, "module", None) else ""
        function = getattr(item, "originalname", None) or item.name.split("[", 1)[0]
        fixtures = set(getattr(item, "fixturenames", ()))
        if module in BROWSER_MODULES or fixtures & BROWSER_FIXTURES:
            item.add_marker(pytest.mark.browser)
        callspec = getattr(item, "callspec", None)
        if "neo4j" in module or (callspec is not None and "neo4j" in callspec.params.values()):
            item.add_marker(pytest.mark.neo4j)
        if function in SLOW.get(module, ()) or fixtures & SLOW_FIXTURES:
            item.add_marker(pytest.mark.slow)
