"""``sensitivity``: Sobol or Morris global sensitivity of the KPIs to an experiment's
parameters (SALib): runs the experiment with the method's design, then analyses it; or
analyses a finished sweep folder again."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.cli.errors import UsageError
from sim.cli.folders import fresh_output_folder
from sim.cli.invocation import invocation
from sim.cli.resumable import resumable
from sim.cli.run_command import add_execution_options, check_execution
from sim.cli.sweep_command import (
    add_design_options,
    adjusted,
    default_folder,
    settle,
    sweep,
    write_dashboard,
)

# Method.SOBOL and Method.MORRIS of sim.experiment.spec, spelled out so that building the
# arguments does not import the experiment spec (pydantic and the scenario schema).
METHODS = ("sobol", "morris")

EXAMPLES = """examples:
  python3 run.py sensitivity scenarios/experiments/cohesion_drivers.yaml --method morris
  python3 run.py sensitivity scenarios/experiments/cohesion_drivers.yaml --method sobol
  python3 run.py sensitivity scenarios/experiments/ishigami_check.yaml --method sobol
  python3 run.py sensitivity results/sensitivity/cohesion-drivers/<run-id>   # analyse again
"""


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "sensitivity", help="Sobol or Morris sensitivity indices of the KPIs (SALib)",
        description="Run the experiment file with a Sobol (Saltelli) or Morris design and "
        "write sensitivity.csv (indices with 95 % bootstrap confidence intervals) and "
        "sensitivity.html (a chart per KPI) into the sweep folder, beside the sweep's own "
        "tables and dashboard. Given a finished sweep "
        "folder instead of a file, analyse it again without re-running anything.",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source", type=Path,
                        help="experiment YAML file, or a sweep folder made with a sobol or "
                        "morris design")
    parser.add_argument("--method", choices=METHODS,
                        help="design and analysis (required with an experiment file)")
    add_design_options(parser)
    add_execution_options(parser)
    parser.set_defaults(handler=handle)


def report(folder: Path, quiet: bool) -> None:
    from sim.cli.report_tables import sensitivity_lines
    from sim.dashboards.sweep import sensitivity_dashboard
    from sim.experiment.folder_checks import read_manifest
    from sim.experiment.sensitivity import (
        AnalysisError,
        analyse,
        left_out,
        stability_warnings,
    )
    from sim.writers import write_csv
    try:
        method, indices = analyse(folder)
    except AnalysisError as error:
        raise UsageError(str(error)) from None
    skipped = left_out(folder)
    if indices.empty:
        raise UsageError(f"{folder}: no KPI can be analysed: " + "; ".join(
            f"{kpi} {reason}" for kpi, reason in skipped.items()))
    experiment = read_manifest(folder)
    design = experiment["experiment"]["design"]
    warnings = stability_warnings(method, indices, int(design["samples"]),
                                  int(experiment["points"]))
    write_csv(folder / "sensitivity.csv", indices)
    target = folder / "sensitivity.html"
    sensitivity_dashboard(folder, method, indices, target, warnings, skipped)
    # Warnings go to stderr even with --quiet: they say the figures cannot be trusted.
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for kpi, reason in skipped.items():
        print(f"note: no indices for {kpi}: {reason}", file=sys.stderr)
    if not quiet:
        print("\n".join(sensitivity_lines(method, indices,
                                          experiment["experiment"]["model"])))
        print(f"indices with 95 % intervals: {folder / 'sensitivity.csv'}")
        print(f"chart: {target}")


def handle(args: argparse.Namespace) -> int:
    from sim.experiment.spec import Method, load_experiment
    check_execution(args)
    if args.source.is_dir():
        if args.method or args.out or any(getattr(args, option) is not None for option in
                                          ("samples", "replications", "seed")):
            raise UsageError("with a sweep folder, give no --method, --out, --samples, "
                             "--replications or --seed: the folder's design decides")
        report(args.source, args.quiet)
        return 0
    if args.method is None:
        raise UsageError("sensitivity: --method sobol or --method morris is required with "
                         "an experiment file")
    experiment = adjusted(load_experiment(args.source).with_method(Method(args.method)),
                          args)
    folder = fresh_output_folder(args.out or default_folder(experiment, "sensitivity"))
    # A stopped sweep resumes as a sweep, which leaves the analysis to this command.
    analyse = f"{invocation()} sensitivity {folder}"

    def work() -> int:
        outcome = sweep(experiment, folder, args)
        status = settle(outcome, folder, args, then=analyse)
        if status == 1:
            print(f"no indices: every design point is needed (status {status})",
                  file=sys.stderr)
        if status:
            return status
        write_dashboard(folder, args)
        report(folder, args.quiet)
        return 0
    return resumable(folder, "sweep", work, then=analyse)
