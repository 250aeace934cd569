"""/explore without a browser: the page and its files ship in the package,
reference nothing outside it, the vendored library matches its pinned
version, and the styles come from the vocabulary. (tests/test_explore_browser.py
drives the page in Chromium.)"""

from __future__ import annotations

import hashlib
import re
import tomllib
from html.parser import HTMLParser
from pathlib import Path

import pytest

from nhskg.api.palette import label_styles
from nhskg.core.vocabulary import vocabulary

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "api" / "static" / "explore"
VENDOR = STATIC / "vendor"


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []
        self.testids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for key, value in attrs:
            if key in ("src", "href") and value:
                self.refs.append(value)
            if key == "data-testid":
                self.testids.add(value)


def test_explore_page_is_served_with_its_controls(api) -> None:
    r = api.get("/explore", params={"seed": "type:icb", "as_of": "2024-01-01"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    refs = _Refs()
    refs.feed(r.text)
    assert {"graph", "as-of", "search", "export-graphml", "export-csv", "view-accountability", "view-delegation", "view-changes", "period-mode"} <= refs.testids
    assert 'data-node-count="0"' in r.text


def test_page_and_its_files_reference_nothing_off_the_server(api) -> None:
    refs = _Refs()
    refs.feed(api.get("/explore").text)
    assert refs.refs, "the page links its script and style"
    assert all(ref.startswith(("/", "?", "#")) for ref in refs.refs), refs.refs
    for ref in refs.refs:
        if ref.startswith("/explore/static/"):
            assert api.get(ref).status_code == 200, ref
    for name in ("index.html", "explore.js", "explore.css"):
        text = (STATIC / name).read_text(encoding="utf-8")
        assert not re.search(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}/|@import", text), f"{name} points off the server"


def test_static_files_have_their_types_and_stay_inside_the_folder(api) -> None:
    r = api.get("/explore/static/vendor/cytoscape.min.js")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/javascript")
    assert api.get("/explore/static/explore.css").headers["content-type"].startswith("text/css")
    for bad in ("/explore/static/%2e%2e/routes/explore.py", "/explore/static/..%2F..%2Fapp.py", "/explore/static/nope.js", "/explore/static/.hidden"):
        assert api.get(bad).status_code == 404, bad


def test_bad_date_in_the_link_is_a_clear_422(api) -> None:
    r = api.get("/explore", params={"as_of": "2016-13-01"})
    assert r.status_code == 422 and "as_of" in r.json()["detail"] and "\n" not in r.json()["detail"]
    assert api.get("/explore", params={"as_of": "2016-01-01", "from": "2015-01-01", "to": "2016-01-01"}).status_code == 422
    assert api.get("/explore", params={"status": "in_forse"}).status_code == 422
    assert api.get("/explore", params={"view": "sideways"}).status_code == 422
    assert api.get("/explore", params={"seed": "type:icb", "from": "2020-01-01", "to": "2024-01-01", "status": "any", "view": "changes"}).status_code == 200


def test_vendored_cytoscape_matches_its_pinned_version_and_licence() -> None:
    rows = [line.split() for line in (VENDOR / "VERSIONS.txt").read_text().splitlines() if line and not line.startswith("#")]
    (name, version, licence, filename, sha), = rows
    assert (name, licence, filename) == ("cytoscape", "MIT", "cytoscape.min.js")
    data = (VENDOR / filename).read_bytes()
    assert hashlib.sha256(data).hexdigest() == sha, "cytoscape.min.js differs from VERSIONS.txt: re-run tools/vendor_cytoscape.sh"
    assert re.search(rf'CYTOSCAPE_VERSION:-{re.escape(version)}\b', (ROOT / "tools" / "vendor_cytoscape.sh").read_text())
    assert "Permission is hereby granted" in (VENDOR / "cytoscape.LICENSE.txt").read_text()
    assert b"The Cytoscape Consortium" in data[:400]


def test_static_files_are_package_data() -> None:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["nhskg.api"]
    shipped = {p for pattern in data for p in (ROOT / "api").glob(pattern) if p.is_file()}
    assert {p for p in STATIC.rglob("*") if p.is_file()} <= shipped


def test_styles_cover_the_vocabulary(api) -> None:
    vocab = vocabulary()
    doc = api.get("/explore/style.json").json()
    assert set(doc["labels"]) == set(vocab.labels) | set(vocab.kinds)
    assert set(doc["relationships"]) == set(vocab.relationships)
    main = [doc["labels"][n]["colour"] for n in vocab.labels]
    kinds = [doc["labels"][n]["colour"] for n in vocab.kinds]
    assert len(set(main)) == len(main) and len(set(kinds)) == len(kinds), "two labels share a colour"
    assert not set(main) & set(kinds)
    for name in vocab.event_types:
        assert doc["relationships"][name]["kind"] == "event"
    assert {k: v.colour for k, v in label_styles().items()} == {k: v["colour"] for k, v in doc["labels"].items()}


@pytest.mark.parametrize("fmt,media", [("graphml", "application/graphml+xml"), ("csv", "application/zip")])
def test_the_export_links_are_the_apis_own(api, fmt: str, media: str) -> None:
    # The page's export links are /subgraph?seed=..&depth=1&<window>&format=..; they must answer.
    r = api.get("/subgraph", params={"seed": "type:icb", "depth": 1, "as_of": "2024-06-01", "format": fmt})
    assert r.status_code == 200 and r.headers["content-type"].startswith(media)
    assert "/subgraph?" in (STATIC / "explore.js").read_text() and "format" in (STATIC / "explore.js").read_text()
