"""Policy files and play logs given on the command line (``--policy CODE=FILE``): read
with locations, checked, and set as a nation's policy in a scenario document, so that every
problem in them is reported at its own file, line and field.

A policy file holds a nation's policy section (``kind: scripted``, ``decisions:``,
``rules:``); a play log (sim.schema.play) holds one under ``policy:``.
"""

from __future__ import annotations

from pathlib import Path

from sim.scenario_files.documents import MEMBERS, Document, read_document
from sim.scenario_files.problems import COMMAND_LINE, Location, Problem, ScenarioError
from sim.scenario_files.validation import refuse_another_kind, validate_as
from sim.schema.play import PlayLog
from sim.schema.policy import NationPolicy

LOG_KEY = "policy"  # a play log holds the policy under this key


def read_policy(path: Path, display: str) -> tuple[Document, tuple[str, ...]]:
    """The file's document, checked on its own, and the path of the policy inside it."""
    document = read_document(path, display)
    if LOG_KEY in document.data:
        validate_as(PlayLog, document)
        return document, (LOG_KEY,)
    refuse_another_kind(document, NationPolicy, "a policy file or a play log", (LOG_KEY,))
    validate_as(NationPolicy, document)
    return document, ()


def set_policy(document: Document, code: str, path: Path, display: str) -> None:
    """Nation ``code`` of the scenario document takes the policy in file ``path``."""
    members = document.data.get("nations", {}).get("members") or []
    codes = [str(member.get("code", "")).upper() for member in members
             if isinstance(member, dict)]
    if code.upper() not in codes:
        raise ScenarioError(Problem(Location(COMMAND_LINE), f"--policy {code}",
                                    f"the scenario has no nation {code!r}"))
    index = codes.index(code.upper())
    policy, inside = read_policy(path, display)
    data = policy.data
    for key in inside:
        data = data[key]
    target = (*MEMBERS, index, LOG_KEY)
    members[index][LOG_KEY] = data
    document._drop(target)
    document._take(policy, inside, target)
