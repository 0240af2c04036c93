"""The play app in a real browser (Debian's Chromium through Playwright, no browser
download): a person opens the app, sets a decision, ends four quarters, sees the state
change, saves, reloads and resumes; the log replays to identical tables; the explorer
steps a run live. No console error, no request outside the loopback address, scenario
text shown as text, and the server listening on loopback only."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import yaml

from sim.play.log import replay
from tests.conftest import ROOT, SCENARIOS

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
playwright = pytest.importorskip("playwright.sync_api",
                                 reason="playwright is not installed (test extras)")
pytest.importorskip("solara", reason="solara is not installed (the play extra)")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine "
                                "(Debian: apt-get install chromium); browser tests skipped")

HOSTILE = "<img src=x onerror=alert(1)>"
WAIT = 60_000  # ms: a guard against a hung page, not a timing expectation


@contextlib.contextmanager
def served(scenario: Path, plays: Path, base: Path) -> Iterator[str]:
    """The play app on ``scenario`` (Poland, 8 quarters, seed 5) saving into ``plays``:
    its address while it serves."""
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "run.py"), "play", str(scenario), "--nation", "POL",
         "--quarters", "8", "--seed", "5", "--plays", str(plays)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=base)
    try:
        line = server.stdout.readline()
        assert "http://127.0.0.1:" in line, server.stderr.read() if server.poll() else line
        yield line.split("open ", 1)[1].split()[0]
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """The app serving a scenario whose name and description are markup."""
    base = tmp_path_factory.mktemp("play")
    scenarios = base / "scenarios"
    shutil.copytree(SCENARIOS, scenarios)
    scenario = scenarios / "hostile.yaml"
    scenario.write_text(f"extends: baseline.yaml\nmetadata:\n  name: '{HOSTILE}'\n"
                        f"  description: '{HOSTILE}<script>alert(2)</script>'\n")
    plays = base / "plays"
    with served(scenario, plays, base) as url:
        yield {"url": url, "plays": plays, "base": base, "scenario": scenario}


def watched_page(browser, url: str):
    page = browser.new_page(viewport={"width": 1400, "height": 1600})
    seen: dict[str, list[str]] = {"errors": [], "dialogs": [], "requests": []}
    page.on("console", lambda m: m.type == "error" and seen["errors"].append(m.text))
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    page.on("request", lambda r: seen["requests"].append(r.url))
    page.on("websocket", lambda w: seen["requests"].append(w.url))
    page.goto(url)
    return page, seen


def outside_loopback(requests: list[str], url: str) -> list[str]:
    origin = url.rstrip("/").split("://", 1)[1]
    return [r for r in requests if not r.startswith(
        (f"http://{origin}", f"ws://{origin}", f"blob:http://{origin}", "data:"))]


def ready(page) -> None:
    """The page has rendered, charts included (widgets settle before a person clicks)."""
    page.wait_for_selector(".js-plotly-plot", timeout=WAIT)
    page.wait_for_load_state("networkidle")


def go_to(page, button: str, text: str) -> None:
    """Click ``button`` once it shows, and wait for ``text`` and the page to settle."""
    page.wait_for_selector(button, timeout=WAIT)
    page.click(button)
    page.wait_for_selector(f"text={text}", timeout=WAIT)
    ready(page)


def figure(page, label: str) -> str:
    row = page.get_by_text(f"{label}:", exact=True).locator("xpath=..")
    return row.inner_text().split(":", 1)[1].strip()


@pytest.mark.slow
def test_a_person_plays_four_quarters_saves_reloads_and_resumes(browser, app):
    page, seen = watched_page(browser, app["url"])
    go_to(page, ".new-game", "Quarter 1 of 8")
    spending_before = figure(page, "Defence spending")
    share = page.locator(".control-defence_pct_gdp input")
    share.fill("6.5")
    share.press("Enter")
    page.wait_for_load_state("networkidle")
    for quarter in range(2, 6):
        page.click(".end-quarter")
        page.wait_for_selector(f"text=Quarter {quarter} of 8", timeout=WAIT)
    ready(page)
    assert figure(page, "Desired (decided last quarter)") == "6.50 % of GDP"
    assert figure(page, "Defence spending") != spending_before
    assert "News of quarter 4" in page.inner_text("body")
    page.click(".save-game")
    page.wait_for_selector("text=Saved to", timeout=WAIT)
    logs = list(app["plays"].glob("*/play.yaml"))
    assert len(logs) == 1

    page.reload()
    page.wait_for_selector(".resume-game", timeout=WAIT)
    page.click(".resume-game")
    page.wait_for_selector("text=Quarter 5 of 8", timeout=WAIT)
    ready(page)
    assert figure(page, "Desired (decided last quarter)") == "6.50 % of GDP"
    assert page.locator(".control-defence_pct_gdp input").input_value() == "6.5"
    text = page.inner_text("body")
    assert HOSTILE in text and "<script>alert(2)</script>" in text  # shown, not run
    page.close()
    assert seen["errors"] == []
    assert seen["dialogs"] == []
    assert outside_loopback(seen["requests"], app["url"]) == []

    # The log replays to the very tables the game saved.
    out = app["base"] / "replayed"
    replayed = subprocess.run([sys.executable, str(ROOT / "run.py"), "play", "--replay",
                               str(logs[0]), "--out", str(out)], capture_output=True,
                              text=True, cwd=app["base"], timeout=600)
    assert replayed.returncode == 0, replayed.stderr
    for table in ("timeseries", "nations", "kpis", "programmes", "milestones"):
        pd.testing.assert_frame_equal(pd.read_parquet(out / f"{table}.parquet"),
                                      pd.read_parquet(logs[0].parent / f"{table}.parquet"))


@pytest.mark.slow
def test_a_quarter_the_disk_refuses_to_save_is_one_line_on_the_page_and_kept(browser,
                                                                            tmp_path):
    plays = tmp_path / "plays"
    with served(SCENARIOS / "baseline.yaml", plays, tmp_path) as url:
        page, seen = watched_page(browser, url)
        go_to(page, ".new-game", "Quarter 1 of 8")
        go_to(page, ".end-quarter", "Quarter 1 played; game saved to")
        [folder] = plays.iterdir()
        shutil.rmtree(folder)
        folder.write_text("")  # nothing can be written there (chmod would not stop root)
        go_to(page, ".end-quarter", "Quarter 2 played but could not be saved")
        assert page.inner_text(".notice") == (
            f"Quarter 2 played but could not be saved ({folder}: File exists); the game "
            "is kept here and saved again with the next quarter or Save.")
        assert "Quarter 3 of 8" in page.inner_text("body")
        assert "Traceback" not in page.inner_text("body")
        folder.unlink()  # room again: the next save writes the whole game
        go_to(page, ".end-quarter", "Quarter 3 played; game saved to")
        page.close()
    assert seen["errors"] == []
    log, _ = replay(folder / "play.yaml")
    assert log.quarters_played == 3


@pytest.mark.slow
def test_nan_typed_in_a_control_is_refused_in_one_line_and_the_quarter_still_plays(
        browser, app):
    page, seen = watched_page(browser, app["url"])
    go_to(page, ".new-game", "Quarter 1 of 8")
    control = page.locator(".control-resilience_pct_gdp input")
    advised = control.input_value()
    control.fill("nan")
    control.press("Enter")
    page.wait_for_selector("text=Not set: resilience pct gdp must be a number", timeout=WAIT)
    page.wait_for_function("() => document.querySelector("
                           "'.control-resilience_pct_gdp input').value !== 'nan'")
    assert control.input_value() == advised  # the field shows the decision it keeps
    clamped = page.locator(".control-defence_pct_gdp input")
    clamped.fill("-5")
    clamped.press("Enter")
    page.wait_for_function("() => document.querySelector("
                           "'.control-defence_pct_gdp input').value === '0.5'")  # held at its end
    page.click(".end-quarter")
    page.wait_for_selector("text=Quarter 2 of 8", timeout=WAIT)
    ready(page)
    saved = page.inner_text(".notice").split("game saved to ", 1)[1].rstrip(".")
    played = yaml.safe_load(Path(saved).read_text())["policy"]["decisions"][0]
    assert played["resilience_pct_gdp"] == float(advised)  # the value the field held
    page.close()
    assert seen["errors"] == []


@pytest.mark.slow
def test_a_game_ended_early_reloads_and_resumes_at_its_debrief(browser, app):
    earlier = set(app["plays"].glob("*/play.yaml"))
    page, seen = watched_page(browser, app["url"])
    go_to(page, ".new-game", "Quarter 1 of 8")
    page.click(".end-quarter")
    page.wait_for_selector("text=Quarter 2 of 8", timeout=WAIT)
    ready(page)
    page.get_by_text("End game now").click()
    page.wait_for_selector("text=Debrief: POL after 1 quarters", timeout=WAIT)
    ready(page)
    [saved] = set(app["plays"].glob("*/play.yaml")) - earlier
    page.reload()
    page.wait_for_selector(".resume-game", timeout=WAIT)
    # The resumed session's errors only: leaving the turn's charts for the debrief logs
    # "no comm channel defined" once a chart, on main as well (reported apart).
    seen["errors"].clear()
    page.locator(".v-select", has=page.get_by_text("saved game (play log)", exact=True)).click()
    page.locator(".menuable__content__active .v-list-item", has_text=str(saved)).click()
    page.click(".resume-game")
    page.wait_for_selector("text=Debrief: POL after 1 quarters", timeout=WAIT)
    ready(page)
    assert page.locator(".turn-title").count() == 0
    page.close()
    assert seen["errors"] == []


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` of the select labelled ``label``."""
    page.locator(".v-select", has=page.get_by_text(label, exact=True)).first.click()
    page.locator(".menuable__content__active .v-list-item", has_text=option).first.click()
    page.keyboard.press("Escape")
    page.wait_for_load_state("networkidle")


