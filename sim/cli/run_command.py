"""``run``: one seeded replication of a scenario, written to a run folder."""

from __future__ import annotations

import argparse
import os
import re
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path

from sim.cli.errors import UsageError
from sim.cli.options import add_set_option, fresh_output_folder, parse_set_options
from sim.loader import load_scenario
from sim.runner import run_replication
from sim.writers import build_manifest, config_hash, write_manifest, write_parquet

DEFAULT_RESULTS = Path("results")


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "run", help="run a scenario file and write its results",
        description="Run one seeded replication of a scenario and write its tables "
        "(Parquet) and manifest to a run folder.",
        epilog="example: python run.py run scenarios/baseline.yaml --seed 7",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenario", type=Path, help="scenario YAML file")
    parser.add_argument("--seed", type=int, default=None,
                        help="root seed (default: the scenario's simulation.seed)")
    parser.add_argument("--out", type=Path, default=None,
                        help="run folder (default: results/<scenario>/<run-id>/)")
    parser.add_argument("--quiet", action="store_true", help="print nothing but errors")
    add_set_option(parser)
    parser.set_defaults(handler=handle)


def default_folder(name: str, digest: str, seed: int) -> Path:
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-") or "scenario"
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return DEFAULT_RESULTS / slug / f"{stamp}-{digest[:8]}-s{seed}"


def handle(args: argparse.Namespace) -> int:
    if args.seed is not None and args.seed < 0:
        raise UsageError(f"--seed {args.seed}: expected a non-negative integer")
    scenario = load_scenario(args.scenario, parse_set_options(args.set))
    seed = scenario.simulation.seed if args.seed is None else args.seed
    folder = fresh_output_folder(
        args.out or default_folder(scenario.metadata.name, config_hash(scenario), seed))

    started = time.perf_counter()
    tables = run_replication(scenario, seed)
    elapsed = time.perf_counter() - started

    # Write everything into a staging folder, then rename it into place: a run folder
    # either holds a complete run or does not exist.
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = folder.parent / f".{folder.name}.partial-{os.getpid()}"
    try:
        staging.mkdir()
        for name, frame in tables.items():
            write_parquet(staging / f"{name}.parquet", frame)
        manifest = build_manifest(
            scenario, source=str(args.scenario), seeds={"root": seed, "replications": [seed]},
            timings={"run": round(elapsed, 4)}, complete=True,
            extra={"tables": sorted(f"{name}.parquet" for name in tables)})
        write_manifest(staging, manifest)
        if folder.exists():
            folder.rmdir()  # empty, checked above
        os.replace(staging, folder)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    if not args.quiet:
        kpis = tables["kpis"].iloc[0]
        print(f"{scenario.metadata.name}: seed {seed}, {scenario.simulation.steps} quarters, "
              f"{elapsed:.2f} s")
        print(f"  final capability {kpis['final_capability']:.0f}, cohesion "
              f"{kpis['final_cohesion']:.2f}, interoperability "
              f"{kpis['final_interoperability']:.2f}, milestones on time "
              f"{kpis['milestone_on_time_rate']:.0%}")
        print(f"results written to {folder}")
    return 0
