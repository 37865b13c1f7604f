"""The check `split_matches_seeded_hash` on `splits` (`quality/checks/split_matches_seeded_hash.py`)."""

import pytest

from tests.integration.test_gate import LABELED, _moved_split
from tests.unit.quality.checks.conftest import verdict


def test_the_seed_tables_pass():
    assert verdict(LABELED, "split_matches_seeded_hash", "splits").success


@pytest.mark.parametrize(
    ("table", "change", "example"),
    [
        pytest.param("splits", _moved_split, "expected", id="moved_split"),
    ],
)
def test_a_fault_fails_named(damaged, table, change, example):
    result = verdict(damaged((table, change)), "split_matches_seeded_hash", "splits")
    assert not result.success and result.n_failed >= 1
    assert any(example in str(e) for e in result.examples), result.examples
