"""mapped_values holds each published value as the hub values its scheme's mapping names.

Set-based, so SQL (DuckDB over the frames): the rows expected from attribute_values through
the mapping rows, against the rows found.
"""

from privacy_labels.contract.scheme_set import SchemeSet
from privacy_labels.quality.checks import PART, Check, Found
from privacy_labels.quality.derived import mapping_rows
from privacy_labels.quality.sql import over

_EXPECTED = """
    expected AS (
        SELECT v.practice_id, h.hub_attribute AS attribute, h.hub_value AS value,
               v.scheme, h.hub_category AS category, h.kind AS mapping_kind
        FROM attribute_values v
        JOIN hub h ON (v.scheme, v.category, v.attribute, v.value)
                    = (h.scheme, h.category, h.attribute, h.value)),
    expected_keys AS (SELECT DISTINCT practice_id, attribute, value FROM expected),
    found_keys AS (SELECT DISTINCT practice_id, attribute, value FROM mapped_values)
"""
_UNPAIRED = f"""
    WITH {_EXPECTED}
    SELECT practice_id, attribute, value, 'missing' FROM expected_keys
    EXCEPT SELECT practice_id, attribute, value, 'missing' FROM found_keys
    UNION ALL
    (SELECT practice_id, attribute, value, 'no value maps there' FROM found_keys
     EXCEPT SELECT practice_id, attribute, value, 'no value maps there' FROM expected_keys)
"""
# A row of an expected key whose scheme, category and kind no expected row has, or whose
# policy_id is not its practice's; with what was expected.
_MISMATCHED = f"""
    WITH {_EXPECTED}
    SELECT m.practice_id, m.attribute, m.value, m.scheme, m.category, m.mapping_kind,
           m.policy_id,
           (SELECT list((e.scheme, e.category, e.mapping_kind)) FROM expected e
            WHERE (e.practice_id, e.attribute, e.value)
                = (m.practice_id, m.attribute, m.value)) AS allowed
    FROM mapped_values m
    SEMI JOIN expected_keys k ON (k.practice_id, k.attribute, k.value)
                               = (m.practice_id, m.attribute, m.value)
    LEFT JOIN practices p ON p.practice_id = m.practice_id
    WHERE m.policy_id IS DISTINCT FROM p.policy_id
       OR NOT EXISTS (
           SELECT 1 FROM expected e
           WHERE (e.practice_id, e.attribute, e.value, e.scheme, e.category, e.mapping_kind)
               = (m.practice_id, m.attribute, m.value, m.scheme, m.category, m.mapping_kind))
"""


def _rows(frames, schemes: SchemeSet) -> Found:
    tables = {name: frames[name] for name in ("attribute_values", "mapped_values", "practices")}
    with over({**tables, "hub": mapping_rows(schemes)}) as sql:
        unpaired = sql.execute(_UNPAIRED).fetchall()
        mismatched = sql.execute(_MISMATCHED).fetchall()
    failed = [f"{p} {a}={v}: {problem}" for p, a, v, problem in unpaired] + [
        f"{p} {a}={v}: scheme, category, mapping_kind or policy_id is {(s, c, k, policy_id)}, "
        f"expected one of {sorted(allowed)}"
        for p, a, v, s, c, k, policy_id, allowed in mismatched
    ]
    return len(frames["mapped_values"]), failed


CHECK = Check(
    "values_match_mapping",
    "mapped_values",
    "practice_id, attribute, value ← attribute_values through the schemes' mappings",
    ("mapped_values", "practices", "attribute_values"),
    PART,
    _rows,
)
