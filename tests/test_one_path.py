"""One path for every answer: routes ask the catalogue through the engine.

The bugs the review found in the per-worker memory models (a failing
background load retried on every request, a load straddling a graph swap
dying with a KeyError, a whole-graph dump in the public catalogue, a setting
parsed and never read) are held here by what replaced them: nothing is
loaded beside the engine, so a replaced graph answers at once; the
catalogue has no unbounded dump; every setting is read.
"""

from __future__ import annotations

import dataclasses
import re
import threading
from pathlib import Path

from fastapi.testclient import TestClient

from nhskg.core.settings import ENV_VARS, Settings
from nhskg.graph.falkordb_engine import FalkorDBStore
from nhskg.queries.catalogue import load_catalogue

REPO = Path(__file__).resolve().parents[1]

# One request of each kind the memory models used to answer.
HOT_URLS = [
    "/entities?q=before",
    "/entities?q=befor+trust",  # nothing contains it: the closest names
    "/entities/org:test-bdy",  # 404 with suggestions
    "/subgraph?seed=type:test-kind&depth=2&as_of=2021-01-01",
    "/paths/delegation?delegator=org:test-body&as_of=2021-01-01",
]


def test_serving_starts_no_thread_of_its_own(own_graph: tuple[FalkorDBStore, TestClient]) -> None:
    """No background load: the answers come from the engine, the same on the
    first request as on the thousandth."""
    _, client = own_graph
    before = {t.name for t in threading.enumerate()}
    for url in HOT_URLS:
        assert client.get(url).status_code in (200, 404), url
    started = {t.name for t in threading.enumerate()} - before
    assert not [name for name in started if name.startswith("nhskg-")], started


def test_a_replaced_graph_answers_at_once(own_graph: tuple[FalkorDBStore, TestClient], small_graph) -> None:
    """A search, a suggestion and a walk right after a swap read the new
    graph: nothing of the old build is kept in the worker to go stale."""
    store, client = own_graph
    first = client.get("/entities?q=before").json()
    assert [i["name"] for i in first["items"]] == ["Before Trust"]
    store.replace_graph(small_graph("After Trust"), version="test:2")
    assert client.get("/entities?q=before").json()["items"] == []
    assert [i["name"] for i in client.get("/entities?q=after").json()["items"]] == ["After Trust"]
    walk = client.get("/subgraph?seed=type:test-kind&depth=1&as_of=2021-01-01").json()
    assert {n["name"] for n in walk["nodes"]} == {"After Trust", "Test kind"}
    missing = client.get("/entities/org:test-bdy")
    assert missing.status_code == 404 and "org:test-body" in missing.text


def test_no_whole_graph_dump_in_the_public_catalogue(api: TestClient) -> None:
    """entity_directory (every entity, tens of MB at 100,000 organisations in
    one GET) went with the search directory it fed."""
    assert api.get("/queries/entity_directory").status_code == 404
    names = {q.name for q in load_catalogue()}
    assert not names & {"entity_directory", "subgraph_adjacency", "delegation_steps", "commissioning_own_facts", "commissioning_inherited_facts"}


def test_every_setting_is_read_somewhere() -> None:
    """A setting parsed from the environment and never read (corpus_dir,
    NHSKG_CORPUS_DIR) misleads whoever sets it."""
    code = "\n".join(p.read_text(encoding="utf-8") for folder in ("api", "graph", "ingest", "nhskg", "queries") for p in (REPO / folder).rglob("*.py") if p.name != "settings.py")
    for field in dataclasses.fields(Settings):
        assert re.search(rf"\.{field.name}\b", code), f"Settings.{field.name} is never read"
    assert "NHSKG_CORPUS_DIR" not in ENV_VARS
