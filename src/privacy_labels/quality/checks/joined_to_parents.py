"""Each table joined to the tables its foreign keys reach: its keys resolve, each row's
labels name a place of the row's own scheme (its `scheme/category/attribute(/value)`,
`scheme/label_set/label`, the hub's `question/answer`: `Table.places`), and its spans lie
inside the policy text (and their segment) and equal the text at their offsets.

Generated from the contract and the build's schemes, never listed; cross-table, so SQL
over the Parquet files (DuckDB streams each join, reading only the columns a rule names),
each rule returning how many rows fail and the first few by the table's key. The rules
keep the names and targets of the expectations that stated them on joined frames in GX,
and their examples GX's shape: the columns compared and the row's key.
"""

from __future__ import annotations

from functools import partial

import pandas as pd

from privacy_labels.contract.scheme_set import SchemeSet
from privacy_labels.contract.tables import TABLES, table
from privacy_labels.quality.checks import CORPUS, Check, Found
from privacy_labels.quality.frames import ancestors, place_column
from privacy_labels.quality.result import N_EXAMPLES
from privacy_labels.quality.sql import beside, quoted


def _joined(name: str) -> str:
    """`name` left-joined to every table its foreign keys reach, directly or through others,
    each under its own name."""
    clause, joined = [name], set()
    pending = [(fk, name) for fk in table(name).foreign_keys]
    while pending:
        fk, child = pending.pop(0)
        if fk.table in joined:
            continue
        joined.add(fk.table)
        on = " AND ".join(
            f"{fk.table}.{r} = {child}.{c}" for c, r in zip(fk.columns, fk.references, strict=True)
        )
        # A plain join, which DuckDB spills past its memory limit and reads only the columns
        # named of: a parent's repeated key (which its own suite names) repeats the row.
        clause.append(f"LEFT JOIN {fk.table} ON {on}")
        pending += [(parent_fk, fk.table) for parent_fk in table(fk.table).foreign_keys]
    return "\n".join(clause)


# Each table's results, from one scan of its join, for the connection that asked last: each
# rule is a check of its own, but a join per rule read attribute_values' ancestors seven
# times (5 s at 10×, where one scan takes under 1).
_scanned: dict[str, tuple[object, list[Found]]] = {}


def _rows(name: str, i: int, sql, schemes: SchemeSet) -> Found:
    """The rows of `name` joined to its parents failing its `i`th rule (`_rules`)."""
    earlier = _scanned.get(name)
    if earlier is None or earlier[0] is not sql:
        _scanned[name] = (sql, _scan(name, sql, schemes))
    return _scanned[name][1][i]


def _scan(name: str, sql, schemes: SchemeSet) -> list[Found]:
    """For each rule of `name`, the rows failing it: their number, and the first few by the
    table's key, each as GX shows a row: the first column compared, the key, the other
    column compared (`shown`: name → SQL)."""
    rules = _rules(name)
    key = [f"{name}.{quoted(k)}" for k in table(name).primary_key]
    failing = [f"coalesce({failing}, false)" for _, _, _, failing in rules]
    places = pd.DataFrame(
        [(place_column(p), k) for p in table(name).places for k in sorted(schemes.keys(p))],
        columns=["place", "key"],
    )
    with beside(sql, {"places": places}) as cursor:
        n_rows, *counts = cursor.execute(
            f"SELECT count(*), {', '.join(f'count(*) FILTER ({f})' for f in failing)} "
            f"FROM {_joined(name)}"
        ).fetchone()
        failed = [i for i, n in enumerate(counts) if n]  # examples only of what fails
        examples = dict.fromkeys(failed)
        if failed:
            samples = []
            for i in failed:
                (first, *others) = rules[i][2].items()
                columns = [first, *zip(table(name).primary_key, key, strict=True), *others]
                example = "{" + ", ".join(f"'{k}': {v}" for k, v in columns) + "}"
                order = f"({', '.join(key)},)"
                samples.append(f"min_by({example}, {order}, {N_EXAMPLES}) FILTER ({failing[i]})")
            row = cursor.execute(f"SELECT {', '.join(samples)} FROM {_joined(name)}").fetchone()
            examples = dict(zip(failed, row, strict=True))
    return [(n_rows, examples.get(i) or [], n) for i, n in enumerate(counts)]


