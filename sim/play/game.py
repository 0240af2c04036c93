"""A game: a person decides for one nation, one quarter a turn; the other nations decide
through their policies.

The player's decisions are a scripted policy (sim.schema.policy) that grows by one entry
a quarter; the model steps with it exactly as it would with the same script from a file,
so the log written after every quarter replays the game to identical tables
(sim.play.log.replay). The controls the game offers are read from the schema's
``DecisionFields``: a decision declared there is offered, logged and played back.
"""

from __future__ import annotations

import copy
import math
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.enums import Pathway
from sim.mechanisms import decisions as decision_mechanism
from sim.model import AllianceModel
from sim.outputs import KPIS, Censoring, Output
from sim.play import briefing
from sim.play import log as play_log
from sim.policies import Decisions, ScriptedPolicy
from sim.policies.scripted import SCALAR_DECISIONS
from sim.records import NATION_FIELDS
from sim.results.tables import calendar, result_tables
from sim.schema import Scenario
from sim.schema.play import PlayLog
from sim.schema.policy import DecisionFields, NationPolicy, PolicyEntry
from sim.schema.scenario import check_policy
from sim.storage_errors import describe_os_error
from sim.writers import config_hash, write_parquet

PLAYS = Path("results") / "plays"
PATHWAYS = [pathway.label for pathway in Pathway]


@dataclass(frozen=True)
class Control:
    """A number the player sets each quarter, as the schema declares it."""

    name: str  # the DecisionFields field
    description: str
    unit: str
    low: float
    high: float
    step: float

    @property
    def decimals(self) -> int:
        """The decimals its step shows (0.1: 1, 0.05: 2, 0.001: 3)."""
        return max(0, -int(np.floor(np.log10(self.step))))


def controls() -> list[Control]:
    """Every number decision of sim.schema.policy.DecisionFields, with its control's range."""
    found = []
    for name, info in DecisionFields.model_fields.items():
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        if "control" in extra:
            low, high, step = extra["control"]
            found.append(Control(name, info.description or "", str(extra.get("unit", "")),
                                 float(low), float(high), float(step)))
    return found


def whole_percents(shares: np.ndarray) -> list[int]:
    """Shares (summing to 1) as whole percents summing to exactly 100 (largest
    remainders round up)."""
    raw = np.asarray(shares, dtype=float) * 100.0
    floors = np.floor(raw).astype(int)
    order = np.argsort(-(raw - floors), kind="stable")
    floors[order[: 100 - int(floors.sum())]] += 1
    return floors.tolist()


def play_id(scenario: Scenario, nation: str, seed: int) -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", scenario.metadata.name).strip("-") or "game"
    return f"{stamp}-{name}-{nation}-s{seed}"


def new_folder(path: Path) -> Path:
    """``path``, or else ``path-2``, ``path-3``, ...: the first that did not exist, made
    now. Games started in the same second on one scenario, nation and seed - by two
    players of one server, or two servers - get the same id, and saved into one folder
    each overwrote the other's log."""
    path.parent.mkdir(parents=True, exist_ok=True)
    candidate, number = path, 1
    while True:
        try:
            candidate.mkdir()
            return candidate
        except FileExistsError:
            number += 1
            candidate = path.with_name(f"{path.name}-{number}")


