"""Command-line interface: ``python3 run.py [COMMAND] ...`` (``run`` when omitted), also
installed as the ``alliance-sim`` command.

Each command lives in its own module and registers a sub-parser; bad input of any kind
ends in one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from sim.cli import (
    compare_command,
    dashboard_command,
    discover_command,
    play_command,
    replay_command,
    run_command,
    schema_command,
    sensitivity_command,
    sweep_command,
    validate_command,
)
from sim.cli.errors import UsageError
from sim.cli.invocation import SCRIPT, invocation, program_name, version
from sim.loader import ScenarioError

COMMANDS = {"run": run_command, "compare": compare_command, "replay": replay_command,
            "dashboard": dashboard_command, "sweep": sweep_command,
            "sensitivity": sensitivity_command, "discover": discover_command,
            "validate": validate_command, "schema": schema_command, "play": play_command}

EPILOG = """examples:
  python3 run.py scenarios/baseline.yaml
  python3 run.py run scenarios/baseline.yaml --seed 7 --out results/my-run
  python3 run.py run scenarios/baseline.yaml --set alliance.governance=coalitions
  python3 run.py compare scenarios/baseline.yaml scenarios/us_retrenchment.yaml
  python3 run.py compare results/baseline/<run-id> results/us-retrenchment/<run-id>
  python3 run.py run --resume results/baseline/<run-id>
  python3 run.py dashboard results/baseline/<run-id>
  python3 run.py sweep scenarios/experiments/governance_and_trust.yaml
  python3 run.py sensitivity scenarios/experiments/cohesion_drivers.yaml --method morris
  python3 run.py discover results/sweeps/governance-and-trust/<run-id> \\
      --kpi final_cohesion --below 0.65
  python3 run.py validate scenarios/*.yaml
  python3 run.py schema > scenarios/scenario.schema.json
  python3 run.py play scenarios/baseline.yaml --nation POL --quarters 8

The package also installs this program as the alliance-sim command: `alliance-sim COMMAND
...` is `python3 run.py COMMAND ...`.
"""


class OneLineParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line (exit status 2 comes from main)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message} (see --help)")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog=program_name(),
        description="Alliance capability simulation: run scenario files.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"alliance-sim {version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND",
                                     parser_class=OneLineParser)
    for module in COMMANDS.values():
        module.register(commands)
    # Examples are written as `python3 run.py ...`; as `alliance-sim`, show them so.
    for subparser in [parser, *commands.choices.values()]:
        if subparser.epilog:
            subparser.epilog = subparser.epilog.replace(SCRIPT, invocation())
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments and arguments[0] not in COMMANDS and not arguments[0].startswith("-"):
        arguments.insert(0, "run")  # `python3 run.py SCENARIO` means `run SCENARIO`
    parser = build_parser()
    try:
        args = parser.parse_args(arguments)
        if args.command is None:
            parser.print_help()
            return 2
        return int(args.handler(args))
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except ScenarioError as error:  # one line per problem: FILE:LINE:COL: path: message
        print(error, file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head` and cut short: not an error
        sys.stderr.close()
        return 0
