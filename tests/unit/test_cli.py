"""Every subcommand documents itself and uses the agreed exit codes."""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys

import pytest

from privacy_labels.cli import parser
from tests.conftest import FIXTURE_RAW

# The subcommands as of 0.2.0: the commands derived from the parser include at least these.
SUBCOMMANDS = [
    "validate",
    "build",
    "add-policy",
    "docs",
    "report",
    "export label-studio",
    "import label-studio",
    "score",
    "baseline",
    "baseline train",
    "baseline predict",
]


def _commands(
    command: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> list[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """Every command of the parser, with its own parser: the top, each subcommand, each of
    theirs; a new subcommand is found here without being listed."""
    found = [(path, command)]
    for action in command._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += _commands(sub, (*path, name))
    return found


COMMANDS = dict(_commands(parser()))


def test_every_listed_subcommand_is_found_in_the_parser():
    assert {" ".join(c) for c in COMMANDS} >= {"", *SUBCOMMANDS}
    assert len(COMMANDS) > len(SUBCOMMANDS)


@pytest.mark.parametrize("command", list(COMMANDS), ids=lambda c: " ".join(c) or "top")
def test_help(run, command):
    code, out, _ = run(*command, "--help")
    assert code == 0 and out.startswith("usage: privacy-labels")
    options = [
        max(action.option_strings, key=len)
        for action in COMMANDS[command]._actions
        if action.option_strings
    ]
    assert "--help" in options
    missing = [option for option in options if option not in out]
    assert missing == [], f"{' '.join(command)} --help does not name {missing}"


def test_unknown_subcommand_is_a_usage_error(run):
    assert run("frobnicate")[0] == 2


def test_console_entry_point_runs_as_a_program():
    result = subprocess.run(
        [sys.executable, "-m", "privacy_labels.cli", "--version"], capture_output=True, text=True
    )
    assert result.returncode == 0 and result.stdout.startswith("privacy-labels ")


@pytest.mark.parametrize(
    "command",
    [
        ("build", "--raw", "{raw}", "--out", "{raw}"),
        ("export", "label-studio", "--raw", "{raw}", "--out", "{raw}"),
        ("import", "label-studio", "{raw}/export.json", "--raw", "{raw}", "--out", "{raw}"),
        ("report", "{raw}/labeled", "--out", "{raw}"),
        ("import", "opp115", "{raw}", "--out", "{raw}/opp115"),
    ],
    ids=["build", "export", "import", "report", "inside"],
)
def test_an_output_folder_that_overlaps_an_input_is_refused(run, tmp_path, command):
    raw = tmp_path / "raw"
    shutil.copytree(FIXTURE_RAW, raw)
    (raw / "export.json").write_text("[]", encoding="utf-8")
    before = sorted(p.relative_to(raw) for p in raw.rglob("*"))
    code, _, err = run(*(part.format(raw=raw) for part in command))
    assert code == 2
    assert "the input" in err and "write to a folder of its own" in err
    assert sorted(p.relative_to(raw) for p in raw.rglob("*")) == before
