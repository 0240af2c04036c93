"""``validate``: check scenario files without running them."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.cli.options import add_set_option, parse_set_options
from sim.scenario_files.problems import ScenarioError


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "validate", help="check scenario files (exit 0 when all are valid)",
        description="Check scenario files against the schema. Prints one line per problem "
        "(FILE:LINE:COL: dotted.path: message) and exits 2 when any file has one.",
        epilog="examples:\n  python3 run.py validate scenarios/*.yaml\n"
        "  python3 run.py validate scenarios/baseline.yaml --set simulation.steps=80",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenarios", type=Path, nargs="+", metavar="FILE",
                        help="scenario YAML files")
    parser.add_argument("--quiet", action="store_true", help="print only problems")
    add_set_option(parser)
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from sim.loader import load_scenario
    overrides = parse_set_options(args.set)
    failed = False
    for path in args.scenarios:
        try:
            scenario = load_scenario(path, overrides)
        except ScenarioError as error:
            print(error, file=sys.stderr)
            failed = True
            continue
        if not args.quiet:
            print(f"{path}: valid ({scenario.metadata.name}, "
                  f"{len(scenario.nations.members)} nations, "
                  f"{scenario.simulation.steps} quarters)")
    return 2 if failed else 0
