"""Shared building blocks of the scenario schema.

Every parameter is declared exactly once, with :func:`param`: its type comes from the
annotation, and its default, unit, allowed range and meaning from here. Validation, the
field reference, sweeps and dashboard labels all read these declarations.
"""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from sim.scenario_files.problems import FieldError

SWITCH_AS_NUMBER = ("expected a number, not true/false (YAML reads yes, no, on and off as "
                    "true/false)")


def _takes_number(annotation: Any) -> bool:
    """Whether a value of this type is a number and never a switch."""
    if annotation in (int, float):
        return True
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        options = typing.get_args(annotation)
        return bool not in options and any(_takes_number(o) for o in options)
    return False


def switch_in_number(value: Any, annotation: Any) -> tuple[str | int, ...] | None:
    """Where, inside ``value``, a true/false stands for a number (pydantic would read it
    as 1 or 0), as a path relative to the value; None when nowhere."""
    if isinstance(value, bool):
        return () if _takes_number(annotation) else None
    origin, arguments = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        for option in arguments:
            found = switch_in_number(value, option)
            if found is not None:
                return found
    elif origin is dict and isinstance(value, dict):
        for key, item in value.items():
            found = switch_in_number(item, arguments[1])
            if found is not None:
                return (key, *found)
    elif origin in (list, tuple) and isinstance(value, list | tuple):
        for index, item in enumerate(value):
            inner = arguments[min(index, len(arguments) - 1)] if arguments else Any
            found = switch_in_number(item, inner)
            if found is not None:
                return (index, *found)
    return None


class Checked(BaseModel):
    """Strict reading of files people write: no unknown keys, no NaN or infinity, and no
    true/false where a number belongs (``steps: yes`` would otherwise run one quarter)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    @field_validator("*", mode="before")
    @classmethod
    def _no_switch_for_a_number(cls, value: Any, info: ValidationInfo) -> Any:
        field = cls.model_fields.get(info.field_name or "")
        where = switch_in_number(value, field.annotation) if field is not None else None
        if where is not None:
            raise FieldError(where, SWITCH_AS_NUMBER)
        return value


class Section(Checked):
    """A YAML section: unknown keys are errors, values are checked on assignment too."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, validate_assignment=True,
                              frozen=False)


def param(
    default: Any,
    description: str,
    *,
    unit: str = "",
    ge: float | None = None,
    le: float | None = None,
    gt: float | None = None,
    lt: float | None = None,
    source: str = "",
    control: tuple[float, float, float] | None = None,
) -> Any:
    """Declare a parameter: default, meaning, unit, allowed range and (optionally) source,
    and for a decision a player takes, the range and step its control offers."""
    extra: dict[str, Any] = {}
    if unit:
        extra["unit"] = unit
    if source:
        extra["source"] = source
    if control:
        extra["control"] = list(control)
    kwargs: dict[str, Any] = {"description": description}
    if extra:
        kwargs["json_schema_extra"] = extra
    for key, value in (("ge", ge), ("le", le), ("gt", gt), ("lt", lt)):
        if value is not None:
            kwargs[key] = value
    if callable(default):
        # Sections and lists are built fresh for every scenario (a class or a factory).
        return Field(default_factory=default, **kwargs)
    return Field(default, **kwargs)


def distinct_codes(codes: list[str], fewest: int, too_few: str, name: str) -> list[str]:
    """Nation codes in upper case, at least ``fewest`` of them and none twice (else a
    ValueError: ``too_few``, or that the ``name`` must be distinct)."""
    if len(codes) < fewest:
        raise ValueError(too_few)
    upper = [code.upper() for code in codes]
    if len(set(upper)) != len(upper):
        raise ValueError(f"{name} must be distinct")
    return upper
