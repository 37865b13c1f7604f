"""Every optional attribute of a practice has a row; one the build filled in holds the default."""

from privacy_labels.contract.scheme_set import SchemeSet
from privacy_labels.quality.checks import CORPUS, Check, Found
from privacy_labels.quality.derived import missing_attributes, slots_of
from privacy_labels.quality.sql import beside

# Each row the build filled in (is_annotated false) that is not its slot's default alone.
_NOT_DEFAULTS = """
    WITH filled_in AS (
        SELECT v.practice_id, v.attribute, v.value, s.default AS default_value,
               v.span_start IS NOT NULL OR v.span_end IS NOT NULL OR v.span_text IS NOT NULL
                   AS has_span
        FROM attribute_values v
        LEFT JOIN slots s USING (scheme, category, attribute)
        WHERE NOT v.is_annotated)
    SELECT * FROM filled_in
    WHERE default_value IS NULL OR value IS DISTINCT FROM default_value OR has_span
    ORDER BY practice_id, attribute
"""


def _rows(sql, schemes: SchemeSet) -> Found:
    """One meaning per value: every optional attribute of a practice's category has a row,
    and a row its annotator did not write (is_annotated false) holds the scheme's default,
    without a span, so a default reads the same whichever layer or corpus it came from."""
    with beside(sql, {"slots": slots_of(schemes)}) as cursor:
        failed = missing_attributes(cursor, "s.default IS NOT NULL")
        not_defaults = cursor.execute(_NOT_DEFAULTS).fetchall()
        (n_rows,) = cursor.execute("SELECT count(*) FROM attribute_values").fetchone()
    for practice_id, attribute, value, default, has_span in not_defaults:
        where = f"{practice_id} {attribute}: not annotated"
        if default is None:
            failed.append(f"{where}, but its scheme gives it no default")
        elif value != default:
            failed.append(f"{where}, {value}, expected the default {default}")
        elif has_span:
            failed.append(f"{where}, but has a span")
    return n_rows, failed


CHECK = Check(
    "defaults_not_annotated",
    "practices+attribute_values",
    "practice_id, scheme, category → attribute; is_annotated false → default value, no span",
    ("practices", "attribute_values"),
    CORPUS,
    _rows,
)
