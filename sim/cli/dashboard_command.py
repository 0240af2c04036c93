"""``dashboard``: rebuild dashboards from stored results, without re-running anything."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.cli.errors import UsageError


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "dashboard", help="rebuild dashboards from run or compare folders",
        description="Rebuild dashboard.html in each run or sweep folder (or comparison.html "
        "in a compare folder) from the stored results; nothing is re-run. Pages are "
        "self-contained: they open from disk in any browser, offline.",
        epilog="examples:\n  python3 run.py dashboard results/baseline/<run-id>\n"
        "  python3 run.py dashboard results/compare/<run-id> --png",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folders", type=Path, nargs="+", metavar="RUN_DIR")
    parser.add_argument("--png", action="store_true",
                        help="also write each figure as a PNG (kaleido, or the system's "
                        "Chromium through Playwright)")
    parser.set_defaults(handler=handle)


def build(folder: Path, png: bool) -> Path:
    """Build the dashboard of one folder; return the page written."""
    from sim.dashboards.build import (
        build_comparison,
        build_run,
        is_comparison,
        is_sweep,
        write_pngs,
    )
    from sim.dashboards.sweep import sweep_dashboard
    builder = build_comparison if is_comparison(folder) else \
        sweep_dashboard if is_sweep(folder) else build_run
    target, figures = builder(folder)
    if png:
        try:
            written = write_pngs(target, figures, target.stem)
            print(f"{len(written)} PNG images written beside {target}")
        except RuntimeError as error:
            print(f"{folder}: no PNG images: {error}", file=sys.stderr)
    return target


def handle(args: argparse.Namespace) -> int:
    from sim.dashboards.build import (
        is_comparison,
    )
    for folder in args.folders:
        if not (folder / "manifest.json").is_file() and not is_comparison(folder):
            raise UsageError(f"{folder}: not a run or compare folder (no manifest.json or "
                             "comparison.csv)")
    for folder in args.folders:
        print(f"dashboard written to {build(folder, args.png)}")
    return 0
