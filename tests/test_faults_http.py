"""Bad input at the HTTP edge: a repeated single-valued parameter is a 422,
HEAD is answered wherever GET is, and the pages that take no parameters
refuse them. The real app over the real engine."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient


@pytest.mark.parametrize(
    "url",
    [
        "/entities?q=trust&q=board",
        "/entities/org:nhs-england?as_of=2020-01-01&as_of=2024-01-01",
        "/changes?from=2013-01-01&from=2014-01-01&to=2015-01-01",
        "/queries/entity_get?id=org:nhs-england&id=org:dhsc",
    ],
)
def test_a_repeated_single_valued_parameter_is_a_422_naming_it(api: TestClient, url: str) -> None:
    response = api.get(url)
    assert response.status_code == 422, response.text
    assert "given more than once" in response.json()["detail"]


def test_one_value_each_is_still_answered(api: TestClient) -> None:
    assert api.get("/entities?q=trust").status_code == 200


@pytest.mark.parametrize("url", ["/health", "/health/live", "/entities/org:nhs-england", "/entities?q=trust", "/", "/openapi.json", "/explore"])
def test_head_is_answered_wherever_get_is(api: TestClient, url: str) -> None:
    got = api.get(url)
    head = api.head(url)
    assert head.status_code == got.status_code == 200
    assert head.content == b""
    assert head.headers.get("content-type") == got.headers.get("content-type")
    assert head.headers.get("content-length") == got.headers.get("content-length")


def test_head_of_an_unknown_id_is_its_404(api: TestClient) -> None:
    assert api.head("/entities/org:no-such-body").status_code == 404


@pytest.mark.parametrize("url", ["/?x=1", "/docs?anything=1", "/openapi.json?v=2"])
def test_pages_that_take_no_parameters_refuse_them(api: TestClient, url: str) -> None:
    response = api.get(url)
    assert response.status_code == 422 and "takes no query parameters" in response.json()["detail"]


@pytest.mark.parametrize("path", ["/browser/guide", "/browser/style.grass"])
def test_the_browser_kit_is_readable_by_the_neo4j_browser_origin_only(api: TestClient, path: str) -> None:
    browser = api.get(path, headers={"Origin": "http://localhost:7474"})
    assert browser.headers["access-control-allow-origin"] == "http://localhost:7474"
    other = api.get(path, headers={"Origin": "https://evil.example"})
    assert other.status_code == 200 and "access-control-allow-origin" not in other.headers
    assert "Origin" in other.headers["vary"]


def test_compose_publishes_every_port_on_loopback_only() -> None:
    import yaml
    from pathlib import Path

    compose = yaml.safe_load((Path(__file__).resolve().parents[1] / "docker-compose.yml").read_text())
    for name, service in compose["services"].items():
        for port in service.get("ports") or []:
            assert str(port).startswith("127.0.0.1:"), (name, port)
