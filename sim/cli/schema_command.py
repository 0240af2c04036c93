"""``schema``: print the JSON Schema of scenario files (or the Markdown references of
their fields and of the output columns)."""

from __future__ import annotations

import argparse
from pathlib import Path

from sim.cli.errors import UsageError


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "schema", help="print the JSON Schema of scenario (or experiment) files",
        description="Print the JSON Schema of scenario files, for editors with the YAML "
        "language server, or with --markdown the field reference (docs/SCENARIOS.md), or "
        "with --experiment the JSON Schema of experiment files, or with --outputs the "
        "reference of every output column with its unit (docs/OUTPUTS.md); with "
        "--model-doc, regenerate the parameter tables of docs/MODEL.md in place.",
        epilog="examples:\n  python3 run.py schema > scenarios/scenario.schema.json\n"
        "  python3 run.py schema --markdown > docs/SCENARIOS.md\n"
        "  python3 run.py schema --experiment > scenarios/experiments/experiment.schema.json\n"
        "  python3 run.py schema --outputs > docs/OUTPUTS.md\n"
        "  python3 run.py schema --model-doc docs/MODEL.md",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    kind = parser.add_mutually_exclusive_group()
    kind.add_argument("--markdown", action="store_true",
                      help="print the Markdown field reference instead")
    kind.add_argument("--experiment", action="store_true",
                      help="print the JSON Schema of experiment files instead")
    kind.add_argument("--outputs", action="store_true",
                      help="print the Markdown reference of output columns instead")
    kind.add_argument("--model-doc", type=Path, metavar="FILE",
                      help="regenerate the parameter tables marked in FILE (docs/MODEL.md) "
                      "from the schema, in place")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from sim.experiment.spec import experiment_json_schema_text
    from sim.outputs import markdown_reference as outputs_reference
    from sim.schema.reference import (
        json_schema_text,
        markdown_reference,
        update_parameter_tables,
    )
    from sim.writers import atomic_write_text
    if args.model_doc is not None:
        if not args.model_doc.is_file():
            raise UsageError(f"--model-doc {args.model_doc}: no such file")
        document = args.model_doc.read_text(encoding="utf-8")
        atomic_write_text(args.model_doc, update_parameter_tables(document))
        return 0
    if args.markdown:
        text = markdown_reference()
    elif args.outputs:
        text = outputs_reference()
    elif args.experiment:
        text = experiment_json_schema_text()
    else:
        text = json_schema_text()
    print(text, end="")
    return 0
