"""What every output column means: one declaration per column of every table - its label,
unit, meaning and, for KPIs that are not always defined, its censoring rule.

This is the one place a figure's label and unit live (as the schema is for inputs): the
terminal, the CSV files (``summary.csv``, ``comparison.csv``, ``columns.csv``), every axis,
card and hover of the dashboards and the generated reference ``docs/OUTPUTS.md`` read it.
``tests/test_outputs.py`` fails when a column the model writes has no entry here.

To add a figure: compute it in ``sim/records.py`` (what it is made of each step in
``step_quantities``, its values over the steps in ``step_figures``) and add one
``Output(...)`` line to the table it lands in below (``TIMESERIES``, ``NATIONS``,
``KPIS``, ...), with a unit from ``UNITS``; then
``python3 run.py schema --outputs > docs/OUTPUTS.md``. A timeseries figure with
``group=DRIVER`` is drawn in the dashboards' drivers panel.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True)
class Unit:
    """A unit: ``name`` as stored (CSV files, docs), ``shown`` on axes and cards,
    ``format`` for one value in text and ``tickformat`` for a plotly axis (values stored
    as shares 0-1 are shown as per cent)."""

    name: str
    shown: str
    format: str = "{:,.3g}"
    tickformat: str = ""
    scale: float = 1.0  # shown = stored x scale (100 for shares shown as per cent)

    def number(self, value: float | None) -> str:
        """One value as a number (per cent with its sign), for a cell whose header
        gives the unit; NaN: "undefined"."""
        if value is None or math.isnan(value):
            return "undefined"
        return self.format.format(value * self.scale)

    def text(self, value: float | None) -> str:
        """One value with its unit: ``5,949 capability units``, ``45.3 %``."""
        number = self.number(value)
        if number == "undefined" or not self.shown:
            return number
        return number + self.shown[1:] if self.shown.startswith("%") \
            else f"{number} {self.shown}"

    def difference(self, value: float | None, with_unit: bool = True) -> str:
        """A signed difference in this unit; per cent and % of GDP differ in percentage
        points (pp)."""
        if value is None or math.isnan(value):
            return "undefined"
        if self.shown.startswith("%"):
            decimals = re.search(r"\.(\d)f", self.format)
            places = int(decimals[1]) if decimals else 2
            text = f"{value * self.scale:+.{places}f} pp"
            return text + self.shown[1:] if with_unit else text
        text = ("-" if value < 0 else "+") + self.format.format(abs(value) * self.scale)
        return f"{text} {self.shown}" if with_unit and self.shown else text


CAPABILITY = Unit("capability units", "capability units", "{:,.0f}")
CAPABILITY_QUARTERS = Unit("capability-unit quarters", "capability-unit quarters",
                           "{:,.0f}")
EQUIPMENT = Unit("equipment units (USD 1 bn at 2024 reference prices)", "equipment units",
                 "{:,.1f}")
USD_BN = Unit("USD bn", "USD bn", "{:,.0f}")
USD_BN_QUARTER = Unit("USD bn per quarter", "USD bn per quarter", "{:,.1f}")
USD_BN_YEAR = Unit("USD bn per year", "USD bn per year", "{:,.0f}")
USD_BN_PER_CAPABILITY = Unit("USD bn per effective capability unit",
                             "USD bn per capability unit", "{:.3f}")
PRICE_FACTOR = Unit("price factor (1 = 2024 reference price)", "price factor", "{:.3f}")
PCT_GDP = Unit("% of GDP", "% of GDP", "{:.2f} %")
PP_GDP = Unit("percentage points of GDP", "pp of GDP", "{:+.2f}")
INDEX = Unit("index 0-1", "index 0-1", "{:.3f}")
SHARE = Unit("share 0-1", "%", "{:.1f} %", ".1~%", 100.0)
FLAG = Unit("1 = yes, 0 = no (mean: share of runs)", "% of runs", "{:.0f} %", ".1~%", 100.0)
RANK_CORRELATION = Unit("rank correlation -1 to 1", "rank correlation", "{:.2f}")
RATIO = Unit("ratio", "ratio", "{:.3f}")
COUNT = Unit("count", "count", "{:,.1f}")
LINE_QUARTERS = Unit("line-quarters", "line-quarters", "{:,.1f}")
# Random hybrid attacks that disabled a line, per production line and year of the run.
ATTACK_RATE = Unit("lines hit per production line per year", "hits per line per year",
                   "{:.3f}")
EQUIPMENT_PER_QUARTER = Unit("equipment units per quarter", "equipment units per quarter",
                             "{:,.2f}")
STANDARDS = Unit("standards (count)", "standards", "{:.1f}")
QUARTERS = Unit("quarters", "quarters", "{:.1f}")
STEP = Unit("step (quarters since the start; -1: never)", "step", "{:.0f}")
PERIOD = Unit("year and quarter (e.g. 2025Q1; empty: never)", "", "{}")
NATION = Unit("nation code (ISO 3166 alpha-3)", "", "{}")
NATION_LIST = Unit("nation codes, space-separated", "", "{}")
CATEGORY = Unit("category", "", "{}")
TEXT = Unit("text", "", "{}")
IDENTIFIER = Unit("identifier", "", "{}")
DIMENSIONLESS = Unit("dimensionless", "dimensionless", "{:.4g}")

UNITS = (CAPABILITY, CAPABILITY_QUARTERS, EQUIPMENT, USD_BN, USD_BN_QUARTER, USD_BN_YEAR,
         USD_BN_PER_CAPABILITY, PRICE_FACTOR, PCT_GDP, PP_GDP, INDEX, SHARE, FLAG, RANK_CORRELATION,
         RATIO, COUNT, LINE_QUARTERS, ATTACK_RATE, EQUIPMENT_PER_QUARTER, STANDARDS,
         QUARTERS, STEP, PERIOD, NATION, NATION_LIST, CATEGORY, TEXT, IDENTIFIER, DIMENSIONLESS)


class Censoring(StrEnum):
    """How a KPI that is not defined in every run is stored and summarised
    (docs/RESULTS.md, "Censored and undefined KPIs")."""

    NONE = "none"
    # A time to an event that may not happen by the horizon: stored as NaN in runs where
    # it did not; summarised as the share of runs where it happened and statistics over
    # those runs only.
    NOT_REACHED = "not reached by the horizon"
    # A rate whose denominator can be zero (nothing was due): NaN there; left out of
    # means and intervals, and counted.
    UNDEFINED = "undefined when its denominator is zero"


DRIVER = "driver"


@dataclass(frozen=True)
class Output:
    name: str
    label: str
    unit: Unit
    description: str
    censoring: Censoring = Censoring.NONE
    group: str = ""

    @property
    def axis_title(self) -> str:
        """``label (unit)`` for a chart axis; the unit always shows."""
        return f"{self.label} ({self.unit.shown})" if self.unit.shown else self.label


def _table(*outputs: Output) -> dict[str, Output]:
    table = {output.name: output for output in outputs}
    if len(table) != len(outputs):
        raise ValueError("an output is declared twice")
    return table


def _period(step: Output) -> Output:
    """The calendar period beside a step column."""
    name = step.name.replace("_step", "_period") if step.name != "step" else "period"
    return Output(name, step.label.replace("step", "period").replace("Step", "Period"),
                  PERIOD, f"The calendar period of `{step.name}` (simulation.start).")


_STEP = Output("step", "Step", STEP, "Quarter of the run; 0 is the starting state (the end "
               "of the period before simulation.start).")
_REPLICATION = Output("replication", "Replication", IDENTIFIER,
                      "Replication number i, run on the i-th seed spawned from the root.")

# --------------------------------------------------------------------------- timeseries
TIMESERIES = _table(
    _REPLICATION, _STEP, _period(_STEP),
    Output("effective_capability", "Effective capability", CAPABILITY,
           "Sum over areas of f_a x stock x readiness (USD bn of equipment at 2024 reference "
           "prices x readiness x interoperability factor), after this quarter's deliveries "
           "and wear."),
    Output("readiness", "Readiness", SHARE, "Total capability / total stock."),
    Output("interoperability", "Interoperability", INDEX,
           "Mean of per-area interoperability, weighted by each area's capability."),
    Output("fragmentation", "Fragmentation", STANDARDS,
           "Mean over areas of the number of distinct standards being bought."),
    Output("cohesion", "Alliance cohesion", INDEX, "Cohesion index (MODEL.md 3.3.12)."),
    *(Output(f"cohesion_{part}", f"Cohesion: {part.replace('_', ' ')}", INDEX,
             "Part of the cohesion index (MODEL.md 3.3.12).")
      for part in ("common_threat", "threat_alignment", "political_alignment", "solidarity",
                   "fairness", "trust", "inclusion", "transatlantic")),
    Output("defence_spending", "Defence spending", USD_BN_QUARTER, "All nations."),
    Output("europe_canada_spending", "Europe and Canada spending", USD_BN_QUARTER,
           "All nations except the US."),
    Output("procurement_spending", "Procurement spending", USD_BN_QUARTER,
           "Equipment budgets of all nations."),
    Output("spend_national", "Spent nationally", USD_BN_QUARTER,
           "Money flowing through national procurement (step 0: intended, not spent)."),
    Output("spend_standards", "Spent harmonising standards", USD_BN_QUARTER,
           "Money flowing through harmonisation (step 0: intended, not spent)."),
    Output("spend_pooled", "Spent in pooled programmes", USD_BN_QUARTER,
           "Money flowing through pooled programmes (step 0: intended, not spent)."),
    Output("spend_hubs", "Spent on sustainment hubs", USD_BN_QUARTER,
           "Money flowing through joint sustainment hubs (step 0: intended, not spent)."),
    Output("collaborative_share", "Collaborative share of procurement", SHARE,
           "(standards + pooled + hubs) / procurement."),
    Output("pooled_share", "Pooled share of procurement", SHARE,
           "pooled / procurement: comparable with the EDA's collaborative equipment "
           "procurement share (17.8 % in 2018; benchmark 35 %, EDIS target 40 % by 2030)."),
    Output("burden_gini", "Burden Gini", INDEX,
           "Gini coefficient of defence shares of GDP among spenders."),
    Output("burden_spearman", "Burden rank correlation", RANK_CORRELATION,
           "Spearman rank correlation of GDP and defence share of GDP among spenders."),
    Output("mean_defence_pct_gdp", "Mean defence share of GDP", PCT_GDP,
           "Unweighted mean over spenders."),
    Output("active_programmes", "Active programmes", COUNT, "Pooled programmes active now."),
    Output("active_hubs", "Active hubs", COUNT, "Sustainment hubs active now."),
    Output("proposed_ventures", "Ventures under negotiation", COUNT,
           "Programmes and hubs proposed and not yet agreed."),
    Output("milestones_due", "Milestones due", COUNT,
           "Cumulative milestones that have fallen due."),
    Output("milestone_on_time_rate", "Milestones on time", SHARE,
           "Cumulative on-time milestones / milestones due; undefined (NaN) while none "
           "has fallen due.", Censoring.UNDEFINED),
    Output("unit_cost", "Unit cost", PRICE_FACTOR,
           "Cumulative acquisition money (national + pooled) / cumulative units ordered; "
           "1 = reference price; undefined (NaN) before anything is ordered.",
           Censoring.UNDEFINED),
    Output("cost_per_effective_capability", "Cost per effective capability",
           USD_BN_PER_CAPABILITY,
           "Cumulative procurement spending (all pathways) / cumulative effective units "
           "delivered (units x readiness x interoperability factor at delivery); "
           "undefined (NaN) before anything is delivered.", Censoring.UNDEFINED),
    Output("units_delivered", "Units delivered", EQUIPMENT, "Cumulative units delivered."),
    Output("joint_units_delivered", "Joint units delivered", EQUIPMENT,
           "Cumulative units built by pooled programmes."),
    Output("attacks", "Hybrid attacks", COUNT,
           "Successful hybrid attacks this quarter (lines disabled by random attacks) plus "
           "the nodes with capacity targeted by scripted node_attack injects."),
    Output("attacks_foiled", "Attacks foiled", COUNT,
           "Random attacks foiled by protection this quarter."),
    Output("lines_disabled", "Production lines disabled", COUNT,
           "Production lines of existing nodes down this quarter."),
    Output("capability_lost_to_attacks", "Capability lost to attacks", CAPABILITY,
           "This quarter's sum of stock x (undisrupted readiness - readiness)."),
    Output("hub_money_returned", "Hub money returned", USD_BN_QUARTER,
           "Hub money beyond full coverage, returned to national procurement."),
    Output("surge_premium_paid", "Surge premium paid", USD_BN_QUARTER,
           "The surge premium in this quarter's national orders (MODEL.md 3.3.6)."),
    Output("resilience_spending", "Resilience spending", USD_BN_QUARTER,
           "Resilience spending of all nations (beside defence spending)."),
    Output("mean_resilience_pct_gdp", "Mean resilience spending", PCT_GDP,
           "Unweighted mean over spenders."),
    Output("deliveries", "Deliveries", EQUIPMENT_PER_QUARTER,
           "Units delivered this quarter."),
    Output("joint_deliveries", "Joint deliveries", EQUIPMENT_PER_QUARTER,
           "Units delivered this quarter by pooled programmes."),
    Output("backlog", "Backlog", EQUIPMENT,
           "Orders ready and waiting for production (national and programmes)."),
    Output("order_book", "Order book", EQUIPMENT,
           "Orders placed and not yet built (in lead time or waiting)."),
    Output("capacity", "Production capacity", EQUIPMENT_PER_QUARTER,
           "Node capacity with every line up plus the lines of producing programmes."),
    Output("capacity_building", "Capacity being built", EQUIPMENT_PER_QUARTER,
           "Node capacity under construction."),
    Output("european_dependency", "European dependency", SHARE,
           "European allies' capability on standards owned outside Europe (MODEL.md 3.3.9)."),
    Output("european_interoperability", "European interoperability", INDEX,
           "Interoperability among European allies only, weighted by area capability."),
    Output("european_industrial_share", "European industrial share", SHARE,
           "European allies' national and pooled equipment money spent with European "
           "producers."),
    *(Output(f"capability_from_{part}", f"Capability change from {part}", CAPABILITY,
             f"This quarter's change in effective capability due to {part} (MODEL.md "
             "3.3.10); the three parts sum to the change.")
      for part in ("stock", "readiness", "interoperability")),
    Output("aid_from_stocks", "Aid from stocks", EQUIPMENT_PER_QUARTER,
           "Aid to Ukraine taken from stocks this quarter."),
    Output("aid_built_new", "Aid built new", EQUIPMENT_PER_QUARTER,
           "Aid built new for Ukraine and delivered this quarter."),
    Output("aid_givers", "Allies giving aid", SHARE, "Allies that spend and give aid."),
    Output("exercise_spending", "Exercise spending", USD_BN_QUARTER,
           "Exercises and intelligence-sharing."),
    Output("mean_practice", "Practice with allies", INDEX,
           "Mean practice with allies over spenders."),
    Output("blocks", "Proposals blocked", COUNT,
           "Alliance-wide proposals blocked so far (cumulative)."),
    Output("threat", "Russian threat", INDEX, "Threat level this quarter.", group=DRIVER),
    Output("mean_perceived_threat", "Perceived threat", INDEX,
           "Mean over nations of the threat each perceives."),
    Output("us_commitment", "US commitment", INDEX, "US commitment to European defence "
           "this quarter, before the Indo-Pacific pulls at it.", group=DRIVER),
    Output("us_pacific_attention", "US attention to the Indo-Pacific", INDEX,
           "Share of US attention and forces pulled to the Indo-Pacific.", group=DRIVER),
    Output("us_commitment_to_europe", "US commitment to Europe", INDEX,
           "US commitment x (1 - attention to the Indo-Pacific)."),
    Output("negotiating", "Moscow negotiating", FLAG,
           "1 from the quarter Moscow opens serious negotiations.", group=DRIVER),
    Output("mean_political_pressure", "Domestic political pressure", INDEX,
           "Mean over nations of domestic pressure against spending and pooling.",
           group=DRIVER),
    Output("ukraine_aid", "Aid to Ukraine", USD_BN_QUARTER, "Military aid to Ukraine.",
           group=DRIVER),
    Output("mean_trust_allies", "Trust in allies", INDEX, "Mean over nations."),
    Output("mean_trust_us", "Trust in the US", INDEX, "Mean over the non-US allies."),
)

# Per-area figures (with outputs.per_area): ``<family>_<area>`` for every capability area,
# as the timeseries figure of the same name (or as said here) in one area.
PER_AREA = _table(
    Output("capability", "Capability", CAPABILITY, "Area capability."),
    Output("interoperability", "Interoperability", INDEX, "Area interoperability I_a."),
    Output("fragmentation", "Fragmentation", STANDARDS,
           "Distinct standards being bought in the area."),
    *(Output(name, TIMESERIES[name].label, TIMESERIES[name].unit,
             TIMESERIES[name].description)
      for name in ("deliveries", "joint_deliveries", "backlog", "order_book", "capacity",
                   "capacity_building", "capability_from_stock", "capability_from_readiness",
                   "capability_from_interoperability")),
)

# ----------------------------------------------------------------------------- nations
NATIONS = _table(
    _REPLICATION, _STEP, _period(_STEP),
    Output("code", "Nation", NATION, "The nation's code."),
    Output("gdp_usd_bn", "GDP", USD_BN_YEAR, "GDP at current prices."),
    Output("defence_pct_gdp", "Defence spending", PCT_GDP, "Defence share of GDP."),
    Output("spending", "Defence spending", USD_BN_QUARTER, "Defence spending."),
    Output("procurement", "Procurement budget", USD_BN_QUARTER, "Equipment budget."),
    Output("spend_national", "Spent nationally", USD_BN_QUARTER,
           "Money through national procurement, summed over areas."),
    Output("spend_standards", "Spent harmonising standards", USD_BN_QUARTER,
           "Money through harmonisation, summed over areas."),
    Output("spend_pooled", "Spent in pooled programmes", USD_BN_QUARTER,
           "Money through pooled programmes, summed over areas."),
    Output("spend_hubs", "Spent on sustainment hubs", USD_BN_QUARTER,
           "Money through sustainment hubs, summed over areas."),
    Output("capability", "Capability", CAPABILITY,
           "Sum over areas of stock x readiness (no interoperability factor)."),
    Output("readiness", "Readiness", SHARE, "Capability / stock."),
    Output("satisfaction", "Satisfaction", INDEX, "MODEL.md 3.3.12."),
    Output("trust_allies", "Trust in allies", INDEX, "MODEL.md 3.3.11."),
    Output("trust_us", "Trust in the US", INDEX, "MODEL.md 3.3.11."),
    Output("political_pressure", "Domestic political pressure", INDEX, "Domestic pressure."),
    Output("memberships", "Memberships", COUNT,
           "Open programme and hub memberships (proposed or active) over all areas."),
    Output("resilience_pct_gdp", "Resilience spending", PCT_GDP, "Resilience spending."),
    Output("deliveries", "Deliveries", EQUIPMENT_PER_QUARTER,
           "Units delivered to the nation this quarter."),
    Output("production_lines", "Production lines", COUNT,
           "Lines of the nation's production nodes."),
    Output("lines_hit", "Lines hit", COUNT,
           "Its lines disabled by attacks this quarter: random attacks and scripted "
           "node_attack injects."),
    Output("attacks_foiled", "Attacks foiled", COUNT,
           "Attacks on its lines foiled by protection this quarter."),
    Output("perceived_threat", "Perceived threat", INDEX, "The threat it perceives."),
    Output("ukraine_aid_pct_gdp", "Aid to Ukraine", PCT_GDP,
           "Its military aid to Ukraine (% of GDP a year)."),
    Output("aid_from_stocks", "Aid from stocks", EQUIPMENT_PER_QUARTER,
           "Aid it took from its stocks this quarter."),
    Output("practice", "Practice with allies", INDEX, "Its practice with allies."),
)

# -------------------------------------------------------------------------------- KPIs
KPIS = _table(
    Output("final_capability", "Final effective capability", CAPABILITY,
           "Effective capability at the last step."),
    Output("capability_growth", "Capability growth", RATIO,
           "Final / step-0 effective capability."),
    Output("capability_permanence", "Capability permanence", RATIO,
           "Final / maximum effective capability over the run (step 0 included): 1 = no "
           "decline from the peak."),
    *(Output(f"capability_from_{part}", f"Capability change from {part}", CAPABILITY,
             f"The change in effective capability over the run due to {part}; the three "
             "parts sum to final - initial capability.")
      for part in ("stock", "readiness", "interoperability")),
    Output("final_cohesion", "Final cohesion", INDEX, "Cohesion at the last step."),
    Output("min_cohesion", "Lowest cohesion", INDEX,
           "Minimum cohesion over the run (step 0 included)."),
    Output("final_interoperability", "Final interoperability", INDEX, "Last-step value."),
    Output("final_fragmentation", "Final fragmentation", STANDARDS, "Last-step value."),
    Output("final_readiness", "Final readiness", SHARE, "Last-step value."),
    Output("unit_cost", "Unit cost", PRICE_FACTOR,
           "Cumulative acquisition money / units ordered at the last step; undefined "
           "(NaN) if nothing was ordered.", Censoring.UNDEFINED),
    Output("cost_per_effective_capability", "Cost per effective capability",
           USD_BN_PER_CAPABILITY,
           "Cumulative procurement spending / effective units delivered at the last step; "
           "undefined (NaN) if nothing was delivered.", Censoring.UNDEFINED),
    Output("milestone_on_time_rate", "Milestones on time", SHARE,
           "On-time milestones / milestones due over the run; undefined (NaN) in a run "
           "where none fell due.", Censoring.UNDEFINED),
    Output("milestones_due", "Milestones due", COUNT, "Milestones fallen due over the run."),
    Output("time_to_first_joint_delivery", "Time to first joint delivery", QUARTERS,
           "Step of the first delivery by a pooled programme; not reached (NaN) in a run "
           "where no programme delivered by the horizon (joint_delivery_achieved says "
           "how often one did).", Censoring.NOT_REACHED),
    Output("joint_delivery_achieved", "Joint delivery achieved", FLAG,
           "1 if any pooled programme delivered by the horizon."),
    Output("programmes_formed", "Programmes formed", COUNT,
           "Pooled programmes agreed over the run."),
    Output("hubs_formed", "Hubs formed", COUNT, "Sustainment hubs agreed over the run."),
    Output("total_defence_spending", "Total defence spending", USD_BN,
           "Sum of quarterly defence spending over steps 1..T."),
    Output("final_europe_canada_spending", "Final Europe and Canada spending",
           USD_BN_QUARTER, "Last-step spending of all nations except the US."),
    Output("final_mean_defence_pct_gdp", "Final mean defence share of GDP", PCT_GDP,
           "Last-step mean defence share over spenders."),
    Output("mean_collaborative_share", "Collaborative share of procurement", SHARE,
           "Mean of collaborative_share over steps 1..T."),
    Output("mean_pooled_share", "Pooled share of procurement", SHARE,
           "Mean of pooled_share over steps 1..T."),
    Output("units_delivered", "Units delivered", EQUIPMENT, "Units delivered over the run."),
    Output("capacity_growth", "Capacity growth", RATIO,
           "Production capacity at the last step / at step 0."),
    Output("final_european_dependency", "Final European dependency", SHARE,
           "Last-step European dependency."),
    Output("final_european_interoperability", "Final European interoperability", INDEX,
           "Last-step interoperability among European allies."),
    Output("european_dependency_change", "Change in European dependency", SHARE,
           "European dependency at the last step minus at step 0."),
    Output("mean_european_industrial_share", "European industrial share", SHARE,
           "Mean of european_industrial_share over steps 1..T."),
    Output("total_ukraine_aid", "Total aid to Ukraine", USD_BN, "Aid over the run."),
    Output("aid_units_to_ukraine", "Equipment to Ukraine", EQUIPMENT,
           "Units given from stocks and built new for Ukraine over the run."),
    Output("proposals_blocked", "Proposals blocked", COUNT,
           "Alliance-wide proposal-quarters blocked over the run."),
    Output("final_burden_gini", "Final burden Gini", INDEX, "Last-step value."),
    Output("final_burden_spearman", "Final burden rank correlation", RANK_CORRELATION,
           "Last-step Spearman correlation of GDP and defence share of GDP (NATO 2024: "
           "-0.02)."),
    Output("capability_lost_to_attacks", "Capability lost to attacks", CAPABILITY_QUARTERS,
           "Sum over steps of capability lost."),
    Output("attacks", "Hybrid attacks", COUNT,
           "Hybrid attacks over the run (random and scripted, as in the timeseries)."),
    Output("line_quarters_disabled", "Line-quarters disabled", LINE_QUARTERS,
           "Sum over steps of production lines down."),
)

KPI_NAMES = tuple(KPIS)

# The KPIs the command line prints after a run or comparison, the dashboards' cards and
# comparison chart, and what sweeps analyse unless told otherwise.
HEADLINE_KPIS = ("final_capability", "final_cohesion", "final_interoperability",
                 "milestone_on_time_rate", "time_to_first_joint_delivery",
                 "total_defence_spending", "mean_pooled_share")

# ------------------------------------------------------------------ ventures, milestones
_PROPOSED = Output("proposed_step", "Proposed step", STEP, "Quarter it was proposed.")
_AGREED = Output("agreed_step", "Agreed step", STEP, "Quarter it was agreed (-1: never).")
_ENDED = Output("end_step", "End step", STEP, "Quarter it ended (-1: still running).")
_FIRST = Output("first_delivery_step", "First delivery step", STEP,
                "Quarter of its first delivery (-1: none).")
PROGRAMMES = _table(
    _REPLICATION,
    Output("venture_id", "Venture", IDENTIFIER, "Number of the venture in its run."),
    Output("kind", "Kind", CATEGORY, "programme (pooled acquisition) or hub (sustainment)."),
    Output("name", "Name", TEXT, "The venture's name."),
    Output("alliance_wide", "Alliance-wide", FLAG,
           "Agreed by consensus of all allies (else a coalition)."),
    Output("area", "Capability area", CATEGORY, "The venture's area."),
    Output("lead", "Lead nation", NATION, "The nation that proposed it."),
    Output("members", "Members", NATION_LIST, "Its members."),
    Output("n_members", "Members", COUNT, "Number of members."),
    Output("standard", "Standard", IDENTIFIER,
           "The standard it buys on (-1 for hubs and unagreed programmes)."),
    Output("state", "State", CATEGORY, "proposed, active, stalled, completed, ..."),
    _PROPOSED, _period(_PROPOSED), _AGREED, _period(_AGREED), _ENDED, _period(_ENDED),
    _FIRST, _period(_FIRST),
    Output("units_ordered", "Units ordered", EQUIPMENT, "Units ordered by the programme."),
    Output("units_delivered", "Units delivered", EQUIPMENT, "Units delivered so far."),
    Output("paid_usd_bn", "Paid", USD_BN, "Money paid into the venture."),
    Output("hosts", "Hosts", NATION_LIST, "Nations hosting the hub's sites."),
)

_DUE = Output("due_step", "Due step", STEP, "Quarter the milestone falls due.")
_ASSESSED = Output("assessed_step", "Assessed step", STEP,
                   "Quarter it was judged (-1: not yet).")
MILESTONES = _table(
    _REPLICATION,
    Output("venture_id", "Venture", IDENTIFIER, "The programme that promised it."),
    Output("area", "Capability area", CATEGORY, "The programme's area."),
    Output("milestone", "Milestone", IDENTIFIER, "1, 2, ... in order of due date."),
    _DUE, _period(_DUE),
    Output("promised_units", "Promised units", EQUIPMENT,
           "Cumulative units promised by the due quarter."),
    Output("planned_units", "Planned units", EQUIPMENT,
           "Cumulative units planned by the due quarter (the plan without optimism)."),
    Output("delivered_at_due", "Delivered by the due quarter", EQUIPMENT,
           "Cumulative units delivered when it fell due."),
    Output("order_shortfall_at_due", "Order shortfall", EQUIPMENT,
           "Units members ordered below plan by the due quarter."),
    Output("lost_to_attacks_at_due", "Lost to attacks", EQUIPMENT,
           "Programme output lost to attacks on its line by the due quarter."),
    Output("status", "Status", CATEGORY, "pending, on_time, late, delivered_late, missed."),
    _ASSESSED, _period(_ASSESSED),
)

# ----------------------------------------------------------------------------- hindcast
# hindcast.csv, written by `python3 run.py hindcast RUN_DIR` into a run of
# scenarios/hindcast_2014.yaml (sim/analysis/hindcast.py).
HINDCAST = _table(
    Output("code", "Ally", NATION, "The ally's code (allies with figures for both years)."),
    Output("start", "Defence spending at the start", PCT_GDP,
           "The ally's share at the end of 2014 (NATO's 2014 figure; the run's step 0)."),
    Output("observed", "Observed defence spending", PCT_GDP, "NATO's 2024 estimate."),
    Output("model_mean", "Modelled defence spending: mean", PCT_GDP,
           "Mean over replications at the end of 2024."),
    Output("model_median", "Modelled defence spending: median", PCT_GDP,
           "Median over replications at the end of 2024."),
    Output("model_q05", "Modelled defence spending: 5 %", PCT_GDP,
           "5 % quantile over replications at the end of 2024."),
    Output("model_q95", "Modelled defence spending: 95 %", PCT_GDP,
           "95 % quantile over replications at the end of 2024."),
    Output("error", "Error", PP_GDP,
           "model_mean - observed (the errors the mean absolute and root mean square "
           "errors summarise)."),
)
# Drawn on hindcast.html (a fan over time), not stored.
EUROPE_CANADA_PCT_GDP = Output(
    "europe_canada_pct_gdp", "Europe and Canada defence spending", PCT_GDP,
    "Defence spending of the European allies and Canada compared, as a share of their "
    "combined GDP.")

TABLES = {"timeseries": TIMESERIES, "nations": NATIONS, "kpis": KPIS,
          "programmes": PROGRAMMES, "milestones": MILESTONES, "hindcast": HINDCAST}

# Identifiers that sweep folders add to their tables.
SWEEP_COLUMNS = _table(
    Output("run", "Run", IDENTIFIER, "Run r = design point r // replications, replication "
           "r % replications."),
    Output("point", "Design point", IDENTIFIER, "Row of design.parquet."),
)

def _per_area(name: str, areas: list[str] | None) -> Output | None:
    """``<family>_<area>``, the longest family first (``capacity_building_naval`` is
    capacity building, not capacity); with ``areas``, only for those areas."""
    for family in sorted(PER_AREA, key=len, reverse=True):
        area = name.removeprefix(f"{family}_")
        if area != name and area and (areas is None or area in areas):
            declared = PER_AREA[family]
            return Output(name, f"{declared.label}: {area.replace('_', ' ')}",
                          declared.unit, f"{declared.description} In one area.")
    return None


def describe(name: str, table: str = "timeseries", areas: list[str] | None = None
             ) -> Output:
    """The declaration of column ``name`` of ``table`` (per-area columns included - of
    ``areas`` only, when given); KeyError when it has none."""
    declared = TABLES[table]
    if name in declared:
        return declared[name]
    if name in SWEEP_COLUMNS:
        return SWEEP_COLUMNS[name]
    per_area = _per_area(name, areas) if table == "timeseries" else None
    if per_area is not None:
        return per_area
    raise KeyError(f"{table}.{name}")


def kpi(name: str) -> Output:
    """A KPI's declaration; a name this version does not know (from an older or newer run
    folder) gets a plain label and says its unit is not declared."""
    try:
        return describe(name, "kpis")
    except KeyError:
        return Output(name, name.replace("_", " "), Unit("unit not declared", "unit not "
                      "declared"), "Not declared in this version (sim/outputs.py).")


def drivers(columns: list[str]) -> list[Output]:
    """The timeseries figures drawn in the drivers panel, among ``columns``."""
    return [TIMESERIES[name] for name in TIMESERIES
            if TIMESERIES[name].group == DRIVER and name in columns]


def markdown_reference() -> str:
    """docs/OUTPUTS.md: every column of every table, from the declarations above."""
    lines = ["# Output reference", "",
             "Generated from `sim/outputs.py` by `python3 run.py schema --outputs`; a test "
             "fails when this file is stale. Every run folder also holds this table for its "
             "own columns as `columns.csv`. Money is in USD bn at current prices; "
             "capability in capability units (USD 1 bn of equipment at 2024 reference "
             "prices x readiness x interoperability factor; MODEL.md 1.2). Shares are "
             "stored as 0-1 and shown as per cent.", "",
             "Censoring: a KPI that is not defined in every run is stored as NaN there and "
             "summarised as docs/RESULTS.md (\"Censored and undefined KPIs\") describes.",
             ""]
    titles = {"timeseries": "Timeseries (`timeseries`; one row per replication and step)",
              "nations": "Nations (`nations`; one row per replication, step and nation)",
              "kpis": "KPIs (`kpis`; one row per replication)",
              "programmes": "Programmes and hubs (`programmes`; one row per venture ever "
                            "proposed)",
              "milestones": "Milestones (`milestones`; one row per promised milestone)",
              "hindcast": "Hindcast (`hindcast.csv`, written by `python3 run.py hindcast "
                          "RUN_DIR`; one row per ally compared)"}
    for table, declared in TABLES.items():
        lines += [f"## {titles[table]}", "", "| column | label | unit | meaning | censoring |",
                  "| --- | --- | --- | --- | --- |"]
        for output in declared.values():
            censoring = "" if output.censoring is Censoring.NONE else output.censoring.value
            lines.append(f"| `{output.name}` | {output.label} | {output.unit.name} | "
                         f"{output.description} | {censoring} |")
        if table == "timeseries":
            for prefix, family in PER_AREA.items():
                lines.append(f"| `{prefix}_<area>` | {family.label}: area | "
                             f"{family.unit.name} | {family.description} In one area "
                             "(with `outputs.per_area`). | |")
        lines.append("")
    lines += ["Headline KPIs (printed after `run` and `compare`, shown as cards, analysed "
              "by sweeps unless told otherwise): "
              + ", ".join(f"`{name}`" for name in HEADLINE_KPIS) + ".", ""]
    return "\n".join(lines)
