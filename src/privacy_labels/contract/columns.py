"""The contract's column model: a column's logical type, constraints and source, and a table's
columns, keys and spans. The tables themselves are defined in `contract/tables.py`.

Column types are logical: `string`, `integer`, `number` (a float), `boolean`, or a `label` whose
categories are an ordered list: the taxonomy's category, attribute or value ids, the dataset
splits or the policy-label statuses. `TYPES` gives each one's Arrow, pandas, Frictionless and
Croissant type.
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass

import pandas as pd
import pyarrow as pa

from privacy_labels.contract.policy_labels import STATUSES
from privacy_labels.contract.schema import taxonomy
from privacy_labels.contract.views import SPLITS


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


@dataclass(frozen=True)
class Column:
    """A column, its constraints and the document field it comes from (`source`, None for a
    value the build computes), e.g. `annotation: practices[].category`."""

    name: str
    type: str  # a key of TYPES
    description: str
    is_nullable: bool = False
    # for type "label": "category" | "attribute" | "value" | "split" | "status"
    labels: str | None = None
    source: str | None = None
    _: KW_ONLY  # the constraints are named where they are given
    is_unique: bool = False
    minimum: float | None = None
    maximum: float | None = None
    pattern: str | None = None

    def constraints(self) -> dict:
        """The column's constraints as Frictionless Table Schema writes them: `required`
        always, then those it has; a label column's `enum` is its ordered label list."""
        constraints: dict = {"required": not self.is_nullable}
        if self.is_unique:
            constraints["unique"] = True
        if self.type == "label":
            constraints["enum"] = self.label_ids()
        for key in ("minimum", "maximum", "pattern"):
            if getattr(self, key) is not None:
                constraints[key] = getattr(self, key)
        return constraints

    def label_ids(self) -> list[str]:
        """The ordered categories of a label column."""
        if self.labels in ("split", "status"):
            return list(SPLITS if self.labels == "split" else STATUSES)
        tax = taxonomy()
        return {
            "category": tax.category_ids,
            "attribute": tax.attribute_ids,
            "value": tax.value_ids,
        }[self.labels]


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

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)
