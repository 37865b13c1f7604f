"""What the checks share about frames and tables: a place's column name, the tables a
table's foreign keys reach, a column as a list (and rows as tuples, a split's parts), and
the policies whose facts differ."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

import pandas as pd

from privacy_labels.contract.tables import table


def place_column(place: tuple[str, ...]) -> str:
    """The derived column holding a row's place: its label columns' values joined by `/`."""
    return "/".join(place)


def as_list(column: pd.Series) -> list:
    """A column as a plain list, nulls as None: iterating an Arrow-backed column in Python
    costs microseconds per element; converting it whole costs nanoseconds."""
    return column.to_numpy(dtype=object, na_value=None).tolist()


def rows_of(frame: pd.DataFrame, columns: Sequence[str]) -> Iterator[tuple]:
    """The frame's rows as tuples of `columns`, read as lists (`as_list`)."""
    return zip(*(as_list(frame[c]) for c in columns), strict=True)


def parts_of(splits: pd.DataFrame) -> dict[tuple[str, str], str]:
    """The part of each (policy_id, split_name) of a splits table."""
    return {
        (policy_id, name): part
        for policy_id, name, part in rows_of(splits, ("policy_id", "split_name", "part"))
    }


def ancestors(name: str) -> set[str]:
    """Every table `name`'s foreign keys reach, directly or through others."""
    found, pending = set(), [fk.table for fk in table(name).foreign_keys]
    while pending:
        parent = pending.pop()
        if parent not in found:
            found.add(parent)
            pending += [fk.table for fk in table(parent).foreign_keys]
    return found


def policies_whose(
    policies: pd.DataFrame, column: str, expected: Callable[[pd.Series], object]
) -> list[str]:
    """The policies whose `column` is not `expected(row)` (or whose text is missing)."""
    return [
        f"{row.policy_id}: {column} is {row[column]}, expected {expected(row)}"
        for _, row in policies.iterrows()
        if pd.isna(row.text) or row[column] != expected(row)
    ]
