"""SQL over the built tables' Parquet files, in an embedded DuckDB: the set-based and
cross-table rules read only the columns they name, streamed, whatever the corpus's size.

    with tables(folder) as sql:          # every table of the contract is a view of its name
        sql.execute("SELECT count(*) FROM practices").fetchone()
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from privacy_labels.contract.tables import TABLES
from privacy_labels.errors import PrivacyLabelsError, UsageError
from privacy_labels.store import parquet_path, unreadable

# DuckDB's limits, set deliberately: by default it takes 80% of the machine's memory and a
# thread per core. Above the limit its joins and aggregates spill to a temporary folder of
# their own (never the current folder), so the gate's memory stays bounded at any size; at
# 10× OPP-115 the rules ran in 1.9 s with 400 MB against 1.5 s with 2 GB. A query that
# cannot spill enough stops with GateOutOfMemory, which names the variable to raise it by.
MEMORY_LIMIT = "400MB"
MEMORY_VARIABLE = "PRIVACY_LABELS_GATE_MEMORY"
THREADS = 2


class GateOutOfMemory(PrivacyLabelsError):
    """DuckDB needed more memory for one of the gate's queries than its limit allows."""


@contextlib.contextmanager
def connection() -> Iterator:
    """An in-memory DuckDB connection within the gate's limits, closed after use (imported
    when first needed)."""
    import duckdb

    limit = os.environ.get(MEMORY_VARIABLE) or MEMORY_LIMIT
    spill = tempfile.mkdtemp(prefix="privacy-labels-duckdb-")
    try:
        sql = duckdb.connect(
            config={
                "memory_limit": limit,
                "threads": THREADS,
                "temp_directory": spill,
                # Rows come back in no promised order (each query that names rows sorts them),
                # so DuckDB need not hold them to keep the files' order.
                "preserve_insertion_order": False,
            }
        )
    except duckdb.Error as error:
        shutil.rmtree(spill, ignore_errors=True)
        raise UsageError(
            f"{MEMORY_VARIABLE}={limit}: not a memory size DuckDB takes "
            f"({str(error).splitlines()[0]}); give one such as 400MB or 2GB"
        ) from None
    try:
        yield sql
    except duckdb.OutOfMemoryException:
        raise GateOutOfMemory(
            f"the quality gate's DuckDB needed more than its memory limit of {limit}; "
            f"set {MEMORY_VARIABLE} higher (e.g. {MEMORY_VARIABLE}=2GB) and run check again"
        ) from None
    finally:
        sql.close()
        shutil.rmtree(spill, ignore_errors=True)


def quoted(name: str) -> str:
    """A column's name as an SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def literal(value: object) -> str:
    """A string or number as an SQL literal."""
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return repr(value)


def source(folder: Path, name: str) -> str:
    """A table's Parquet file, or partitioned dataset, as a DuckDB table expression."""
    path = parquet_path(folder, name)
    if path.is_dir():
        pattern = literal((path / "**" / "*.parquet").as_posix())
        return f"read_parquet({pattern}, hive_partitioning = true)"
    return f"read_parquet({literal(path.as_posix())})"


@contextlib.contextmanager
def tables(folder: Path) -> Iterator:
    """A DuckDB connection in which each table of the contract is a view of its name over
    its Parquet file(s) in `folder`, read when a query names it."""
    import duckdb

    with connection() as sql:
        for spec in TABLES:
            try:
                sql.execute(f"CREATE VIEW {spec.name} AS SELECT * FROM {source(folder, spec.name)}")
            except duckdb.Error as error:  # DuckDB reads a file's footer to make its view
                raise unreadable(parquet_path(folder, spec.name), error) from None
        yield sql


@contextlib.contextmanager
def beside(sql, frames: dict[str, pd.DataFrame]) -> Iterator:
    """A cursor of `sql` in which each frame (a check's own table, e.g. from the schemes) is
    also a table of its name, for as long as the cursor is open."""
    cursor = sql.cursor()
    try:
        for name, frame in frames.items():
            cursor.register(name, frame)
        yield cursor
    finally:
        cursor.close()
