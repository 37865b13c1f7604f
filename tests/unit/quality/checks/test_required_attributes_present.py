"""The check `required_attributes_present` on `practices+attribute_values` (`quality/checks/required_attributes_present.py`)."""

import pytest

from tests.integration.test_gate import _missing_required_attribute
from tests.unit.quality.checks.conftest import assert_fails_named


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
    assert_fails_named(
        damaged((table, change)),
        "required_attributes_present",
        "practices+attribute_values",
        example,
    )
