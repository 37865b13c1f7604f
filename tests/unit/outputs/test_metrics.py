"""The one counting of precision, recall and F1, and the one way figures print."""

from __future__ import annotations

import pytest

from privacy_labels.outputs.metrics import Counts, compare, figure, macro, micro


@pytest.mark.parametrize(
    ("value", "printed"),
    [(None, "n/a"), (0.0, "0.000"), (-1e-17, "0.000"), (-0.0004, "0.000"), (-0.0006, "-0.001"),
     (0.12345, "0.123"), (0.9996, "1.000"), (1, "1.000")],
)  # fmt: skip
def test_a_figure_has_three_decimals_and_never_reads_minus_zero(value, printed):
    assert figure(value) == printed


def test_an_undefined_figure_reads_as_the_caller_says():
    assert figure(None, undefined="") == ""


def test_counts_of_sets_give_precision_recall_and_the_f1_of_their_sizes():
    reference, candidate = {1, 2, 3, 4}, {3, 4, 5}
    counts = compare(reference, candidate)
    assert counts == Counts(tp=2, fp=1, fn=2)
    assert (counts.precision, counts.recall) == (2 / 3, 2 / 4)
    assert counts.f1 == 2 * 2 / (len(reference) + len(candidate))


def test_micro_sums_the_counts_and_macro_averages_the_labels_with_support():
    labels = [Counts(tp=1, fp=1), Counts(fn=2), Counts(fp=3)]  # the last has no support
    assert micro(labels) == Counts(tp=1, fp=4, fn=2)
    means = macro(labels)
    assert means["n_labels"] == 2
    assert means["precision"] == pytest.approx((0.5 + 0.0) / 2)  # undefined P counts as 0
    assert means["f1"] == pytest.approx((2 / 3 + 0.0) / 2)
    assert macro([Counts(fp=1)]) == {"precision": None, "recall": None, "f1": None, "n_labels": 0}
