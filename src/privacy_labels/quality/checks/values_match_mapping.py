"""mapped_values holds each published value as the hub values its scheme's mapping names."""

from privacy_labels.contract.scheme_set import SchemeSet
from privacy_labels.quality.checks import PART, Check, Found
from privacy_labels.quality.derived import in_hub
from privacy_labels.quality.frames import as_list


def _rows(frames, schemes: SchemeSet) -> Found:
    """Each published value is in mapped_values as the hub values its mapping row names."""
    hub_places = in_hub(schemes)
    practices = frames["practices"].set_index("practice_id")
    values = frames["attribute_values"]
    expected: dict[tuple, set] = {}
    for practice_id, scheme_id, category, attribute, value in zip(
        *(as_list(values[c]) for c in ("practice_id", "scheme", "category", "attribute", "value")),
        strict=True,
    ):
        for hub_category, hub_attribute, hub_value, kind in hub_places.get(
            (scheme_id, category, attribute, value), ()
        ):
            key = (practice_id, hub_attribute, hub_value)
            expected.setdefault(key, set()).add((scheme_id, hub_category, kind))
    mapped = frames["mapped_values"]
    columns = {c: as_list(mapped[c]) for c in mapped.columns}
    found_keys = list(
        zip(columns["practice_id"], columns["attribute"], columns["value"], strict=True)
    )
    failed = [
        f"{practice_id} {attribute}={value}: "
        + ("missing" if (practice_id, attribute, value) in expected else "no value maps there")
        for practice_id, attribute, value in sorted(expected.keys() ^ set(found_keys), key=str)
    ]
    policy_of = dict(zip(practices.index, as_list(practices["policy_id"]), strict=True))
    for i, key in enumerate(found_keys):
        if key not in expected:
            continue
        row = (columns["scheme"][i], columns["category"][i], columns["mapping_kind"][i])
        if row not in expected[key] or columns["policy_id"][i] != policy_of.get(key[0]):
            failed.append(
                f"{key[0]} {key[1]}={key[2]}: scheme, category, mapping_kind or policy_id "
                f"is {(*row, columns['policy_id'][i])}, expected one of {sorted(expected[key])}"
            )
    return len(mapped), failed


CHECK = Check(
    "values_match_mapping",
    "mapped_values",
    "practice_id, attribute, value ← attribute_values through the schemes' mappings",
    ("mapped_values", "practices", "attribute_values"),
    PART,
    _rows,
)
