"""``replay``: re-run exactly one replication of a run folder, with its full traceback if
it fails (for debugging)."""

from __future__ import annotations

import argparse
import traceback
from pathlib import Path

from sim.cli.errors import UsageError


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "replay", help="re-run one replication of a run folder",
        description="Re-run replication K of a run folder with the same scenario and seed, "
        "printing its KPIs, or the full traceback when it fails.",
        epilog="example:\n  python3 run.py replay results/baseline/<run-id> --replication 17",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("run_dir", type=Path, metavar="RUN_DIR")
    parser.add_argument("--replication", type=int, required=True, metavar="K")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from sim.experiment.replay import replay_inputs
    from sim.experiment.seeds import describe
    from sim.results.tables import run_replication
    try:
        scenario, seed = replay_inputs(args.run_dir, args.replication)
    except IndexError as error:
        raise UsageError(f"--replication {args.replication}: {error}") from None
    print(f"replaying replication {args.replication} of {args.run_dir} "
          f"(seed {describe(seed.entropy, args.replication)})")
    try:
        tables = run_replication(scenario, seed)
    except Exception:
        traceback.print_exc()  # the point of a replay: see where it fails
        return 1
    for name, value in tables["kpis"].iloc[0].items():
        print(f"  {name:32s} {value:.6g}")
    return 0
