"""``sweep``: run an experiment file (design points x replications) into a sweep folder,
with a dashboard relating the inputs to the KPIs (resumable, like ``run``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from sim.cli.errors import UsageError
from sim.cli.folders import DEFAULT_RESULTS, fresh_output_folder, slug, stamp
from sim.cli.resumable import resumable, stopped
from sim.cli.run_command import (
    add_execution_options,
    backend_options,
    check_execution,
    show_progress,
)

if TYPE_CHECKING:
    from sim.experiment.runner import Outcome
    from sim.experiment.spec import Experiment

EXAMPLES = """examples:
  python3 run.py sweep scenarios/experiments/governance_and_trust.yaml
  python3 run.py sweep scenarios/experiments/governance_and_trust.yaml --workers 2 --out results/gt
  python3 run.py sweep scenarios/experiments/cohesion_drivers.yaml --backend dask
  python3 run.py sweep --resume results/sweeps/governance-and-trust/<run-id>
"""


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "sweep", help="run an experiment file: design points x replications",
        description="Run every design point of an experiment file (full factorial, Latin "
        "hypercube, Sobol or Morris design) times its replications, on common random "
        "numbers, into a sweep folder: kpis.parquet (one row per point and replication, "
        "inputs and KPIs), timeseries.parquet, points.csv, design.parquet, a manifest and "
        "dashboard.html (parallel coordinates, scatter matrix). Experiment files are "
        "described in docs/EXPLORATION.md.",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("experiment", type=Path, nargs="?", help="experiment YAML file")
    add_design_options(parser)
    add_execution_options(parser)
    parser.add_argument("--resume", type=Path, metavar="SWEEP_DIR",
                        help="finish an interrupted sweep folder")
    parser.set_defaults(handler=handle)


def add_design_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--samples", type=int, metavar="N",
                        help="override the design's samples (points; sobol: base samples; "
                        "morris: trajectories)")
    parser.add_argument("--replications", type=int, metavar="R",
                        help="override the replications per design point")
    parser.add_argument("--seed", type=int, metavar="S",
                        help="override the root seed (design and replications)")


def _bounds(option: str) -> tuple[int, int]:
    """The range an option may take: as experiment files may give it (the seed: as the
    scenario schema declares it)."""
    from sim.experiment.spec import REPLICATIONS, SAMPLES
    from sim.schema.reference import parameter
    if option == "seed":
        declared = parameter("simulation.seed")
        return int(declared.minimum), int(declared.maximum)
    return {"samples": SAMPLES, "replications": REPLICATIONS}[option]


def adjusted(experiment: Experiment, args: argparse.Namespace) -> Experiment:
    """The experiment with the command line's --samples, --replications and --seed."""
    changes = {}
    for option in ("samples", "replications", "seed"):
        value = getattr(args, option)
        if value is not None:
            low, high = _bounds(option)
            if not low <= value <= high:
                raise UsageError(f"--{option} {value}: expected {low:,} to {high:,}")
            changes[option] = value
    return experiment.model_copy(update=changes) if changes else experiment


def default_folder(experiment: Experiment, kind: str = "sweeps") -> Path:
    return DEFAULT_RESULTS / kind / slug(experiment.name).lower() / \
        f"{stamp()}-{experiment.method.value}-s{experiment.seed}"


def sweep(experiment: Experiment, folder: Path, args: argparse.Namespace,
          resume: bool = False) -> Outcome:
    from sim.experiment.sweep import run_sweep
    if not args.quiet:
        print(f"{experiment.name}: {experiment.method.value} design, "
              f"{len(experiment.factors)} parameters, {experiment.replications} "
              f"replication{'s' if experiment.replications != 1 else ''} per point -> "
              f"{folder}", file=sys.stderr)
    return run_sweep(experiment, folder, workers=args.workers, progress=show_progress(args),
                     resume=resume, **backend_options(args))


def settle(outcome: Outcome, folder: Path, args: argparse.Namespace, then: str = "") -> int:
    """Say how the sweep ended (``then``: what its resume leaves to do, see
    resume_hint); 0 done, 1 failures, 2 workers or storage failed, 128 + N stopped by
    signal N."""
    status = stopped(outcome, folder, "sweep", "runs", then)
    if status is not None:
        return status
    if outcome.already_complete:
        if not args.quiet:
            print(f"{folder}: already complete")
        return 0
    for failure in outcome.failures[:10]:
        print(f"run {failure.index} failed (seed {failure.seed}): {failure.error}",
              file=sys.stderr)
    if len(outcome.failures) > 10:
        print(f"... and {len(outcome.failures) - 10} more failures (manifest.json)",
              file=sys.stderr)
    if not args.quiet:
        print(f"{outcome.done} runs in {outcome.seconds:.1f} s; results in {folder}")
    return 1 if outcome.failures else 0


def write_dashboard(folder: Path, args: argparse.Namespace) -> None:
    from sim.dashboards.build import write_pngs
    from sim.dashboards.sweep import sweep_dashboard
    target, figures = sweep_dashboard(folder)
    if args.png:
        try:
            write_pngs(target, figures, target.stem)
        except RuntimeError as error:
            print(f"{folder}: no PNG images: {error}", file=sys.stderr)
    if not args.quiet:
        print(f"dashboard: {target}")


def experiment_from_folder(folder: Path) -> Experiment:
    """The experiment a sweep folder was started with, as its manifest records it (the
    resume checks the manifest is consistent and the code the same)."""
    from sim.experiment.folder_checks import read_manifest
    from sim.experiment.spec import recorded_experiment
    manifest = read_manifest(folder)
    if manifest.get("kind") != "sweep":
        raise UsageError(f"--resume {folder}: not a sweep folder; use run --resume")
    try:
        experiment = recorded_experiment(manifest)
        faithful = experiment.describe() == manifest["experiment"]
    except (KeyError, TypeError, ValueError):
        faithful = False
    if not faithful:
        raise UsageError(f"{folder / 'manifest.json'}: \"experiment\" does not describe a "
                         "sweep")
    return experiment


def handle(args: argparse.Namespace) -> int:
    from sim.experiment.spec import load_experiment
    check_execution(args)
    if args.resume is not None:
        if args.experiment is not None or args.out is not None:
            raise UsageError("--resume takes the experiment from the sweep folder; give "
                             "only --workers, --backend and --quiet with it")
        if any(getattr(args, option) is not None for option in
               ("samples", "replications", "seed")):
            raise UsageError("--resume keeps the sweep's design; give no --samples, "
                             "--replications or --seed")
        experiment = experiment_from_folder(args.resume)
        folder, resume = args.resume, True
    elif args.experiment is None:
        raise UsageError("sweep: give an experiment file, or --resume SWEEP_DIR")
    else:
        experiment = adjusted(load_experiment(args.experiment), args)
        folder, resume = fresh_output_folder(args.out or default_folder(experiment)), False
    def work() -> int:
        outcome = sweep(experiment, folder, args, resume)
        status = settle(outcome, folder, args)
        if outcome.done and not outcome.interrupted and not (
                outcome.already_complete and (folder / "dashboard.html").is_file()):
            write_dashboard(folder, args)
        return status
    return resumable(folder, "sweep", work)
