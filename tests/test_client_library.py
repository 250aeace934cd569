"""nhskg.client as a library, against the real app served by uvicorn on
127.0.0.1 over the real graph: its docstring examples run, every list pages
to the end and says its total, a capped answer warns or raises, every error
is an NhskgError with the server's message and URL (connection refused
too), every endpoint and parameter of the API has its method and argument,
and `mypy --strict` passes on the module."""

from __future__ import annotations

import doctest
import inspect
import subprocess
import sys
import warnings
from pathlib import Path

import networkx as nx
import pytest

import nhskg.client as client_module
from nhskg.client import (
    ApiError,
    BadRequestError,
    Client,
    ClientError,
    NhskgConnectionError,
    NhskgError,
    NotFoundError,
    Records,
    TruncatedError,
    TruncationWarning,
)
from tests.live_server import base_url, free_port, kg, live_server  # noqa: F401  (pytest fixtures)

ROOT = Path(__file__).resolve().parents[1]


def test_docstring_examples_run_against_the_server(base_url: str) -> None:
    with Client(base_url) as kg:
        finder = doctest.DocTestFinder()
        runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
        tests = finder.find(client_module, globs={"kg": kg, "BASE_URL": base_url, **vars(client_module)})
        examples = sum(len(t.examples) for t in tests)
        for test in tests:
            runner.run(test)
        assert examples >= 40
        assert runner.failures == 0, f"{runner.failures} docstring examples failed (output above)"


def test_every_public_name_has_a_docstring() -> None:
    missing = []
    for name in client_module.__all__:
        obj = getattr(client_module, name)
        if inspect.isclass(obj):
            if not (obj.__doc__ or "").strip():
                missing.append(name)
            for member, value in vars(obj).items():
                if not member.startswith("_") and callable(value) or isinstance(value, property):
                    if not member.startswith("_") and not (getattr(value, "__doc__", None) or "").strip():
                        missing.append(f"{name}.{member}")
        elif callable(obj) and not (obj.__doc__ or "").strip():
            missing.append(name)
    assert missing == []


