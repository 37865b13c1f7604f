"""The check `labels_match_practices` on `policy_labels` (`quality/checks/policy_labels_match_practices.py`)."""

import pytest

from tests.integration.test_gate import (
    LABELED,
    _invented_evidence,
    _label_from_a_missing_layer,
    _miscounted_label_annotators,
    _silenced_policy_label,
)
from tests.unit.quality.checks.conftest import assert_fails_named, verdict


def test_the_seed_tables_pass():
    assert verdict(LABELED, "labels_match_practices", "policy_labels").success


@pytest.mark.parametrize(
    ("table", "change", "example"),
    [
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
def test_a_fault_fails_named(damaged, table, change, example):
    assert_fails_named(damaged((table, change)), "labels_match_practices", "policy_labels", example)
