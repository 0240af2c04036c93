"""``compare``: scenarios on common random numbers, with paired differences of KPIs."""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from sim.cli.dashboard_command import build as build_dashboard
from sim.cli.errors import UsageError
from sim.cli.folders import fresh_output_folder, slug, unique_name
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
from sim.experiment.runner import run_experiment
from sim.experiment.statistics import paired_differences
from sim.loader import load_scenario
from sim.results import load
from sim.schema import Scenario
from sim.writers import write_csv


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "compare", help="compare scenarios on the same seeds (paired differences)",
        description="Run every scenario on the same seeds - replication i of each gets the "
        "same random streams - and write comparison.csv: per KPI and scenario, the mean "
        "paired difference from the first scenario (the reference) with its 95 % "
        "confidence interval, beside one run folder per scenario. With --policy, the last "
        "scenario runs once more with the nations' policies given (a played strategy "
        "against the default policy).",
        epilog="example:\n  python run.py compare scenarios/baseline.yaml "
        "scenarios/coalitions_of_the_willing.yaml --replications 50\n"
        "  python run.py compare scenarios/baseline.yaml --policy "
        "POL=results/plays/<id>/play.yaml --replications 200",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenarios", type=Path, nargs="+", metavar="SCENARIO",
                        help="scenario files; the first is the reference")
    add_experiment_options(parser)
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    check_numbers(args)
    if len(args.scenarios) + bool(args.policy) < 2:
        raise UsageError("compare: give at least two scenario files, or one and --policy")
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
    results = [load(out / name, tables=("kpis",)) for name in names]
    table = pd.concat([
        paired_differences(results[0].kpis, other.kpis, names[0], name)
        for name, other in zip(names[1:], results[1:], strict=True)], ignore_index=True)
    write_csv(out / "comparison.csv", table)
    dashboard = build_dashboard(out, args.png)
    if not args.quiet:
        headline = table[table["kpi"].isin(["final_capability", "final_cohesion",
                                            "final_interoperability"])]
        for row in headline.itertuples():
            print(f"  {row.scenario:28s} {row.kpi:24s} {row.mean_difference:+10.3f} "
                  f"[{row.ci_low:+.3f}, {row.ci_high:+.3f}] vs {row.reference}")
        print(f"comparison written to {out / 'comparison.csv'}; dashboard: {dashboard}")
    return status
