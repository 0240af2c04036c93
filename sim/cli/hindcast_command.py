"""``hindcast``: score a stored run of scenarios/hindcast_2014.yaml against NATO's observed
2024 shares of GDP (sim/analysis/hindcast.py), print the scores, and write
``hindcast.csv`` (per ally; its columns described in the folder's ``columns.csv``) and
``hindcast.html`` into the run folder."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from sim.calendar import calendar_of
from sim.cli.errors import UsageError
from sim.outputs import HINDCAST

if TYPE_CHECKING:
    import pandas as pd

    from sim.analysis.hindcast import HindcastScores

OBSERVED_FILE = "nato_defence_expenditure_2024.csv"
START_FILE = "nato_defence_pct_gdp_2014.csv"
START_TOLERANCE = 0.005  # % of GDP: the tables give two decimals
# The hindcast starts from the end of 2014 (step 0) and is compared at the end of 2024.
START, END = "2014 Q4", "2024 Q4"
LARGEST_ERRORS = 5
MIN_ALLIES = 3  # a rank correlation of fewer says nothing
RUN_IT = "python3 run.py run scenarios/hindcast_2014.yaml --out results/hindcast"


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "hindcast", help="score a run of the 2014-2024 hindcast against NATO's figures",
        description="Score a stored run of scenarios/hindcast_2014.yaml against NATO's "
        "2024 shares of GDP: mean absolute and root mean square error, rank correlation "
        "of the increases since 2014, allies at 2 % or more, the European allies' and "
        "Canada's aggregate, and the largest errors per ally. Writes hindcast.csv and "
        "hindcast.html into the run folder; nothing is re-run.",
        epilog=f"examples:\n  {RUN_IT}\n  python3 run.py hindcast results/hindcast",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("run_dir", type=Path, metavar="RUN_DIR",
                        help="a complete run of scenarios/hindcast_2014.yaml")
    parser.add_argument("--observed", type=Path, metavar="CSV",
                        help=f"observed shares (columns code, defence_pct_gdp; default: "
                        f"data/{OBSERVED_FILE} beside the run's scenario file)")
    parser.set_defaults(handler=handle)


def compared_step(folder: Path, manifest: dict) -> int:
    """The step of the end of 2024 in a complete run that starts at the end of 2014;
    anything else is refused in one line."""
    if not manifest.get("complete"):
        done = manifest.get("replications_done", 0)
        wanted = manifest.get("seeds", {}).get("replications", "?")
        raise UsageError(f"{folder}: the run is incomplete ({done} of {wanted} replications "
                         f"done); finish it with python3 run.py run --resume {folder}")
    simulation = manifest["scenario"]["simulation"]
    calendar, horizon = calendar_of(simulation), int(simulation["steps"])
    name = manifest.get("scenario_name", folder.name)
    if calendar.readable(0) != START:
        raise UsageError(f"{folder}: a run of {name!r} whose starting state is "
                         f"{calendar.readable(0)}, not a hindcast from the end of 2014 "
                         f"(make one: {RUN_IT})")
    step = next((step for step in range(horizon + 1) if calendar.readable(step) == END),
                None)
    if step is None:
        raise UsageError(f"{folder}: the run ends in {calendar.readable(horizon)}, "
                         f"before {END}, the end of the year NATO's figures are for")
    return step


def find_data(folder: Path, manifest: dict, name: str) -> Path | None:
    """A data file shipped beside the run's scenario (``data/NAME``). The scenario file's
    path is as it was given to `run`: relative to the folder the run was started in, which
    holds the run folder as a rule (results/...)."""
    beside = Path(str(manifest.get("scenario_file", ""))).parent / "data" / name
    roots = [Path(), *folder.resolve().parents]
    candidates = [root / beside for root in roots] + [Path("scenarios/data") / name]
    return next((path for path in candidates if path.is_file()), None)


def read_shares(path: Path) -> pd.Series:
    """Defence shares of GDP by ally code from a CSV file (code, defence_pct_gdp); an empty
    cell is an ally without a figure (Iceland has no armed forces)."""
    import numpy as np
    import pandas as pd

    from sim.experiment.folder_checks import read_csv
    # Blank lines kept (then dropped) so that row i is line i + 2 of the file.
    table = read_csv(path, skip_blank_lines=False).dropna(how="all")
    missing = {"code", "defence_pct_gdp"} - set(table.columns)
    if missing:
        raise UsageError(f"{path}: expected the columns code and defence_pct_gdp "
                         f"(missing: {', '.join(sorted(missing))})")
    codes = table["code"].astype(str)
    if codes.duplicated().any():
        raise UsageError(f"{path}: ally {codes[codes.duplicated()].iloc[0]} has more than "
                         "one row; expected one row per ally")
    cells = table["defence_pct_gdp"]
    shares = pd.to_numeric(cells, errors="coerce")
    wrong = cells.notna() & ~(np.isfinite(shares) & (shares >= 0))
    if wrong.any():  # left out, the ally would silently drop out of every score
        row = wrong.idxmax()
        raise UsageError(f"{path}:{row + 2}: {codes[row]}: defence_pct_gdp: expected a "
                         f"share of GDP in percent, 0 or more, or an empty cell (got "
                         f"{cells[row]})")
    return pd.Series(shares.to_numpy(), index=codes).dropna()


def observed_shares(folder: Path, manifest: dict, given: Path | None) -> pd.Series:
    """NATO's 2024 shares by ally code."""
    given = given or find_data(folder, manifest, OBSERVED_FILE)
    if given is None:
        raise UsageError(f"{folder}: cannot find {OBSERVED_FILE} (scenarios/data/); give "
                         "it with --observed CSV")
    return read_shares(given)


