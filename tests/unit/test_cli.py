"""Every subcommand documents itself and uses the agreed exit codes."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from tests.conftest import FIXTURE_RAW

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


@pytest.mark.parametrize(
    "command", [[], *[c.split() for c in SUBCOMMANDS]], ids=lambda c: " ".join(c) or "top"
)
def test_help(run, command):
    code, out, _ = run(*command, "--help")
    assert code == 0 and out.startswith("usage: privacy-labels")


def test_unknown_subcommand_is_a_usage_error(run):
    assert run("frobnicate")[0] == 2


def test_console_entry_point_runs_as_a_program():
    result = subprocess.run(
        [sys.executable, "-m", "privacy_labels.cli.app", "--version"],
        capture_output=True,
        text=True,
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
