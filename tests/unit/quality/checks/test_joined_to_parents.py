"""The checks of each table joined to its parents (`quality/checks/joined_to_parents.py`):
keys resolve, labels are places of the row's scheme, spans equal the policy text."""

import pyarrow.parquet as pq
import pytest

from tests.integration.test_gate import LABELED, _label_of_another_scheme, _orphan_practice
from tests.unit.quality.checks.conftest import verdict

EQUAL = "expect_column_pair_values_to_be_equal"
IN_SET = "expect_column_values_to_be_in_set"
GREATER = "expect_column_pair_values_a_to_be_greater_than_b"


def _text_of_each_practice() -> dict[str, str]:
    texts = {r["policy_id"]: r["text"] for r in _rows("policies")}
    return {r["practice_id"]: texts[r["policy_id"]] for r in _rows("practices")}


def _rows(name: str) -> list[dict]:
    return pq.read_table(LABELED / f"{name}.parquet").to_pylist()


def test_spans_after_text_outside_ascii_are_counted_in_code_points_as_python(damaged):
    """DuckDB's substr counts code points, as Python's slices do; a span one code point off
    fails, named with the text at its offsets."""
    text_of = _text_of_each_practice()
    span = next(  # the seed has curly quotes before some spans
        r
        for r in _rows("attribute_values")
        if r["span_start"] is not None
        and not text_of[r["practice_id"]][: r["span_start"]].isascii()
    )
    target = "span_text == policies.text[span_start:span_end]"
    assert verdict(LABELED, EQUAL, "attribute_values+parents", target).success

    def shifted(rows):
        (row,) = [
            r
            for r in rows
            if (r["practice_id"], r["attribute"], r["value"])
            == (span["practice_id"], span["attribute"], span["value"])
        ]
        row["span_text"] = text_of[row["practice_id"]][row["span_start"] + 1 : row["span_end"] + 1]

    result = verdict(
        damaged(("attribute_values", shifted)), EQUAL, "attribute_values+parents", target
    )
    assert not result.success and result.n_failed == 1
    (example,) = result.examples
    assert example["span_text@policy"] == span["span_text"]


def _spilled_over_its_segment(edge: str):
    """A change moving a span's `edge` ("start" or "end") one character past its segment's,
    still inside the policy text."""
    segment_of = {r["practice_id"]: (r["policy_id"], r["segment_id"]) for r in _rows("practices")}
    segments = {(r["policy_id"], r["segment_id"]): r for r in _rows("segments")}
    n_chars = {r["policy_id"]: r["n_chars"] for r in _rows("policies")}

    def spilled(rows):
        for row in rows:
            segment = segments.get(segment_of[row["practice_id"]])
            if row["span_start"] is None or segment is None:
                continue
            if edge == "start" and segment["start"] > 0:
                row["span_start"] = segment["start"] - 1
                return
            if edge == "end" and segment["end"] < n_chars[segment["policy_id"]]:
                row["span_end"] = segment["end"] + 1
                return
        raise AssertionError(f"no span whose segment's {edge} can be crossed")

    return spilled


@pytest.mark.parametrize(
    ("edge", "target"),
    [("start", "span_start >= segments.start"), ("end", "span_end <= segments.end")],
)
def test_a_span_past_its_segment_fails_named(damaged, edge, target):
    folder = damaged(("attribute_values", _spilled_over_its_segment(edge)))
    result = verdict(folder, GREATER, "attribute_values+parents", target)
    assert not result.success and result.n_failed == 1, result
    assert verdict(
        folder, GREATER, "attribute_values+parents", "span_end <= policies.n_chars"
    ).success


def test_a_practice_of_no_policy_fails_named_by_its_key(damaged):
    result = verdict(
        damaged(("practices", _orphan_practice)),
        IN_SET,
        "practices+parents",
        "(policy_id) → policies",
    )
    assert not result.success and result.examples == [
        {"has_policies": False, "practice_id": result.examples[0]["practice_id"]}
    ]


def test_a_label_of_another_scheme_fails_named(damaged):
    result = verdict(
        damaged(("attribute_values", _label_of_another_scheme)),
        IN_SET,
        "attribute_values+parents",
        "scheme/category/attribute is a place of its scheme",
    )
    assert not result.success
    assert "legal_basis" in result.examples[0]["scheme/category/attribute"]
