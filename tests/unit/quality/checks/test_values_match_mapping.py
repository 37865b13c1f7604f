"""The check `values_match_mapping` on `mapped_values` (`quality/checks/values_match_mapping.py`)."""

import pytest

from tests.integration.test_gate import LABELED, _mapped_value_that_its_value_does_not_map_to
from tests.unit.quality.checks.conftest import verdict


def test_the_seed_tables_pass():
    assert verdict(LABELED, "values_match_mapping", "mapped_values").success


@pytest.mark.parametrize(
    ("table", "change", "example"),
    [
        pytest.param(
            "mapped_values",
            _mapped_value_that_its_value_does_not_map_to,
            "purpose=merger_acquisition: no value",
            id="unmapped_value",
        ),
    ],
)
def test_a_fault_fails_named(damaged, table, change, example):
    result = verdict(damaged((table, change)), "values_match_mapping", "mapped_values")
    assert not result.success and result.n_failed >= 1
    assert any(example in str(e) for e in result.examples), result.examples
