"""Play the worked example of docs/PLAY.md in headless Chromium and screenshot the app.

Starts `run.py play scenarios/baseline.yaml --nation POL --quarters 8`, plays Poland for
eight quarters (desired defence spending 5 % of GDP; in quarter 1 a coalition for air and
missile defence proposed to Estonia, Latvia, Lithuania and Finland; 40 % of the air and
missile defence budget pooled), screenshots the play page after quarter 4, the debrief,
and the explorer after eight steps, and prints where the play log is.

Usage: python tools/play_screenshots.py OUT_DIR [--plays results/plays]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from sim.dashboards.build import CHROMIUM_FLAGS, find_chromium
from sim.writers import atomic_write_bytes

ROOT = Path(__file__).resolve().parents[1]
WAIT = 60_000


def settle(page) -> None:
    page.wait_for_selector(".js-plotly-plot", timeout=WAIT)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)


def choose(page, label: str, options: list[str]) -> None:
    """Pick options of the Vuetify select labelled ``label``."""
    page.locator(".v-select", has=page.get_by_text(label, exact=True)).first.click()
    for option in options:
        page.locator(".menuable__content__active .v-list-item",
                     has_text=option).first.click()
    page.keyboard.press("Escape")
    page.wait_for_load_state("networkidle")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--plays", type=Path, default=Path("results/plays"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "run.py"), "play", "scenarios/baseline.yaml", "--nation",
         "POL", "--quarters", "8", "--plays", str(args.plays)],
        stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        url = server.stdout.readline().split("open ", 1)[1].split()[0]
        with sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=find_chromium(),
                                             args=CHROMIUM_FLAGS)
            page = browser.new_page(viewport={"width": 1400, "height": 2000})
            page.goto(url)
            page.click(".new-game", timeout=WAIT)
            settle(page)
            share = page.locator(".control-defence_pct_gdp input")
            share.fill("5")
            share.press("Enter")
            page.wait_for_load_state("networkidle")
            slider = page.locator(".area-air_missile_defence .v-slider").nth(1)
            box = slider.bounding_box()
            page.mouse.click(box["x"] + box["width"] * 0.40, box["y"] + box["height"] / 2)
            page.wait_for_load_state("networkidle")
            choose(page, "partners", ["EST", "LVA", "LTU", "FIN"])
            page.get_by_text("Propose this quarter").click()
            page.wait_for_load_state("networkidle")
            for quarter in range(2, 9):
                page.click(".end-quarter")
                page.wait_for_selector(f"text=Quarter {quarter} of 8", timeout=WAIT)
                if quarter == 5:
                    settle(page)
                    atomic_write_bytes(args.out / "play-page.png", page.screenshot())
            page.click(".end-quarter")
            page.wait_for_selector(".debrief-title", timeout=WAIT)
            settle(page)
            atomic_write_bytes(args.out / "play-debrief.png", page.screenshot())
            page.click(".nav-explore")
            page.wait_for_selector("text=Quarter 0 of 40", timeout=WAIT)
            for quarter in range(1, 9):
                page.click(".step")
                page.wait_for_selector(f"text=Quarter {quarter} of 40", timeout=WAIT)
            settle(page)
            page.set_viewport_size({"width": 1400, "height": 1500})
            atomic_write_bytes(args.out / "play-explorer.png", page.screenshot())
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    logs = sorted(args.plays.glob("*/play.yaml"))
    print(f"screenshots in {args.out}; play log: {logs[-1] if logs else 'none'}")


if __name__ == "__main__":
    main()
