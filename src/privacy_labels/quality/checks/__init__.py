"""The project's own checks, one per module of this package, found rather than listed.

Each module defines `CHECK` (or `CHECKS`, one rule stated once for several tables): a
`Check` naming the rule, the frame its result is reported on, the tables it reads, its
scope, and a function returning what it checked and the rows that fail. A check of
`PART` scope sees the frames of one part of the corpus (all of it, one batch of whole
policies, or one partition on a cluster) and its results are added up over the parts; a
check of `CORPUS` scope runs once, after the parts, as SQL over the Parquet files in
DuckDB, for what no part can see alone. Adding a check is adding a module here (and its
test beside the others in `tests/unit/quality/checks/`).
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pandas as pd

from privacy_labels.contract.scheme_set import SchemeSet
from privacy_labels.quality.result import CheckResult, outcome

PART: Literal["part"] = "part"
CORPUS: Literal["corpus"] = "corpus"

# What a check found: how many rows it checked, and a message for each row that fails.
Found = tuple[int, list[str]]


@dataclass(frozen=True)
class Check:
    """One rule: `rows(frames, schemes)` for a `PART` check (frames: the tables it reads,
    as pandas), `rows(folder)` for a `CORPUS` check (reading the Parquet files itself)."""

    name: str
    frame: str  # the table, or tables joined by "+", the result is reported on
    target: str  # the columns and the condition, human-readable
    tables: tuple[str, ...]
    scope: Literal["part", "corpus"]
    rows: Callable[..., Found]

    def run(self, *inputs) -> CheckResult:
        n_rows, failed = self.rows(*inputs)
        return outcome(self.frame, self.name, self.target, n_rows, failed)


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


def corpus_checks(folder: Path) -> list[CheckResult]:
    """Every `CORPUS` check over the tables in `folder`."""
    return [c.run(folder) for c in discovered() if c.scope == CORPUS]
