"""Screenshot a dashboard page in headless Chromium (Debian's, driven by Playwright).

Usage: python3 tools/screenshot.py PAGE.html OUT.png [--width 1280] [--height 2400] [--full]

--full takes the whole page, however long; otherwise the top WIDTH x HEIGHT pixels.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

from sim.dashboards.build import CHROMIUM_FLAGS, find_chromium
from sim.writers import atomic_write_bytes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("page", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=2400)
    parser.add_argument("--full", action="store_true", help="the whole page")
    args = parser.parse_args()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=find_chromium(),
                                             args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": args.width, "height": args.height})
        page.goto(args.page.resolve().as_uri())
        page.wait_for_function("document.querySelectorAll('.js-plotly-plot').length > 0")
        page.wait_for_timeout(500)
        atomic_write_bytes(args.out, page.screenshot(full_page=args.full))
        browser.close()


if __name__ == "__main__":
    main()
