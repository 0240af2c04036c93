"""A tiny scenario's KPIs are pinned: a change to them must be deliberate (regenerate with
``python -m tests.golden.regenerate`` and say why in the commit)."""

import json

import pytest

from tests.golden.regenerate import HERE, current_kpis


def test_tiny_scenario_matches_its_golden_kpis():
    expected = json.loads((HERE / "tiny_kpis.json").read_text())
    actual = current_kpis()
    assert actual.keys() == expected.keys()
    for name, value in expected.items():
        assert actual[name] == pytest.approx(value, rel=1e-9, abs=1e-12), name
