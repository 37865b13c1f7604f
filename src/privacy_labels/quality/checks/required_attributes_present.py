"""Every practice has a row for each required attribute of its scheme's category; a value set
holds what its source gives (MAPP often gives no legal basis), so none is invented for it."""

from privacy_labels.contract.scheme_set import SchemeSet
from privacy_labels.quality.checks import CORPUS, Check, Found
from privacy_labels.quality.derived import missing_attributes, slots_of
from privacy_labels.quality.sql import beside


def _rows(sql, schemes: SchemeSet) -> Found:
    with beside(sql, {"slots": slots_of(schemes)}) as cursor:
        (n_rows,) = cursor.execute(
            "SELECT count(*) FROM practices WHERE NOT is_value_set"
        ).fetchone()
        return n_rows, missing_attributes(cursor, "s.is_required AND NOT p.is_value_set")


CHECK = Check(
    "required_attributes_present",
    "practices+attribute_values",
    "practice_id, scheme, category → attribute (value sets excepted)",
    ("practices", "attribute_values"),
    CORPUS,
    _rows,
)
