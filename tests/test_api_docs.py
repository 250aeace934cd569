"""docs/api.md shows what the API answers today: rendered from
docs/api.md.in through the real app, it must equal the file."""

from __future__ import annotations

import importlib.util
from pathlib import Path

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


def test_docs_use_port_8000():
    for path in [DOCS / "api.md.in", DOCS / "make_api_md.py", DOCS / "notebooks.md", DOCS.parent / "README.md"]:
        assert ":8765" not in path.read_text(encoding="utf-8"), path
