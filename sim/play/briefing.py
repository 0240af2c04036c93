"""What the player sees: its nation's figures, the alliance picture and the quarter's news
in plain words, read from the model's state (nothing here changes it)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.enums import MilestoneStatus, VentureKind, VentureState
from sim.model import AllianceModel
from sim.records import NATION_FIELDS

STATUS_WORDS = {MilestoneStatus.ON_TIME: "delivered on time",
                MilestoneStatus.LATE: "late",
                MilestoneStatus.DELIVERED_LATE: "delivered late",
                MilestoneStatus.MISSED: "missed"}
SHOWN_MEMBERS = 8  # longer member lists are given as their size


def words(name: str) -> str:
    return name.replace("_", " ")


def nation_figures(model: AllianceModel, row: int) -> list[tuple[str, str]]:
    """The nation's budget, politics and trust: (label, value with unit)."""
    nations, choices = model.state.nations, model.state.choices
    spy = model.config.simulation.steps_per_year
    return [
        ("GDP", f"{nations.gdp[row]:,.0f} USD bn a year"),
        ("Defence spending", f"{nations.share[row]:.2f} % of GDP "
                             f"({nations.spending[row] * spy:,.1f} USD bn a year)"),
        ("Desired (decided last quarter)", f"{choices.desired_share[row]:.2f} % of GDP"),
        ("Procurement budget", f"{nations.procurement[row]:,.2f} USD bn a quarter"),
        ("Resilience spending", f"{nations.resilience[row]:.2f} % of GDP (protects "
                                f"{nations.protection[row]:.0%} of attacks)"),
        ("Aid to Ukraine", f"{nations.aid[row]:.2f} % of GDP a year"),
        ("Exercises and intelligence-sharing",
         f"{nations.exercise_share[row]:.1%} of defence spending (practice with allies "
         f"{nations.practice[row]:.2f}, 0-1)"),
        ("Threat exposure", f"{nations.exposure[row]:.2f} (0-1)"),
        ("Domestic pressure", f"{nations.pressure[row]:.2f} (0-1)"),
        ("Trust in allies", f"{nations.trust_allies[row]:.2f} (0-1)"),
        ("Trust in the US", f"{nations.trust_us[row]:.2f} (0-1)"),
    ]


def world_figures(model: AllianceModel) -> list[tuple[str, str]]:
    """The drivers and the alliance picture: (label, value with unit)."""
    state, figures = model.state, model.figures
    return [
        ("Russian threat", f"{state.world.threat:.2f} (0-1)"),
        ("US commitment to Europe", f"{state.world.us_europe:.2f} (0-1)"),
        ("Alliance capability", f"{figures['effective_capability']:,.0f} capability units"),
        ("Cohesion", f"{figures['cohesion']:.3f} (0-1)"),
        ("Interoperability", f"{figures['interoperability']:.3f} (0-1)"),
        ("Mean defence spending", f"{figures['mean_defence_pct_gdp']:.2f} % of GDP"),
        ("Active programmes / hubs", f"{figures['active_programmes']:.0f} / "
                                     f"{figures['active_hubs']:.0f}"),
    ]


def forces_table(model: AllianceModel, row: int) -> pd.DataFrame:
    """Per area: stock, readiness, capability, units on order and due next quarter."""
    state = model.state
    forces, industry = state.forces, state.industry
    return pd.DataFrame({
        "area": [words(name) for name in state.areas.names],
        "stock (units)": forces.stock[row].round(1),
        "readiness (0-1)": forces.readiness[row].round(3),
        "capability (units)": forces.capability[row].round(1),
        "on order (units)": (industry.pipeline[row].sum(axis=1)
                             + industry.backlog[row]).round(1),
        "due next quarter (units)": industry.pipeline[row, :, 0].round(2),
    })


def _codes(model: AllianceModel, rows: np.ndarray) -> str:
    """Members by code; a long list as its size."""
    if len(rows) > SHOWN_MEMBERS:
        return f"{len(rows)} allies"
    return " ".join(model.state.nations.codes[i] for i in rows)


