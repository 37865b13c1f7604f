"""The check `split_matches_seeded_hash` on `splits` (`quality/checks/split_matches_seeded_hash.py`)."""

import pytest

from tests.integration.test_gate import LABELED, _moved_split
from tests.unit.quality.checks.conftest import assert_fails_named, verdict


def test_the_seed_tables_pass():
    assert verdict(LABELED, "split_matches_seeded_hash", "splits").success


@pytest.mark.parametrize(
    ("table", "change", "example"),
    [
        pytest.param("splits", _moved_split, "expected", id="moved_split"),
    ],
)
def test_a_fault_fails_named(damaged, table, change, example):
    assert_fails_named(damaged((table, change)), "split_matches_seeded_hash", "splits", example)
