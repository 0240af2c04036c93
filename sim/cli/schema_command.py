"""``schema``: print the JSON Schema of scenario files (or the Markdown reference)."""

from __future__ import annotations

import argparse

from sim.schema.reference import json_schema_text, markdown_reference


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "schema", help="print the JSON Schema of scenario files",
        description="Print the JSON Schema of scenario files, for editors with the YAML "
        "language server, or with --markdown the field reference (docs/SCENARIOS.md).",
        epilog="examples:\n  python run.py schema > scenarios/scenario.schema.json\n"
        "  python run.py schema --markdown > docs/SCENARIOS.md",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--markdown", action="store_true",
                        help="print the Markdown field reference instead")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    print(markdown_reference() if args.markdown else json_schema_text(), end="")
    return 0
