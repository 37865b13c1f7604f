"""The check `span_columns_set_together` (`quality/checks/span_columns_set_together.py`)."""

from tests.unit.quality.checks.conftest import verdict


def _text_without_offsets(rows):
    row = next(r for r in rows if r["span_start"] is not None)
    row["span_start"] = row["span_end"] = None


def test_a_span_text_without_offsets_fails_named_by_its_key(damaged):
    folder = damaged(("attribute_values", _text_without_offsets))
    result = verdict(folder, "span_columns_set_together", "attribute_values")
    assert not result.success and result.n_failed == 1
    assert result.examples[0].startswith("practice_id=")
