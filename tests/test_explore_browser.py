"""/explore in a real browser: Debian's Chromium driven by Playwright, against
a real uvicorn server on 127.0.0.1 over the real knowledge base.

Every host but 127.0.0.1 is unreachable: Chromium resolves no other name,
and every request the page makes is routed through a handler that aborts
anything not addressed to 127.0.0.1 and records it, so a test can assert
that nothing left the machine. On a machine without Chromium (or without
the Python package `playwright`) these tests skip and say how to install it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote as quote_url
from urllib.parse import urlsplit

import pytest

from nhskg.graph.falkordb_engine import FalkorDBStore
from tests.live_server import live_server

def _find_chromium() -> str | None:
    # NHSKG_CHROMIUM names another build (or a missing one, to see the skip).
    wanted = os.environ.get("NHSKG_CHROMIUM")
    candidates = [wanted] if wanted else ["/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")]
    return next((p for p in candidates if p and Path(p).is_file()), None)


CHROMIUM = _find_chromium()
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    # No other host even resolves: the page cannot reach anything but this machine.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
TIMEOUT_MS = 15_000

sync_api = pytest.importorskip("playwright.sync_api", reason="the browser tests need Playwright for Python: pip install -e '.[test]' (never `playwright install`: it uses the system Chromium)")
if CHROMIUM is None:
    pytest.skip(
        "the browser tests need Chromium from the Debian packages: apt-get update && apt-get install -y chromium "
        "(.ci/run installs it when missing)",
        allow_module_level=True,
    )


@pytest.fixture(scope="module")
def server(kg_store: FalkorDBStore) -> Iterator[str]:
    """A real uvicorn server on 127.0.0.1 over the ingested knowledge base."""
    with live_server(kg_store) as url:
        yield url


class Offsite:
    """Every request the page tried to send anywhere but 127.0.0.1."""

    def __init__(self) -> None:
        self.attempts: list[str] = []

    def route(self, route) -> None:
        host = urlsplit(route.request.url).hostname
        if route.request.url.startswith(("data:", "blob:", "about:")) or host == "127.0.0.1":
            route.continue_()
        else:
            self.attempts.append(route.request.url)
            route.abort("blockedbyclient")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser, server: str):
    offsite = Offsite()
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.route("**/*", offsite.route)
    requested: list[str] = []
    pg = context.new_page()
    pg.on("request", lambda req: requested.append(req.url))
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.set_default_timeout(TIMEOUT_MS)
    yield pg
    context.close()
    # Nothing left the machine: no request to another host was even attempted.
    assert offsite.attempts == [], f"requests to other hosts: {offsite.attempts}"
    assert all(urlsplit(u).hostname in (None, "127.0.0.1") for u in requested if not u.startswith(("data:", "blob:"))), requested
    assert errors == [], f"page errors: {errors}"


def wait_ready(page) -> int:
    """Wait for the graph to finish loading; the number of nodes it shows."""
    page.wait_for_selector('[data-testid="graph"][data-state="ready"]')
    return int(page.get_attribute('[data-testid="graph"]', "data-node-count"))


def node_ids(page) -> list[str]:
    return page.evaluate("window.nhskgExplorer.nodeIds()")


def set_date(page, day: str) -> None:
    page.fill('[data-testid="as-of"]', day)
    page.dispatch_event('[data-testid="as-of"]', "change")
    # The page records the new day before it starts loading, so once it has
    # the day, `ready` means the graph for that day is drawn.
    page.wait_for_function("day => window.nhskgExplorer.state().day === day", arg=day)
    wait_ready(page)


def test_the_guard_sees_a_request_to_another_host(browser, server: str) -> None:
    # The no-request-leaves check above could not fail if the guard saw nothing: show that it does.
    offsite = Offsite()
    context = browser.new_context()
    context.route("**/*", offsite.route)
    pg = context.new_page()
    pg.goto(f"{server}/explore")
    pg.evaluate("() => fetch('http://example.org/x').catch(() => null)")
    context.close()
    assert offsite.attempts == ["http://example.org/x"]


def test_page_loads_offline(page, server: str) -> None:
    page.goto(f"{server}/explore")
    page.wait_for_selector('[data-testid="graph"]')
    assert page.get_attribute('[data-testid="as-of"]', "min") == "1990-01-01"
    assert page.get_attribute('[data-testid="as-of"]', "max") == "2026-12-31"
    assert page.evaluate("typeof cytoscape") == "function"  # the vendored library, served from the package
    assert page.get_attribute('[data-testid="graph"]', "data-node-count") == "0"


def test_search_finds_the_icb_type_and_shows_its_neighbours(page, server: str) -> None:
    page.goto(f"{server}/explore?as_of=2024-06-01")
    page.fill('[data-testid="search"]', "integrated care board")
    option = page.locator('[data-testid="suggestions"] li[data-id="type:icb"]')
    option.wait_for()
    assert "integrated care board" in option.inner_text()
    option.dispatch_event("mousedown")
    count = wait_ready(page)
    ids = node_ids(page)
    assert "type:icb" in ids
    assert count == len(ids) > 5
    # Its neighbours as the API gives them on that day: NHS England, to which ICBs are accountable.
    assert "org:nhs-england" in ids
    assert page.locator('[data-testid="entity-name"]').inner_text() == "integrated care board"
    assert page.locator('[data-testid="evidence"]').count() >= 1
    assert "seed=type%3Aicb" in page.url or "seed=type:icb" in page.url
    graphml = page.get_attribute('[data-testid="export-graphml"]', "href")
    assert graphml.startswith("/subgraph?") and "format=graphml" in graphml and "as_of=2024-06-01" in graphml


def test_moving_the_date_from_2016_to_2024_swaps_ccgs_for_icbs(page, server: str) -> None:
    page.goto(f"{server}/explore?seed=org:nhs-england&as_of=2016-06-01")
    wait_ready(page)
    in_2016 = node_ids(page)
    assert "type:ccg" in in_2016 and "type:icb" not in in_2016
    set_date(page, "2024-06-01")
    in_2024 = node_ids(page)
    assert "type:icb" in in_2024 and "type:ccg" not in in_2024
    assert page.get_attribute('[data-testid="graph"]', "data-node-count") == str(len(in_2024))
    assert "as_of=2024-06-01" in page.url


def test_clicking_a_node_expands_it_and_shows_its_evidence(page, server: str) -> None:
    page.goto(f"{server}/explore?seed=type:icb&as_of=2024-06-01")
    wait_ready(page)
    before = set(node_ids(page))
    assert "org:nhs-england" in before
    where = page.evaluate("window.nhskgExplorer.nodePosition('org:nhs-england')")
    page.mouse.click(where["x"], where["y"])
    page.wait_for_function("() => window.nhskgExplorer.state().seeds.includes('org:nhs-england')")
    wait_ready(page)
    after = set(node_ids(page))
    # NHS England's own neighbours joined the graph (its Secretary of State, for one).
    assert before < after and "org:secretary-of-state-for-health-and-social-care" in after
    page.locator('[data-testid="entity-name"]', has_text="NHS England").wait_for()
    link = page.locator('[data-testid="evidence"] .source-link').first
    link.click()
    page.locator('[data-testid="source"]').wait_for()
    assert page.locator('[data-testid="source"] h3').inner_text()


def test_clicking_an_edge_fetches_its_evidence(page, server: str) -> None:
    """Subgraph edges are briefs (no evidence): a click asks /relationships/{id} for the full record."""
    page.goto(f"{server}/explore?seed=type:icb&as_of=2024-06-01")
    wait_ready(page)
    edge = "rel:accountable_to:type:icb:org:nhs-england"
    assert edge in page.evaluate("window.nhskgExplorer.edgeIds()")
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url))
    page.evaluate(f"window.nhskgExplorer.tapEdge({edge!r})")
    quote = page.locator('#panel [data-testid="evidence"]', has_text="directly accountable to NHS England")
    quote.wait_for()
    assert page.locator("#panel h2").inner_text() == "ACCOUNTABLE_TO"
    assert page.locator('[data-testid="evidence-loading"]').count() == 0
    assert [u for u in asked if "/relationships/" in u] == [f"{server}/relationships/{quote_url(edge, safe='')}"]
    page.screenshot(path=str(Path(os.environ.get("NHSKG_SCREENSHOT_DIR", tempfile.gettempdir())) / "explore-edge-evidence.png"))


def test_period_mode_shows_what_held_at_any_time_in_it(page, server: str) -> None:
    page.goto(f"{server}/explore?seed=org:nhs-england&as_of=2016-06-01")
    wait_ready(page)
    page.check('[data-testid="period-mode"]')
    page.wait_for_function("() => window.nhskgExplorer.state().period")
    page.fill('[data-testid="to"]', "2024-06-01")
    page.dispatch_event('[data-testid="to"]', "change")
    page.wait_for_function("() => window.nhskgExplorer.state().to === '2024-06-01'")
    wait_ready(page)
    ids = node_ids(page)
    assert {"type:ccg", "type:icb"} <= set(ids)
    assert "from=2016-06-01" in page.url and "to=2024-06-01" in page.url


def test_accountability_and_delegation_views(page, server: str) -> None:
    page.goto(f"{server}/explore?seed=type:icb&as_of=2024-06-01&view=accountability")
    wait_ready(page)
    ids = node_ids(page)
    assert {"type:icb", "org:nhs-england"} <= set(ids)
    assert set(page.evaluate("window.nhskgExplorer.edgeTypes()")) == {"ACCOUNTABLE_TO"}
    page.click('[data-testid="view-delegation"]')
    wait_ready(page)  # delegator: the entity in focus
    assert page.evaluate("window.nhskgExplorer.state().delegation.delegator") == "type:icb"
    page.goto(f"{server}/explore?seed=org:nhs-england&as_of=2024-06-01&view=delegation")
    wait_ready(page)
    assert {"org:nhs-england", "type:icb"} <= set(node_ids(page))
    assert "DELEGATES_TO" in page.evaluate("window.nhskgExplorer.edgeTypes()")


def test_what_changed_between_two_dates(page, server: str) -> None:
    import httpx

    page.goto(f"{server}/explore?as_of=2013-06-01&view=changes")
    if httpx.get(f"{server}/changes", params={"from": "2013-01-01", "to": "2014-01-01"}).status_code == 404:
        # GET /changes is being built on another branch: until it lands the page must say so, not break.
        page.wait_for_selector('[data-testid="graph"][data-state="error"]')
        assert "GET /changes" in page.locator('[data-testid="graph-message"]').inner_text()
        pytest.skip("GET /changes is not on this branch yet: checked only that the page says so")
    wait_ready(page)
    assert page.locator('[data-testid="change"]').count() >= 1
    assert int(page.get_attribute('[data-testid="graph"]', "data-node-count")) >= 1
