"""Every optional attribute of a practice has a row; one the build filled in holds the default."""

from privacy_labels.contract.scheme_set import SchemeSet
from privacy_labels.quality.checks import PART, Check, Found
from privacy_labels.quality.derived import missing_attributes, slots_of
from privacy_labels.quality.sql import over

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


def _rows(frames, schemes: SchemeSet) -> Found:
    """One meaning per value: every optional attribute of a practice's category has a row,
    and a row its annotator did not write (is_annotated false) holds the scheme's default,
    without a span, so a default reads the same whichever layer or corpus it came from."""
    practices, values = frames["practices"], frames["attribute_values"]
    slots = slots_of(schemes)
    failed = missing_attributes(practices, values, slots[slots["default"].notna()])
    with over({"attribute_values": values, "slots": slots}) as sql:
        not_defaults = sql.execute(_NOT_DEFAULTS).fetchall()
    for practice_id, attribute, value, default, has_span in not_defaults:
        where = f"{practice_id} {attribute}: not annotated"
        if default is None:
            failed.append(f"{where}, but its scheme gives it no default")
        elif value != default:
            failed.append(f"{where}, {value}, expected the default {default}")
        elif has_span:
            failed.append(f"{where}, but has a span")
    return len(values), failed


CHECK = Check(
    "defaults_not_annotated",
    "practices+attribute_values",
    "practice_id, scheme, category → attribute; is_annotated false → default value, no span",
    ("practices", "attribute_values"),
    PART,
    _rows,
)
