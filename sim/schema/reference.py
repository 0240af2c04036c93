"""The field reference, read from the schema: one record per parameter, for docs, labels
and sweeps (ranges default to what the schema declares)."""

from __future__ import annotations

import json
import re
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from typing import Any

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from sim.schema.scenario import Scenario

SCHEMA_URL = "https://json-schema.org/draft/2020-12/schema"


@dataclass(frozen=True)
class Parameter:
    path: str  # dotted; list items as "[]"
    type: str
    default: Any
    required: bool
    unit: str
    minimum: float | None
    maximum: float | None
    exclusive_minimum: bool
    exclusive_maximum: bool
    description: str
    source: str

    @property
    def range_text(self) -> str:
        low = "" if self.minimum is None else \
            f"{'>' if self.exclusive_minimum else '>='} {_number(self.minimum)}"
        high = "" if self.maximum is None else \
            f"{'<' if self.exclusive_maximum else '<='} {_number(self.maximum)}"
        return ", ".join(part for part in (low, high) if part)

    @property
    def label(self) -> str:
        """A short label for charts: the last path part, with its unit."""
        name = self.path.rsplit(".", 1)[-1].replace("_", " ")
        return f"{name} ({self.unit})" if self.unit else name


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _type_name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        names = [_type_name(a) for a in typing.get_args(annotation) if a is not type(None)]
        return " or ".join(names) + " (or empty)"
    if origin is list:
        return f"list of {_type_name(typing.get_args(annotation)[0])}"
    if origin is dict:
        key, value = typing.get_args(annotation)
        return f"mapping {_type_name(key)} -> {_type_name(value)}"
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return " | ".join(repr(member.value) for member in annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "section"
    return getattr(annotation, "__name__", str(annotation))


def _nested_model(annotation: Any) -> tuple[type[BaseModel] | None, bool]:
    """The section model in an annotation, and whether it is a list of them."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, False
    if typing.get_origin(annotation) is list:
        inner = typing.get_args(annotation)[0]
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            return inner, True
    return None, False


def _bounds(field: FieldInfo) -> tuple[float | None, float | None, bool, bool]:
    low = high = None
    exclusive_low = exclusive_high = False
    for item in field.metadata:
        if isinstance(item, annotated_types.Ge):
            low = item.ge
        elif isinstance(item, annotated_types.Gt):
            low, exclusive_low = item.gt, True
        elif isinstance(item, annotated_types.Le):
            high = item.le
        elif isinstance(item, annotated_types.Lt):
            high, exclusive_high = item.lt, True
    return low, high, exclusive_low, exclusive_high


def _default(field: FieldInfo) -> Any:
    if field.default_factory is not None:
        value = field.default_factory()
        if isinstance(value, BaseModel):
            return None
        if isinstance(value, list) and value and isinstance(value[0], BaseModel):
            return f"{len(value)} items (see the section)"
        return value
    if field.default is PydanticUndefined:
        return None
    return field.default.value if isinstance(field.default, Enum) else field.default


def iter_parameters(model: type[BaseModel] = Scenario, prefix: str = ""
                    ) -> Iterator[Parameter]:
    """Every parameter of the schema, depth first, in declaration order."""
    for name, field in model.model_fields.items():
        path = f"{prefix}{name}"
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        nested, is_list = _nested_model(field.annotation)
        low, high, exclusive_low, exclusive_high = _bounds(field)
        yield Parameter(
            path=path, type=_type_name(field.annotation), default=_default(field),
            required=field.is_required(), unit=str(extra.get("unit", "")),
            minimum=low, maximum=high, exclusive_minimum=exclusive_low,
            exclusive_maximum=exclusive_high, description=field.description or "",
            source=str(extra.get("source", "")))
        if nested is not None:
            yield from iter_parameters(nested, f"{path}[]." if is_list else f"{path}.")


def parameter(path: str) -> Parameter:
    """The declaration of one parameter by dotted path (list indices ignored)."""
    wanted = ".".join("[]" if part.isdigit() else part for part in path.split("."))
    wanted = wanted.replace(".[]", "[]")
    for item in iter_parameters():
        if item.path == wanted:
            return item
    raise KeyError(path)


def json_schema() -> dict[str, Any]:
    """JSON Schema of scenario files, for editors (YAML language server)."""
    schema = Scenario.model_json_schema()
    schema["$schema"] = SCHEMA_URL
    schema["title"] = "alliance-sim scenario"
    schema["properties"] = {
        "extends": {"type": "string", "description": "A scenario file this one builds on "
                    "(path relative to this file); only the differences are stated here."},
        **schema["properties"],
    }
    return schema


def json_schema_text() -> str:
    return json.dumps(json_schema(), indent=2, sort_keys=False) + "\n"


def _cell(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(map(str, value)) if value else "[]"
    return str(value).replace("|", "\\|")


def markdown_reference() -> str:
    """docs/SCENARIOS.md: every field of a scenario file, generated from the schema."""
    lines = [
        "# Scenario file reference",
        "",
        "Generated from the schema (`sim/schema/`) by `python run.py schema --markdown`;",
        "a test fails when this file is stale. Every field below can be set in a scenario",
        "file or with `--set dotted.path=value`. A scenario may start with",
        "`extends: other.yaml` and state only what differs (mappings merge key by key,",
        "nations merge by code, other lists are replaced).",
        "",
        "Editors with the YAML language server complete and check scenario files against",
        "`scenarios/scenario.schema.json` (`python run.py schema` prints it); the shipped",
        "scenarios name it in their first line.",
        "",
    ]
    section = None
    for item in iter_parameters():
        top = item.path.split(".", 1)[0]
        if top != section:
            section = top
            lines += ["", f"## `{top}`", "",
                      "| field | type | default | unit | range | meaning | source |",
                      "| --- | --- | --- | --- | --- | --- | --- |"]
            if "." not in item.path:
                continue
        default = "(required)" if item.required else _cell(item.default)
        lines.append(
            f"| `{item.path}` | {_cell(item.type)} | {default} | {_cell(item.unit)} | "
            f"{item.range_text} | {_cell(item.description)} | {_cell(item.source)} |")
    return "\n".join(lines) + "\n"


# docs/MODEL.md marks each parameter table it takes from the schema with these comments.
TABLE_BEGIN = re.compile(r"<!-- parameters: (?P<prefix>[a-z_.\[\]]+) -->\n")
TABLE_END = "<!-- end of parameters -->"


def _bound(value: float) -> str:
    if abs(value) >= 1e9:
        return f"{value:.3g}"
    return f"{int(value):,}" if float(value).is_integer() else _number(value)


def _range_cell(item: Parameter) -> str:
    """The allowed range in interval notation: [0, 1], (0, 1], >= 1."""
    if item.type == "bool":
        return "bool"
    if item.minimum is not None and item.maximum is not None:
        return (f"{'(' if item.exclusive_minimum else '['}{_bound(item.minimum)}, "
                f"{_bound(item.maximum)}{')' if item.exclusive_maximum else ']'}")
    return item.range_text or "-"


def parameter_table(prefix: str) -> str:
    """A Markdown table of the parameters directly under ``prefix`` (not of nested
    sections): path, default, unit, range, meaning and declared source ("MJ",
    modeller's judgement, for a number without one)."""
    lines = ["| path | default | unit | range | meaning | source |",
             "| --- | --- | --- | --- | --- | --- |"]
    for item in iter_parameters():
        if not item.path.startswith(prefix) or "." in item.path[len(prefix):]:
            continue
        if item.type == "section":
            continue
        default = "(required)" if item.required else _cell(item.default) or "empty"
        numeric = item.type in ("int", "float", "float or (or empty)") or \
            item.type.startswith(("int", "float"))
        source = _cell(item.source) or ("MJ" if numeric else "-")
        lines.append(f"| {item.path} | {default} | {_cell(item.unit) or '-'} | "
                     f"{_range_cell(item)} | {_cell(item.description)} | {source} |")
    return "\n".join(lines) + "\n"


def update_parameter_tables(text: str) -> str:
    """``text`` (docs/MODEL.md) with every marked parameter table regenerated."""
    out, position = [], 0
    for begin in TABLE_BEGIN.finditer(text):
        end = text.index(TABLE_END, begin.end())
        out += [text[position:begin.end()], parameter_table(begin["prefix"])]
        position = end
    out.append(text[position:])
    return "".join(out)
