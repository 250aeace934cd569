"""Take the screenshots in docs/explore.md from a running server.

    .venv/bin/nhskg serve --port 8765 &
    .venv/bin/python tools/explore_screenshots.py --base http://127.0.0.1:8765

Uses Debian's Chromium through Playwright, as the browser tests do, with every
host but 127.0.0.1 unresolvable, and writes docs/img/explore-*.png.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

OUT = Path(__file__).resolve().parents[1] / "docs" / "img"
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]

# (file name, path and query, what to do on the page before the picture)
SHOTS: list[tuple[str, str, str | None]] = [
    ("explore-search.png", "/explore?as_of=2024-06-01", "search"),
    ("explore-neighbourhood-2024.png", "/explore?seed=org:nhs-england&as_of=2024-06-01", None),
    ("explore-neighbourhood-2016.png", "/explore?seed=org:nhs-england&as_of=2016-06-01", None),
    ("explore-period.png", "/explore?seed=type:ccg&from=2020-01-01&to=2024-01-01", None),
    ("explore-accountability.png", "/explore?seed=type:icb&as_of=2024-06-01&view=accountability", None),
    ("explore-delegation.png", "/explore?seed=org:nhs-england&as_of=2024-06-01&view=delegation", None),
    ("explore-changes.png", "/explore?as_of=2013-06-01&view=changes", None),
    ("explore-group.png", "/explore?seed=org:nhs-england&as_of=2016-06-01", "group:type:ccg"),
    ("explore-lineage.png", "/explore?seed=org:nws-ccg&view=lineage", None),
    ("explore-defunct.png", "/explore?seed=org:nws-ccg", None),
]


def settle(page: Page) -> None:
    page.wait_for_selector('[data-testid="graph"][data-state]:not([data-state="loading"])')
    page.wait_for_timeout(400)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="http://127.0.0.1:8765")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=args.chromium, args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1440, "height": 860}, locale="en-GB")
        for name, path, action in SHOTS:
            page.goto(args.base + path)
            settle(page)
            if action == "search":
                page.fill('[data-testid="search"]', "care board")
                page.wait_for_selector('[data-testid="suggestions"] li[data-id]')
                page.wait_for_timeout(300)
            elif action and action.startswith("group:"):
                # Open the type's group node: its panel lists and filters the instances.
                page.evaluate(f"window.nhskgExplorer.reveal('{action}')")
                pos = page.evaluate(f"window.nhskgExplorer.nodePosition('{action}')")
                page.mouse.click(pos["x"], pos["y"])
                page.wait_for_selector('[data-testid="group-members"]')
                page.wait_for_timeout(300)
            page.screenshot(path=str(OUT / name))
            print(OUT / name)
        browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
