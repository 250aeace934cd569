"""Strict input on every endpoint, one declared error body, offline docs and
the landing page."""

from __future__ import annotations

import re

import pytest

ENDPOINTS = [
    "/entities",
    "/entities/type:icb",
    "/entities/type:icb/accountability",
    "/entities/org:nhs-england/accountable-bodies",
    "/entities/type:icb/delegations",
    "/entities/type:pct/history",
    "/services/service:dental-services/commissioners",
    "/services/service:dental-services/timeline",
    "/statutes/statute:health-and-social-care-act-2012/effects",
    "/changes",
    "/paths/delegation?delegator=org:nhs-england",
    "/budgets",
    "/subgraph?seed=type:icb",
    "/sources",
    "/sources/source:kingsfund-2023",
    "/queries",
    "/health",
]


@pytest.mark.parametrize("url", ENDPOINTS)
def test_unknown_parameter_is_422_naming_it_and_listing_the_accepted(api, url):
    sep = "&" if "?" in url else "?"
    r = api.get(f"{url}{sep}asof=2015-01-01")
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert detail.startswith("asof: unknown parameter")
    if "as_of" in api.get("/openapi.json").json()["paths"].get(url.split("?")[0].replace("type:icb", "{id}"), {}).get("get", {}).get("parameters", [{}])[0].get("name", ""):
        assert "did you mean 'as_of'" in detail


def test_misspelled_parameters_from_the_review(api):
    for url, name in [("/subgraph?seed=type:icb&maxnodes=5", "maxnodes"), ("/budgets?query=public", "query"), ("/entities?asof=2015-01-01", "asof")]:
        r = api.get(url)
        assert r.status_code == 422 and r.json()["detail"].startswith(f"{name}: unknown parameter"), r.text
    assert "max_nodes" in api.get("/subgraph?seed=type:icb&maxnodes=5").json()["detail"]


def test_catalogue_integers_and_text_are_bounded(api):
    r = api.get("/queries/entity_search", params={"limit": 4294967296, "offset": 0})
    assert r.status_code == 422 and "limit" in r.json()["detail"]
    r = api.get("/queries/entity_search", params={"q": "x" * 5000, "limit": 1, "offset": 0})
    assert r.status_code == 422 and "q" in r.json()["detail"] and len(r.text) < 500
    assert api.get("/entities", params={"limit": 2, "offset": 9223372036854775807}).status_code == 422


def test_list_parameters_are_trimmed(api):
    rows = api.get("/queries/subgraph_nodes", params={"ids": "type:icb, org:nhs-england"}).json()["rows"]
    assert {r["node"]["id"] for r in rows} == {"type:icb", "org:nhs-england"}
    body = api.get("/subgraph", params={"seed": "type:icb", "labels": " Organisation , OrganisationType ", "as_of": "2024-01-01"}).json()
    assert body["labels"] == ["Organisation", "OrganisationType"]


def test_errors_name_the_parameter_the_user_sent(api):
    r = api.get("/subgraph?seed=")
    assert r.status_code == 422 and "seed" in r.json()["detail"] and "entity_get" not in r.json()["detail"]
    r = api.get("/subgraph?seed=org:nope")
    assert r.status_code == 404 and r.json()["detail"].startswith("seed:")
    r = api.get("/entities", params={"as_of": "2015"})
    assert r.status_code == 422 and "2015-01-01" in r.json()["detail"]


def test_error_bodies_match_the_declared_schema(api):
    spec = api.get("/openapi.json").json()
    error = spec["components"]["schemas"]["ErrorBody"]
    assert error["properties"]["detail"]["type"] == "string"
    for path, item in spec["paths"].items():
        for code in ("404", "422"):
            ref = item["get"]["responses"][code]["content"]["application/json"]["schema"]["$ref"]
            assert ref.endswith("/ErrorBody"), (path, code)
    for url in ["/entities?limit=0", "/entities?asof=x", "/entities/org:nope", "/queries/entity_search?nope=1"]:
        body = api.get(url).json()
        assert isinstance(body["detail"], str) and set(body) <= set(error["properties"])


def test_dates_declare_their_format(api):
    spec = api.get("/openapi.json").json()
    for path, item in spec["paths"].items():
        for p in item["get"].get("parameters", []):
            if p["name"] in ("as_of", "from", "to"):
                assert p["schema"]["format"] == "date" and p["schema"]["type"] == "string", (path, p["name"])


def test_trailing_slash_is_not_a_redirect(api):
    r = api.get("/entities/type:icb%2F", follow_redirects=False)
    assert r.status_code == 404


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_docs_work_offline(api, path):
    r = api.get(path)
    assert r.status_code == 200
    urls = re.findall(r"""(?:src|href)=["']([^"']+)""", r.text) + re.findall(r"url:\s*'([^']+)'", r.text)
    assert urls, r.text
    assert not [u for u in urls if re.match(r"(https?:)?//", u)], urls
    assert "http://" not in r.text and "https://" not in r.text
    for asset in re.findall(r"""(?:src|href)=["'](/docs-assets/[^"']+)""", r.text):
        assert api.get(asset).status_code == 200, asset


def test_landing_page(api):
    r = api.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    for link in ('href="/docs"', 'href="/explore"', 'href="/sources"'):
        assert link in r.text
    assert "https://" not in r.text and "http://" not in r.text
