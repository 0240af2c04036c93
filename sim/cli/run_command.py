"""``run``: replications of a scenario, streamed to a run folder (resumable)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from sim.cli.errors import UsageError
from sim.cli.folders import DEFAULT_RESULTS, fresh_output_folder, slug, stamp
from sim.cli.invocation import invocation
from sim.cli.options import (
    add_policy_option,
    add_set_option,
    parse_policy_options,
    parse_set_options,
)
from sim.cli.resumable import resumable, stopped
from sim.experiment.backends import Backend
from sim.outputs import HEADLINE_KPIS

if TYPE_CHECKING:
    from sim.experiment.runner import Outcome
    from sim.schema import Scenario


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "run", help="run replications of a scenario and write a run folder",
        description="Run seeded replications of a scenario in parallel and write its "
        "tables (Parquet), summary and manifest to a run folder. A killed or interrupted "
        "run resumes with --resume.",
        epilog="examples:\n  python3 run.py run scenarios/baseline.yaml\n"
        "  python3 run.py run scenarios/baseline.yaml --replications 200 --workers 2\n"
        "  python3 run.py run --resume results/baseline/<run-id>",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenario", type=Path, nargs="?", help="scenario YAML file")
    add_experiment_options(parser)
    parser.add_argument("--resume", type=Path, metavar="RUN_DIR",
                        help="finish an interrupted run folder (computes only what is "
                        "missing)")
    parser.set_defaults(handler=handle)


def add_experiment_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--replications", type=int, metavar="N",
                        help="replications (default: the scenario's "
                        "simulation.replications)")
    parser.add_argument("--seed", type=int, metavar="S",
                        help="root seed (default: the scenario's simulation.seed)")
    add_execution_options(parser)
    add_set_option(parser)
    add_policy_option(parser)


def add_execution_options(parser: argparse.ArgumentParser) -> None:
    """Where and how jobs run, where results go: shared by run, compare and sweep."""
    parser.add_argument("--workers", type=int, metavar="W", default=os.cpu_count() or 1,
                        help="parallel worker processes (default: the number of cores)")
    parser.add_argument("--backend", choices=[b.value for b in Backend],
                        default=Backend.PROCESS.value,
                        help="where replications run: serial, process (default) or dask "
                        "(a LocalCluster, or --scheduler)")
    parser.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                        help="with --backend dask: attach to this running cluster")
    parser.add_argument("--out", type=Path, metavar="DIR",
                        help="output folder (default: under results/)")
    parser.add_argument("--quiet", action="store_true",
                        help="no progress bar and no summary; errors only")
    parser.add_argument("--png", action="store_true",
                        help="also write each dashboard figure as a PNG (kaleido, or the "
                        "system's Chromium through Playwright)")


def check_range(option: str, value: int | None, declared: str) -> None:
    """A command-line number against the range the schema declares for ``declared``."""
    if value is None:
        return
    from sim.schema.reference import parameter
    bounds = parameter(declared)
    if not bounds.minimum <= value <= bounds.maximum:
        raise UsageError(f"--{option} {value}: expected {bounds.minimum:,} to "
                         f"{bounds.maximum:,} (as {declared})")


def check_numbers(args: argparse.Namespace) -> None:
    check_range("replications", args.replications, "simulation.replications")
    check_range("seed", args.seed, "simulation.seed")
    check_execution(args)


def check_execution(args: argparse.Namespace) -> None:
    if args.workers < 1:
        raise UsageError(f"--workers {args.workers}: expected at least 1")
    if args.scheduler and args.backend != Backend.DASK.value:
        raise UsageError("--scheduler needs --backend dask")
    if args.backend == Backend.DASK.value:
        try:
            import dask.distributed  # noqa: F401
        except ImportError:
            raise UsageError("--backend dask needs dask.distributed: pip install "
                             "'dask[distributed]'") from None


def backend_options(args: argparse.Namespace) -> dict:
    return {"backend": Backend(args.backend), "scheduler": args.scheduler}


def default_folder(scenario: Scenario, seed: int, kind: str = "") -> Path:
    from sim.writers import config_hash
    name = kind if kind else slug(scenario.metadata.name)
    return DEFAULT_RESULTS / name / f"{stamp()}-{config_hash(scenario)[:8]}-s{seed}"


def show_progress(args: argparse.Namespace) -> bool:
    return not args.quiet and sys.stderr.isatty()


def report(outcome: Outcome, folder: Path, quiet: bool, png: bool = False) -> int:
    """Write the dashboard and print the outcome; return the exit status (0 done,
    1 failures, 2 workers or storage failed, 128 + N stopped by signal N)."""
    from sim.cli.dashboard_command import build as build_dashboard
    from sim.cli.report_tables import summary_lines
    from sim.results import load_run
    status = stopped(outcome, folder, "run", "replications")
    if status is not None:
        return status
    if outcome.already_complete:
        if not quiet:
            print(f"{folder}: already complete")
        if (folder / "dashboard.html").is_file():
            return 0
    dashboard = build_dashboard(folder, png) if outcome.done else None
    for failure in outcome.failures:
        print(f"replication {failure.index} failed (seed {failure.seed}): "
              f"{failure.error}; replay with: {invocation()} replay {folder} "
              f"--replication {failure.index}", file=sys.stderr)
    if not quiet and outcome.done and not outcome.already_complete:
        run = load_run(folder, tables=())
        print(f"{outcome.done} replications in {outcome.seconds:.1f} s "
              f"({run.calendar.readable(1)} to {run.calendar.readable(run.horizon)})")
        print("\n".join(summary_lines(run.summary, HEADLINE_KPIS,
                                      run.calendar.readable(run.horizon))))
    if not quiet:
        if not outcome.already_complete:
            print(f"results written to {folder}")
        if dashboard is not None:
            print(f"dashboard: {dashboard}")
    return 1 if outcome.failures else 0


def handle(args: argparse.Namespace) -> int:
    check_numbers(args)
    if args.resume is not None:
        return resume(args)
    if args.scenario is None:
        raise UsageError("run: give a scenario file, or --resume RUN_DIR")
    from sim.experiment.runner import run_experiment
    from sim.loader import load_scenario
    scenario = load_scenario(args.scenario, parse_set_options(args.set),
                             parse_policy_options(args.policy))
    seed = scenario.simulation.seed if args.seed is None else args.seed
    replications = args.replications or scenario.simulation.replications
    folder = fresh_output_folder(args.out or default_folder(scenario, seed))
    return resumable(folder, "run", lambda: report(run_experiment(
        scenario, folder, seed=seed, replications=replications, workers=args.workers,
        source=str(args.scenario), progress=show_progress(args), **backend_options(args)),
        folder, args.quiet, args.png))


def resume(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from sim.experiment.folder_checks import RunFolderError, read_manifest
    from sim.experiment.runner import run_experiment
    from sim.schema import Scenario
    if args.scenario is not None or args.set or args.policy or args.replications \
            or args.seed is not None or args.out is not None:
        raise UsageError("--resume takes the scenario, seed and replications from the run "
                         "folder; give only --workers, --backend and --quiet with it")
    manifest = read_manifest(args.resume)
    if manifest.get("kind") == "sweep":
        raise UsageError(f"--resume {args.resume}: a sweep folder; resume it with python "
                         f"run.py sweep --resume {args.resume}")
    try:
        scenario = Scenario.model_validate(manifest["scenario"])
    except ValidationError as error:
        raise RunFolderError(f"{args.resume / 'manifest.json'}: its scenario is not valid "
                             f"({error.error_count()} problems, e.g. "
                             f"{error.errors()[0]['msg']})") from None
    seeds = manifest["seeds"]
    return resumable(args.resume, "run", lambda: report(run_experiment(
        scenario, args.resume, seed=seeds["root"], replications=seeds["replications"],
        workers=args.workers, source=manifest.get("scenario_file", ""),
        progress=show_progress(args), resume=True, **backend_options(args)),
        args.resume, args.quiet, args.png))
