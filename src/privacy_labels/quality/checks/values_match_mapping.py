"""mapped_values holds each published value as the hub values its scheme's mapping names.

Set-based, so SQL (DuckDB over the Parquet files): the rows expected from attribute_values
through the mapping rows, against the rows found.
"""

from privacy_labels.contract.scheme_set import SchemeSet
from privacy_labels.quality.checks import CORPUS, Check, Found
from privacy_labels.quality.derived import mapping_rows
from privacy_labels.quality.sql import beside

_EXPECTED = """
    expected AS (
        SELECT v.practice_id, h.hub_attribute AS attribute, h.hub_value AS value,
               v.scheme, h.hub_category AS category, h.kind AS mapping_kind
        FROM attribute_values v
        JOIN hub h ON (v.scheme, v.category, v.attribute, v.value)
                    = (h.scheme, h.category, h.attribute, h.value))
"""
# Rows are compared by a 64-bit fingerprint of their key (`hash`), 8 bytes a row where the
# key's strings took some 60: at 10× the strings' hash tables spilled out of the gate's memory
# limit. A fault is missed only if its fingerprint equals one of the other side's (about one
# chance in 10^13 at 10×); the rows that differ are then named by their own keys.
_KEY = "hash(practice_id, attribute, value)"
_ROW = "hash(practice_id, attribute, value, scheme, category, mapping_kind)"
_UNPAIRED = f"""
    WITH {_EXPECTED},
    missing AS (SELECT {_KEY} AS k FROM expected EXCEPT SELECT {_KEY} FROM mapped_values),
    extra AS (SELECT {_KEY} AS k FROM mapped_values EXCEPT SELECT {_KEY} FROM expected)
    SELECT DISTINCT practice_id, attribute, value, 'missing' FROM expected
    WHERE {_KEY} IN (FROM missing)
    UNION ALL
    SELECT DISTINCT practice_id, attribute, value, 'no value maps there' FROM mapped_values
    WHERE {_KEY} IN (FROM extra)
"""
# A row of an expected key whose scheme, category and kind no expected row has, or whose
# policy_id is not its practice's; with what was expected.
_MISMATCHED = f"""
    WITH {_EXPECTED},
    failing AS (
        SELECT m.practice_id, m.attribute, m.value, m.scheme, m.category, m.mapping_kind,
               m.policy_id
        FROM (SELECT *, {_ROW} AS row_key FROM mapped_values) m
        LEFT JOIN practices p USING (practice_id)
        WHERE m.policy_id IS DISTINCT FROM p.policy_id
           OR m.row_key NOT IN (SELECT {_ROW} FROM expected)),
    allowed AS (
        SELECT practice_id, attribute, value,
               list((scheme, category, mapping_kind)) AS allowed
        FROM expected SEMI JOIN failing USING (practice_id, attribute, value)
        GROUP BY ALL)
    SELECT f.*, a.allowed
    FROM failing f JOIN allowed a USING (practice_id, attribute, value)
"""


def _rows(sql, schemes: SchemeSet) -> Found:
    with beside(sql, {"hub": mapping_rows(schemes)}) as cursor:
        unpaired = cursor.execute(_UNPAIRED).fetchall()
        mismatched = cursor.execute(_MISMATCHED).fetchall()
        (n_rows,) = cursor.execute("SELECT count(*) FROM mapped_values").fetchone()
    failed = [f"{p} {a}={v}: {problem}" for p, a, v, problem in unpaired] + [
        f"{p} {a}={v}: scheme, category, mapping_kind or policy_id is {(s, c, k, policy_id)}, "
        f"expected one of {sorted(allowed)}"
        for p, a, v, s, c, k, policy_id, allowed in mismatched
    ]
    return n_rows, failed


CHECK = Check(
    "values_match_mapping",
    "mapped_values",
    "practice_id, attribute, value ← attribute_values through the schemes' mappings",
    ("mapped_values", "practices", "attribute_values"),
    CORPUS,
    _rows,
)
