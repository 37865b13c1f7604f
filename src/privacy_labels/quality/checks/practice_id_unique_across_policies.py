"""No practice id under two rows, in whatever parts of the corpus they lie."""

from privacy_labels.contract.scheme_set import SchemeSet
from privacy_labels.quality.checks import CORPUS, Check, Found


def _rows(sql, schemes: SchemeSet) -> Found:
    (n_rows,) = sql.execute("SELECT count(*) FROM practices").fetchone()
    repeated = sql.execute(
        "SELECT practice_id, count(*) AS n FROM practices "
        "GROUP BY practice_id HAVING n > 1 ORDER BY practice_id"
    ).fetchall()
    return n_rows, [f"{practice_id} appears {n} times" for practice_id, n in repeated]


CHECK = Check(
    "practice_id_unique_across_policies",
    "practices",
    "practice_id",
    ("practices",),
    CORPUS,
    _rows,
)
