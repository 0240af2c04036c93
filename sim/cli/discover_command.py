"""``discover``: scenario discovery on a sweep folder - which input ranges make a KPI
fall below (or rise above) a threshold - with PRIM (see sim/discovery/prim.py)."""

from __future__ import annotations

import argparse
import math
import re
from pathlib import Path

from sim.cli.errors import UsageError


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "discover", help="scenario discovery on a sweep folder (PRIM)",
        description="Find the box of swept inputs in which a KPI is mostly below (or "
        "above) a threshold: PRIM peeling (Friedman & Fisher 1999) as used for scenario "
        "discovery (Bryant & Lempert 2010). Prints the chosen box and writes "
        "discovery-<kpi>-<below|above>-<X>.html (the trade-off curve, the box) and .csv "
        "(the peeling trajectory) in the sweep folder. See docs/DISCOVERY.md.",
        epilog="examples:\n  python3 run.py discover results/sweeps/governance-and-trust/<run-id> "
        "\\\n      --kpi final_cohesion --below 0.65\n"
        "  python3 run.py discover results/sweeps/governance-and-trust/<run-id> \\\n"
        "      --kpi final_capability --above 4700 --box-index 3",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path, metavar="RUN_DIR", help="a sweep folder")
    parser.add_argument("--kpi", required=True, metavar="NAME",
                        help="the KPI (a column of kpis.parquet), e.g. final_cohesion")
    side = parser.add_mutually_exclusive_group(required=True)
    side.add_argument("--below", type=float, metavar="X",
                      help="cases of interest: KPI < X")
    side.add_argument("--above", type=float, metavar="X",
                      help="cases of interest: KPI > X")
    parser.add_argument("--alpha", type=float, default=0.05,
                        help="peel fraction: share of the box's cases removed per step "
                        "(default 0.05)")
    parser.add_argument("--min-mass", type=float, default=0.05,
                        help="peeling stops before a box holds fewer than this share of "
                        "all cases (default 0.05)")
    parser.add_argument("--min-coverage", type=float, default=0.0,
                        help="choose only among boxes with at least this coverage "
                        "(default 0: any)")
    parser.add_argument("--box-index", type=int, metavar="N",
                        help="show box N of the trajectory instead of the default choice "
                        "(negative counts from the end; see the CSV)")
    parser.add_argument("--max-quasi-p", type=float, default=0.05, metavar="P",
                        help="drop the box's restrictions whose quasi-p-value exceeds P, "
                        "largest first (default 0.05; 1 keeps every restriction)")
    parser.add_argument("--out", type=Path, metavar="DIR",
                        help="folder for the page and CSV (default: RUN_DIR)")
    parser.set_defaults(handler=handle)


def check_numbers(args: argparse.Namespace) -> None:
    threshold = args.below if args.below is not None else args.above
    if not math.isfinite(threshold):
        raise UsageError(f"--{'below' if args.below is not None else 'above'}: expected a "
                         f"finite number (got {threshold})")
    if not 0 < args.alpha < 0.5:
        raise UsageError(f"--alpha {args.alpha:g}: expected a number between 0 and 0.5")
    if not 0 < args.min_mass <= 1:
        raise UsageError(f"--min-mass {args.min_mass:g}: expected a number in (0, 1]")
    if not 0 <= args.min_coverage <= 1:
        raise UsageError(f"--min-coverage {args.min_coverage:g}: expected a number in "
                         "[0, 1]")
    if not 0 < args.max_quasi_p <= 1:
        raise UsageError(f"--max-quasi-p {args.max_quasi_p:g}: expected a number in (0, 1]")
    if args.out is not None and args.out.exists() and not args.out.is_dir():
        raise UsageError(f"--out {args.out}: exists and is not a folder")


def handle(args: argparse.Namespace) -> int:
    from sim.dashboards.discovery import discovery_page
    from sim.discovery.analysis import discover
    from sim.discovery.cases import SweepFolderError, load_cases
    from sim.discovery.report import text_report, trajectory_frame
    from sim.writers import write_csv
    check_numbers(args)
    direction = "below" if args.below is not None else "above"
    threshold = args.below if direction == "below" else args.above
    try:
        cases = load_cases(args.folder)
        discovery = discover(cases, args.kpi, direction, threshold, alpha=args.alpha,
                             min_mass=args.min_mass, min_coverage=args.min_coverage,
                             box_index=args.box_index, max_p=args.max_quasi_p)
    except SweepFolderError as error:
        raise UsageError(str(error)) from None
    folder = args.out or args.folder
    # KPI names come from the file: keep the file name to safe characters.
    stem = re.sub(r"[^A-Za-z0-9._-]", "_", f"discovery-{args.kpi}-{direction}-{threshold:g}")
    print(text_report(discovery))
    csv = folder / f"{stem}.csv"
    write_csv(csv, trajectory_frame(discovery))
    page = folder / f"{stem}.html"
    discovery_page(discovery, args.folder, page)
    print(f"\ntrajectory written to {csv}\npage written to {page}")
    return 0
