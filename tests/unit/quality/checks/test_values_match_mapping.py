"""The check `values_match_mapping` on `mapped_values` (`quality/checks/values_match_mapping.py`)."""

import pytest

from tests.integration.test_gate import _mapped_value_that_its_value_does_not_map_to
from tests.unit.quality.checks.conftest import assert_fails_named, verdict


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
    assert_fails_named(damaged((table, change)), "values_match_mapping", "mapped_values", example)


def _kind_changed(rows):
    rows[0]["mapping_kind"] = "narrower" if rows[0]["mapping_kind"] != "narrower" else "exact"


def _policy_changed(rows):
    rows[0]["policy_id"] = next(
        r["policy_id"] for r in rows if r["policy_id"] != rows[0]["policy_id"]
    )


@pytest.mark.parametrize("change", [_kind_changed, _policy_changed])
def test_a_row_of_an_expected_value_with_another_kind_or_policy_fails_named(damaged, change):
    result = verdict(damaged(("mapped_values", change)), "values_match_mapping", "mapped_values")
    assert not result.success and result.n_failed == 1
    assert "scheme, category, mapping_kind or policy_id is" in result.examples[0]
    assert "expected one of [(" in result.examples[0]
