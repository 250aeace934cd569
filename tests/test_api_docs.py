"""docs/api.md shows what the API answers today: rendered from
docs/api.md.in through the real app, it must equal the file."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import jsonschema_rs

DOCS = Path(__file__).resolve().parents[1] / "docs"


def load_maker():
    spec = importlib.util.spec_from_file_location("make_api_md", DOCS / "make_api_md.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_api_md_is_current(api):
    maker = load_maker()

    def fetch(path: str) -> tuple[int, bytes]:
        r = api.get(path)
        return r.status_code, r.content

    rendered = maker.render(fetch)
    assert "<<RUN" not in rendered and "{{" not in rendered
    assert rendered == (DOCS / "api.md").read_text(encoding="utf-8"), (
        "docs/api.md is stale: start `nhskg serve` and run `python docs/make_api_md.py`"
    )


def test_openapi_examples_are_current_and_match_the_schema(api):
    maker = load_maker()
    from nhskg.api.examples import EXAMPLE_REQUESTS, EXAMPLES_FILE

    def fetch(path: str) -> tuple[int, bytes]:
        r = api.get(path)
        return r.status_code, r.content

    assert maker.examples_text(fetch) == EXAMPLES_FILE.read_text(encoding="utf-8"), (
        "api/openapi_examples.json is stale: start `nhskg serve` and run `python docs/make_api_md.py`"
    )
    spec = api.get("/openapi.json").json()
    documented = {
        f"{method.upper()} {path}"
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if not path.startswith("/health") and "$ref" in operation["responses"]["200"].get("content", {}).get("application/json", {}).get("schema", {})
    }
    assert documented == set(EXAMPLE_REQUESTS)
    for key in EXAMPLE_REQUESTS:
        method, path = key.split(" ", 1)
        content = spec["paths"][path][method.lower()]["responses"]["200"]["content"]["application/json"]
        schema = {**content["schema"], "components": spec["components"]}
        jsonschema_rs.Draft202012Validator(schema).validate(content["example"])


def test_docs_use_port_8000():
    for path in [DOCS / "api.md.in", DOCS / "make_api_md.py", DOCS / "notebooks.md", DOCS.parent / "README.md"]:
        assert ":8765" not in path.read_text(encoding="utf-8"), path
