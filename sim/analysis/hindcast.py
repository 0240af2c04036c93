"""A hindcast scored against observed data: the model's defence shares of GDP at the end
of a run against a table of observed shares (NATO's 2024 estimates for the 2014 start).

Scores: per-ally error (model mean over replications less observed), its mean absolute
value and root mean square, the Spearman rank correlation of the increases across allies
(model against observed, from the same start), the count of allies at 2 % or more, and the
GDP-weighted share of the European allies and Canada.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.statistics import spearman

# An ally counts as meeting the 2 % guideline at this share of GDP or more.
GUIDELINE = 2.0
# NATO's own aggregate for the European allies and Canada, % of their combined GDP
# (scenarios/data/SOURCES.md: NATO statement, 2025).
NATO_EUROPE_CANADA = {2014: 1.43, 2024: 2.02}


@dataclass(frozen=True)
class HindcastScores:
    allies: pd.DataFrame  # one row per ally compared: start, observed, model mean and band
    mean_absolute_error: float  # percentage points of GDP
    root_mean_square_error: float
    increase_rank_correlation: float  # Spearman, model against observed increases
    allies_at_guideline: tuple[float, int, int]  # model mean, observed, allies compared
    europe_canada: tuple[float, float, float]  # start, model end, observed end (% of GDP)


def score(nations: pd.DataFrame, observed: pd.Series, step: int) -> HindcastScores:
    """Score a run's ``nations`` table (all replications) against observed shares by
    code at ``step``; allies with no spending at the start or no observation are left
    out."""
    key = "replication" if "replication" in nations.columns else None
    start = nations[nations["step"] == 0].groupby("code")["defence_pct_gdp"].first()
    end = nations[nations["step"] == step]
    by_run = end.pivot_table(index="code", columns=key, values="defence_pct_gdp") \
        if key else end.set_index("code")[["defence_pct_gdp"]]
    gdp = end.groupby("code")["gdp_usd_bn"].mean()
    codes = sorted(code for code in by_run.index
                   if start.get(code, 0.0) > 0 and code in observed.index
                   and observed[code] > 0)
    model = by_run.loc[codes]
    table = pd.DataFrame({
        "start": start[codes], "observed": observed[codes], "model": model.mean(axis=1),
        "model_median": model.median(axis=1), "model_q05": model.quantile(0.05, axis=1),
        "model_q95": model.quantile(0.95, axis=1),
    })
    table["error"] = table["model"] - table["observed"]
    europe = [code for code in codes if code != "USA"]
    weights = gdp[europe]

    def weighted(values: pd.Series) -> float:
        return float((values[europe] * weights).sum() / weights.sum())

    # NATO publishes shares to two decimals: 1.995 counts as 2.00.
    at_guideline = float((model.round(2) >= GUIDELINE).sum(axis=0).mean())
    return HindcastScores(
        allies=table.reset_index(names="code"),
        mean_absolute_error=float(table["error"].abs().mean()),
        root_mean_square_error=float(np.sqrt((table["error"] ** 2).mean())),
        increase_rank_correlation=spearman(
            (table["model"] - table["start"]).to_numpy(),
            (table["observed"] - table["start"]).to_numpy()),
        allies_at_guideline=(at_guideline, int((table["observed"] >= GUIDELINE).sum()),
                             len(codes)),
        europe_canada=(weighted(table["start"]), weighted(table["model"]),
                       weighted(table["observed"])),
    )


def europe_canada_series(nations: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """Per replication and step, the GDP-weighted defence share of GDP of ``codes`` (the
    European allies and Canada compared): ``replication``, ``step``,
    ``europe_canada_pct_gdp``."""
    rows = nations[nations["code"].isin(codes)]
    weighted = rows.assign(spent=rows["defence_pct_gdp"] * rows["gdp_usd_bn"]) \
        .groupby(["replication", "step"])[["spent", "gdp_usd_bn"]].sum()
    return (weighted["spent"] / weighted["gdp_usd_bn"]).rename("europe_canada_pct_gdp") \
        .reset_index()
