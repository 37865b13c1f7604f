"""No practice id under two rows, in whatever parts of the corpus they lie."""

from pathlib import Path

from privacy_labels.quality.checks import CORPUS, Check, Found
from privacy_labels.quality.sql import connection, source


def _rows(folder: Path) -> Found:
    with connection() as sql:
        practices = source(folder, "practices")
        (n_rows,) = sql.execute(f"SELECT count(*) FROM {practices}").fetchone()
        repeated = sql.execute(
            f"SELECT practice_id, count(*) AS n FROM {practices} "
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