def check_start(folder: Path, manifest: dict) -> None:
    """Refuse a run whose allies do not start from NATO's 2014 shares (another scenario
    given a 2015 start); without the 2014 table at hand, the calendar check stands alone."""
    import pandas as pd
    table = find_data(folder, manifest, START_FILE)
    if table is None:
        return
    nato = read_shares(table)
    start = pd.Series({member["code"]: member.get("defence_pct_gdp") or 0.0
                       for member in manifest["scenario"]["nations"]["members"]})
    codes = [code for code in nato.index if start.get(code, 0.0) > 0]
    differing = [code for code in codes if abs(start[code] - nato[code]) > START_TOLERANCE]
    if differing:
        code = differing[0]
        raise UsageError(f"{folder}: its allies do not start from NATO's 2014 shares "
                         f"({len(differing)} differ, e.g. {code} {start[code]:.2f} % against "
                         f"{nato[code]:.2f} %); not a hindcast run (make one: {RUN_IT})")


def score_lines(scores: HindcastScores, replications: int) -> list[tuple[str, str]]:
    """The scores, each with its unit, as (name, value) pairs."""
    from sim.analysis.hindcast import GUIDELINE, NATO_EUROPE_CANADA
    model_at, observed_at, allies = scores.allies_at_guideline
    start, end, observed = scores.europe_canada
    largest = scores.allies.reindex(
        scores.allies["error"].abs().sort_values(ascending=False).index)[:LARGEST_ERRORS]
    return [
        ("allies compared", f"{allies} (NATO figures for 2014 and 2024)"),
        ("mean absolute error", f"{scores.mean_absolute_error:.2f} pp of GDP"),
        ("root mean square error", f"{scores.root_mean_square_error:.2f} pp of GDP"),
        ("rank correlation of increases",
         f"{scores.increase_rank_correlation:.2f} (Spearman, modelled against observed "
         "increases since 2014)"),
        (f"allies at {GUIDELINE:g} % or more",
         f"{model_at:.1f} modelled (mean over {replications} runs) against {observed_at} "
         f"observed, of {allies}"),
        ("Europe and Canada",
         f"{start:.2f} -> {end:.2f} % of GDP modelled against {observed:.2f} % observed "
         f"(GDP-weighted; NATO's own aggregate {NATO_EUROPE_CANADA[2014]:.2f} -> "
         f"{NATO_EUROPE_CANADA[2024]:.2f} %)"),
    ] + [("largest errors (model mean less observed)" if rank == 0 else "",
          f"{row.code} {row.error:+.2f} pp of GDP (model {row.model:.2f} %, observed "
          f"{row.observed:.2f} %)") for rank, row in enumerate(largest.itertuples())]


def fitted_note(manifest: dict) -> str:
    """What was fitted to this hindcast, with the values this run used."""
    alliance = manifest["scenario"].get("alliance", {})
    response = alliance.get("spending", {}).get("threat_response")
    compliance = next((pledge.get("compliance") for pledge in alliance.get("pledges", [])
                       if pledge.get("name") == "Wales"), None)
    return (f"alliance.spending.threat_response (this run: {response}) and the Wales "
            f"pledge's compliance (this run: {compliance}) were fitted to this hindcast "
            "(6.0 and 0.5; docs/MODEL.md 3.3.3): with those values the scores are "
            "in-sample, not a test on unseen data.")


def handle(args: argparse.Namespace) -> int:
    from sim.analysis.hindcast import europe_canada_series, score
    from sim.experiment.folder_checks import read_manifest
    from sim.results.columns import write_columns
    from sim.results.load import kind_of, load_run, require_tables
    from sim.writers import write_csv
    folder = args.run_dir
    if kind_of(folder) != "run":
        what = kind_of(folder)
        raise UsageError(f"{folder}: " + (f"a {what} folder, not a run folder" if what else
                                          "not a run folder (no manifest.json)")
                         + f"; make a hindcast run with {RUN_IT}")
    manifest = read_manifest(folder)
    step = compared_step(folder, manifest)
    check_start(folder, manifest)
    observed = observed_shares(folder, manifest, args.observed)
    spenders = {member["code"] for member in manifest["scenario"]["nations"]["members"]
                if (member.get("defence_pct_gdp") or 0.0) > 0}
    compared = [code for code in observed.index if code in spenders and observed[code] > 0]
    if len(compared) < MIN_ALLIES:
        raise UsageError(f"{args.observed or folder}: observed figures for {len(compared)} "
                         f"of the run's allies; the scores need at least {MIN_ALLIES}")
    require_tables(folder, ("nations", "timeseries", "kpis"))
    run = load_run(folder, ("nations", "timeseries", "kpis"))
    scores = score(run.nations, observed, step)
    replications = int(run.kpis["replication"].nunique())
    lines = score_lines(scores, replications)
    print(f"Hindcast of {folder} ({run.name}, {replications} replications) at {END} "
          f"against NATO's 2024 figures:")
    width = max(len(name) for name, _ in lines)
    for name, value in lines:
        print(f"  {name:{width}s}  {value}")
    note = fitted_note(manifest)
    print(note)
    table = scores.allies.rename(columns={"model": "model_mean"})[list(HINDCAST)]
    write_csv(folder / "hindcast.csv", table)
    write_columns(folder)
    europe = [code for code in scores.allies["code"] if code != "USA"]
    series = europe_canada_series(run.nations, europe)
    from sim.dashboards.hindcast import hindcast_page  # plotly: only when a page is drawn
    hindcast_page(run, scores, series[series["step"] <= step], lines, END, note,
                  folder / "hindcast.html")
    print(f"per ally: {folder / 'hindcast.csv'} (columns in columns.csv); page: "
          f"{folder / 'hindcast.html'}")
    return 0
