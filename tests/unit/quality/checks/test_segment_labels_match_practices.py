"""The check `labels_match_practices` on `segment_labels` (`quality/checks/segment_labels_match_practices.py`)."""

import pytest

from tests.integration.test_gate import (
    LABELED,
    _flipped_label,
    _label_from_a_missing_layer,
    _miscounted_segment_label,
    _wrong_share,
)
from tests.unit.quality.checks.conftest import assert_fails_named, verdict


def test_the_seed_tables_pass():
    assert verdict(LABELED, "labels_match_practices", "segment_labels").success


@pytest.mark.parametrize(
    ("table", "change", "example"),
    [
        pytest.param(
            "segment_labels", _miscounted_segment_label, "other expected", id="miscounted"
        ),
        pytest.param("segment_labels", _wrong_share, "other expected", id="wrong_share"),
        pytest.param(
            "segment_labels", _label_from_a_missing_layer, "layer 'nobody'", id="missing_layer"
        ),
        pytest.param("segment_labels", _flipped_label, "other expected", id="flipped"),
    ],
)
def test_a_fault_fails_named(damaged, table, change, example):
    assert_fails_named(
        damaged((table, change)), "labels_match_practices", "segment_labels", example
    )