def _place(name: str, place: tuple[str, ...]) -> str:
    """A row's place: its label columns' values joined by `/` (null when one is)."""
    return " || '/' || ".join(f"{name}.{quoted(c)}" for c in place)


def _in_segment(name: str) -> bool:
    """Whether each row of `name` lies in a segment (a table whose keys reach segments)."""
    return name != "segments" and "segments" in ancestors(name)


def _text_at(name: str, span) -> str:
    """The policy text at a span's offsets, Python's `text[start:end]` (DuckDB's substr counts
    code points as Python does); null where an offset is negative or the end before the
    start, rows whose offsets the table's own expectations already fail.

    A span of a row with a segment is read from the segment's text, which its own rule
    finds equal to the policy's at the segment's offsets: substr walks a text's code points
    from its start (at 10× OPP-115, each policy's ~15,000 characters for ~950,000 spans took
    7 s, each segment's ~450 under one), and the join then holds no policy text (at 100×
    their 170 MB exceeded DuckDB's memory limit). A span outside its segment is compared to
    nothing here: the rules on the segment's offsets name it.
    """
    start, end = f"{name}.{quoted(span.start)}", f"{name}.{quoted(span.end)}"
    text = f"substr(policies.text, {start} + 1, {end} - {start})"
    if _in_segment(name):
        text = (
            f'CASE WHEN segments."start" <= {start} AND {end} <= segments."end" '
            f'THEN substr(segments.text, {start} - segments."start" + 1, {end} - {start}) END'
        )
    return f"CASE WHEN {start} >= 0 AND {end} >= {start} THEN {text} END"


def _rules(name: str) -> list[tuple[str, str, dict[str, str], str]]:
    """The rules of `name` joined to its parents, in the order GX's suite stated them: each
    its check's name, target, the columns an example shows (name → SQL), and the SQL
    condition a row fails it on."""
    spec = table(name)
    rules: list[tuple[str, str, dict[str, str], str]] = []
    for fk in spec.foreign_keys:
        found = f"{fk.table}.{fk.references[0]} IS NOT NULL"
        rules.append(
            (
                "expect_column_values_to_be_in_set",
                f"({', '.join(fk.columns)}) → {fk.table}",
                {f"has_{fk.table}": found},
                f"NOT {found}",
            )
        )
    for place in spec.places:
        own = "its scheme" if "scheme" in place else "the hub"
        where = _place(name, place)
        rules.append(
            (
                "expect_column_values_to_be_in_set",
                f"{place_column(place)} is a place of {own}",
                {place_column(place): where},
                f"{where} NOT IN (SELECT key FROM places WHERE place = '{place_column(place)}')",
            )
        )
    for span in spec.spans:
        end, start = f"{name}.{quoted(span.end)}", f"{name}.{quoted(span.start)}"
        pairs = [
            (
                "policies.n_chars",
                "policies.n_chars",
                span.end,
                end,
                f"{span.end} <= policies.n_chars",
            )
        ]
        if _in_segment(name):
            pairs += [
                (
                    span.start,
                    start,
                    "segments.start",
                    'segments."start"',
                    f"{span.start} >= segments.start",
                ),
                ("segments.end", 'segments."end"', span.end, end, f"{span.end} <= segments.end"),
            ]
        for a, a_sql, b, b_sql, target in pairs:
            rules.append(
                (
                    "expect_column_pair_values_a_to_be_greater_than_b",
                    target,
                    {a: a_sql, b: b_sql},
                    f"{a_sql} < {b_sql}",
                )
            )
        text = f"{name}.{quoted(span.text)}"
        rules.append(
            (
                "expect_column_pair_values_to_be_equal",
                f"{span.text} == policies.text[{span.start}:{span.end}]",
                {span.text: text, f"{span.text}@policy": _text_at(name, span)},
                f"{text} <> {_text_at(name, span)}",
            )
        )
    return rules


def _checks(name: str) -> list[Check]:
    tables = (name, *sorted(ancestors(name)))
    return [
        Check(check, f"{name}+parents", target, tables, CORPUS, partial(_rows, name, i))
        for i, (check, target, _, _) in enumerate(_rules(name))
    ]


CHECKS = [check for spec in TABLES for check in _checks(spec.name)]
