"""Answers written with orjson (nhskg.api.serialise.json_response) instead of
through FastAPI's response validation read exactly as the validated model
would write them: the same bytes, so the OpenAPI document, which still
declares the model, describes them, and skipping the validation changed
nothing a client sees."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from fastapi.routing import APIRoute
from pydantic import TypeAdapter

from nhskg.api import models as m
from nhskg.api.routes import entities


MODELS = {route.path: route.response_model for route in entities.router.routes if isinstance(route, APIRoute)}


def _model_json(path: str, body: bytes) -> bytes:
    """What FastAPI writes for `body` through the route's response model
    (validate, then serialise by alias); `path` is an /entities path."""
    parts = path.split("/")  # "", "entities", id, what
    template = "/entities" + ("/{id}" if len(parts) > 2 else "") + ("/" + parts[3] if len(parts) > 3 else "")
    adapter = TypeAdapter(MODELS[template])
    return adapter.dump_json(adapter.validate_python(orjson.loads(body)), by_alias=True)


def _ids(api: Any, label: str, limit: int) -> list[str]:
    return [item["id"] for item in api.get("/entities", params={"label": label, "limit": limit}).json()["items"]]


URLS = [
    "/entities/org:nhs-england",
    "/entities/type:icb",
    "/entities/org:nhs-england/accountability?expand=nodes",
    "/entities/type:ccg/accountability?as_of=2015-01-01&expand=nodes",
    "/entities/org:nhs-england/delegations?as_of=2024-01-01",
    "/entities/type:icb/delegations?direction=in&as_of=2024-01-01",
    "/entities/org:ods-qxu/delegations?direction=in&status=any&from=2020-01-01&to=2026-01-01",
    "/entities?q=nhs&limit=50",
    "/entities?q=englnd",
    "/entities?q=trust&label=Organisation&as_of=2015-01-01&status=any",
    "/entities?instance_of=type:icb&as_of=2024-01-01",
    "/entities?code=09Y",
]


@pytest.mark.parametrize("url", URLS)
def test_written_answers_are_the_validated_models_bytes(api: Any, url: str) -> None:
    response = api.get(url)
    assert response.status_code == 200, response.text
    assert response.content == _model_json(url.split("?")[0], response.content)


def test_written_answers_over_many_entities_and_dates(api: Any) -> None:
    """Every body kind and date the workload asks about: chains with
    relationships and evidence, full node records, delegation records,
    entity details with their sources."""
    ids = _ids(api, "Organisation", 120) + _ids(api, "OrganisationType", 40) + _ids(api, "Service", 20)
    checked = 0
    for i, node_id in enumerate(ids):
        day = ("1999-01-01", "2010-06-01", "2016-01-01", "2024-01-01")[i % 4]
        for path, query in (
            (f"/entities/{node_id}", ""),
            (f"/entities/{node_id}/accountability", f"as_of={day}" + ("&expand=nodes" if i % 2 else "")),
            (f"/entities/{node_id}/delegations", f"direction={'in' if i % 3 else 'out'}&status=any&from=1990-01-01&to=2030-01-01"),
        ):
            response = api.get(f"{path}?{query}")
            assert response.status_code == 200, response.text
            assert response.content == _model_json(path, response.content), f"{path}?{query}"
            checked += 1
    assert checked == 3 * len(ids) and len(ids) > 100


def test_the_models_stay_declared_for_the_openapi_document(api: Any) -> None:
    paths = api.get("/openapi.json").json()["paths"]
    for path, model in (
        ("/entities", m.EntityList),
        ("/entities/{id}", m.EntityDetail),
        ("/entities/{id}/accountability", m.Accountability),
        ("/entities/{id}/delegations", m.DelegationList),
    ):
        schema = paths[path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        assert schema == {"$ref": f"#/components/schemas/{model.__name__}"}


COMMISSIONERS_URLS = [
    "/services/service:urgent-and-emergency-care/commissioners?as_of=2013-04-01",
    "/services/service:urgent-and-emergency-care/commissioners?as_of=2022-07-01&expand=instances",
    "/services/service:urgent-and-emergency-care/commissioners?as_of=2024-01-01&expand=commissioner",
    "/services/service:urgent-and-emergency-care/commissioners?as_of=2024-01-01&instances=list",
    "/services/service:dental-services/commissioners?as_of=2020-01-01",
    "/services/service:primary-care/commissioners?from=2010-01-01&to=2016-01-01&status=any&expand=instances,commissioner",
]


def test_commissioners_answers_are_the_validated_models_bytes(api: Any) -> None:
    """From memory (the commissioning index) or from the engine, for every
    service and a spread of dates: what the model would write."""
    adapter = TypeAdapter(m.Commissioners)
    services = _ids(api, "Service", 100)
    urls = COMMISSIONERS_URLS + [
        f"/services/{s}/commissioners?as_of={('1999-01-01', '2013-04-01', '2020-01-01', '2024-01-01')[i % 4]}" for i, s in enumerate(services)
    ]
    for url in urls:
        response = api.get(url)
        assert response.status_code == 200, (url, response.text)
        assert response.content == adapter.dump_json(adapter.validate_python(orjson.loads(response.content)), by_alias=True), url
    assert len(urls) > 50
