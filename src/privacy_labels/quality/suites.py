"""The expectation suites, generated from the table contract and the build's schemes, never listed.

For every table: the columns in order and their types, each column's constraints in the
contract (`Column.constraints`: required, minimum/maximum, enum, pattern, unique), unique
(compound) keys, and span offsets in order (`table_suite`); a label column's enum is its
list over the schemes the build holds (its own `schemes/`). What spans tables (keys
resolve, labels are places of the row's own scheme, spans equal the policy text at their
offsets) is SQL over the Parquet files (`checks/joined_to_parents.py`).

Each suite is built once per process and set of schemes: GX validates an expectation's
pydantic model when it is made, which cost about a second per batch when rebuilt for
every batch.
"""

from __future__ import annotations

import functools
import warnings

from privacy_labels.contract.columns import pandas_dtype_of
from privacy_labels.contract.scheme_set import SchemeSet
from privacy_labels.contract.tables import arrow_schema, table


def gx():
    """great_expectations and its expectations, imported without their warnings and only
    when a suite is run: the import takes seconds. (Its log level is the CLI's to set.)"""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import great_expectations
        import great_expectations.expectations as gxe
    return great_expectations, gxe


# Whether a failure of the expectation means the table lacks the contract's shape (columns,
# types, non-null values), which the joins and project checks rely on.
STRUCTURAL = "structural"


def _ordered(suite: list) -> tuple:
    """The suite with each expectation's place in it, by which results are put back in order."""
    for i, expectation in enumerate(suite):
        expectation.meta = {**expectation.meta, "order": i}
    return tuple(suite)


def _described(expectation, target: str, *, is_structural: bool = False):
    expectation.meta = {"target": target, STRUCTURAL: is_structural}  # shown in Data Docs too
    return expectation


def table_suite(name: str, schemes: SchemeSet) -> list:
    """Expectations on one table as written: columns, types, nulls, keys, labels, offsets.

    Each label column is expected in its list over `schemes`; which labels a row's scheme
    has is one set of places, checked by `checks/joined_to_parents.py`.
    """
    return list(_table_suite(name, schemes))


@functools.cache
def _table_suite(name: str, schemes: SchemeSet) -> tuple:
    _, gxe = gx()
    spec = table(name)
    suite = [
        _described(
            gxe.ExpectTableColumnsToMatchOrderedList(column_list=spec.column_names),
            ", ".join(spec.column_names),
            is_structural=True,
        )
    ]
    dtypes = _dtypes(name)
    for c in spec.columns:
        constraints = c.constraints(schemes)
        suite.append(
            _described(
                gxe.ExpectColumnTypeToBe(column=c.name, type_=dtypes[c.name]),
                c.name,
                is_structural=True,
            )
        )
        if constraints["required"]:
            suite.append(
                _described(
                    gxe.ExpectColumnValuesToNotBeNull(column=c.name), c.name, is_structural=True
                )
            )
        bounds = {
            f"{k[:3]}_value": constraints[k] for k in ("minimum", "maximum") if k in constraints
        }
        if bounds:
            between = gxe.ExpectColumnValuesToBeBetween(column=c.name, **bounds)
            suite.append(_described(between, c.name))
    key = list(spec.primary_key)
    unique = (
        gxe.ExpectColumnValuesToBeUnique(column=key[0])
        if len(key) == 1
        else gxe.ExpectCompoundColumnsToBeUnique(column_list=key)
    )
    suite.append(_described(unique, ", ".join(key)))
    for c in spec.columns:
        suite += [_described(e, c.name) for e in _value_expectations(gxe, c, key, schemes)]
    for span in spec.spans:
        suite.append(
            _described(
                gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A=span.end, column_B=span.start, ignore_row_if="either_value_is_missing"
                ),
                f"{span.end} > {span.start}",
            )
        )
    return _ordered(suite)


def _value_expectations(gxe, column, key: list[str], schemes: SchemeSet) -> list:
    """Expectations on a column's values from its enum, pattern and uniqueness constraints
    (a key column's uniqueness is the key's expectation)."""
    constraints = column.constraints(schemes)
    expectations = []
    if "enum" in constraints:
        expectations.append(
            gxe.ExpectColumnValuesToBeInSet(column=column.name, value_set=constraints["enum"])
        )
    if "pattern" in constraints:
        expectations.append(
            gxe.ExpectColumnValuesToMatchRegex(
                column=column.name, regex=f"^(?:{constraints['pattern']})$"
            )
        )
    if constraints.get("unique") and key != [column.name]:
        expectations.append(gxe.ExpectColumnValuesToBeUnique(column=column.name))
    return expectations


def _dtypes(name: str) -> dict[str, str]:
    """Each column's pandas dtype as the gate reads the table (`store.read_as_written`)."""
    return {field.name: str(pandas_dtype_of(field.type)) for field in arrow_schema(name)}
