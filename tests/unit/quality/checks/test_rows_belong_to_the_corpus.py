"""The check `rows_belong_to_the_corpus` (`quality/checks/rows_belong_to_the_corpus.py`),
SQL over the Parquet files."""

import pytest

from tests.integration.test_gate import _orphan_practice
from tests.unit.quality.checks.conftest import verdict


def _orphan_value(rows):
    rows[0]["practice_id"] = "nobody-knows-this-practice"


@pytest.mark.parametrize(
    ("table", "change", "example"),
    [
        ("practices", _orphan_practice, "policy_id nosuchpolicy, which is no policy"),
        ("attribute_values", _orphan_value, "practice_id nobody-knows-this-practice"),
    ],
)
def test_a_row_of_no_policy_fails_named(damaged, table, change, example):
    result = verdict(damaged((table, change)), "rows_belong_to_the_corpus", table)
    assert not result.success and result.n_failed == 1
    assert example in result.examples[0]
