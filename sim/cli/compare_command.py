"""``compare``: scenarios on common random numbers, or stored run folders, with the
differences of their KPIs (paired where the seeds match, Welch's otherwise)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from sim.cli.errors import UsageError
from sim.cli.folders import DEFAULT_RESULTS, fresh_output_folder, slug, stamp, unique_name
from sim.cli.invocation import invocation
from sim.cli.options import parse_policy_options, parse_set_options
from sim.cli.resumable import resumable
from sim.cli.run_command import (
    add_experiment_options,
    backend_options,
    check_numbers,
    default_folder,
    report,
    show_progress,
)
from sim.outputs import HEADLINE_KPIS

if TYPE_CHECKING:
    from sim.experiment.comparison import Compared
    from sim.schema import Scenario


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "compare", help="compare scenarios on the same seeds, or stored run folders",
        description="Given scenario files: run every scenario on the same seeds - "
        "replication i of each gets the same random streams - beside one run folder per "
        "scenario; with --policy, the last scenario runs once more with the nations' "
        "policies given (a played strategy against the default policy). Given run "
        "folders: compare them as stored, re-running nothing. Either way, write "
        "comparison.csv: per KPI and scenario, the mean difference from the first (the "
        "reference) with its 95 % confidence interval - paired where the runs share their "
        "root seed (common random numbers), Welch's interval where they do not - and "
        "comparison.html.",
        epilog="examples:\n  python3 run.py compare scenarios/baseline.yaml "
        "scenarios/coalitions_of_the_willing.yaml --replications 50\n"
        "  python3 run.py compare results/baseline/<run-id> results/us-retrenchment/<run-id>\n"
        "  python3 run.py compare scenarios/baseline.yaml --policy "
        "POL=results/plays/<id>/play.yaml --replications 200",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenarios", type=Path, nargs="+", metavar="SCENARIO_OR_RUN_DIR",
                        help="scenario files, or run folders; the first is the reference")
    add_experiment_options(parser)
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    check_numbers(args)
    folders = [path.is_dir() for path in args.scenarios]
    if all(folders):
        return compare_stored(args)
    if any(folders):
        raise UsageError("compare: give scenario files or run folders, not both")
    if len(args.scenarios) + bool(args.policy) < 2:
        raise UsageError("compare: give at least two scenario files (or one and --policy), "
                         "or two run folders")
    from sim.experiment.comparison import Compared
    from sim.experiment.runner import run_experiment
    from sim.loader import load_scenario
    overrides = parse_set_options(args.set)
    paths = list(args.scenarios)
    scenarios = [load_scenario(path, overrides) for path in paths]
    labels = [slug(scenario.metadata.name) for scenario in scenarios]
    policies = parse_policy_options(args.policy)
    if policies:  # the strategy tested: the last scenario again, with the policies given
        labels.append(f"{labels[-1]}-{'-'.join(policies)}-policy")
        paths.append(paths[-1])
        scenarios.append(load_scenario(paths[-1], {**overrides, "metadata.name": labels[-1]},
                                       policies))
    reference = scenarios[0]
    seed = reference.simulation.seed if args.seed is None else args.seed
    replications = args.replications or reference.simulation.replications
    out = fresh_output_folder(args.out or default_folder(reference, seed, kind="compare"))
    names: list[str] = []
    status = 0
    for path, scenario, label in zip(paths, scenarios, labels, strict=True):
        # The same scenario twice is allowed (a self-comparison).
        name = unique_name(slug(label), names)
        names.append(name)

        def run_one(scenario: Scenario = scenario, path: Path = path,
                    folder: Path = out / name) -> int:
            outcome = run_experiment(scenario, folder, seed=seed, replications=replications,
                                     workers=args.workers, source=str(path),
                                     progress=show_progress(args), **backend_options(args))
            return report(outcome, folder, quiet=True, png=args.png)
        status = max(status, resumable(out / name, "run", run_one))
        if status > 1:  # stopped: the comparison needs every scenario
            return status
    finish(out, [Compared(name, out / name) for name in names], args)
    return status


def compare_stored(args: argparse.Namespace) -> int:
    """Compare run folders as they are stored: nothing is re-run."""
    from sim.experiment.comparison import Compared
    from sim.results.load import kind_of, load_run
    if args.set or args.policy or args.replications or args.seed is not None:
        raise UsageError("compare: run folders are compared as stored; give no --set, "
                         "--policy, --replications or --seed with them")
    if len(args.scenarios) < 2:
        raise UsageError("compare: give at least two run folders")
    compared: list[Compared] = []
    for path in args.scenarios:
        kind = kind_of(path)
        if kind != "run":
            what = "a sweep folder" if kind == "sweep" else "a compare folder" \
                if kind == "comparison" else "not a run folder (no manifest.json)"
            raise UsageError(f"compare: {path}: {what}; give run folders")
        run = load_run(path, tables=())
        if not run.complete:
            raise UsageError(f"compare: {path}: the run is incomplete; finish it with "
                             f"{invocation()} run --resume {path}")
        name = unique_name(slug(run.name), [entry.name for entry in compared])
        compared.append(Compared(name, path))
    out = fresh_output_folder(args.out or DEFAULT_RESULTS / "compare" / f"{stamp()}-stored")
    finish(out, compared, args)
    return 0


def finish(out: Path, compared: list[Compared], args: argparse.Namespace) -> None:
    """comparison.csv, the manifest and the dashboard; the headline KPIs on the terminal."""
    from sim.cli.dashboard_command import build as build_dashboard
    from sim.cli.report_tables import comparison_lines
    from sim.experiment.comparison import method_text, write_comparison
    table = write_comparison(out, compared)
    dashboard = build_dashboard(out, args.png)
    if not args.quiet:
        methods = {entry.name: method_text(table, entry.name) for entry in compared[1:]}
        print("\n".join(comparison_lines(table, HEADLINE_KPIS, methods)))
        print(f"comparison written to {out / 'comparison.csv'}; dashboard: {dashboard}")