@pytest.mark.slow
def test_the_coalition_card_reads_as_sentences_and_offers_areas_by_their_labels(
        browser, app):
    page, seen = watched_page(browser, app["url"])
    go_to(page, ".new-game", "Quarter 1 of 8")
    page.click(".end-quarter")  # in quarter 1 Poland joins a programme in every area
    page.wait_for_selector("text=Quarter 2 of 8", timeout=WAIT)
    ready(page)
    card = page.locator(".v-card", has_text="Propose a coalition").last
    text = card.inner_text()
    assert "next quarter.\nYou are in a programme in this area already" in text
    page.locator(".v-select", has=page.get_by_text("area", exact=True)).first.click()
    offered = page.locator(".menuable__content__active .v-list-item").all_inner_texts()
    assert offered == ["air missile defence", "artillery ammunition", "armour", "combat air",
                       "naval"]
    page.keyboard.press("Escape")
    choose(page, "area", "combat air")
    choose(page, "partners", "EST")
    page.get_by_text("Propose this quarter").click()
    page.wait_for_selector("text=Proposed: combat air with EST", timeout=WAIT)
    page.close()
    assert seen["errors"] == []


@pytest.mark.slow
def test_the_explorer_steps_one_run_live(browser, app):
    page, seen = watched_page(browser, app["url"])
    go_to(page, ".nav-explore", "Quarter 0 of 40")
    assert page.locator("text=pooling discount").count() >= 1  # sliders from the schema
    for quarter in (1, 2):
        page.click(".step")
        page.wait_for_selector(f"text=Quarter {quarter} of 40", timeout=WAIT)
    page.click(".play-pause")  # play: the model steps on its own ...
    page.wait_for_selector("text=Quarter 4 of 40", timeout=WAIT)
    page.click(".play-pause")  # ... until paused
    page.wait_for_selector(".play-pause >> text=Play", timeout=WAIT)
    ready(page)
    panels = page.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot')]
        .map(d => d.data.reduce((n, t) => n + (t.x ? t.x.length : 0), 0))""")
    assert len(panels) == 5 and min(panels) >= 5  # every panel shows quarters 0-4
    page.close()
    assert seen["errors"] == []
    assert outside_loopback(seen["requests"], app["url"]) == []


def explorer_after_one_step(browser, app):
    """A new session on the explorer page, its run stepped to quarter 1."""
    page, seen = watched_page(browser, app["url"])
    go_to(page, ".nav-explore", "Quarter 0 of 40")
    page.click(".step")
    page.wait_for_selector("text=Quarter 1 of 40", timeout=WAIT)
    return page, seen


@pytest.mark.slow
def test_a_negative_seed_in_the_explorer_is_refused_in_one_line_and_the_run_goes_on(
        browser, app):
    page, seen = explorer_after_one_step(browser, app)
    seed = page.get_by_label("seed")
    seed.fill("-1")
    seed.press("Enter")
    page.click(".apply-reset")
    page.wait_for_selector("text=Not applied: seed: Input should be greater than or equal "
                           "to 0 (got -1).", timeout=WAIT)
    assert "Traceback" not in page.inner_text("body")
    page.click(".step")  # the run it had goes on
    page.wait_for_selector("text=Quarter 2 of 40", timeout=WAIT)
    page.close()
    assert seen["errors"] == []


@pytest.mark.slow
def test_apply_and_reset_starts_the_run_again_and_the_app_goes_on(browser, app):
    page, seen = explorer_after_one_step(browser, app)
    page.click(".apply-reset")  # the seed and sliders as they are: a new run from quarter 0
    page.wait_for_selector("text=Quarter 0 of 40", timeout=WAIT)
    page.click(".step")
    page.wait_for_selector("text=Quarter 1 of 40", timeout=WAIT)
    page.close()
    assert seen["errors"] == []


def test_the_server_listens_on_the_loopback_address_only(app):
    port = int(app["url"].rstrip("/").rsplit(":", 1)[1])
    table = Path("/proc/net/tcp")
    if not table.is_file():
        pytest.skip("no /proc/net/tcp on this system")
    listening = [line.split()[1] for line in table.read_text().splitlines()[1:]
                 if line.split()[3] == "0A" and int(line.split()[1].split(":")[1], 16) == port]
    assert listening == [f"0100007F:{port:04X}"]  # 127.0.0.1, nothing else
