"""/explore in Chromium at 1400x900 and 1280x720, against the real app on
uvicorn: a type's instances drawn as one node with its count (listed,
filtered by what they are part of, drawn on request), the lineage view, colours
by organisation type with a legend, readable captions, a defunct body opening
on its last day with a note, no literal "null" anywhere, and register rows
that wrap inside the panel."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from nhskg.graph.falkordb_engine import FalkorDBStore
from tests.live_server import live_server
from tests.test_explore_browser import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS, Offsite, sync_api, wait_ready

VIEWPORTS = [(1400, 900), (1280, 720)]


@pytest.fixture(scope="module")
def server(kg_store: FalkorDBStore) -> Iterator[str]:
    with live_server(kg_store) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(params=VIEWPORTS, ids=[f"{w}x{h}" for w, h in VIEWPORTS])
def page(request: pytest.FixtureRequest, browser, server: str):
    width, height = request.param
    offsite = Offsite()
    context = browser.new_context(viewport={"width": width, "height": height})
    context.route("**/*", offsite.route)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.set_default_timeout(TIMEOUT_MS)
    pg.base = server  # type: ignore[attr-defined]
    yield pg
    context.close()
    assert offsite.attempts == [] and errors == [], (offsite.attempts, errors)


def no_null_text(page) -> None:
    text = page.inner_text("body")
    assert "null" not in text.lower().replace("nullable", ""), [line for line in text.splitlines() if "null" in line.lower()]


def test_a_types_instances_are_one_node_with_their_count(page) -> None:
    page.goto(f"{page.base}/explore?seed=org:nhs-england&as_of=2016-06-01")
    wait_ready(page)
    ids = page.evaluate("window.nhskgExplorer.nodeIds()")
    assert "group:type:ccg" in ids and "org:nws-ccg" not in ids
    # 209 CCGs held on 1 June 2016 (NHS England's CCG list, 2016/17).
    assert page.evaluate("window.nhskgExplorer.nodeCaption('group:type:ccg')") == "209 CCGs"
    assert page.evaluate("window.nhskgExplorer.nodeCount()") < 40
    page.evaluate("window.nhskgExplorer.reveal('group:type:ccg')")
    pos = page.evaluate("window.nhskgExplorer.nodePosition('group:type:ccg')")
    page.mouse.click(pos["x"], pos["y"])
    page.wait_for_selector('[data-testid="group-members"]')
    assert page.inner_text('[data-testid="entity-name"]') == "209 CCGs"
    assert page.locator('[data-testid="group-members"] a.entity-link').count() == 209
    page.fill('[data-testid="group-name-filter"]', "Surrey")
    assert 1 <= page.locator('[data-testid="group-members"] a.entity-link').count() < 10
    no_null_text(page)
    page.click('[data-testid="group-expand"]')
    page.wait_for_function("window.nhskgExplorer.nodeIds().length > 200")
    wait_ready(page)
    assert "group:type:ccg" not in page.evaluate("window.nhskgExplorer.nodeIds()")


def test_instances_filter_by_what_they_are_part_of(page) -> None:
    page.goto(f"{page.base}/explore?seed=type:icb&as_of=2024-06-01")
    wait_ready(page)
    assert page.evaluate("window.nhskgExplorer.nodeCaption('group:type:icb')") == "42 ICBs"
    page.evaluate("window.nhskgExplorer.reveal('group:type:icb')")
    pos = page.evaluate("window.nhskgExplorer.nodePosition('group:type:icb')")
    page.mouse.click(pos["x"], pos["y"])
    page.fill('[data-testid="group-part-filter"]', "South East")
    page.wait_for_selector('.picker .suggestions li[data-id="org:ods-y59"]')
    page.dispatch_event('.picker .suggestions li[data-id="org:ods-y59"]', "mousedown")
    page.wait_for_selector('[data-testid="group-caption"]:has-text("part of South East")')
    # The South East region's ICBs in 2024: six (NHS England's ICB list, 2022-2026).
    caption = page.inner_text('[data-testid="group-caption"]')
    assert caption.startswith("6 ICBs part of South East"), caption
    assert page.locator('[data-testid="group-members"] a[data-id="org:ods-qxu"]').count() == 1


def test_the_lineage_view_draws_who_became_whom(page) -> None:
    page.goto(f"{page.base}/explore?seed=org:nws-ccg&view=lineage")
    wait_ready(page)
    ids = page.evaluate("window.nhskgExplorer.nodeIds()")
    assert {"org:nws-ccg", "org:ods-92a", "org:ods-qxu"} <= set(ids)
    steps = page.locator('[data-testid="lineage-step"]').all_inner_texts()
    # NW Surrey CCG merged into Surrey Heartlands CCG on 1 April 2020, which the ICB succeeded on 1 July 2022.
    assert steps[0].startswith("2020-04-01") and "North West Surrey CCG" in steps[0] and "Surrey Heartlands CCG" in steps[0]
    assert any(s.startswith("2022-07-01") and "Integrated Care Board" in s for s in steps)
    xs = [page.evaluate(f"window.nhskgExplorer.nodePosition('{i}').x") for i in ("org:nws-ccg", "org:ods-92a", "org:ods-qxu")]
    assert xs == sorted(xs) and len(set(xs)) == 3  # left to right, in time
    no_null_text(page)


def test_a_defunct_body_opens_on_its_last_day_with_a_note(page) -> None:
    page.goto(f"{page.base}/explore?seed=org:nws-ccg")
    wait_ready(page)
    assert page.evaluate("window.nhskgExplorer.state().day") == "2020-03-31"
    page.wait_for_selector('[data-testid="defunct-note"]')
    assert "closed on 2020-04-01" in page.inner_text('[data-testid="defunct-note"]')
    assert page.evaluate("window.nhskgExplorer.nodeCount()") > 5  # its neighbourhood, not one lonely node
    # A date in the link is kept as asked.
    page.goto(f"{page.base}/explore?seed=org:nws-ccg&as_of=2024-01-01")
    wait_ready(page)
    assert page.evaluate("window.nhskgExplorer.state().day") == "2024-01-01"


def test_colours_by_type_with_a_legend_and_readable_labels(page) -> None:
    page.goto(f"{page.base}/explore?seed=org:nhs-england&as_of=2024-06-01")
    wait_ready(page)
    legend = {el.get_attribute("data-type"): el.inner_text() for el in page.query_selector_all('[data-testid="legend-type"]')}
    assert legend.get("type:icb") == "integrated care board"
    colours = [page.evaluate(f"window.nhskgExplorer.nodeColour('{i}')") for i in ("group:type:icb", "org:nhs-england")]
    assert colours[0] and colours[0] != colours[1]
    assert page.evaluate("window.nhskgExplorer.zoom()") >= 0.75  # 12 px captions stay at least 9 px
    no_null_text(page)


def test_register_rows_wrap_inside_the_panel(page) -> None:
    page.goto(f"{page.base}/explore?seed=org:ods-qxu&as_of=2024-06-01")
    wait_ready(page)
    page.wait_for_selector('[data-testid="evidence"]')
    panel = page.evaluate("(() => { const a = document.querySelector('aside'); return [a.scrollWidth, a.clientWidth]; })()")
    assert panel[0] <= panel[1], panel
    no_null_text(page)
