"""Every subcommand documents itself and uses the agreed exit codes."""

from __future__ import annotations

import subprocess
import sys

import pytest

SUBCOMMANDS = ["validate", "build", "add-policy", "docs"]


@pytest.mark.parametrize(
    "command", [[], *[[c] for c in SUBCOMMANDS]], ids=lambda c: " ".join(c) or "top"
)
def test_help(run, command):
    code, out, _ = run(*command, "--help")
    assert code == 0 and out.startswith("usage: privacy-labels")


def test_unknown_subcommand_is_a_usage_error(run):
    assert run("frobnicate")[0] == 2


def test_console_entry_point_runs_as_a_program():
    result = subprocess.run(
        [sys.executable, "-m", "privacy_labels.cli", "--version"], capture_output=True, text=True
    )
    assert result.returncode == 0 and result.stdout.startswith("privacy-labels ")
