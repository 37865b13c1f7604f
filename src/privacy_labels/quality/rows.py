"""The expectations of a table's suite (`suites.py`) on its values, run as SQL in DuckDB over
the table's Parquet files, in bounded memory at any size.

GX states them and reports them (its expectation objects, generated from the contract, with
their column, value set, bounds or pattern); what GX's SQL engine would compute is computed
here, since GX's SQL data source over DuckDB failed to resolve its metrics
(docs/performance.md) and GX on pandas frames needs the whole table, or hand-made batches of
it, in memory. Each result has GX's name, counts and example rows: the column, then the
table's key (the pair's second column last), the first few by the key.
"""

from __future__ import annotations

from privacy_labels.contract.tables import table
from privacy_labels.quality.result import N_EXAMPLES, CheckResult
from privacy_labels.quality.sql import literal, quoted

NOT_NULL = "expect_column_values_to_not_be_null"
UNIQUE = ("expect_column_values_to_be_unique", "expect_compound_columns_to_be_unique")


def _failing(expectation) -> str:
    """The condition a row fails `expectation` on (null: not failing, as in GX, whose map
    expectations skip missing values)."""
    kind = expectation.expectation_type
    column = quoted(getattr(expectation, "column", "") or "")
    if kind == NOT_NULL:
        return f"{column} IS NULL"
    if kind == "expect_column_values_to_be_between":
        bounds = [
            f"{column} {op} {literal(bound)}"
            for op, bound in (("<", expectation.min_value), (">", expectation.max_value))
            if bound is not None
        ]
        return " OR ".join(bounds)
    if kind == "expect_column_values_to_be_in_set":
        values = ", ".join(map(literal, expectation.value_set))
        return f"{column} NOT IN ({values})"
    if kind == "expect_column_values_to_match_regex":
        return f"NOT regexp_full_match({column}, {literal(expectation.regex)})"
    if kind == "expect_column_pair_values_a_to_be_greater_than_b":
        op = "<" if expectation.or_equal else "<="
        return f"{quoted(expectation.column_A)} {op} {quoted(expectation.column_B)}"
    raise ValueError(f"no SQL for {kind}")  # a new kind of expectation in suites.py


def _shown(expectation) -> tuple[list[str], list[str]]:
    """The columns an example row shows before the key, and after it."""
    if hasattr(expectation, "column_list"):
        return list(expectation.column_list), []
    if hasattr(expectation, "column_A"):
        return [expectation.column_A], [expectation.column_B]
    return [expectation.column], []


def _result(name: str, expectation, n_rows: int, n_failed: int, examples) -> CheckResult:
    return CheckResult(
        name,
        expectation.expectation_type,
        expectation.meta["target"],
        not n_failed,
        n_rows,
        n_failed,
        examples or [],
    )


def _example(name: str, expectation) -> str:
    before, after = _shown(expectation)
    shown = dict.fromkeys([*before, *table(name).primary_key, *after])
    return "{" + ", ".join(f"{literal(c)}: {quoted(c)}" for c in shown) + "}"


def _key(name: str) -> str:
    return "(" + ", ".join(map(quoted, table(name).primary_key)) + ",)"


def validate_rows(sql, name: str, suite: list, n_rows: int) -> list[CheckResult]:
    """Each expectation of `suite` on the values of table `name` (a view of `sql`), in the
    suite's order: one scan for the expectations of single rows, one query per uniqueness."""
    single = [e for e in suite if e.expectation_type not in UNIQUE]
    failing = [f"coalesce({_failing(e)}, false)" for e in single]
    found: dict[int, CheckResult] = {}
    if single:
        # Counted first, the examples gathered only for what fails: most often nothing.
        counts = sql.execute(
            f"SELECT {', '.join(f'count(*) FILTER ({f})' for f in failing)} FROM {name}"
        ).fetchone()
        failed = [(e, f) for e, f, n in zip(single, failing, counts, strict=True) if n]
        examples = (
            sql.execute(
                "SELECT "
                + ", ".join(
                    f"min_by({_example(name, e)}, {_key(name)}, {N_EXAMPLES}) FILTER ({f})"
                    for e, f in failed
                )
                + f" FROM {name}"
            ).fetchone()
            if failed
            else ()
        )
        shown = {id(e): rows for (e, _), rows in zip(failed, examples, strict=True)}
        for e, n in zip(single, counts, strict=True):
            found[id(e)] = _result(name, e, n_rows, n, shown.get(id(e)))
    for e in suite:
        if e.expectation_type in UNIQUE:
            found[id(e)] = _result(name, e, n_rows, *_repeated(sql, name, e))
    return [found[id(e)] for e in suite]


def _repeated(sql, name: str, expectation) -> tuple[int, list]:
    """How many rows share their value (or values) with another, and the first few.

    Values are first grouped by a 64-bit fingerprint (8 bytes a row where a key's strings
    take some 60: at 10× OPP-115 those hash tables spilled out of the memory limit); only
    the rows of a repeated fingerprint are then compared by their values, so a clash of
    fingerprints never fails a row.
    """
    columns = list(getattr(expectation, "column_list", None) or [expectation.column])
    values = ", ".join(map(quoted, columns))
    # GX skips a row whose values are all missing (one missing value, for one column).
    present = " OR ".join(f"{quoted(c)} IS NOT NULL" for c in columns)
    n_failed, examples = sql.execute(
        f"""
        WITH repeated AS (
            SELECT hash({values}) AS fingerprint FROM {name} WHERE {present}
            GROUP BY fingerprint HAVING count(*) > 1),
        candidates AS (
            SELECT *, count(*) OVER (PARTITION BY {values}) AS n FROM {name}
            WHERE ({present}) AND hash({values}) IN (FROM repeated))
        SELECT count(*), min_by({_example(name, expectation)}, {_key(name)}, {N_EXAMPLES})
        FROM candidates WHERE n > 1
        """
    ).fetchone()
    return n_failed, examples
