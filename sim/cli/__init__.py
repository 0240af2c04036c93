"""Command-line interface: ``python3 run.py [COMMAND] ...`` (``run`` when omitted), also
installed as the ``alliance-sim`` command.

Each command lives in its own module and registers a sub-parser. :func:`main` is the one
error boundary: bad input of any kind, and a failure of the machine around the program
(storage, memory, a dask cluster), ends in one line on stderr and exit status 2, never a
traceback; a stop signal in 128 + its number; only a bug shows a traceback, with a request
to report it.
"""

from __future__ import annotations

import argparse
import signal
import sys
import traceback
import warnings
from collections.abc import Callable, Sequence
from typing import Any

from sim.cli import (
    compare_command,
    dashboard_command,
    discover_command,
    hindcast_command,
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
from sim.experiment.backends import BackendError
from sim.experiment.interrupts import signal_number, stop_signals_interrupt
from sim.scenario_files.problems import ScenarioError, ScenarioWarning
from sim.storage_errors import describe_os_error

COMMANDS = {"run": run_command, "compare": compare_command, "replay": replay_command,
            "dashboard": dashboard_command, "sweep": sweep_command,
            "sensitivity": sensitivity_command, "discover": discover_command,
            "validate": validate_command, "schema": schema_command, "play": play_command,
            "hindcast": hindcast_command}

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
  python3 run.py run scenarios/hindcast_2014.yaml --out results/hindcast
  python3 run.py hindcast results/hindcast

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


# Failures of input or of the machine, said in one line (exit status 2). The errors of
# modules that import pandas or pyarrow are named by module, and looked up only when an
# error is being handled (see raised_by_imported).
ONE_LINE = (UsageError, BackendError)
ONE_LINE_BY_MODULE = (("sim.experiment.folder_checks", "RunFolderError"),
                      ("sim.discovery.cases", "SweepFolderError"),
                      ("sim.experiment.sensitivity", "AnalysisError"))
PARQUET = (("pyarrow", "ArrowException"),)
REPORT_BUGS = "this is a bug in alliance-sim; please report it with the command line and " \
    "the traceback above"


def raised_by_imported(errors: tuple[tuple[str, str], ...]) -> tuple[type[Exception], ...]:
    """The error classes ``(module, class name)`` of the modules imported so far: a module
    never imported cannot have raised its error, so the boundary needs none imported for
    it (`--help` and a usage error import neither pandas nor pyarrow)."""
    return tuple(getattr(sys.modules[module], name) for module, name in errors
                 if module in sys.modules)


def _scenario_warnings_in_one_line(show: Callable[..., None]) -> Callable[..., None]:
    """``warnings.showwarning`` printing a ScenarioWarning as ``warning: FILE:LINE: ...``
    and any other warning as ``show`` does."""
    def shown(message: Warning | str, category: type[Warning], *details: Any,
              **more: Any) -> None:
        if issubclass(category, ScenarioWarning):
            print(f"warning: {message}", file=sys.stderr)
        else:
            show(message, category, *details, **more)
    return shown


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments and arguments[0] not in COMMANDS and not arguments[0].startswith("-"):
        arguments.insert(0, "run")  # `python3 run.py SCENARIO` means `run SCENARIO`
    parser = build_parser()
    try:
        with stop_signals_interrupt(), warnings.catch_warnings():
            warnings.simplefilter("always", ScenarioWarning)
            warnings.showwarning = _scenario_warnings_in_one_line(warnings.showwarning)
            args = parser.parse_args(arguments)
            if args.command is None:
                parser.print_help()
                return 2
            return int(args.handler(args))
    except ScenarioError as error:  # one line per problem: FILE:LINE:COL: path: message
        print(error, file=sys.stderr)
        return 2
    except (*ONE_LINE, *raised_by_imported(ONE_LINE_BY_MODULE)) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head` and cut short: not an error
        sys.stderr.close()
        return 0
    except OSError as error:
        print(f"error: {describe_os_error(error)}", file=sys.stderr)
        return 2
    except raised_by_imported(PARQUET) as error:
        print(f"error: cannot read or write a Parquet table: {error}", file=sys.stderr)
        return 2
    except MemoryError:
        print("error: out of memory; ask for fewer replications, design points or "
              "workers", file=sys.stderr)
        return 2
    except KeyboardInterrupt as interrupt:
        number = signal_number(interrupt)
        print(f"interrupted ({signal.Signals(number).name})", file=sys.stderr)
        return 128 + number
    except Exception:
        traceback.print_exc()
        print(REPORT_BUGS, file=sys.stderr)
        return 1
