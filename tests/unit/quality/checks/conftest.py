"""One check run alone on a copy of the seed corpus's tables, with faults injected (the
fault injections of the gate's integration test)."""

from __future__ import annotations

import shutil

import pytest

from privacy_labels.quality.checks import PART, discovered
from privacy_labels.quality.result import CheckResult
from privacy_labels.quality.sql import tables
from privacy_labels.store import read_as_written, schemes_of
from tests.integration.test_gate import LABELED, _edit


def verdict(folder, name: str, frame: str, target: str | None = None) -> CheckResult:
    """The check `name` reported on `frame` (on `target`, where it has several), run on the
    tables in `folder`."""
    (check,) = [
        c for c in discovered() if (c.name, c.frame) == (name, frame) and target in (None, c.target)
    ]
    if check.scope == PART:
        return check.run(read_as_written(folder), schemes_of(folder))
    with tables(folder) as sql:
        return check.run(sql, schemes_of(folder))


def assert_fails_named(folder, name: str, frame: str, example: str) -> None:
    """The check fails on the tables in `folder` and names the fault (`example` in a row)."""
    result = verdict(folder, name, frame)
    assert not result.success and result.n_failed >= 1
    assert any(example in str(e) for e in result.examples), result.examples


@pytest.fixture
def damaged(tmp_path):
    """A copy of the seed tables with each `(table, change)` applied to its rows."""

    def damage(*faults) -> object:
        folder = tmp_path / "labeled"
        shutil.copytree(LABELED, folder)
        for table, change in faults:
            _edit(folder, table, change)
        return folder

    return damage