def ventures_table(model: AllianceModel, row: int) -> pd.DataFrame:
    """The nation's programmes and hubs (open ones), with their next milestone."""
    state = model.state
    book = state.ventures
    rows = []
    for venture in book.live:
        if book.member_of[venture.kind][row, venture.area] != venture.venture_id:
            continue
        due = next((m for m in venture.milestones if m.status in
                    (MilestoneStatus.PENDING, MilestoneStatus.LATE)), None)
        rows.append({
            "kind": venture.kind.value, "name": venture.name or "-",
            "area": words(state.areas.names[venture.area]), "state": venture.state.value,
            "lead": state.nations.codes[venture.lead],
            "members": _codes(model, book.current_members(venture)),
            "delivered (units)": round(venture.delivered_total, 1),
            "next milestone": "-" if due is None else
            f"quarter {due.due_step}: {due.promised_units:,.1f} units",
        })
    return pd.DataFrame(rows, columns=["kind", "name", "area", "state", "lead", "members",
                                       "delivered (units)", "next milestone"])


def open_proposals(model: AllianceModel, row: int) -> pd.DataFrame:
    """Proposals under negotiation the nation is not in, and how it would join."""
    state = model.state
    threshold = model.config.alliance.formation.willingness_threshold
    rows = []
    for venture in state.ventures.live:
        if venture.state is not VentureState.PROPOSED or \
                state.ventures.member_of[venture.kind][row, venture.area] == venture.venture_id:
            continue
        pathway = venture.kind.pathway.label
        rows.append({
            "kind": venture.kind.value, "area": words(state.areas.names[venture.area]),
            "lead": state.nations.codes[venture.lead],
            "members": _codes(model, venture.members),
            "how to join": f"put at least {threshold:.0%} into {pathway} in this area"
            if venture.alliance_wide else "a coalition: propose your own with its members",
        })
    return pd.DataFrame(rows, columns=["kind", "area", "lead", "members", "how to join"])


def burden_table(model: AllianceModel) -> pd.DataFrame:
    """Who pays what: every nation's defence share of GDP and spending, highest first."""
    nations = model.state.nations
    spy = model.config.simulation.steps_per_year
    table = pd.DataFrame({"nation": nations.codes,
                          "defence (% of GDP)": nations.share.round(2),
                          "spending (USD bn a year)": (nations.spending * spy).round(1)})
    return table.sort_values("defence (% of GDP)", ascending=False).reset_index(drop=True)


def nation_history(model: AllianceModel, row: int) -> pd.DataFrame:
    """The nation's figures at each quarter so far (quarter 0 is the start)."""
    rows = np.stack(model.nation_rows)[:, row, :]
    frame = pd.DataFrame(rows, columns=list(NATION_FIELDS))
    frame.insert(0, "step", range(len(frame)))
    return frame


def quarter_news(model: AllianceModel, row: int, down_before: np.ndarray) -> list[str]:
    """What happened in the quarter just played, in plain words: the scenario's injects,
    attacks on industry (``down_before``: each production line's last quarter down, before
    the quarter), ventures proposed and agreed, the nation's milestones."""
    state = model.state
    t, codes, areas = state.step, state.nations.codes, state.areas.names
    news = [f"Inject: {inject.label or words(inject.target.value)}"
            for inject in model.config.injects if inject.step == t]
    if t == state.world.paths.negotiation_step:
        news.append("Moscow opens serious negotiations: the threat recedes.")
    down_until = state.industry.line_down_until
    for nation, area in np.argwhere((down_until > down_before).any(axis=2)):
        owner = "your" if nation == row else f"{codes[nation]}'s"
        news.append(f"Hybrid attack: a line of {owner} {words(areas[area])} production is "
                    f"down until quarter {down_until[nation, area].max()}.")
    if state.industry.attacks_foiled[row]:
        news.append(f"Your protection foiled {int(state.industry.attacks_foiled[row])} "
                    "attack(s) on your industry.")
    for venture in state.ventures.live:
        kind = "programme" if venture.kind is VentureKind.PROGRAMME else "sustainment hub"
        where = words(areas[venture.area])
        if venture.proposed_step == t:
            news.append(f"{codes[venture.lead]} proposed a {kind} in {where} with "
                        f"{_codes(model, venture.members)}.")
        if venture.agreed_step == t:
            news.append(f"Agreed: the {kind} in {where} led by {codes[venture.lead]} "
                        f"({_codes(model, venture.members)}).")
        mine = row in venture.members
        for number, milestone in enumerate(venture.milestones, start=1):
            if mine and milestone.assessed_step == t and milestone.status in STATUS_WORDS:
                news.append(f"Milestone {number} of your {kind} in {where}: "
                            f"{STATUS_WORDS[milestone.status]}.")
    return news or ["A quiet quarter."]
