"""The check `split_matches_seeded_hash` on `splits` (`quality/checks/split_matches_seeded_hash.py`)."""

import pytest

from tests.integration.test_gate import _moved_split
from tests.unit.quality.checks.conftest import assert_fails_named


def _in_plue(rows):
    """A seed policy, in no list of PLUE's, in its test part."""
    rows.append({"policy_id": rows[0]["policy_id"], "split_name": "plue", "part": "test"})


def _no_default_part(rows):
    del rows[0]


def _synthetic(rows):
    """A seed policy in default's test part flagged as holding synthetic text."""
    next(r for r in rows if r["policy_id"] == "smartprotect")["contains_synthetic"] = True


@pytest.mark.parametrize(
    ("table", "change", "example"),
    [
        pytest.param("splits", _moved_split, "expected", id="moved_split"),
        pytest.param("splits", _in_plue, "plue split is test, expected absent", id="in_plue"),
        pytest.param(
            "splits", _no_default_part, "default split is absent, expected", id="no_default"
        ),
        pytest.param(
            "policies",
            _synthetic,
            "smartprotect: default split is test, expected absent",
            id="synthetic_in_test",
        ),
    ],
)
def test_a_fault_fails_named(damaged, table, change, example):
    assert_fails_named(damaged((table, change)), "split_matches_seeded_hash", "splits", example)
