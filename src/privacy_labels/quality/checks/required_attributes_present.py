"""Every practice has a row for each required attribute of its scheme's category; a value set
holds what its source gives (MAPP often gives no legal basis), so none is invented for it."""

from privacy_labels.contract.scheme_set import SchemeSet
from privacy_labels.quality.checks import PART, Check, Found
from privacy_labels.quality.derived import missing_attributes, slots_of


def _rows(frames, schemes: SchemeSet) -> Found:
    practices, slots = frames["practices"], slots_of(schemes)
    practices = practices[~practices["is_value_set"].astype(bool)]
    required = slots[slots["is_required"]]
    return len(practices), missing_attributes(practices, frames["attribute_values"], required)


CHECK = Check(
    "required_attributes_present",
    "practices+attribute_values",
    "practice_id, scheme, category → attribute (value sets excepted)",
    ("practices", "attribute_values"),
    PART,
    _rows,
)
