"""Shared paths and helpers for the test tiers (unit, schema, data)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from privacy_labels.cli.app import main

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
FIXTURE_RAW = FIXTURES / "raw"
# ../shared beside the repository; PRIVACY_LABELS_SHARED names it elsewhere (e.g. from a worktree).
SHARED = Path(os.environ.get("PRIVACY_LABELS_SHARED") or REPO.parent / "shared")
OPP115_SAMPLE = SHARED / "fixtures" / "opp115-sample"


@pytest.fixture
def run(capsys):
    """Run the CLI in-process; returns (exit code, stdout, stderr)."""

    def _run(*args: object) -> tuple[int, str, str]:
        try:
            code = main([str(a) for a in args])
        except SystemExit as exit_:  # argparse usage errors and --help
            code = exit_.code
        out, err = capsys.readouterr()
        return code, out, err

    return _run


def read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))
