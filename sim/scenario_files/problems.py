"""Problems found in scenario input, each pointing at a file, line and field path."""

from __future__ import annotations

from dataclasses import dataclass

COMMAND_LINE = "<command line>"


@dataclass(frozen=True)
class Location:
    file: str
    line: int = 0  # 0: the file as a whole (not found, too large, ...)
    column: int = 1

    def __str__(self) -> str:
        if self.file == COMMAND_LINE or self.line == 0:
            return self.file
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Problem:
    location: Location
    path: str  # dotted field path, "" for the whole file
    message: str

    def __str__(self) -> str:
        where = f"{self.location}: {self.path}" if self.path else str(self.location)
        return f"{where}: {self.message}"


class ScenarioError(Exception):
    """A scenario cannot be used. ``str()`` gives one line per problem."""

    def __init__(self, problems: list[Problem] | Problem | str) -> None:
        if isinstance(problems, str):
            problems = [Problem(Location("<scenario>"), "", problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


class ScenarioWarning(UserWarning):
    """Something in a scenario that runs, but not as its author probably meant; the text
    is one line like a problem's."""


class FieldError(ValueError):
    """Raised inside schema validators to name the offending field (a path relative to
    the model that raises it), so the problem can point at its line."""

    def __init__(self, path: tuple[str | int, ...], message: str) -> None:
        self.path = path
        self.message = message
        super().__init__(message)
