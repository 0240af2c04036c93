"""The play app (Solara, the stack of Mesa's SolaraViz): a page to play a nation turn by
turn, and a page to explore one run live. Served by sim.play.server; docs/PLAY.md.

Every browser session has its own game and explorer. Text from scenario files is shown
through Solara's text components, which render it as text, never as markup.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any, cast

import pandas as pd
import plotly.graph_objects as go
import solara
import solara.lab

from sim.calendar import Calendar
from sim.dashboards import panels as draw
from sim.dashboards.figures import date_axis, periods, steps_to_dates
from sim.dashboards.palette import colour
from sim.enums import VentureKind
from sim.loader import ScenarioError, load_scenario
from sim.outputs import TIMESERIES
from sim.play import briefing, server
from sim.play.explorer import Explorer, current_value, sliders
from sim.play.game import PATHWAYS, Control, Game, controls
from sim.play.log import LOG_NAME
from sim.results import RunResults
from sim.results.tables import calendar as calendar_of

PLAY_INTERVAL = 0.4  # seconds between quarters while the explorer plays
COOPERATIVE = [pathway for pathway in PATHWAYS if pathway != "national"]
PATHWAY_HELP = {  # {threshold}: the scenario's willingness threshold
    "standards": "money toward switching to the alliance's reference standard "
                 "(interoperability, cheaper learning-curve prices)",
    "pooled": "paid into a pooled programme: {threshold} or more makes you seek one in the "
              "area (join the open one or propose); 0 % leaves yours",
    "hubs": "paid into a joint sustainment hub (readiness): the same rule as pooled",
}

game = solara.reactive(cast(Game | None, None))
revision = solara.reactive(0)  # bumped after every change to the game object
notice = solara.reactive("")
explorer = solara.reactive(cast(Explorer | None, None))
explorer_revision = solara.reactive(0)
playing = solara.reactive(False)


def config() -> server.AppConfig:
    if server.CONFIG is None:
        raise RuntimeError("start the app with: python3 run.py play SCENARIO --nation CODE")
    return server.CONFIG


def changed(message: str = "") -> None:
    notice.value = message
    revision.value += 1


# ---------------------------------------------------------------------- charts
def style(figure: go.Figure, title: str, y_title: str, calendar: Calendar) -> go.Figure:
    """The play page's look, time on the dashboards' calendar axis (a tick a year)."""
    figure.update_layout(title=title, template="plotly_white", height=300,
                         margin={"l": 60, "r": 20, "t": 50, "b": 50},
                         legend={"orientation": "h", "y": -0.3})
    figure.update_layout(yaxis_title=y_title)
    date_axis(figure, calendar)
    return figure


def dated(steps: Any, values: Any, calendar: Calendar, **line: Any) -> go.Scatter:
    """A line over steps, drawn at their dates (as text: the widgets send plain JSON),
    the quarter in the hover."""
    return go.Scatter(x=steps_to_dates(calendar, list(steps)), y=values,
                      text=periods(calendar, list(steps)),
                      hovertemplate="%{text}: %{y:.3~f}", **line)


def history_figures(current: Game) -> list[go.Figure]:
    nation = briefing.nation_history(current.model, current.index)
    alliance = current.model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    steps = range(len(alliance))
    code, when = current.nation, calendar_of(current.model)
    spending = go.Figure([
        dated(nation["step"], nation["defence_pct_gdp"], when, name=code,
              line={"color": colour(0), "width": 2.5}),
        dated(steps, alliance["mean_defence_pct_gdp"], when, name="alliance mean",
              line={"color": colour(1), "dash": "dot"})])
    capability = go.Figure([
        dated(nation["step"], nation["capability"], when, name=f"{code} capability",
              line={"color": colour(0), "width": 2.5})])
    picture = go.Figure([
        dated(steps, alliance["effective_capability"], when, name="capability",
              line={"color": colour(2)}),
        dated(steps, alliance["cohesion"], when, name="cohesion (right axis)",
              yaxis="y2", line={"color": colour(3), "dash": "dot"})])
    # Ticks of its own: an overlaying axis's default ("sync") puts them at the capability
    # axis's gridlines, at values such as 0.679136.
    picture.update_layout(yaxis2={"title": TIMESERIES["cohesion"].axis_title,
                                  "overlaying": "y", "side": "right", "tickmode": "auto",
                                  "showgrid": False})
    return [style(spending, "Defence spending", "% of GDP", when),
            style(capability, "Your capability", "capability units", when),
            style(picture, "Alliance capability and cohesion", "capability units", when)]


# ---------------------------------------------------------------------- small parts
PAGE_WIDTH = 1320  # pixels shared by the charts of a row (plotly widgets do not resize)
EXPLORER_WIDTH = 980  # the explorer's charts share the page with its sliders


@solara.component
def Figures(items: list[go.Figure], width: int = PAGE_WIDTH) -> None:
    with solara.Row(gap="8px"):
        for figure in items:
            figure.update_layout(width=width // len(items) - 8)
            solara.FigurePlotly(figure)


@solara.component
def Lines(lines: list[str]) -> None:
    with solara.Column(gap="4px"):
        for line in lines:
            solara.Text(line)


@solara.component
def FigureList(rows: list[tuple[str, str]]) -> None:
    with solara.Column(gap="2px"):
        for label, value in rows:
            with solara.Row(gap="8px"):
                solara.Text(f"{label}:", style={"color": "#555", "min-width": "13em"})
                solara.Text(value, style={"font-weight": "600"})


@solara.component
def Table(frame: pd.DataFrame, empty: str) -> None:
    if frame.empty:
        solara.Text(empty, style={"color": "#555"})
    else:
        solara.DataFrame(frame, items_per_page=max(len(frame), 1))


# ---------------------------------------------------------------------- start
def start_new() -> None:
    settings = config()
    try:
        scenario = load_scenario(settings.scenario_path)
    except ScenarioError as error:
        changed(str(error))
        return
    game.value = Game.start(scenario, settings.scenario_path, settings.nation,
                            settings.seed, settings.quarters, settings.plays)
    changed("A new game: set your decisions and end the quarter.")


def resume(path: Path) -> None:
    try:
        game.value = Game.resume(path)
    except ScenarioError as error:
        changed(str(error))
        return
    changed(f"Resumed {path} after quarter {game.value.quarter}.")


@solara.component
def StartPanel() -> None:
    settings = config()
    saved = sorted(settings.plays.glob(f"*/{LOG_NAME}"), reverse=True)
    if settings.resume is not None and settings.resume not in saved:
        saved.insert(0, settings.resume)
    chosen = solara.use_reactive(str(saved[0]) if saved else "")
    with solara.Card("Play a nation"):
        solara.Text(f"Scenario {settings.scenario_path}: you decide for {settings.nation}, "
                    f"one quarter a turn, for {settings.quarters} quarters (seed "
                    f"{settings.seed}). The other allies decide by their policies.")
        solara.Button("New game", on_click=start_new, color="primary",
                      classes=["new-game"])
    with solara.Card("Resume a saved game"):
        if not saved:
            solara.Text("No saved games yet.", style={"color": "#555"})
            return
        solara.Select("saved game (play log)", values=[str(path) for path in saved],
                      value=chosen)
        solara.Button("Resume", on_click=lambda: resume(Path(chosen.value)),
                      classes=["resume-game"])


# ---------------------------------------------------------------------- a turn
@solara.component
def NumberControl(current: Game, control: Control, version: int) -> None:
    """A number decision typed as text and parsed by the game (Solara's InputFloat takes
    "nan" as a number and, as nan never equals itself, renders again without end). The
    field always shows the decision as held: a number beyond the range at its end, and
    after a refusal the value kept."""
    held = str(current.pending[control.name])
    text = solara.use_reactive(held)

    def typed(new: str) -> None:
        if new == str(current.pending[control.name]):  # the field set back to the decision
            return
        try:
            current.set_number(control.name, new)
        except ValueError as error:  # not a number
            changed(f"Not set: {error}.")
        else:
            changed()
        text.set(str(current.pending[control.name]))

    solara.InputText(f"{briefing.words(control.name)} ({control.unit})", value=text,
                     on_value=typed, continuous_update=False,
                     classes=[f"control-{control.name}"])


@solara.component
def Decisions(current: Game, version: int) -> None:
    pending = current.pending
    for control in controls():
        NumberControl(current, control, version)
        solara.Text(f"{control.description} Range {control.low:g} to {control.high:g} "
                    f"{control.unit}.", style={"color": "#555", "font-size": "0.85em"})
    solara.Text("Split of each area's procurement budget (% of the area's budget; "
                "national procurement takes the rest):", style={"font-weight": "600"})
    threshold = f"{current.scenario.alliance.formation.willingness_threshold:.0%}"
    for pathway in COOPERATIVE:
        solara.Text(f"{pathway}: {PATHWAY_HELP[pathway].format(threshold=threshold)}.",
                    style={"color": "#555", "font-size": "0.85em"})
    for area in current.areas:
        split = pending["allocation"][area]
        title = f"{briefing.words(area)}: national {split['national']} %"
        with solara.Card(title, margin=0, elevation=0, classes=[f"area-{area}"]):
            for pathway in COOPERATIVE:
                solara.SliderInt(
                    f"{pathway} {split[pathway]} %", value=split[pathway], min=0, max=100,
                    on_value=lambda value, area=area, pathway=pathway: (
                        current.set_share(area, pathway, value), changed()))
    Coalition(current, version)


@solara.component
def Coalition(current: Game, version: int) -> None:
    area = solara.use_reactive(current.areas[0])
    partners = solara.use_reactive(cast(list[str], []))
    title = solara.use_reactive("")
    proposal = current.pending.get("propose")
    # A Column: a card sets its texts inline, one running into the next.
    with solara.Card("Propose a coalition (a pooled programme with named partners)",
                     margin=0, elevation=0), solara.Column(gap="4px"):
        solara.Text("Made once, this quarter. You lead and your standard is bought; "
                    "partners already in a programme in the area stay where they are; "
                    "agreement is then negotiated. Keep a pooled share above 0 % in the "
                    "area or you withdraw next quarter.",
                    style={"color": "#555", "font-size": "0.85em"})
        others = [code for code in current.scenario.nation_codes if code != current.nation]
        area_index = current.areas.index(area.value)
        if current.model.state.ventures.member_of[VentureKind.PROGRAMME][
                current.index, area_index] >= 0:
            solara.Text("You are in a programme in this area already: you would stay in it, "
                        "and your partners would form the coalition without you.",
                        style={"color": "#b45f06", "font-size": "0.85em"})
        with solara.Row():
            named = {briefing.words(name): name for name in current.areas}
            solara.Select("area", values=list(named), value=briefing.words(area.value),
                          on_value=lambda label: area.set(named[label]))
            solara.SelectMultiple("partners", values=partners.value, all_values=others,
                                  on_value=partners.set)
            solara.InputText("name (optional)", value=title)
        with solara.Row():
            solara.Button("Propose this quarter", disabled=not partners.value,
                          on_click=lambda: (current.propose(area.value, partners.value,
                                                            title.value), changed()))
            if proposal:
                solara.Text(f"Proposed: {briefing.words(proposal['area'])} with "
                            f"{' '.join(proposal['partners'])}")
                solara.Button("Withdraw", text=True,
                              on_click=lambda: (current.propose("", []), changed()))


def not_saved(current: Game) -> str:
    return (f"could not be saved ({current.unsaved}); the game is kept here and saved "
            "again with the next quarter or Save.")


def say_whether_saved(current: Game, unsaved_opening: str, saved: str) -> None:
    """The page's line after a save: ``saved``, or, when the save failed, the line that
    opens with ``unsaved_opening`` and says why and what happens to the game."""
    changed(f"{unsaved_opening} {not_saved(current)}" if current.unsaved else saved)


def end_quarter(current: Game) -> None:
    try:
        current.end_quarter()
    except ValueError as error:  # a decision out of its bounds
        changed(f"Not played: {error}")
        return
    played = f"Quarter {current.quarter} played"
    say_whether_saved(current, f"{played} but", f"{played}; game saved to {current.log_path}.")


def end_game(current: Game) -> None:
    path = current.end_now()
    ended = f"Game ended after quarter {current.quarter}"
    say_whether_saved(current, f"{ended} but", f"{ended}; saved to {path}.")


def save(current: Game) -> None:
    path = current.save()
    say_whether_saved(current, "The game", f"Saved to {path}." if path else
                      "Nothing to save before the first quarter.")


@solara.component
def Turn(current: Game, version: int) -> None:
    row = current.index
    name = current.model.state.nations.names[row]
    solara.Text(f"{name} ({current.nation}) - Quarter {current.quarter + 1} of "
                f"{current.quarters}", classes=["turn-title"],
                style={"font-size": "1.5em", "font-weight": "600"})
    solara.Text(f"Scenario: {current.scenario.metadata.name}. "
                f"{current.scenario.metadata.description}", style={"color": "#555"})
    with solara.Row():
        solara.Button("End quarter", on_click=lambda: end_quarter(current),
                      color="primary", classes=["end-quarter"])
        solara.Button("Undo", disabled=not current.undo_stack,
                      on_click=lambda: changed("" if current.undo() else "Nothing to undo."))
        solara.Button("Staff advice", on_click=lambda: (current.take_advice(), changed(
            "Your staff's recommendation (the default policy) is set; change what you "
            "like.")))
        solara.Button("Save", on_click=lambda: save(current), classes=["save-game"])
        solara.Button("End game now", text=True, disabled=current.quarter == 0,
                      on_click=lambda: end_game(current))
    with solara.Columns([2, 3]):
        with solara.Column(), solara.Card("Your decisions for this quarter"):
            Decisions(current, version)
        with solara.Column():
            with solara.Card(f"News of quarter {current.quarter}" if current.quarter
                             else "Before the first quarter"):
                Lines(current.news.get(current.quarter, ["The game begins."]))
            with solara.Card("Your nation"):
                FigureList(briefing.nation_figures(current.model, row))
                Table(briefing.forces_table(current.model, row), "")
            with solara.Card("Your programmes and hubs"):
                Table(briefing.ventures_table(current.model, row), "None yet.")
            with solara.Card("Proposals under negotiation you are not in"):
                Table(briefing.open_proposals(current.model, row), "None.")
            with solara.Card("The alliance"):
                FigureList(briefing.world_figures(current.model))
            with solara.Card("Who pays what"):
                solara.DataFrame(briefing.burden_table(current.model), items_per_page=8)
    Figures(history_figures(current))


@solara.component
def Debrief(current: Game, version: int) -> None:
    kpis, nation = current.debrief()
    solara.Text(f"Debrief: {current.nation} after {current.quarter} quarters",
                classes=["debrief-title"], style={"font-size": "1.5em", "font-weight": "600"})
    solara.Text("Your game against the same seed played by the default policy (the same "
                "random numbers: the difference is your decisions').")
    with solara.Card("The alliance's key figures"):
        solara.DataFrame(kpis, items_per_page=len(kpis))
    with solara.Card("Your nation against its default self and the other allies"):
        solara.DataFrame(nation, items_per_page=len(nation))
    default = current.default_run()
    played = briefing.nation_history(current.model, current.index)
    baseline = briefing.nation_history(default, current.index)
    when = calendar_of(current.model)
    figure = go.Figure([
        dated(played["step"], played["capability"], when, name="your game",
              line={"color": colour(0), "width": 2.5}),
        dated(baseline["step"], baseline["capability"], when, name="default policy",
              line={"color": colour(1), "dash": "dot"})])
    Figures([style(figure, f"{current.nation} capability: your game and the default",
                   "capability units", when)])
    with solara.Card("Was it skill or luck?"), solara.Column():
        if current.unsaved:
            solara.Text(f"The game could not be saved ({current.unsaved}); it is kept "
                        "here until Save succeeds.", style={"color": "#b45f06"})
            solara.Button("Save", on_click=lambda: save(current), classes=["save-game"])
        where = "Once saved, the game is in" if current.unsaved else "The game is saved in"
        solara.Text(f"{where} {current.log_path}. Test your strategy over many "
                    "futures on common random numbers (after the last quarter played your "
                    "decisions hold):")
        solara.Text(f"python3 run.py compare {current.scenario_path} --policy "
                    f"{current.nation}={current.log_path} --replications 200",
                    style={"font-family": "monospace"})
    solara.Button("New game", on_click=lambda: (game.set(None), changed()))


@solara.component
def PlayPage() -> None:
    solara.Title("Play - alliance-sim")
    # The game object changes in place: components get its revision as an argument, so
    # that they render again after every change.
    version = revision.value
    # Always present (an element appearing above the page would rebuild every widget below
    # it, and a click on a rebuilt button is lost).
    solara.Text(notice.value or "\u00a0", classes=["notice"],
                style={"color": "#0b5394", "min-height": "1.5em"})
    current = game.value
    if current is None:
        StartPanel()
    elif current.over:
        Debrief(current, version)
    else:
        Turn(current, version)


# ---------------------------------------------------------------------- explorer
EXPLORER_LOCK = threading.Lock()


def explorer_step() -> None:
    current = explorer.value
    if current is not None:
        with EXPLORER_LOCK:
            current.step()
        explorer_revision.value += 1


def explorer_panels(run: RunResults) -> list[go.Figure]:
    """The explorer's charts of the run so far: four figures over time (one run: no
    bands) and procurement by pathway, on the dashboards' calendar axes."""
    panels = []
    for column in draw.FAN_FIGURES[:4]:
        panel = draw.fan_chart([run], column)
        panel.update_layout(title=f"{TIMESERIES[column].label}: this run")
        panel.update_traces(name="this run", selector={"mode": "lines"})
        panels.append(panel)
    panels.append(draw.allocation_chart([run]).update_layout(
        title="Procurement by pathway: this run"))
    return panels


