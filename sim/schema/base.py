"""Shared building blocks of the scenario schema.

Every parameter is declared exactly once, with :func:`param`: its type comes from the
annotation, and its default, unit, allowed range and meaning from here. Validation, the
field reference, sweeps and dashboard labels all read these declarations.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Section(BaseModel):
    """A YAML section: unknown keys are errors, values are checked on assignment too."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, frozen=False)


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
