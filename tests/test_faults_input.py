"""Oversized requests and the trailing-slash redirect, on the real app."""

from __future__ import annotations

from fastapi.testclient import TestClient

from nhskg.api.limits import MAX_BODY_BYTES, MAX_URL_BYTES


def test_a_long_url_is_414_before_any_route_runs(api: TestClient) -> None:
    response = api.get("/entities", params={"q": "x" * MAX_URL_BYTES})
    assert response.status_code == 414
    assert "limit is" in response.json()["detail"]
    assert api.get("/entities", params={"q": "x" * 100}).status_code != 414


def test_a_large_body_is_413(api: TestClient) -> None:
    declared = api.request("GET", "/health", content=b"x" * (MAX_BODY_BYTES + 1))
    assert declared.status_code == 413

    def chunks():
        for _ in range(MAX_BODY_BYTES // 1024 + 2):
            yield b"x" * 1024

    streamed = api.request("GET", "/health", content=chunks())  # chunked: no Content-Length
    assert streamed.status_code in (200, 413)  # routes never read a body; it is never a 5xx
    assert api.get("/health").status_code == 200


def test_no_redirect_reflects_the_host_header(api: TestClient) -> None:
    for path in ("/entities/org:nhs-england%2F", "/entities/", "/health/"):
        response = api.get(path, headers={"Host": "evil.example"}, follow_redirects=False)
        assert response.status_code == 404, (path, response.status_code)
        assert "location" not in response.headers
        assert "evil.example" not in response.text
