"""Safe, line-aware YAML reading.

The document is composed into PyYAML nodes (no Python objects are ever constructed from
tags), then turned into plain data here, which lets us refuse what a scenario never needs:
duplicate keys, documents over a size limit, alias expansion blow-ups ("billion laughs")
and absurd nesting. Every value keeps the line and column it came from.
"""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from sim.scenario_files.problems import Location, Problem, ScenarioError

MAX_BYTES = 1_000_000  # scenario files are a few kilobytes
MAX_DEPTH = 32  # the schema nests about six levels deep
MAX_VALUES = 200_000  # values after alias expansion

Path_ = tuple[str | int, ...]


class Located:
    """Data read from a file, with where each value and each key came from."""

    def __init__(self, data: dict[str, Any], values: dict[Path_, Location],
                 keys: dict[Path_, Location]) -> None:
        self.data = data
        self.values = values  # path -> location of the value
        self.keys = keys  # path -> location of the mapping key naming it


def _location(file: str, node: Node) -> Location:
    mark = node.start_mark
    return Location(file, mark.line + 1, mark.column + 1)


class _Builder:
    def __init__(self, file: str) -> None:
        self.file = file
        self.values: dict[Path_, Location] = {}
        self.keys: dict[Path_, Location] = {}
        self.count = 0
        self.constructor = yaml.constructor.SafeConstructor()

    def fail(self, node: Node, path: Path_, message: str) -> ScenarioError:
        return ScenarioError(Problem(_location(self.file, node),
                                     ".".join(map(str, path)), message))

    def build(self, node: Node, path: Path_ = ()) -> Any:
        self.count += 1
        if self.count > MAX_VALUES:
            raise self.fail(node, path, f"more than {MAX_VALUES:,} values after expanding "
                            "aliases; refusing a possible alias bomb")
        if len(path) > MAX_DEPTH:
            raise self.fail(node, path, f"nested deeper than {MAX_DEPTH} levels")
        self.values.setdefault(path, _location(self.file, node))
        if isinstance(node, ScalarNode):
            value = self.constructor.construct_object(node, deep=True)
            problem = not_text(value)
            if problem:
                raise self.fail(node, path, problem)
            return value
        if isinstance(node, SequenceNode):
            return [self.build(item, (*path, index)) for index, item in enumerate(node.value)]
        if isinstance(node, MappingNode):
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, ScalarNode):
                    raise self.fail(key_node, path, "keys must be plain words or numbers")
                key = self.constructor.construct_object(key_node, deep=True)
                problem = not_text(key)
                if problem:
                    raise self.fail(key_node, path, problem)
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise self.fail(key_node, path, "merge keys (<<) are not supported; use "
                                    "extends: to build on another scenario")
                if not isinstance(key, str | int) or isinstance(key, bool):
                    raise self.fail(key_node, path, "keys must be plain words or numbers")
                if key in result:
                    raise self.fail(key_node, (*path, key), f"duplicate key {key!r}")
                self.keys[(*path, key)] = _location(self.file, key_node)
                result[key] = self.build(value_node, (*path, key))
            return result
        raise self.fail(node, path, "unsupported YAML node")


def not_text(value: Any) -> str | None:
    """Why a string read from YAML is not text, or None: a ``"\\ud800"`` escape names a
    lone surrogate, which no file, page or terminal can hold (it fails when written)."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")  # fails on a surrogate only
        except UnicodeEncodeError as error:
            return f"\\u{ord(value[error.start]):04x} is a lone surrogate, not a " \
                "character; write the character itself"
    return None


def _decode(raw: bytes, file: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        raise ScenarioError(Problem(Location(file, line, column), "",
                                    f"not UTF-8 text (byte 0x{raw[error.start]:02x})")
                            ) from None


def file_problem(path: Path) -> str | None:
    """Why ``path`` cannot be read as an input file, or None. A pipe or a device is
    refused before reading: reading a FIFO would wait forever."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "file not found"
    except OSError as error:
        return f"cannot read: {error.strerror}"
    if stat.S_ISDIR(mode):
        return "is a folder, not a file"
    if not stat.S_ISREG(mode):
        return "is not a regular file (a pipe, socket or device)"
    return None


def read_located_yaml(path: Path, display: str | None = None) -> Located:
    """Read one YAML mapping with locations; every failure is a ScenarioError."""
    file = display or str(path)
    problem = file_problem(path)
    if problem:
        raise ScenarioError(Problem(Location(file), "", problem))
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ScenarioError(Problem(Location(file), "", f"file is {size:,} bytes; "
                                        f"scenario files are limited to {MAX_BYTES:,}"))
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ScenarioError(Problem(Location(file), "", "file not found")) from None
    except IsADirectoryError:
        raise ScenarioError(Problem(Location(file), "", "is a folder, not a file")) from None
    except OSError as error:
        raise ScenarioError(Problem(Location(file), "", f"cannot read: {error.strerror}")
                            ) from None
    text = _decode(raw, file)
    try:
        documents = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = Location(file, mark.line + 1, mark.column + 1) if mark else Location(file)
        problem = error.problem or error.context or "invalid YAML"
        raise ScenarioError(Problem(where, "", f"YAML syntax error: {problem}")) from None
    except yaml.reader.ReaderError as error:  # a control character such as NUL
        line = text.count("\n", 0, error.position) + 1
        column = error.position - (text.rfind("\n", 0, error.position) + 1) + 1
        raise ScenarioError(Problem(Location(file, line, column), "",
                                    f"control character U+{error.character:04X} is not "
                                    "allowed in YAML")) from None
    except yaml.YAMLError as error:
        raise ScenarioError(Problem(Location(file), "", f"YAML error: {error}")) from None
    except RecursionError:
        raise ScenarioError(Problem(Location(file), "", f"nested deeper than {MAX_DEPTH} "
                                    "levels")) from None
    documents = [document for document in documents if document is not None]
    if not documents:
        raise ScenarioError(Problem(Location(file, 1), "", "the file is empty; expected a "
                                    "scenario mapping (metadata:, simulation:, ...)"))
    if len(documents) > 1:
        raise ScenarioError(Problem(_location(file, documents[1]), "",
                                    "expected one YAML document, found several"))
    root = documents[0]
    if not isinstance(root, MappingNode):
        raise ScenarioError(Problem(_location(file, root), "",
                                    "expected a mapping of sections at the top level"))
    builder = _Builder(file)
    try:
        data = builder.build(root)
    except RecursionError:
        raise ScenarioError(Problem(Location(file), "", f"nested deeper than {MAX_DEPTH} "
                                    "levels")) from None
    except yaml.constructor.ConstructorError as error:
        mark = error.problem_mark
        where = Location(file, mark.line + 1, mark.column + 1) if mark else Location(file)
        raise ScenarioError(Problem(where, "", f"cannot read value: {error.problem}")
                            ) from None
    return Located(data, builder.values, builder.keys)
