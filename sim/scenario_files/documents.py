"""Scenario documents: data with locations, merged through ``extends``, nation tables
and command-line overrides.

A path is a tuple of keys and list indices, e.g. ``("alliance", "formation",
"min_members")``; every document keeps, for each path, where its value (and the key naming
it) came from, so that any problem found later points at the right file and line.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.scenario_files.problems import COMMAND_LINE, Location, Problem, ScenarioError
from sim.scenario_files.yaml_reader import Located, file_problem, read_located_yaml

Path_ = tuple[str | int, ...]
MEMBERS: Path_ = ("nations", "members")
TABLES: Path_ = ("nations", "from_csv")
# Mappings that are values, not sections: a later file replaces them whole (keyframes of
# a trajectory must not mix with those of the file it extends).
WHOLE_MAPPINGS = {"points"}


@dataclass
class Document:
    data: dict[str, Any]
    values: dict[Path_, Location] = field(default_factory=dict)
    keys: dict[Path_, Location] = field(default_factory=dict)

    @classmethod
    def from_located(cls, located: Located) -> Document:
        return cls(located.data, dict(located.values), dict(located.keys))

    def where(self, path: Path_, *, key: bool = False) -> Location:
        """The location of a path's key (if asked and known) or value, else of its nearest
        ancestor."""
        if key and path in self.keys:
            return self.keys[path]
        for end in range(len(path), -1, -1):
            if path[:end] in self.values:
                return self.values[path[:end]]
        return Location("<scenario>")

    def _drop(self, prefix: Path_) -> None:
        for table in (self.values, self.keys):
            for path in [p for p in table if p[:len(prefix)] == prefix]:
                del table[path]

    def _take(self, other: Document, old: Path_, new: Path_) -> None:
        """Copy ``other``'s locations under ``old`` to ``new`` here."""
        for mine, theirs in ((self.values, other.values), (self.keys, other.keys)):
            for path, location in theirs.items():
                if path[:len(old)] == old:
                    mine[new + path[len(old):]] = location


def _code(item: Any) -> str | None:
    return str(item["code"]).upper() if isinstance(item, dict) and "code" in item else None


def merge(base: Document, top: Document) -> Document:
    """``top`` on ``base``: mappings merge key by key, nations merge by code, other lists
    and values are replaced."""
    result = Document({}, dict(base.values), dict(base.keys))
    result.data = _merge(base.data, top.data, (), base, top, result)
    return result


def _merge(low: Any, high: Any, path: Path_, base: Document, top: Document,
           result: Document) -> Any:
    if isinstance(low, dict) and isinstance(high, dict):
        merged = dict(low)
        for key, value in high.items():
            child = (*path, key)
            if key in low and ((isinstance(low[key], dict) and isinstance(value, dict)
                               and key not in WHOLE_MAPPINGS)
                               or (child == MEMBERS and isinstance(low[key], list)
                               and isinstance(value, list))):
                merged[key] = _merge(low[key], value, child, base, top, result)
            else:
                result._drop(child)
                result._take(top, child, child)
                merged[key] = value
            if child in top.keys:
                result.keys[child] = top.keys[child]
        return merged
    if path == MEMBERS:
        return _merge_members(low, high, base, top, result)
    return high


def _member_locations(document: Document) -> dict[int, tuple[list, list]]:
    """The locations of each member's values and keys, by the member's position, with
    paths relative to the member (read once: tables may hold thousands of rows)."""
    grouped: dict[int, tuple[list, list]] = {}
    for slot, table in enumerate((document.values, document.keys)):
        for path, location in table.items():
            if len(path) > 2 and path[:2] == MEMBERS and isinstance(path[2], int):
                grouped.setdefault(path[2], ([], []))[slot].append((path[3:], location))
    return grouped


def _merge_members(low: list, high: list, base: Document, top: Document,
                   result: Document) -> list:
    """Nations merged by code: a later entry updates the earlier one, new codes append.
    Within one list (or one table) a code may appear only once."""
    result._drop(MEMBERS)
    for source in (base, top):  # the list itself: where the last file to give it did
        if MEMBERS in source.values:
            result.values[MEMBERS] = source.values[MEMBERS]
    merged: list[Any] = []
    index_of: dict[str, int] = {}
    for source, items in ((base, low), (top, high)):
        locations = _member_locations(source)
        first_in_list: dict[str, int] = {}
        for position, item in enumerate(items):
            code = _code(item)
            if code is not None and code in first_in_list:
                first = source.where((*MEMBERS, first_in_list[code], "code"))
                raise ScenarioError(Problem(
                    source.where((*MEMBERS, position, "code")), f"nations.members.{code}",
                    f"duplicate nation code {code!r} (first at {first}); a nation appears "
                    "once per list or table"))
            if code is not None:
                first_in_list[code] = position
            if code is not None and code in index_of:
                target = index_of[code]
                merged[target] = {**merged[target], **item}
            else:
                target = len(merged)
                merged.append(dict(item) if isinstance(item, dict) else item)
                if code is not None:
                    index_of[code] = target
            values, keys = locations.get(position, ([], []))
            for mine, found in ((result.values, values), (result.keys, keys)):
                for rest, location in found:
                    mine[(*MEMBERS, target, *rest)] = location
    return merged


