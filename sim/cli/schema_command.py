"""``schema``: print the JSON Schema of scenario files (or the Markdown reference)."""

from __future__ import annotations

import argparse
from pathlib import Path

from sim.experiment.spec import experiment_json_schema_text
from sim.schema.reference import json_schema_text, markdown_reference, update_parameter_tables
from sim.writers import atomic_write_text


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "schema", help="print the JSON Schema of scenario (or experiment) files",
        description="Print the JSON Schema of scenario files, for editors with the YAML "
        "language server, or with --markdown the field reference (docs/SCENARIOS.md), or "
        "with --experiment the JSON Schema of experiment files.",
        epilog="examples:\n  python run.py schema > scenarios/scenario.schema.json\n"
        "  python run.py schema --markdown > docs/SCENARIOS.md\n"
        "  python run.py schema --experiment > scenarios/experiments/experiment.schema.json\n"
        "  python run.py schema --model-doc docs/MODEL.md",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    kind = parser.add_mutually_exclusive_group()
    kind.add_argument("--markdown", action="store_true",
                      help="print the Markdown field reference instead")
    kind.add_argument("--experiment", action="store_true",
                      help="print the JSON Schema of experiment files instead")
    kind.add_argument("--model-doc", type=Path, metavar="FILE",
                      help="regenerate the parameter tables marked in FILE (docs/MODEL.md) "
                      "from the schema, in place")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    if args.model_doc is not None:
        document = args.model_doc.read_text(encoding="utf-8")
        atomic_write_text(args.model_doc, update_parameter_tables(document))
        return 0
    text = markdown_reference() if args.markdown else \
        experiment_json_schema_text() if args.experiment else json_schema_text()
    print(text, end="")
    return 0
