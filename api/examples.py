"""One real example answer per operation in the OpenAPI document.

The examples are what the API answered to the requests in EXAMPLE_REQUESTS
(docs/make_api_md.py writes them to openapi_examples.json next to this file,
from a live server, and a test fails when they are stale), shortened: lists
keep their first two items and long text is cut, so each still matches the
response schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

EXAMPLES_FILE = Path(__file__).resolve().parent / "openapi_examples.json"

# "METHOD /path/template" -> the request whose answer documents it (dated: never today).
EXAMPLE_REQUESTS: dict[str, str] = {
    "GET /entities": "/entities?q=ccg&limit=2",
    "GET /entities/{id}": "/entities/org:nhs-england",
    "GET /entities/{id}/accountability": "/entities/type:icb/accountability?as_of=2024-01-01",
    "GET /entities/{id}/accountable-bodies": "/entities/org:nhs-england/accountable-bodies?as_of=2024-01-01",
    "GET /entities/{id}/commissions": "/entities/org:ods-02r/commissions?as_of=2016-01-15&basis=delegated",
    "GET /entities/{id}/delegations": "/entities/org:nhs-england/delegations?as_of=2024-01-01",
    "GET /entities/{id}/history": "/entities/type:ccg/history",
    "GET /statutes/{id}/effects": "/statutes/statute:health-and-social-care-act-2012/effects",
    "GET /changes": "/changes?from=2013-04-01&to=2013-04-02&limit=3",
    "GET /services/{id}/commissioners": "/services/service:dental-services/commissioners?as_of=2020-01-01",
    "GET /services/{id}/timeline": "/services/service:dental-services/timeline",
    "GET /paths/delegation": "/paths/delegation?delegator=org:nhs-england&service=service:dental-services&as_of=2024-01-01",
    "GET /budgets": "/budgets?q=public%20health&limit=2",
    "GET /subgraph": "/subgraph?seed=type:icb&depth=1&as_of=2024-01-01&labels=OrganisationType&max_nodes=3",
    "GET /relationships/{id}": "/relationships/rel:accountable_to:type:icb:org:nhs-england",
    "GET /sources": "/sources",
    "GET /sources/{id}": "/sources/source:kingsfund-2023?limit=2",
    "GET /queries": "/queries",
    "GET /queries/{name}": "/queries/entity_briefs?ids=type:pct,type:ccg",
}


def shorten(value: Any) -> Any:
    """First two items of every list, text cut at 300 characters: still the same shape."""
    if isinstance(value, list):
        return [shorten(v) for v in value[:2]]
    if isinstance(value, dict):
        return {k: shorten(v) for k, v in value.items()}
    if isinstance(value, str) and len(value) > 300:
        return value[:297] + "..."
    return value


def load_examples() -> dict[str, Any]:
    if not EXAMPLES_FILE.exists():
        return {}
    return json.loads(EXAMPLES_FILE.read_text(encoding="utf-8"))


def add_examples(schema: dict[str, Any], examples: dict[str, Any]) -> None:
    """Put each example on its operation's 200 response (application/json)."""
    for key, example in examples.items():
        method, path = key.split(" ", 1)
        operation = schema.get("paths", {}).get(path, {}).get(method.lower())
        if not operation:
            continue
        content = operation.get("responses", {}).get("200", {}).get("content", {}).get("application/json")
        if content is not None:
            content["example"] = example
