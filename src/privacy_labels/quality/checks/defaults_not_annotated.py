"""Every optional attribute of a practice has a row; one the build filled in holds the default."""

from privacy_labels.contract.scheme_set import SchemeSet
from privacy_labels.quality.checks import PART, Check, Found
from privacy_labels.quality.derived import missing_attributes, slots_of
from privacy_labels.quality.frames import as_list, is_missing


def _rows(frames, schemes: SchemeSet) -> Found:
    """One meaning per value: every optional attribute of a practice's category has a row,
    and a row its annotator did not write (is_annotated false) holds the scheme's default,
    without a span, so a default reads the same whichever layer or corpus it came from."""
    practices, values = frames["practices"], frames["attribute_values"]
    slots = slots_of(schemes)
    failed = missing_attributes(practices, values, slots[slots["default"].notna()])
    defaulted = values[~values["is_annotated"].astype(bool)].merge(
        slots, how="left", on=["scheme", "category", "attribute"]
    )
    has_span = defaulted[["span_start", "span_end", "span_text"]].notna().any(axis=1)
    for practice_id, attribute, value, default, spanned in zip(
        as_list(defaulted["practice_id"]),
        as_list(defaulted["attribute"]),
        as_list(defaulted["value"]),
        as_list(defaulted["default"]),
        as_list(has_span),
        strict=True,
    ):
        where = f"{practice_id} {attribute}: not annotated"
        if is_missing(default):
            failed.append(f"{where}, but its scheme gives it no default")
        elif value != default:
            failed.append(f"{where}, {value}, expected the default {default}")
        elif spanned:
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