@dataclass
class Game:
    scenario: Scenario  # as loaded, the player's nation still on its own policy
    scenario_path: str
    nation: str
    seed: int
    quarters: int  # length of the game
    folder: Path  # where the log and the game's tables are saved
    model: AllianceModel = field(init=False)
    entries: list[PolicyEntry] = field(default_factory=list)
    pending: dict[str, Any] = field(default_factory=dict)  # this turn's decisions so far
    undo_stack: list[dict[str, Any]] = field(default_factory=list)
    news: dict[int, list[str]] = field(default_factory=dict)  # quarter -> what happened
    claimed: bool = False  # whether ``folder`` is this game's (made by its first save)
    unsaved: str = ""  # why the last save failed; "" when the saved log is the game so far

    def __post_init__(self) -> None:
        self.nation = self.nation.upper()
        if self.nation not in self.scenario.nation_codes:
            raise ValueError(f"the scenario has no nation {self.nation!r}")
        self.quarters = min(self.quarters, self.scenario.simulation.steps)
        self.model = AllianceModel(self.scenario, rng=self.seed)
        self.pending = self.advised()

    # ------------------------------------------------------------------ start
    @classmethod
    def start(cls, scenario: Scenario, scenario_path: str, nation: str, seed: int,
              quarters: int | None = None, plays: Path = PLAYS) -> Game:
        quarters = quarters or scenario.simulation.steps
        folder = plays / play_id(scenario, nation.upper(), seed)
        return cls(scenario, scenario_path, nation, seed, quarters, folder)

    @classmethod
    def resume(cls, path: Path) -> Game:
        """The game saved in the log ``path``, replayed to where it stopped."""
        log = play_log.read_log(path)
        scenario, _ = play_log.played_scenario(log, path)
        game = cls(scenario, log.scenario, log.nation, log.seed, log.quarters, path.parent,
                   claimed=True)
        for entry in log.policy.decisions:
            game._play(entry)
        game.pending = game.held()
        return game

    # ------------------------------------------------------------------ reading
    @property
    def index(self) -> int:
        return self.scenario.nation_codes.index(self.nation)

    @property
    def quarter(self) -> int:
        """Quarters ended so far."""
        return int(self.model.steps)

    @property
    def over(self) -> bool:
        return self.quarter >= self.quarters

    @property
    def areas(self) -> list[str]:
        return self.model.state.areas.names

    @property
    def log_path(self) -> Path:
        return self.folder / play_log.LOG_NAME

    def advice(self) -> Decisions:
        """What the nation's staff recommends on what is known now (the behavioural
        policy's decisions, for every nation)."""
        model = self.model
        seen = decision_mechanism.observe(model.state, model.config.alliance,
                                          model.config.simulation.steps_per_year)
        return model.behavioural.decide_all(seen)

    def advised(self) -> dict[str, Any]:
        """This turn's decisions as the staff recommends them (splits in whole percents)."""
        advice, row = self.advice(), self.index
        # Rounded as finely as the control steps (a share of 0.005 is not 0.0).
        decimals = {control.name: control.decimals for control in controls()}
        pending: dict[str, Any] = {
            name: round(float(getattr(advice, target)[row]), decimals[name])
            for name, target in SCALAR_DECISIONS.items()}
        pending["allocation"] = {
            area: dict(zip(PATHWAYS, whole_percents(advice.allocation[row, a]), strict=True))
            for a, area in enumerate(self.areas)}
        pending["propose"] = None
        return pending

    def held(self) -> dict[str, Any]:
        """This turn's decisions as last quarter's (a proposal is made once); what the
        log never gave (a log written by hand), as the staff recommends."""
        pending, last = self.advised(), self.entries[-1]
        for name in SCALAR_DECISIONS:
            if getattr(last, name) is not None:
                pending[name] = getattr(last, name)
        for area, split in last.allocation.items():
            shares = np.array([getattr(split, p) for p in PATHWAYS])
            pending["allocation"][area] = dict(zip(PATHWAYS, whole_percents(shares),
                                                   strict=True))
        return pending

    # ------------------------------------------------------------------ deciding
    def _edit(self) -> dict[str, Any]:
        self.undo_stack.append(copy.deepcopy(self.pending))
        return self.pending

    def set_number(self, name: str, value: float | str) -> None:
        """Set a number decision (a Control's name) from a number or the text typed in its
        field, held within the control's range; a ValueError, and nothing changed, for what
        is not a number ("abc", or "nan": it cannot be held within a range, and the log
        refuses it)."""
        control = next((c for c in controls() if c.name == name), None)
        if control is None:
            raise KeyError(name)
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        if math.isnan(number):
            raise ValueError(f"{briefing.words(name)} must be a number from "
                             f"{control.low:g} to {control.high:g} {control.unit}; it stays "
                             f"{self.pending[name]:g}")
        self._edit()[name] = round(min(max(number, control.low), control.high), 3)

    def set_share(self, area: str, pathway: str, percent: int) -> None:
        """Set a cooperative pathway's share of an area's budget (whole %); national
        procurement takes what is left."""
        if pathway == "national" or pathway not in PATHWAYS or area not in self.areas:
            raise KeyError(f"{area}.{pathway}")
        split = dict(self.pending["allocation"][area])
        others = sum(v for p, v in split.items() if p not in ("national", pathway))
        split[pathway] = int(min(max(int(percent), 0), 100 - others))
        split["national"] = 100 - others - split[pathway]
        self._edit()["allocation"][area] = split

    def propose(self, area: str, partners: list[str], name: str = "") -> None:
        """Propose a pooled programme in ``area`` to named partners, this quarter."""
        self._edit()["propose"] = {"area": area, "partners": list(partners), "name": name} \
            if partners else None

    def take_advice(self) -> None:
        self._edit()
        self.pending = self.advised()

    def undo(self) -> bool:
        """Take back the last change of this turn; False when there is none."""
        if not self.undo_stack:
            return False
        self.pending = self.undo_stack.pop()
        return True

    # ------------------------------------------------------------------ playing
    def entry(self) -> PolicyEntry:
        """This turn's decisions as the log's entry for the coming quarter."""
        allocation = {area: {p: v / 100.0 for p, v in split.items()}
                      for area, split in self.pending["allocation"].items()}
        return PolicyEntry(step=self.quarter + 1, **{**self.pending, "allocation": allocation})

    def end_quarter(self) -> None:
        """Play this turn's decisions: the model advances one quarter, the log is saved
        (if the disk refuses, the quarter stays played: see ``save``)."""
        if self.over:
            raise RuntimeError("the game is over")
        self._play(self.entry())
        self.pending = self.held()
        self.undo_stack.clear()
        self.save()

    def end_now(self) -> Path:
        """End the game after the quarters played and save it so: the log's length becomes
        them, and the game resumed from it opens at its debrief."""
        if not self.entries:
            raise RuntimeError("no quarter has been played: there is no game to end")
        self.quarters = self.quarter
        self.save()
        return self.log_path

    def _play(self, entry: PolicyEntry) -> None:
        down_before = self.model.state.industry.line_down_until.copy()
        policy = NationPolicy(kind="scripted", decisions=[*self.entries, entry])
        check_policy(policy, ("policy",), self.nation, set(self.scenario.nation_codes),
                     set(self.areas))  # before anything changes: a refused entry leaves none
        self.entries.append(entry)
        alliance = self.scenario.alliance
        self.model.set_policy([self.nation], ScriptedPolicy(
            policy, self.areas, alliance.formation.willingness_threshold,
            self.scenario.nation_codes))
        self.model.step()
        self.news[self.quarter] = briefing.quarter_news(self.model, self.index, down_before)

    def policy(self) -> NationPolicy:
        return NationPolicy(kind="scripted", decisions=self.entries)

    def log(self) -> PlayLog:
        return PlayLog(scenario=self.scenario_path, scenario_hash=config_hash(self.scenario),
                       seed=self.seed, nation=self.nation, quarters=self.quarters,
                       policy=self.policy())

    def save(self) -> Path | None:
        """Write the log and the game's tables so far (each file atomically); None before
        the first quarter has been played, or when the disk refused (full, read-only):
        then ``unsaved`` says why and the game goes on in memory - the log is the whole
        game, so the next save that succeeds catches up."""
        if not self.entries:
            return None
        try:
            if not self.claimed:
                self.folder = new_folder(self.folder)
                self.claimed = True
            for name, table in self.tables().items():
                write_parquet(self.folder / f"{name}.parquet", table)
            play_log.write_log(self.log(), self.log_path)
        except OSError as error:
            self.unsaved = describe_os_error(error)
            return None
        self.unsaved = ""
        return self.log_path

    def tables(self) -> dict[str, pd.DataFrame]:
        return result_tables(self.model)

    def default_run(self) -> AllianceModel:
        """The same seed to the same quarter with the nation on its default policy."""
        model = AllianceModel(self.scenario, rng=self.seed)
        for _ in range(self.quarter):
            model.step()
        return model

    def debrief(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The game against the same seed played by the default policy: the alliance's
        KPIs, and the player's nation against its default self and the other allies."""
        default = self.default_run()
        mine, theirs = self.model.kpis(), default.kpis()
        when = calendar(self.model).readable(self.quarter)
        kpis = pd.DataFrame([
            {"kpi": KPIS[name].axis_title,
             "your game": kpi_text(KPIS[name], mine[name], when),
             "default policy, same seed": kpi_text(KPIS[name], theirs[name], when),
             "your game - default": KPIS[name].unit.difference(mine[name] - theirs[name],
                                                               with_unit=False)}
            for name in DEBRIEF_KPIS])
        row = self.index
        played, baseline = self.model.nation_rows[-1], default.nation_rows[-1]
        others = np.arange(played.shape[0]) != row
        nation = pd.DataFrame([
            {"figure": f"{label} ({unit})", "your nation": played[row, column],
             "default policy, same seed": baseline[row, column],
             "median of the other allies": float(np.median(played[others, column])),
             "rank among allies": int((played[:, column] > played[row, column]).sum()) + 1}
            for label, unit, column in NATION_DEBRIEF])
        return kpis, nation.round(3)


# Labelled, in units and with words for what has not happened yet as the dashboards and
# the terminal's summary give them (sim/outputs.py).
DEBRIEF_KPIS = ("final_capability", "final_cohesion", "final_interoperability",
                "milestone_on_time_rate", "time_to_first_joint_delivery", "final_readiness",
                "final_mean_defence_pct_gdp", "programmes_formed", "total_defence_spending")
UNDEFINED_WORDS = {Censoring.UNDEFINED: "undefined (nothing due by {when})",
                   Censoring.NOT_REACHED: "not reached by {when}"}


def kpi_text(output: Output, value: float, when: str) -> str:
    """A KPI of the game at ``when`` (the last quarter played) in its unit; one that is
    not defined (NaN) says why in words."""
    if math.isnan(value):
        return UNDEFINED_WORDS.get(output.censoring, "undefined").format(when=when)
    return output.unit.number(value)
NATION_DEBRIEF = [(label, unit, list(NATION_FIELDS).index(name)) for label, unit, name in (
    ("defence spending", "% of GDP", "defence_pct_gdp"),
    ("capability", "capability units", "capability"),
    ("readiness", "0-1", "readiness"),
    ("trust in allies", "0-1", "trust_allies"),
    ("open programmes and hubs", "count", "memberships"))]
