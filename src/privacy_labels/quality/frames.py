"""What the checks share about frames and tables: a place's column name, the tables a
table's foreign keys reach, a column as a list, and the policies whose facts differ."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from privacy_labels.contract.tables import table


def place_column(place: tuple[str, ...]) -> str:
    """The derived column holding a row's place: its label columns' values joined by `/`."""
    return "/".join(place)


def as_list(column: pd.Series) -> list:
    """A column as a plain list, nulls as None: iterating an Arrow-backed column in Python
    costs microseconds per element; converting it whole costs nanoseconds."""
    return column.to_numpy(dtype=object, na_value=None).tolist()


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
