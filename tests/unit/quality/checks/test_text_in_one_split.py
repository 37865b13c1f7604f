"""The check `text_in_one_split` on `policies+splits` (`quality/checks/text_in_one_split.py`)."""

import pytest

from tests.integration.test_gate import LABELED, _text_under_two_ids
from tests.unit.quality.checks.conftest import assert_fails_named, verdict


def test_the_seed_tables_pass():
    assert verdict(LABELED, "text_in_one_split", "policies+splits").success


@pytest.mark.parametrize(
    ("table", "change", "example"),
    [
        pytest.param("policies", _text_under_two_ids, "one text in", id="text_under_two_ids"),
    ],
)
def test_a_fault_fails_named(damaged, table, change, example):
    assert_fails_named(damaged((table, change)), "text_in_one_split", "policies+splits", example)
