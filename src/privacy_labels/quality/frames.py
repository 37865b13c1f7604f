"""The frames the suites run on, derived from the tables as written.

`with_parents` joins a table to every table its foreign keys reach and adds the
derived columns its expectations need: `has_<parent>`, the policy text at each
span's offsets, and one key per row for each group of label columns that names a
place of a scheme (`Table.places`: e.g. `scheme/category/attribute/value`).
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from privacy_labels.contract.tables import table


def place_column(place: tuple[str, ...]) -> str:
    """The derived column holding a row's place: its label columns' values joined by `/`."""
    return "/".join(place)


def is_missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


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


def with_parents(
    name: str, frames: dict[str, pd.DataFrame], needed: set[str] | None = None
) -> pd.DataFrame:
    """A table left-joined to every table its foreign keys reach, directly or through others.

    A parent's columns but its text are prefixed with its name (`policies.n_chars`);
    `has_<parent>` says whether the row's key found its parent, and `<span text>@policy`
    holds the policy text at each span's offsets. With `needed` (prefixed names), a
    parent brings only those columns and the keys that join it and its own parents.
    """
    frame = frames[name].copy()
    pending = [(fk, "") for fk in table(name).foreign_keys]
    joined: set[str] = set()
    while pending:
        fk, via = pending.pop(0)
        if fk.table in joined:
            continue
        joined.add(fk.table)
        # Texts stay out of the join: copied onto every row they would take gigabytes.
        # So do the columns no expectation reads: at 10× they doubled the peak memory.
        keys = set(fk.references) | {c for k in table(fk.table).foreign_keys for c in k.columns}
        if fk.table == "policies":
            keys.add("policy_id")  # the span texts are looked up by it
        columns = [
            c
            for c in frames[fk.table].columns
            if c != "text" and (needed is None or c in keys or f"{fk.table}.{c}" in needed)
        ]
        parent = (
            frames[fk.table][columns]
            .drop_duplicates(list(fk.references))
            .add_prefix(f"{fk.table}.")
        )
        parent[f"has_{fk.table}"] = True
        right_on = [f"{fk.table}.{c}" for c in fk.references]
        frame = frame.merge(
            parent, how="left", left_on=[f"{via}{c}" for c in fk.columns], right_on=right_on
        )
        if needed is not None:  # the parent's key repeats the row's own: a copy per join
            chained = {
                f"{fk.table}.{c}"
                for k in table(fk.table).foreign_keys
                if k.table not in joined
                for c in k.columns
            }
            kept = needed | chained | {"policies.policy_id"}
            frame = frame.drop(columns=[c for c in right_on if c not in kept])
        frame[f"has_{fk.table}"] = frame[f"has_{fk.table}"].fillna(False).astype(bool)
        pending += [(parent_fk, f"{fk.table}.") for parent_fk in table(fk.table).foreign_keys]
    for place in table(name).places:
        key = frame[place[0]].astype(pd.StringDtype())
        for column in place[1:]:
            key = key + "/" + frame[column].astype(pd.StringDtype())
        frame[place_column(place)] = key
    policies = frames["policies"]
    texts = dict(zip(as_list(policies["policy_id"]), as_list(policies["text"]), strict=True))
    for span in table(name).spans:
        frame[f"{span.text}@policy"] = pd.array(
            [
                None
                if p is None or s is None or e is None or texts.get(p) is None
                else texts[p][int(s) : int(e)]
                for p, s, e in zip(
                    as_list(frame["policies.policy_id"]),
                    as_list(frame[span.start]),
                    as_list(frame[span.end]),
                    strict=True,
                )
            ],
            dtype=pd.StringDtype(),
        )
    return frame


def policies_whose(
    policies: pd.DataFrame, column: str, expected: Callable[[pd.Series], object]
) -> list[str]:
    """The policies whose `column` is not `expected(row)` (or whose text is missing)."""
    return [
        f"{row.policy_id}: {column} is {row[column]}, expected {expected(row)}"
        for _, row in policies.iterrows()
        if pd.isna(row.text) or row[column] != expected(row)
    ]
