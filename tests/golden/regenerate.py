"""Rewrite tiny_kpis.json from the current model: ``python -m tests.golden.regenerate``."""

import json
from pathlib import Path

from sim.loader import load_scenario
from sim.runner import run_model

HERE = Path(__file__).parent


def current_kpis() -> dict[str, float]:
    scenario = load_scenario(HERE / "tiny.yaml")
    return run_model(scenario, scenario.simulation.seed).kpis()


if __name__ == "__main__":
    (HERE / "tiny_kpis.json").write_text(json.dumps(current_kpis(), indent=2) + "\n")
    print(f"wrote {HERE / 'tiny_kpis.json'}")
