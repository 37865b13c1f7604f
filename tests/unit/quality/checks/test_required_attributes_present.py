"""The check `required_attributes_present` on `practices+attribute_values` (`quality/checks/required_attributes_present.py`)."""

import pytest

from tests.integration.test_gate import LABELED, _missing_required_attribute
from tests.unit.quality.checks.conftest import verdict


def test_the_seed_tables_pass():
    assert verdict(LABELED, "required_attributes_present", "practices+attribute_values").success


@pytest.mark.parametrize(
    ("table", "change", "example"),
    [
        pytest.param(
            "attribute_values",
            _missing_required_attribute,
            "no purpose",
            id="missing_required_attribute",
        ),
    ],
)
def test_a_fault_fails_named(damaged, table, change, example):
    result = verdict(
        damaged((table, change)), "required_attributes_present", "practices+attribute_values"
    )
    assert not result.success and result.n_failed >= 1
    assert any(example in str(e) for e in result.examples), result.examples
