"""The check `practice_id_unique_across_policies` on `practices` (`quality/checks/practice_id_unique_across_policies.py`)."""

import pytest

from tests.integration.test_gate import LABELED, _duplicate_practice_id
from tests.unit.quality.checks.conftest import verdict


def test_the_seed_tables_pass():
    assert verdict(LABELED, "practice_id_unique_across_policies", "practices").success


@pytest.mark.parametrize(
    ("table", "change", "example"),
    [
        pytest.param(
            "practices", _duplicate_practice_id, "appears 2 times", id="duplicate_practice_id"
        ),
    ],
)
def test_a_fault_fails_named(damaged, table, change, example):
    result = verdict(damaged((table, change)), "practice_id_unique_across_policies", "practices")
    assert not result.success and result.n_failed >= 1
    assert any(example in str(e) for e in result.examples), result.examples
