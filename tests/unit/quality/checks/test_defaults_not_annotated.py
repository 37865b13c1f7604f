"""The check `defaults_not_annotated` on `practices+attribute_values` (`quality/checks/defaults_not_annotated.py`)."""

import pytest

from tests.integration.test_gate import _left_out_optional_attribute, _wrong_default
from tests.unit.quality.checks.conftest import assert_fails_named


@pytest.mark.parametrize(
    ("table", "change", "example"),
    [
        pytest.param(
            "attribute_values",
            _wrong_default,
            "user_type: not annotated, other, expected the default",
            id="wrong_default",
        ),
        pytest.param(
            "attribute_values",
            _left_out_optional_attribute,
            "(user_choice_control): no user_type",
            id="left_out_optional_attribute",
        ),
    ],
)
def test_a_fault_fails_named(damaged, table, change, example):
    assert_fails_named(
        damaged((table, change)), "defaults_not_annotated", "practices+attribute_values", example
    )
