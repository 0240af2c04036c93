"""Shared fixtures and helpers: run a scenario and return its outcome."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from sim.cli import main
from sim.experiment.store import RunFolder
from sim.loader import apply_overrides, load_scenario
from sim.runner import run_model
from sim.schema import Scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
TINY = ROOT / "tests" / "golden" / "tiny.yaml"


@pytest.fixture(scope="session")
def baseline() -> Scenario:
    return load_scenario(SCENARIOS / "baseline.yaml")


def with_nations(scenario: Scenario, **fields: Any) -> Scenario:
    """A copy in which every nation that spends on defence gets the given field values."""
    data = scenario.model_dump(mode="python")
    for nation in data["nations"]["members"]:
        if nation["defence_pct_gdp"] > 0:
            nation.update(fields)
    return Scenario.model_validate(data)


def mean_outcome(scenario: Scenario, seeds: range, measure, **overrides: Any) -> float:
    """The mean over seeds of ``measure(model)`` after a full run."""
    adjusted = apply_overrides(scenario, overrides)
    return float(np.mean([measure(run_model(adjusted, seed)) for seed in seeds]))


def kpi(name: str):
    return lambda model: model.kpis()[name]


def series_mean(column: str, last: int | None = None):
    """Mean of a timeseries column, over the last ``last`` quarters if given."""
    def measure(model) -> float:
        values = model.datacollector.get_model_vars_dataframe()[column]
        return float(values.iloc[-last:].mean() if last else values.mean())
    return measure


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright (the executable path set: no browser is
    ever downloaded), for the browser tests."""
    from playwright.sync_api import sync_playwright

    from sim.dashboards.build import CHROMIUM_FLAGS, find_chromium

    with sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=find_chromium(),
                                          args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


def stopped_before_gathering(folder: Path, monkeypatch: pytest.MonkeyPatch,
                             scenario: Path = TINY, *extra: str) -> None:
    """A run folder whose replications are stored as parts but not yet gathered, as a
    kill at that instant leaves it."""
    def interrupted(self: RunFolder) -> None:
        raise KeyboardInterrupt
    with monkeypatch.context() as patch, contextlib.suppress(KeyboardInterrupt):
        patch.setattr(RunFolder, "gather", interrupted)
        main(["run", str(scenario), "--replications", "3", "--workers", "1", "--quiet",
              "--out", str(folder), *extra])
    assert (folder / "parts").is_dir()