def test_mypy_strict_passes_and_the_package_is_typed() -> None:
    assert (ROOT / "nhskg" / "py.typed").is_file()
    assert '"py.typed"' in (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", "nhskg/client.py"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_list_pages_to_the_end_and_says_its_total(kg: Client) -> None:
    # The CCGs in force on 1 June 2019 (after the April 2019 mergers): 191.
    ccgs = kg.entities(instance_of="type:ccg", as_of="2019-06-01", page_size=50)
    assert isinstance(ccgs, Records) and len(ccgs) == ccgs.total == 191 and ccgs.complete
    assert len({c["id"] for c in ccgs}) == 191 and all("CCG" in c["name"] or "Clinical Commissioning Group" in c["name"] for c in ccgs)
    # The day before those mergers there were more (195 from April 2018).
    assert kg.entities(instance_of="type:ccg", as_of="2019-03-31").total == 195
    first = kg.entities(instance_of="type:ccg", as_of="2019-06-01", limit=10)
    assert len(first) == 10 and first.total == 191 and not first.complete
    assert [c["id"] for c in kg.iter_entities(instance_of="type:ccg", as_of="2019-06-01", page_size=100)] == [c["id"] for c in ccgs]
    frame = ccgs.as_frame()
    assert len(frame) == 191 and frame.attrs["total"] == 191 and "codes.ods" in frame.columns


def test_changes_and_budgets_page_through_everything(kg: Client) -> None:
    april = kg.changes("2013-04-01", "2013-04-02", page_size=100)
    assert april.total > 200 and len(april) == april.total and april.complete
    assert kg.budgets(page_size=5).total == len(kg.budgets(page_size=5))


def test_a_truncated_subgraph_warns_raises_or_is_marked(kg: Client) -> None:
    with pytest.warns(TruncationWarning, match="more than 40 nodes"):
        g = kg.subgraph("org:nhs-england", depth=2, as_of="2024-01-01", max_nodes=40, full=False)
    assert g.graph["truncated"] is True and g.number_of_nodes() == 40 and g.graph["total"] is None
    assert g.graph["window"]["as_of"] == "2024-01-01" and g.graph["caps"]["max_nodes"] == 40 and g.graph["source_ids"]
    with pytest.raises(TruncatedError):
        kg.subgraph("org:nhs-england", depth=2, as_of="2024-01-01", max_nodes=40, full=False, on_truncated="raise")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        whole = kg.subgraph("type:icb", depth=1, as_of="2024-01-01")
        assert whole.graph["truncated"] is False and whole.graph["total"] == whole.number_of_nodes()
        assert set(whole.graph["source_ids"]) == {e["source_id"] for *_, d in whole.edges(data=True) for e in d["evidence"]}


def test_windows_and_statuses_reach_the_api(kg: Client) -> None:
    period = kg.changes(from_="2022-07-01", to="2022-07-02", kind="established")
    assert period.window["from"] == "2022-07-01" and period.window["to"] == "2022-07-02"
    timeline = kg.service_timeline("service:dental-services", from_="2013-04-01", to="2014-04-01")
    assert timeline.window["from"] == "2013-04-01"
    assert kg.commissioners("service:urgent-and-emergency-care", as_of="2024-06-01", status="any").window["status"] != ["in_force"]
    assert kg.commissioners("service:urgent-and-emergency-care", as_of="2024-06-01", status=["in_force", "planned"]).window["status"] == ["in_force", "planned"]


def test_errors_are_one_hierarchy_with_message_and_url(kg: Client, base_url: str) -> None:
    with pytest.raises(NotFoundError) as missing:
        kg.entity("org:nhs-englnd")
    err = missing.value
    assert isinstance(err, ApiError) and isinstance(err, NhskgError) and isinstance(err, ClientError)
    assert err.status == 404 and "org:nhs-englnd" in err.detail and err.url == f"{base_url}/entities/org:nhs-englnd"
    assert err.suggestions and err.suggestions[0]["id"] == "org:nhs-england"
    with pytest.raises(BadRequestError) as bad:
        kg.commissioners("service:urgent-and-emergency-care", as_of="2016-13-45")
    assert bad.value.status == 422 and "as_of" in bad.value.detail and "as_of=2016-13-45" in (bad.value.url or "")


def test_a_stopped_server_is_a_connection_error_with_the_url() -> None:
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    with Client(url, timeout=5) as kg, pytest.raises(NhskgConnectionError) as caught:
        kg.entities("NHS England")
    assert isinstance(caught.value, NhskgError) and caught.value.status is None
    assert caught.value.url == f"{url}/entities" and "nhskg serve" in caught.value.message


def test_parallel_relationships_stay_apart(kg: Client) -> None:
    g = kg.subgraph("type:ccg", depth=1, as_of="2016-01-01", max_nodes=1000)
    assert isinstance(g, nx.MultiDiGraph)
    pairs = [(u, v) for u, v in set(g.edges()) if g.number_of_edges(u, v) > 1]
    assert pairs, "the CCG neighbourhood has pairs joined by more than one relationship"
    simple = client_module.collapse(g)
    u, v = pairs[0]
    assert len(simple.edges[u, v]["keys"]) == g.number_of_edges(u, v)


# API parameters every method takes care of itself: paging (limit/offset),
# and the output format (download_table, export_subgraph).
HANDLED = {"offset", "format", "limit"}
# Every endpoint of the API that answers data -> the client method that asks it.
ENDPOINTS = {
    "/entities": "entities",
    "/entities/{id}": "entity",
    "/entities/{id}/accountability": "accountability",
    "/entities/{id}/delegations": "delegations",
    "/entities/{id}/history": "history",
    "/entities/{id}/accountable-bodies": "accountable_bodies",
    "/entities/{id}/commissions": "commissions",
    "/statutes/{id}/effects": "statute_effects",
    "/changes": "changes",
    "/services/{id}/commissioners": "commissioners",
    "/services/{id}/timeline": "service_timeline",
    "/paths/delegation": "delegation_paths",
    "/budgets": "budgets",
    "/subgraph": "subgraph",
    "/relationships/{id}": "relationship",
    "/queries": "queries",
    "/queries/{name}": "query",
    "/sources": "sources",
    "/sources/{id}": "source",
    "/health": "health",
}
NOT_DATA = ("/browser", "/explore", "/docs", "/redoc", "/openapi", "/health/")


def test_every_endpoint_and_parameter_has_its_method_and_argument(kg: Client) -> None:
    schema = kg.get("/openapi.json")
    data_paths = {p for p in schema["paths"] if p != "/" and not p.startswith(NOT_DATA)}
    unmapped = data_paths - set(ENDPOINTS)
    assert not unmapped, f"endpoints without a client method: {sorted(unmapped)}"
    missing = []
    for path, method in ENDPOINTS.items():
        accepted = set(inspect.signature(getattr(Client, method)).parameters)
        for param in schema["paths"][path]["get"].get("parameters", []):
            if param["in"] != "query" or param["name"] in HANDLED:
                continue
            name = {"from": "from_"}.get(param["name"], param["name"])
            if (path, name) == ("/changes", "summary"):
                assert callable(Client.change_summary)
                continue  # its own method: the answer has another shape
            if path == "/subgraph" and name == "expand":
                assert {"full", "expand"} <= accepted
                continue
            if name not in accepted and not (method == "query" and "params" in accepted):
                missing.append(f"{path}?{param['name']} -> Client.{method}")
    assert missing == []
