"""scripts/: one thin wrapper per subcommand, runnable with any Python as the README writes it."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator

import pytest

from privacy_labels.cli.app import parser
from tests.conftest import REPO

SCRIPTS = REPO / "scripts"
# An interpreter outside the venv; -S keeps site-packages off its path, so the package is
# not importable by it even where it is installed system-wide.
PLAIN_PYTHON = [getattr(sys, "_base_executable", sys.executable), "-S"]


def _commands(command: argparse.ArgumentParser, words: tuple[str, ...] = ()) -> Iterator[tuple]:
    """Every runnable subcommand of the parser, as its words (`("import", "opp115")`)."""
    steps = [a for a in command._actions if isinstance(a, argparse._SubParsersAction)]
    if not steps:
        yield words
        return
    for name, step in steps[0].choices.items():
        yield from _commands(step, (*words, name))


COMMANDS = list(_commands(parser()))


def _script_name(words: tuple[str, ...]) -> str:
    return "_".join(words).replace("-", "_") + ".py"


@pytest.mark.parametrize("words", COMMANDS, ids=" ".join)
def test_every_subcommand_has_its_script(words):
    script = SCRIPTS / _script_name(words)
    assert script.is_file(), f"add {script.relative_to(REPO)} (copy another script)"
    call = "run(" + ", ".join(f'"{word}"' for word in words) + ")"
    assert call in script.read_text(encoding="utf-8"), f"{script.name} must call {call}"


def test_every_script_is_a_subcommand():
    expected = {_script_name(words) for words in COMMANDS} | {"_command.py"}
    assert {p.name for p in SCRIPTS.glob("*.py")} <= expected


def _plain_run(script, cwd) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    return subprocess.run(
        [*PLAIN_PYTHON, str(script), "--help"], capture_output=True, text=True, cwd=cwd, env=env
    )


@pytest.mark.skipif(not (REPO / ".venv").is_dir(), reason="needs the .venv `make build` makes")
def test_a_script_run_by_a_plain_python_runs_again_in_the_venv(tmp_path):
    done = _plain_run(SCRIPTS / "build.py", tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: privacy-labels build")


def test_without_a_venv_a_script_says_to_run_make_build(tmp_path):
    shutil.copytree(SCRIPTS, tmp_path / "project" / "scripts")
    done = _plain_run(tmp_path / "project" / "scripts" / "build.py", tmp_path)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert "privacy_labels package is not installed" in done.stderr
    assert f"run `make build` in {tmp_path / 'project'}" in done.stderr
