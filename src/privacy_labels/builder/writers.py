"""Streaming writers of the tables: Parquet in deterministic row groups, and CSV.

    with TableWriter(folder, "practices") as writer:
        writer.write(arrow_table)

Where a row group ends depends on the data only, never on how the work was
spread, so the same inputs give the same bytes.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from privacy_labels.contract.tables import arrow_schema

ROWS_PER_FLUSH = 50_000
BYTES_PER_FLUSH = 64 << 20
# With `partitioned`, the tables with a row per practice or attribute value are
# written as Parquet datasets partitioned by category.
PARTITIONED_TABLES = ("practices", "attribute_values")
PARTITION_COLUMN = "category"


class ParquetSink:
    """Streams rows into one Parquet file in row groups of ROWS_PER_FLUSH rows or
    BYTES_PER_FLUSH bytes, ended where a part fills them: where they end depends
    on the data only, never on how the work was spread, so the bytes are the same.
    """

    def __init__(self, path: Path, schema: pa.Schema):
        path.parent.mkdir(parents=True, exist_ok=True)
        # store_schema keeps the column descriptions for Arrow-based readers.
        self.writer = pq.ParquetWriter(path, schema, compression="zstd", store_schema=True)
        self.buffer: list[pa.Table] = []
        self.n_rows = self.n_bytes = 0

    def write(self, rows: pa.Table) -> None:
        self.buffer.append(rows)
        self.n_rows += rows.num_rows
        self.n_bytes += rows.nbytes
        if self.n_rows >= ROWS_PER_FLUSH or self.n_bytes >= BYTES_PER_FLUSH:
            self.flush()

    def flush(self) -> None:
        if self.n_rows:
            rows = pa.concat_tables(self.buffer).combine_chunks()
            self.writer.write_table(rows, row_group_size=rows.num_rows)
        self.buffer = []
        self.n_rows = self.n_bytes = 0

    def close(self) -> None:
        self.flush()
        self.writer.close()


def csv_writer(sink, schema: pa.Schema) -> pa_csv.CSVWriter:
    """The tables' CSV: every string quoted, null an empty cell (null and "" stay apart), LF
    line ends. The gate renders each CSV again through it to compare the bytes."""
    return pa_csv.CSVWriter(sink, schema)


class TableWriter:
    """Streams one table into `<name>.csv` and `<name>.parquet`, or, partitioned,
    into the Hive-style dataset `<name>/category=<category_id>/part-0.parquet`.
    """

    def __init__(self, folder: Path, name: str, *, partitioned: bool = False):
        self.folder, self.name = folder, name
        self.schema = arrow_schema(name)
        self.csv = csv_writer(folder / f"{name}.csv", self.schema)
        self.partition_by = PARTITION_COLUMN if partitioned else None
        self.sinks: dict[str, ParquetSink] = {}
        if partitioned:
            (folder / name).mkdir()  # there even when no row comes: an empty table
        else:
            self.sinks[""] = ParquetSink(folder / f"{name}.parquet", self.schema)
        self.n_rows = 0

    def __enter__(self) -> TableWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def write(self, rows: pa.Table) -> None:
        self.csv.write_table(rows)
        self.n_rows += rows.num_rows
        if self.partition_by is None:
            self.sinks[""].write(rows)
            return
        # The key is a category id: an ASCII slug, safe in a path and the same in every reader.
        keys = rows[self.partition_by]
        for key in pc.unique(keys).to_pylist():
            self._partition(key).write(
                rows.filter(pc.equal(keys, key)).drop_columns([self.partition_by])
            )

    def _partition(self, key: str) -> ParquetSink:
        if key not in self.sinks:
            path = self.folder / self.name / f"{self.partition_by}={key}" / "part-0.parquet"
            schema = self.schema.remove(self.schema.get_field_index(self.partition_by))
            self.sinks[key] = ParquetSink(path, schema)
        return self.sinks[key]

    def close(self) -> None:
        for sink in self.sinks.values():
            sink.close()
        self.csv.close()
