"""Every example the program shows - in every ``--help`` and in the README's code blocks
marked ``<!-- runnable -->`` - is a command that works as written: a quick check that
each parses and names files that exist, and a slow one that runs them all, in order, in a
scratch copy of the scenarios (``<run-id>`` is the folder an earlier example wrote, and
``<id>`` a game played here for two quarters). The two that open the play app in a
browser wait for a player, so they are parsed, not run."""

from __future__ import annotations

import argparse
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sim.cli import build_parser
from tests.conftest import ROOT, SCENARIOS

PREFIX = "python3 run.py"
RUNNABLE = re.compile(r"<!-- runnable -->\n```(?P<language>bash|python)\n(?P<code>.*?)```",
                      re.DOTALL)
PLACEHOLDER = re.compile(r"(?P<parent>[\w./-]+)/<run-id>")
PLAY_LOG = "results/plays/<id>/play.yaml"
# Commands that serve the play app until a player is done: parsed, not run.
INTERACTIVE = re.compile(r"^python3 run\.py play (?!--replay)")


def _commands(text: str) -> list[str]:
    """The ``python3 run.py ...`` lines of a text, continuation lines joined."""
    joined = re.sub(r"\\\n\s*", " ", text)
    return [line.strip() for line in joined.splitlines() if line.strip().startswith(PREFIX)]


def help_examples() -> list[str]:
    parser = build_parser()
    subparsers = next(action for action in parser._actions
                      if isinstance(action, argparse._SubParsersAction))
    texts = [parser.epilog, *(sub.epilog or "" for sub in subparsers.choices.values())]
    return list(dict.fromkeys(command for text in texts for command in _commands(text)))


def readme_blocks() -> list[tuple[str, str]]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return [(match["language"], match["code"]) for match in RUNNABLE.finditer(readme)]


def readme_examples() -> list[str]:
    return [command for language, code in readme_blocks() if language == "bash"
            for command in _commands(code)]


def test_help_and_readme_have_examples_to_check():
    assert len(help_examples()) >= 25
    assert len(readme_examples()) >= 10
    assert any(language == "python" for language, _ in readme_blocks())


@pytest.mark.parametrize("command", sorted(set(help_examples() + readme_examples())))
def test_every_example_parses_and_names_files_that_exist(command):
    command = PLACEHOLDER.sub(r"\g<parent>/example", command).replace("<id>", "example")
    words = shlex.split(command.split(" #", 1)[0].split(" > ", 1)[0], posix=True)[2:]
    if words and words[0] not in build_parser()._subparsers._group_actions[0].choices:
        words.insert(0, "run")
    try:
        build_parser().parse_args(words)  # a wrong flag or value raises UsageError
    except SystemExit as done:  # --help, --version
        assert done.code == 0
    for word in words:
        if word.startswith("scenarios/") and "*" not in word:
            assert (ROOT / word).exists(), word


def _latest(cwd: Path, parent: str) -> Path:
    folders = sorted((cwd / parent).iterdir(), key=lambda path: path.stat().st_mtime) \
        if (cwd / parent).is_dir() else []
    return folders[-1] if folders else cwd / parent / "<missing>"


def _played_game(cwd: Path) -> str:
    """A play log: Poland for two quarters at 4 % of GDP (as a player would leave it)."""
    from sim.loader import load_scenario
    from sim.play.game import Game

    scenario = cwd / "scenarios" / "baseline.yaml"
    game = Game.start(load_scenario(scenario), str(scenario), "POL", 1,
                      quarters=2, plays=cwd / "results" / "plays")
    game.set_number("defence_pct_gdp", 4.0)
    for _ in range(2):
        game.end_quarter()
    return str(game.save().relative_to(cwd))


def _resolve(command: str, cwd: Path) -> str:
    def latest(match: re.Match) -> str:
        parent = match["parent"]
        if not (cwd / parent).is_dir():  # a run no earlier example made: make it
            scenario = SCENARIOS / f"{Path(parent).name.replace('-', '_')}.yaml"
            subprocess.run([sys.executable, str(ROOT / "run.py"), "run",
                            f"scenarios/{scenario.name}", "--quiet"], cwd=cwd, check=True)
        return str(_latest(cwd, parent).relative_to(cwd))
    command = PLACEHOLDER.sub(latest, command)
    if PLAY_LOG in command:
        command = command.replace(PLAY_LOG, _played_game(cwd))
    return command.replace(PREFIX, f"{shlex.quote(sys.executable)} "
                                   f"{shlex.quote(str(ROOT / 'run.py'))}", 1)


@pytest.mark.slow
def test_every_example_runs_as_written(tmp_path):
    shutil.copytree(SCENARIOS, tmp_path / "scenarios")
    (tmp_path / "docs").mkdir()
    shutil.copy(ROOT / "docs" / "MODEL.md", tmp_path / "docs")  # schema --model-doc edits it
    failed = []
    for command in list(dict.fromkeys(help_examples() + readme_examples())):
        if INTERACTIVE.match(command):
            continue
        result = subprocess.run(["bash", "-c", _resolve(command, tmp_path)], cwd=tmp_path,
                                capture_output=True, text=True, timeout=1200)
        if result.returncode != 0:
            failed.append(f"{command}: exit {result.returncode}: "
                          f"{result.stderr.strip().splitlines()[-1:]}")
    assert failed == [], "\n".join(failed)


@pytest.mark.slow
def test_the_readme_python_blocks_run(tmp_path):
    for language, code in readme_blocks():
        if language == "python":
            result = subprocess.run([sys.executable, "-c", code], cwd=ROOT,
                                    capture_output=True, text=True, timeout=600)
            assert result.returncode == 0, result.stderr
