"""The contract's column model: a column's logical type, constraints and source, and a table's
columns, keys and spans. The tables themselves are defined in `contract/tables.py`.

Column types are logical: `string`, `integer`, `number` (a float), `boolean`, or a `label` whose
categories are an ordered list: over the schemes of a build (`SchemeSet.label_ids`: scheme,
category, attribute or value ids, label sets, labels, the hub's questions, answers and
statuses, mapping kinds), or the dataset splits. `TYPES` gives each one's Arrow, pandas,
Frictionless and Croissant type.
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass

import pandas as pd
import pyarrow as pa

from privacy_labels.contract.scheme_set import LABEL_KINDS, SchemeSet
from privacy_labels.contract.views import SPLITS

SPLIT = "split"  # the label kind of the dataset splits, the views' own list


@dataclass(frozen=True)
class ColumnType:
    """One logical column type in each representation the project writes."""

    arrow: pa.DataType
    pandas: object  # the dtype a column is read as; label columns are categoricals instead
    frictionless: str
    croissant: str


TYPES = {
    "string": ColumnType(pa.string(), pd.StringDtype(), "string", "sc:Text"),
    "integer": ColumnType(pa.int64(), pd.Int64Dtype(), "integer", "sc:Integer"),
    "number": ColumnType(pa.float64(), pd.Float64Dtype(), "number", "sc:Float"),
    "boolean": ColumnType(pa.bool_(), pd.BooleanDtype(), "boolean", "sc:Boolean"),
    # Labels are stored as plain strings so every reader gets text.
    "label": ColumnType(pa.string(), pd.StringDtype(), "string", "sc:Text"),
}

_PANDAS_OF_ARROW = {t.arrow: t.pandas for t in TYPES.values()}


def pandas_dtype_of(arrow_type: pa.DataType):
    """The nullable pandas dtype a column of this Arrow type is read as, or None for a
    type the contract does not write: pandas' default then stays, so the gate's type
    expectations see it."""
    return _PANDAS_OF_ARROW.get(arrow_type)


@dataclass(frozen=True)
class Column:
    """A column, its constraints and the document field it comes from (`source`, None for a
    value the build computes), e.g. `annotation: practices[].category`."""

    name: str
    type: str  # a key of TYPES
    description: str
    is_nullable: bool = False
    labels: str | None = None  # for type "label": one of LABEL_KINDS, or SPLIT
    source: str | None = None
    _: KW_ONLY  # the constraints are named where they are given
    is_unique: bool = False
    minimum: float | None = None
    maximum: float | None = None
    pattern: str | None = None

    def __post_init__(self) -> None:
        if (self.type == "label") != (self.labels in (*LABEL_KINDS, SPLIT)):
            raise ValueError(f"column {self.name}: a label column needs a kind of labels")

    def constraints(self, schemes: SchemeSet) -> dict:
        """The column's constraints as Frictionless Table Schema writes them: `required`
        always, then those it has; a label column's `enum` is its ordered label list over
        `schemes`."""
        constraints: dict = {"required": not self.is_nullable}
        if self.is_unique:
            constraints["unique"] = True
        if self.type == "label":
            constraints["enum"] = self.label_ids(schemes)
        for key in ("minimum", "maximum", "pattern"):
            if getattr(self, key) is not None:
                constraints[key] = getattr(self, key)
        return constraints

    def label_ids(self, schemes: SchemeSet) -> list[str]:
        """The ordered categories of a label column over `schemes`."""
        return list(SPLITS) if self.labels == SPLIT else schemes.label_ids(self.labels)


@dataclass(frozen=True)
class ForeignKey:
    columns: tuple[str, ...]
    table: str
    references: tuple[str, ...]


@dataclass(frozen=True)
class Span:
    """Offset columns into the policy text, end exclusive, and the column holding that text."""

    start: str
    end: str
    text: str


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = ()
    spans: tuple[Span, ...] = ()
    # Label columns that together name one place of one scheme (e.g. scheme, category,
    # attribute, value); the gate expects each row's to be a place of its scheme
    # (`SchemeSet.keys`, by the columns' kinds of labels).
    places: tuple[tuple[str, ...], ...] = ()

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)
