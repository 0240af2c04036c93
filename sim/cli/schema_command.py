"""``schema``: print the JSON Schema of scenario files (or the Markdown reference)."""

from __future__ import annotations

import argparse

from sim.experiment.spec import experiment_json_schema_text
from sim.schema.reference import json_schema_text, markdown_reference


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "schema", help="print the JSON Schema of scenario (or experiment) files",
        description="Print the JSON Schema of scenario files, for editors with the YAML "
        "language server, or with --markdown the field reference (docs/SCENARIOS.md), or "
        "with --experiment the JSON Schema of experiment files.",
        epilog="examples:\n  python run.py schema > scenarios/scenario.schema.json\n"
        "  python run.py schema --markdown > docs/SCENARIOS.md\n"
        "  python run.py schema --experiment > scenarios/experiments/experiment.schema.json",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    kind = parser.add_mutually_exclusive_group()
    kind.add_argument("--markdown", action="store_true",
                      help="print the Markdown field reference instead")
    kind.add_argument("--experiment", action="store_true",
                      help="print the JSON Schema of experiment files instead")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    text = markdown_reference() if args.markdown else \
        experiment_json_schema_text() if args.experiment else json_schema_text()
    print(text, end="")
    return 0
