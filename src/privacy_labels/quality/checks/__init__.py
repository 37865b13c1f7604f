"""The project's own checks, one per module of this package, found rather than listed.

Each module defines `CHECK` (or `CHECKS`, one rule stated once for several tables): a
`Check` naming the rule, the frame its result is reported on, the tables it reads, its
scope, and a function returning what it checked and the rows that fail. A check of
`CORPUS` scope runs once, as SQL in DuckDB over the Parquet files (each table a view of its
name, streamed): every set-based or cross-table rule. A check of `PART` scope sees pandas
frames of the tables it reads (the whole tables: keep those small, e.g. policies), for a
rule of a row or a policy said best in Python. Adding a check is adding a module here (and
its test beside the others in `tests/unit/quality/checks/`).
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from privacy_labels.contract.scheme_set import SchemeSet
from privacy_labels.quality.result import CheckResult, outcome

PART: Literal["part"] = "part"
CORPUS: Literal["corpus"] = "corpus"

# What a check found: how many rows it checked and a message (or a row) for each row that
# fails; or, where many may fail, the first few and how many fail in all.
Found = tuple[int, list] | tuple[int, list, int]


@dataclass(frozen=True)
class Check:
    """One rule: `rows(frames, schemes)` for a `PART` check (frames: the tables it reads,
    as pandas), `rows(sql, schemes)` for a `CORPUS` check (`sql`: a DuckDB connection in
    which each table is a view of its name over its Parquet files: `sql.tables`)."""

    name: str
    frame: str  # the table, or tables joined by "+", the result is reported on
    target: str  # the columns and the condition, human-readable
    tables: tuple[str, ...]
    scope: Literal["part", "corpus"]
    rows: Callable[..., Found]

    def run(self, *inputs) -> CheckResult:
        n_rows, failed, *n_failed = self.rows(*inputs)
        return outcome(self.frame, self.name, self.target, n_rows, failed, *n_failed)


@functools.cache
def discovered() -> tuple[Check, ...]:
    """Every check of this package's modules, in the order of the modules' names."""
    found: list[Check] = []
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        loaded = importlib.import_module(f"{__name__}.{module.name}")
        found += [loaded.CHECK] if hasattr(loaded, "CHECK") else list(loaded.CHECKS)
    return tuple(found)


def part_checks(frames: dict[str, pd.DataFrame], schemes: SchemeSet) -> list[CheckResult]:
    """Every `PART` check on one part's frames."""
    return [c.run(frames, schemes) for c in discovered() if c.scope == PART]


def corpus_checks(sql, schemes: SchemeSet) -> list[CheckResult]:
    """Every `CORPUS` check over the tables of `sql` (a connection of `sql.tables`)."""
    return [c.run(sql, schemes) for c in discovered() if c.scope == CORPUS]