UNCLOSED_QUOTE = "a quote opened on this line is not closed on it"


def read_nation_table(path: Path, display: str) -> Document:
    """A nations CSV as a document whose ``members`` are its rows; empty cells are left
    out so that schema defaults apply (Iceland has no spending figures)."""
    problem = file_problem(path)
    if problem:
        raise ScenarioError(Problem(Location(display), "", problem))
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ScenarioError(Problem(Location(display), "", f"cannot read: {error.strerror}")
                            ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise ScenarioError(Problem(Location(display, line), "", "not UTF-8 text")) from None
    reader = csv.reader(text.splitlines(), strict=True)
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        raise ScenarioError(Problem(Location(display), "", "the table is empty")) from None
    except csv.Error as error:
        raise ScenarioError(Problem(Location(display, 1), "", f"not CSV: {error}")) from None
    for position, name in enumerate(header):
        if name and name in header[:position]:  # one cell of a row would silently win
            column = 1 + sum(len(h) + 1 for h in header[:position])
            raise ScenarioError(Problem(Location(display, 1, column), "",
                                        f"column {name!r} appears twice (first as column "
                                        f"{header.index(name) + 1}); a table names each "
                                        "field once"))
    document = Document({"nations": {"members": []}})
    members = document.data["nations"]["members"]
    row_number = reader.line_num
    while True:
        row_number = reader.line_num + 1  # where the next row starts
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            message = UNCLOSED_QUOTE if "end of data" in str(error) else f"not CSV: {error}"
            raise ScenarioError(Problem(Location(display, row_number), "", message)
                                ) from None
        if reader.line_num > row_number:  # a quoted cell ran on into the next lines
            raise ScenarioError(Problem(Location(display, row_number), "", UNCLOSED_QUOTE))
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            raise ScenarioError(Problem(Location(display, row_number), "",
                                        f"{len(row)} cells but {len(header)} columns"))
        index = len(members)
        item: dict[str, Any] = {}
        column = 1
        for name, cell in zip(header, row, strict=False):
            value = cell.strip()
            where = Location(display, row_number, column)
            column += len(cell) + 1
            if not value:
                continue
            item[name] = {"true": True, "false": False}.get(value.lower(), value)
            document.values[(*MEMBERS, index, name)] = where
            document.keys[(*MEMBERS, index, name)] = Location(display, 1, 1 + sum(
                len(h) + 1 for h in header[:header.index(name)]))
        document.values[(*MEMBERS, index)] = Location(display, row_number, 1)
        members.append(item)
    if not members:
        raise ScenarioError(Problem(Location(display, 1), "", "the table has a header but "
                                    "no rows; a nations table lists at least one nation"))
    return document


def set_path(data: dict[str, Any], path: Path_, value: Any) -> Path_:
    """Set ``value`` at ``path`` (creating mappings on the way; list items by index, and
    nations also by code); return the concrete path that was set."""
    node: Any = data
    concrete: list[str | int] = []
    for position, key in enumerate(path):
        last = position == len(path) - 1
        if isinstance(node, list):
            index = _list_index(node, key)
            concrete.append(index)
            if last:
                node[index] = value
            else:
                node = node[index]
            continue
        if not isinstance(node, dict):
            raise KeyError(".".join(map(str, path)))
        concrete.append(key)
        if last:
            node[key] = value
        else:
            node = node.setdefault(key, {})
    return tuple(concrete)


class NoSuchItemError(KeyError):
    """A list item named by a path is not there; ``str()`` says why."""

    def __str__(self) -> str:
        return str(self.args[0])


def _list_index(items: list, key: str | int) -> int:
    if isinstance(key, int) or _is_number(str(key)):
        index = int(key)
        if index >= len(items):
            raise NoSuchItemError(f"there are only {len(items)} items")
        return index
    for index, item in enumerate(items):
        if _code(item) == str(key).upper():
            return index
    raise NoSuchItemError(f"no item with code {key!r}")


def _is_number(part: str) -> bool:
    """ASCII digits only: ``str.isdigit`` accepts "²", which ``int`` refuses."""
    return part.isascii() and part.isdigit()


def parse_dotted(dotted: str) -> Path_:
    return tuple(int(part) if _is_number(part) else part for part in dotted.split("."))


def apply_command_line(document: Document, overrides: dict[str, Any],
                       written_at: dict[str, Location] | None = None) -> set[Path_]:
    """Apply ``--set`` overrides; return the concrete paths they set. ``written_at`` says
    where an override was written when not on the command line (an experiment's
    ``set:``), so that its problems point there."""
    touched: set[Path_] = set()
    for dotted, value in overrides.items():
        location = (written_at or {}).get(dotted, Location(COMMAND_LINE))
        try:
            path = set_path(document.data, parse_dotted(dotted), value)
        except KeyError as error:
            message = str(error) if isinstance(error, NoSuchItemError) else "no such parameter"
            raise ScenarioError(Problem(location, dotted, message)) from None
        document._drop(path)
        document.values[path] = location
        for end in range(len(path) - 1, 0, -1):  # sections the override created
            if path[:end] in document.values:
                break
            document.values[path[:end]] = location
        touched.add(path)
    return touched


def read_document(path: Path, display: str) -> Document:
    return Document.from_located(read_located_yaml(path, display))
