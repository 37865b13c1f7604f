"""The check `practice_id_unique_across_policies` on `practices` (`quality/checks/practice_id_unique_across_policies.py`)."""

import pytest

from tests.integration.test_gate import _duplicate_practice_id
from tests.unit.quality.checks.conftest import assert_fails_named


@pytest.mark.parametrize(
    ("table", "change", "example"),
    [
        pytest.param(
            "practices", _duplicate_practice_id, "appears 2 times", id="duplicate_practice_id"
        ),
    ],
)
def test_a_fault_fails_named(damaged, table, change, example):
    assert_fails_named(
        damaged((table, change)), "practice_id_unique_across_policies", "practices", example
    )
