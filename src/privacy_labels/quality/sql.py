"""SQL over the built tables' Parquet files, in an embedded DuckDB: the rules over the
whole corpus read only the columns they name, streamed, whatever the corpus's size."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from privacy_labels.store import parquet_path


@contextlib.contextmanager
def connection() -> Iterator:
    """An in-memory DuckDB connection, closed after use (imported when first needed)."""
    import duckdb

    sql = duckdb.connect()
    try:
        yield sql
    finally:
        sql.close()


def source(folder: Path, name: str) -> str:
    """A table's Parquet file, or partitioned dataset, as a DuckDB table expression."""
    path = parquet_path(folder, name)
    if path.is_dir():
        pattern = (path / "**" / "*.parquet").as_posix().replace("'", "''")
        return f"read_parquet('{pattern}', hive_partitioning = true)"
    return f"read_parquet('{path.as_posix().replace(chr(39), chr(39) * 2)}')"


@contextlib.contextmanager
def over(frames: dict[str, pd.DataFrame]) -> Iterator:
    """A DuckDB connection in which each frame is a table of its name (read in place)."""
    with connection() as sql:
        for name, frame in frames.items():
            sql.register(name, frame)
        yield sql
