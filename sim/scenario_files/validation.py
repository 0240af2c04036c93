"""Validate a composed document against the schema; turn every pydantic error into a
problem at the offending file, line and field, with "did you mean" for unknown keys."""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from sim.scenario_files.documents import Document
from sim.scenario_files.problems import FieldError, Problem, ScenarioError
from sim.schema import Scenario

Model = TypeVar("Model", bound=BaseModel)
SIMILAR = 0.6  # difflib's ratio from which a word is offered as "did you mean"


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model inside an annotation like ``list[Nation]`` or ``X | None``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (list, dict, typing.Union, types.UnionType):
        for argument in typing.get_args(annotation):
            found = _inner_model(argument)
            if found is not None:
                return found
    return None


def _keyed_by_name(annotation: Any) -> bool:
    """Whether an annotation like ``dict[str, Split]`` or ``dict[...] | None`` is a
    mapping whose keys are names (an area's, a driver's) rather than fields."""
    origin = typing.get_origin(annotation)
    if origin is dict:
        return True
    return origin in (typing.Union, types.UnionType) and any(
        _keyed_by_name(argument) for argument in typing.get_args(annotation))


def fields_at(path: tuple[str | int, ...], schema: type[BaseModel] = Scenario) -> list[str]:
    """Names of the fields allowed at ``path`` (a mapping in the schema)."""
    model: type[BaseModel] | None = schema
    name_next = False  # the part after a field keyed by name is a name, not a field
    for part in path:
        if model is None:
            return []
        if isinstance(part, int) or name_next:
            name_next = False
            continue
        field = model.model_fields.get(str(part))
        if field is None:
            return []
        model = _inner_model(field.annotation)
        name_next = _keyed_by_name(field.annotation)
    return list(model.model_fields) if model is not None else []


def suggestion(word: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(word, candidates, n=1, cutoff=SIMILAR)
    if close:
        return f"; did you mean {close[0]!r}?"
    if candidates:
        return f"; expected one of: {', '.join(candidates)}"
    return ""


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _problem(document: Document, error: dict[str, Any], schema: type[BaseModel]) -> Problem:
    path = tuple(error["loc"])
    context = error.get("ctx") or {}
    cause = context.get("error")
    if isinstance(cause, FieldError):
        path = path + cause.path
        return Problem(document.where(path), ".".join(map(str, path)), cause.message)
    dotted = ".".join(map(str, path))
    kind = error["type"]
    if kind == "extra_forbidden":
        name = str(path[-1])
        message = f"unknown key {name!r}" + suggestion(name, fields_at(path[:-1], schema))
        return Problem(document.where(path, key=True), dotted, message)
    if kind == "missing":
        return Problem(document.where(path), dotted, "missing required field")
    message = error["msg"].removeprefix("Value error, ")
    if "input" in error and kind not in ("model_type", "dict_type", "list_type"):
        message += f" (got {_shown(error['input'])})"
    return Problem(document.where(path), dotted, message)


def _readable(document: Document, problem: Problem) -> Problem:
    """Name nations by code rather than list position: ``nations.members.DEU.gdp``."""
    parts = problem.path.split(".")
    if parts[:2] == ["nations", "members"] and len(parts) > 2 and parts[2].isdigit():
        members = document.data.get("nations", {}).get("members") or []
        index = int(parts[2])
        if index < len(members) and isinstance(members[index], dict) and \
                isinstance(members[index].get("code"), str):
            parts[2] = members[index]["code"].upper()
            return Problem(problem.location, ".".join(parts), problem.message)
    return problem


def refuse_another_kind(document: Document, schema: type[BaseModel], what: str,
                        more_keys: tuple[str, ...] = ()) -> None:
    """A file of another kind - an experiment file given as a scenario, a scenario given
    as a policy - is one mistake: one line saying what was expected, not one per key. A
    file at least half of whose keys are keys of ``schema`` (or close to one: typos) is of
    the kind."""
    expected = [*more_keys, *schema.model_fields]
    keys = [str(key) for key in document.data]
    ours = [key for key in keys
            if key in expected or difflib.get_close_matches(key, expected, cutoff=0.8)]
    if 2 * len(ours) >= len(keys):
        return
    found = ", ".join(keys[:5]) + (", ..." if len(keys) > 5 else "")
    first_key = document.where((next(iter(document.data)),), key=True)
    raise ScenarioError(Problem(first_key, "", f"not {what}: expected its keys among "
                                f"{', '.join(expected)}; found {found}"))


def _without_misspelled(errors: list[Any], schema: type[BaseModel]) -> list[Any]:
    """A required field written with a typo is one mistake: the unknown key's "did you
    mean" names the field, so the field's "missing required field" is left out."""
    missing = {tuple(item["loc"]) for item in errors if item["type"] == "missing"}
    meant = set()
    for item in errors:
        if item["type"] == "extra_forbidden":
            parent, name = tuple(item["loc"][:-1]), str(item["loc"][-1])
            close = difflib.get_close_matches(name, fields_at(parent, schema), n=1,
                                              cutoff=SIMILAR)
            if close and (*parent, close[0]) in missing:
                meant.add((*parent, close[0]))
    return [item for item in errors
            if not (item["type"] == "missing" and tuple(item["loc"]) in meant)]


def validate(document: Document) -> Scenario:
    return validate_as(Scenario, document)


def validate_as(schema: type[Model], document: Document) -> Model:
    """The document as an instance of ``schema``, or a ScenarioError naming every
    problem's file, line and field."""
    try:
        return schema.model_validate(document.data)
    except ValidationError as error:
        errors = _without_misspelled(error.errors(), schema)
        problems = [_readable(document, _problem(document, item, schema)) for item in errors]
        unique = sorted(dict.fromkeys(problems), key=lambda p: (
            p.location.file, p.location.line, p.location.column))
        raise ScenarioError(_one_line_per_field_of_a_file(unique)) from None


def _one_line_per_field_of_a_file(problems: list[Problem]) -> list[Problem]:
    """The same problem with the same field of many nations from one file - a nations
    table without a required column - is one mistake: one line, at the first nation,
    naming the others."""
    nations: dict[tuple[str, str, str], list[Problem]] = {}
    for problem in problems:
        parts = problem.path.split(".")
        if parts[:2] == ["nations", "members"] and len(parts) == 4:
            field = (problem.location.file, parts[3], problem.message)
            nations.setdefault(field, []).append(problem)
    kept = []
    for problem in problems:
        parts = problem.path.split(".")
        same = nations.get((problem.location.file, parts[-1], problem.message), [problem]) \
            if parts[:2] == ["nations", "members"] and len(parts) == 4 else [problem]
        if len(same) == 1:
            kept.append(problem)
        elif problem is same[0]:
            others = [other.path.split(".")[2] for other in same[1:]]
            listed = ", ".join(others[:6]) + (", ..." if len(others) > 6 else "")
            kept.append(Problem(problem.location, problem.path, f"{problem.message} (the "
                                f"same in {len(others)} more nations of this file: {listed})"))
    return kept
