"""A span's start, end and text are all set or all null, in every table with spans."""

from functools import partial

from privacy_labels.contract.tables import TABLES
from privacy_labels.quality.checks import PART, Check


def _rows(spec, span, frames, schemes):
    frame = frames[spec.name]
    n_set = frame[[span.start, span.end, span.text]].notna().sum(axis=1)
    partial_rows = frame[(n_set > 0) & (n_set < 3)]
    return len(frame), [
        ", ".join(f"{k}={row[k]}" for k in spec.primary_key) for _, row in partial_rows.iterrows()
    ]


CHECKS = [
    Check(
        "span_columns_set_together",
        spec.name,
        f"{span.start}, {span.end}, {span.text}",
        (spec.name,),
        PART,
        partial(_rows, spec, span),
    )
    for spec in TABLES
    for span in spec.spans
]
