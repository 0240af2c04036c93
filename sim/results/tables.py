"""Turn a finished model into tidy tables (one concept: model -> DataFrames).

Column names, units and meanings are declared in sim/outputs.py (docs/OUTPUTS.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.calendar import Calendar
from sim.records import NATION_FIELDS
from sim.runner import run_model
from sim.schema import Scenario

if TYPE_CHECKING:
    from sim.model import AllianceModel


def calendar(model: AllianceModel) -> Calendar:
    simulation = model.config.simulation
    return Calendar(simulation.start, simulation.steps_per_year)


def _step(step: int | None) -> int:
    """A step column's value: -1 for never (None)."""
    return -1 if step is None else step


def timeseries_table(model: AllianceModel) -> pd.DataFrame:
    """One row per step (step 0 is the starting state): the model-level figures."""
    recorder = model.datacollector
    # Built from its columns at once: inserting columns into a frame costs more.
    return pd.DataFrame({"step": np.arange(recorder.count, dtype="int64"),
                         "period": calendar(model).periods(range(recorder.count)),
                         **recorder.figures})


def nation_table(model: AllianceModel) -> pd.DataFrame:
    """One row per step and nation, nations in code order within a step."""
    rows = model.nation_rows  # [steps + 1, N, F]
    steps, n, _ = rows.shape
    codes = model.state.nations.codes
    by_code = np.argsort(codes, kind="stable")
    table = {"step": np.repeat(np.arange(steps, dtype="int64"), n),
             "period": np.repeat(np.array(calendar(model).periods(range(steps)),
                                          dtype=object), n),
             "code": np.tile(np.array(codes, dtype=object)[by_code], steps)}
    table.update(zip(NATION_FIELDS, rows[:, by_code].reshape(steps * n, -1).T, strict=True))
    table["memberships"] = table["memberships"].astype("int64")
    return pd.DataFrame(table)


def kpi_table(model: AllianceModel) -> pd.DataFrame:
    """One row of end-of-run KPIs (every one a float: one block of floats)."""
    kpis = model.kpis()
    return pd.DataFrame(np.array([list(kpis.values())], dtype=float), columns=list(kpis))


def programme_table(model: AllianceModel) -> pd.DataFrame:
    """One row per joint venture (pooled programme or hub) ever proposed."""
    codes, area_names = model.state.nations.codes, model.state.areas.names
    ventures = model.state.ventures.ventures
    return with_periods(model, {
        "venture_id": [v.venture_id for v in ventures],
        "kind": [v.kind.value for v in ventures],
        "name": [v.name for v in ventures],
        "alliance_wide": [v.alliance_wide for v in ventures],
        "area": [area_names[v.area] for v in ventures],
        "lead": [codes[v.lead] for v in ventures],
        "members": [" ".join(codes[i] for i in v.members) for v in ventures],
        "n_members": [int(v.members.size) for v in ventures],
        "standard": [int(v.standard) for v in ventures],
        "state": [v.state.value for v in ventures],
        "proposed_step": [v.proposed_step for v in ventures],
        "agreed_step": [_step(v.agreed_step) for v in ventures],
        "end_step": [_step(v.end_step) for v in ventures],
        "first_delivery_step": [_step(v.first_delivery_step) for v in ventures],
        "units_ordered": [float(v.ordered.sum()) if v.ordered.size else 0.0
                          for v in ventures],
        "units_delivered": [v.delivered_total for v in ventures],
        "paid_usd_bn": [v.paid for v in ventures],
        "hosts": [" ".join(codes[i] for i in v.hosts) for v in ventures],
    })


def with_periods(model: AllianceModel, columns: dict[str, list]) -> pd.DataFrame:
    """The table of these columns, each ``*_step`` column followed by its calendar
    ``*_period`` (empty for -1). Built in one go: inserting columns into a frame one by
    one costs more than building it."""
    dates = calendar(model)
    rows = len(next(iter(columns.values())))
    table: dict[str, object] = {}
    for name, values in columns.items():
        # A table without rows has object columns, as pandas makes them from no records.
        table[name] = values if rows else np.empty(0, dtype=object)
        if name.endswith("_step"):
            # "string", not object: a part where every value is empty must still store
            # strings, or parts could not be gathered into one file.
            table[name.replace("_step", "_period")] = pd.array(
                [dates.period(step) if step >= 0 else None for step in values],
                dtype="string")
    return pd.DataFrame(table)


def milestone_table(model: AllianceModel) -> pd.DataFrame:
    """One row per promised delivery milestone: promised against delivered."""
    area_names = model.state.areas.names
    rows = [(venture, number, milestone) for venture in model.state.ventures.ventures
            for number, milestone in enumerate(venture.milestones, start=1)]
    return with_periods(model, {
        "venture_id": [v.venture_id for v, _, _ in rows],
        "area": [area_names[v.area] for v, _, _ in rows],
        "milestone": [number for _, number, _ in rows],
        "due_step": [m.due_step for _, _, m in rows],
        "promised_units": [m.promised_units for _, _, m in rows],
        "planned_units": [m.planned_units for _, _, m in rows],
        "delivered_at_due": [m.delivered_at_due for _, _, m in rows],
        "order_shortfall_at_due": [m.order_shortfall_at_due for _, _, m in rows],
        "lost_to_attacks_at_due": [m.lost_to_attacks_at_due for _, _, m in rows],
        "status": [m.status.value for _, _, m in rows],
        "assessed_step": [_step(m.assessed_step) for _, _, m in rows],
    })


def result_tables(model: AllianceModel) -> dict[str, pd.DataFrame]:
    """Every table of a finished run, by name."""
    return {
        "timeseries": timeseries_table(model),
        "nations": nation_table(model),
        "kpis": kpi_table(model),
        "programmes": programme_table(model),
        "milestones": milestone_table(model),
    }


def run_replication(scenario: Scenario, seed: int | np.random.SeedSequence | None = None
                    ) -> dict[str, pd.DataFrame]:
    """Run one replication and return its tables."""
    return result_tables(run_model(scenario, seed))
