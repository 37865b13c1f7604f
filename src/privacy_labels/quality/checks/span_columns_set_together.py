"""A span's start, end and text are all set or all null, in every table with spans."""

from functools import partial

from privacy_labels.contract.scheme_set import SchemeSet
from privacy_labels.contract.tables import TABLES
from privacy_labels.quality.checks import CORPUS, Check, Found
from privacy_labels.quality.result import N_EXAMPLES


def _rows(spec, span, sql, schemes: SchemeSet) -> Found:
    n_set = " + ".join(f'("{c}" IS NOT NULL)::INT' for c in (span.start, span.end, span.text))
    key = ", ".join(f'"{k}"' for k in spec.primary_key)
    n_rows, n_failed, examples = sql.execute(
        f"""
        SELECT count(*), count(*) FILTER (n_set BETWEEN 1 AND 2),
               min_by(({key},), ({key},), {N_EXAMPLES}) FILTER (n_set BETWEEN 1 AND 2)
        FROM (SELECT *, {n_set} AS n_set FROM {spec.name})
        """
    ).fetchone()
    failed = [
        ", ".join(f"{k}={v}" for k, v in zip(spec.primary_key, row, strict=True))
        for row in examples or []
    ]
    return n_rows, failed, n_failed


CHECKS = [
    Check(
        "span_columns_set_together",
        spec.name,
        f"{span.start}, {span.end}, {span.text}",
        (spec.name,),
        CORPUS,
        partial(_rows, spec, span),
    )
    for spec in TABLES
    for span in spec.spans
]