@solara.component
def ExplorerPage() -> None:
    solara.Title("Explore - alliance-sim")
    _ = explorer_revision.value
    settings = config()
    if explorer.value is None:
        explorer.value = Explorer(load_scenario(settings.scenario_path), settings.seed)
    current = explorer.value
    values = solara.use_reactive(cast(dict[str, Any], {}))
    seed = solara.use_reactive(settings.seed)
    refused = solara.use_reactive("")  # why the last Apply was refused

    def play_loop() -> None:  # as Mesa's SolaraViz plays: a task stepping while playing
        while playing.value and not current.done:
            time.sleep(PLAY_INTERVAL)
            explorer_step()
        playing.value = False

    solara.lab.use_task(play_loop, dependencies=[playing.value])

    def apply() -> None:
        playing.value = False
        try:
            fresh = Explorer(current.scenario, seed.value, dict(values.value))
        except ValueError as error:  # a seed the schema does not allow
            refused.value = f"Not applied: {error}."
            return
        refused.value = ""
        # Not under EXPLORER_LOCK: setting the value renders the page at once, in this
        # thread, and the page takes the lock to read the run (a lock held here hung the
        # server).
        explorer.value = fresh
        explorer_revision.value += 1

    with solara.Columns([1, 3]):
        with solara.Column(), solara.Card("Parameters (from the scenario schema)"):
            for slider in sliders():
                start = values.value.get(slider.path,
                                         current_value(current.scenario, slider.path))

                def set_value(value: Any, path: str = slider.path) -> None:
                    values.value = {**values.value, path: value}

                if slider.choices is not None:
                    solara.Select(slider.label, values=slider.choices, value=start,
                                  on_value=set_value)
                else:
                    solara.SliderFloat(f"{slider.label}: {float(start):.3g}",
                                       value=float(start), min=slider.low,
                                       max=slider.high, step=slider.step,
                                       on_value=set_value)
                solara.Text(slider.declaration.description,
                            style={"color": "#555", "font-size": "0.8em"})
            solara.InputInt("seed", value=seed)
            solara.Button("Apply and reset", on_click=apply, classes=["apply-reset"])
            # Always present (as the play page's notice): nothing above it is rebuilt.
            solara.Text(refused.value or "\u00a0", classes=["explorer-notice"],
                        style={"color": "#b45f06"})
        with solara.Column():
            with solara.Row():
                solara.Button("Step", on_click=explorer_step, disabled=current.done,
                              classes=["step"])
                solara.Button("Pause" if playing.value else "Play",
                              on_click=lambda: playing.set(not playing.value),
                              disabled=current.done, classes=["play-pause"])
                solara.Text(f"Quarter {current.model.steps} of {current.model.horizon}",
                            classes=["explorer-quarter"], style={"font-size": "1.2em"})
            with EXPLORER_LOCK:
                run = current.run()
            panels = explorer_panels(run)
            for index in range(0, len(panels), 2):
                Figures(panels[index:index + 2], width=EXPLORER_WIDTH)


PAGES = {"play": ("Play a nation", PlayPage), "explore": ("Explore a run live", ExplorerPage)}
page = solara.reactive("play")


@solara.component
def Page() -> None:
    """The app: a bar to switch between its two pages, and the page shown."""
    with solara.Row(style={"align-items": "center", "padding": "4px 12px",
                           "border-bottom": "1px solid #ddd"}):
        solara.Text("alliance-sim", style={"font-size": "1.3em", "font-weight": "700"})
        for key, (label, _) in PAGES.items():
            solara.Button(label, text=page.value != key, color="primary",
                          on_click=lambda key=key: page.set(key), classes=[f"nav-{key}"])
    with solara.Column(style={"padding": "12px"}):
        PAGES[page.value][1]()
