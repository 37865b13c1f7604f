"""The checks of each policy's `text_sha256`, `n_chars` and `n_segments`
(`quality/checks/text_sha256_matches_text.py`, `n_chars_matches_text.py`,
`n_segments_matches_segments.py`)."""

import pytest

from tests.unit.quality.checks.conftest import verdict


def _stale_hash(rows):
    rows[0]["text_sha256"] = "0" * 64


def _miscounted_chars(rows):
    rows[0]["n_chars"] += 1


def _miscounted_segments(rows):
    rows[0]["n_segments"] += 1


CASES = [
    ("text_sha256_matches_text", _stale_hash, "text_sha256 is 0000"),
    ("n_chars_matches_text", _miscounted_chars, "n_chars is"),
    ("n_segments_matches_segments", _miscounted_segments, "n_segments is"),
]


@pytest.mark.parametrize(("name", "change", "example"), CASES, ids=[c[0] for c in CASES])
def test_a_fault_fails_named(damaged, name, change, example):
    result = verdict(damaged(("policies", change)), name, "policies")
    assert not result.success and result.n_failed == 1
    assert example in result.examples[0] and "expected" in result.examples[0]
