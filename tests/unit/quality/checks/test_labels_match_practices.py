"""The check `labels_match_practices` on `segment_labels` and `policy_labels`
(`quality/checks/labels_match_practices.py`)."""

import pytest

from tests.integration.test_gate import (
    _flipped_label,
    _invented_evidence,
    _label_from_a_missing_layer,
    _miscounted_label_annotators,
    _miscounted_segment_label,
    _silenced_policy_label,
    _wrong_share,
)
from tests.unit.quality.checks.conftest import assert_fails_named


@pytest.mark.parametrize(
    ("view", "change", "example"),
    [
        pytest.param(
            "segment_labels", _miscounted_segment_label, "other expected", id="miscounted"
        ),
        pytest.param("segment_labels", _wrong_share, "other expected", id="wrong_share"),
        pytest.param(
            "segment_labels", _label_from_a_missing_layer, "layer 'nobody'", id="missing_layer"
        ),
        pytest.param("segment_labels", _flipped_label, "other expected", id="flipped"),
        pytest.param(
            "policy_labels",
            _silenced_policy_label,
            "collected=contact: is not_stated, expected does",
            id="silenced",
        ),
        pytest.param(
            "policy_labels",
            _miscounted_label_annotators,
            "n_annotators: is 3, expected 2",
            id="miscounted_annotators",
        ),
        pytest.param(
            "policy_labels",
            _invented_evidence,
            "collected=health: unknown practice(s) no-such",
            id="invented_evidence",
        ),
        pytest.param(
            "policy_labels", _label_from_a_missing_layer, "layer 'nobody'", id="missing_layer"
        ),
    ],
)
def test_a_fault_fails_named(damaged, view, change, example):
    assert_fails_named(damaged((view, change)), "labels_match_practices", view, example)
