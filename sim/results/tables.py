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


def _periods(model: AllianceModel, steps: list[int]) -> list[str | None]:
    """The period of each step; None where a step column says -1 (never)."""
    dates = calendar(model)
    return [dates.period(step) if step >= 0 else None for step in steps]


def timeseries_table(model: AllianceModel) -> pd.DataFrame:
    """One row per step (step 0 is the starting state): the model-level figures."""
    recorder = model.datacollector
    frame = recorder.get_model_vars_dataframe()
    frame.insert(0, "step", np.arange(recorder.count, dtype="int64"))
    frame.insert(1, "period", calendar(model).periods(range(recorder.count)))
    return frame


def nation_table(model: AllianceModel) -> pd.DataFrame:
    """One row per step and nation, nations in code order within a step."""
    rows = np.stack(model.nation_rows)  # [steps + 1, N, F]
    steps, n, _ = rows.shape
    codes = model.state.nations.codes
    by_code = np.argsort(codes, kind="stable")
    table = pd.DataFrame(rows[:, by_code].reshape(steps * n, -1), columns=list(NATION_FIELDS))
    table.insert(0, "code", np.tile(np.array(codes, dtype=object)[by_code], steps))
    table.insert(0, "period", np.repeat(np.array(calendar(model).periods(range(steps)),
                                                  dtype=object), n))
    table.insert(0, "step", np.repeat(np.arange(steps, dtype="int64"), n))
    table["memberships"] = table["memberships"].astype("int64")
    return table


def kpi_table(model: AllianceModel) -> pd.DataFrame:
    """One row of end-of-run KPIs."""
    return pd.DataFrame([model.kpis()])


def programme_table(model: AllianceModel) -> pd.DataFrame:
    """One row per joint venture (pooled programme or hub) ever proposed."""
    codes, area_names = model.state.nations.codes, model.state.areas.names
    owner = model.state.standards.owner
    rows = []
    for venture in model.state.ventures.ventures:
        owned_by = owner[venture.area, venture.standard] if venture.standard >= 0 else -1
        rows.append({
            "venture_id": venture.venture_id,
            "kind": venture.kind.value,
            "name": venture.name,
            "alliance_wide": venture.alliance_wide,
            "area": area_names[venture.area],
            "lead": codes[venture.lead],
            "members": " ".join(codes[i] for i in venture.members),
            "n_members": int(venture.members.size),
            "standard": int(venture.standard),
            "standard_owner": codes[owned_by] if owned_by >= 0 else "",
            "state": venture.state.value,
            "proposed_step": venture.proposed_step,
            "agreed_step": -1 if venture.agreed_step is None else venture.agreed_step,
            "end_step": -1 if venture.end_step is None else venture.end_step,
            "first_delivery_step": -1 if venture.first_delivery_step is None
            else venture.first_delivery_step,
            "units_ordered": float(venture.ordered.sum()) if venture.ordered.size else 0.0,
            "units_delivered": venture.delivered_total,
            "paid_usd_bn": venture.paid,
            "hosts": " ".join(codes[i] for i in venture.hosts),
        })
    columns = ["venture_id", "kind", "name", "alliance_wide", "area", "lead", "members",
               "n_members", "standard", "state", "proposed_step", "agreed_step", "end_step",
               "first_delivery_step", "units_ordered", "units_delivered", "paid_usd_bn",
               "hosts"]
    return with_periods(model, pd.DataFrame(rows, columns=columns))


def with_periods(model: AllianceModel, table: pd.DataFrame) -> pd.DataFrame:
    """Each ``*_step`` column followed by its calendar ``*_period`` (empty for -1)."""
    for column in [c for c in table.columns if c.endswith("_step")]:
        table.insert(table.columns.get_loc(column) + 1, column.replace("_step", "_period"),
                     # "string", not object: a part where every value is empty must
                     # still store strings, or parts could not be gathered into one file.
                     pd.Series(_periods(model, table[column].astype(int).tolist()),
                               index=table.index, dtype="string"))
    return table


def milestone_table(model: AllianceModel) -> pd.DataFrame:
    """One row per promised delivery milestone: promised against delivered."""
    area_names = model.state.areas.names
    rows = []
    for venture in model.state.ventures.ventures:
        for number, milestone in enumerate(venture.milestones, start=1):
            rows.append({
                "venture_id": venture.venture_id,
                "area": area_names[venture.area],
                "milestone": number,
                "due_step": milestone.due_step,
                "promised_units": milestone.promised_units,
                "planned_units": milestone.planned_units,
                "delivered_at_due": milestone.delivered_at_due,
                "order_shortfall_at_due": milestone.order_shortfall_at_due,
                "lost_to_attacks_at_due": milestone.lost_to_attacks_at_due,
                "status": milestone.status.value,
                "assessed_step": -1 if milestone.assessed_step is None
                else milestone.assessed_step,
            })
    columns = ["venture_id", "area", "milestone", "due_step", "promised_units",
               "planned_units", "delivered_at_due", "order_shortfall_at_due",
               "lost_to_attacks_at_due", "status", "assessed_step"]
    return with_periods(model, pd.DataFrame(rows, columns=columns))


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
