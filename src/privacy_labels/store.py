"""The one reader of built tables, from their Parquet files or partitioned datasets.

`load`, the gate, the report, `agreement`, `score` and the rebuilt annotation
documents all read through here, so a missing or unreadable table is named the
same way everywhere. It needs only pandas and pyarrow.

Tables describe their own labels: a build or release holds the schemes its labels are
written in (`schemes/<scheme_id>/`), and the label columns' categories come from there
(`schemes_of`), never from the installed package; the releases before schemes/ (0.1.0,
0.2.0) are read with the types and enums of their own `datapackage.json`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from privacy_labels.contract.columns import TYPES, pandas_dtype_of
from privacy_labels.contract.scheme_set import SchemeSet, read_schemes
from privacy_labels.contract.schemes import SchemeError
from privacy_labels.contract.tables import (
    TABLES,
    arrow_schema,
    pandas_dtypes,
    table,
)
from privacy_labels.errors import PrivacyLabelsError

SCHEMES = "schemes"  # a build's or release's own copy of its schemes
DATAPACKAGE = "datapackage.json"


def to_pandas(data: pa.Table, dtypes: dict[str, object]) -> pd.DataFrame:
    """A table as pandas in `dtypes` (the columns it has); label columns become ordered
    categoricals straight from Arrow, as codes into their list of labels.
    """
    columns = {}
    for column, dtype in dtypes.items():
        if column not in data.column_names:
            continue  # a column added after an older release: it is read as it was released
        values = data[column]
        if isinstance(dtype, pd.CategoricalDtype):
            categories = pa.array(dtype.categories, pa.string())
            if pa.types.is_dictionary(values.type):  # look up each distinct label once
                values = values.combine_chunks()
                codes = pc.index_in(values.dictionary, value_set=categories).take(values.indices)
            else:
                codes = pc.index_in(values, value_set=categories)
            columns[column] = pd.Categorical.from_codes(
                codes.fill_null(-1).to_numpy(zero_copy_only=False), dtype=dtype
            )  # a label outside the list would become missing: the lists are the tables' own
        else:
            series = values.to_pandas(types_mapper=pandas_dtype_of)
            columns[column] = series if series.dtype == dtype else series.astype(dtype)
    return pd.DataFrame(columns)


class UnreadableTables(PrivacyLabelsError):
    """A table file is missing or is not Parquet."""


def schemes_of(folder: Path) -> SchemeSet:
    """The schemes a build's or release's tables are written in: its own `schemes/`."""
    if not Path(folder).is_dir():
        require(folder)  # names the missing folder
    found = Path(folder) / SCHEMES
    try:
        schemes = read_schemes(found) if found.is_dir() else None
    except SchemeError as error:
        raise UnreadableTables(f"{error}; rebuild with `privacy-labels build`") from None
    if not schemes:
        raise UnreadableTables(
            f"{folder}: no {SCHEMES}/ folder says which labels the tables hold (built by "
            "an older privacy-labels); rebuild with `privacy-labels build`"
        )
    return schemes


def dtypes_of(folder: Path, name: str) -> dict[str, object]:
    """The pandas dtypes of a table of the build or release in `folder`: the contract's, with
    the label lists of the folder's own schemes; for a release from before schemes/ (0.1.0,
    0.2.0), or a table whose columns its release's datapackage.json describes otherwise
    (the one-row-per-policy splits of 1.0.0), those the datapackage gives, enums as ordered
    categoricals."""
    folder = Path(folder)
    if (folder / DATAPACKAGE).is_file():
        fields = _described_fields(folder / DATAPACKAGE, name)
        if (
            not (folder / SCHEMES).is_dir()
            or [f["name"] for f in fields] != table(name).column_names
        ):
            return _described_dtypes(fields)
    return pandas_dtypes(name, schemes_of(folder))


def _described_fields(datapackage: Path, name: str) -> list[dict]:
    package = json.loads(datapackage.read_text(encoding="utf-8"))
    return next(r for r in package["resources"] if r["name"] == name)["schema"]["fields"]


def _described_dtypes(fields: list[dict]) -> dict[str, object]:
    of_type = {t.frictionless: t.pandas for t in TYPES.values()}
    return {
        f["name"]: (
            pd.CategoricalDtype(f["constraints"]["enum"], ordered=True)
            if "enum" in f.get("constraints", {})
            else of_type[f["type"]]
        )
        for f in fields
    }


class MissingTables(UnreadableTables, FileNotFoundError):
    """A folder of built tables, or a table in it, does not exist; a FileNotFoundError too."""


def parquet_path(folder: Path, name: str) -> Path:
    """A table's Parquet in a folder of built tables: the file `<name>.parquet`, or the
    folder `<name>/` of a dataset partitioned by category (`build --partitioned`).
    """
    file = Path(folder) / f"{name}.parquet"
    dataset = Path(folder) / name
    return dataset if not file.exists() and dataset.is_dir() else file


def read_parquet(
    folder: Path, name: str, *, columns: list[str] | None = None, filters: list | None = None
) -> pa.Table:
    """A table as Arrow, from its Parquet file or partitioned dataset; the partition
    key comes back as the column it was, in its place. `columns` and `filters` are
    pyarrow's: read only those columns, or only the rows that pass.
    """
    return _read(parquet_path(folder, name), name, columns=columns, filters=filters)


def iter_batches(
    file: Path, batch_size: int = 64_000
) -> tuple[pa.Schema, Iterator[pa.RecordBatch]]:
    """A Parquet file's schema and its rows in batches, as written: for streaming its whole
    content without holding it (the gate's CSV comparison)."""
    source = pq.ParquetFile(file)
    return source.schema_arrow, source.iter_batches(batch_size=batch_size)


def count_rows(folder: Path, name: str) -> int:
    """A table's number of rows, from the Parquet footers alone."""
    path = parquet_path(folder, name)
    files = sorted(path.rglob("*.parquet")) if path.is_dir() else [path]
    return sum(pq.ParquetFile(f).metadata.num_rows for f in files)


def _read(path: Path, name: str, *, columns=None, **options) -> pa.Table:
    if path.is_dir() and not any(path.rglob("*.parquet")):  # a dataset of no rows
        empty = arrow_schema(name).empty_table()
        return empty.select(columns) if columns is not None else empty
    data = pq.read_table(path, columns=columns, **options)
    if columns is not None or not path.is_dir():
        return data
    return _partition_key_in_place(data, name, set(options.get("read_dictionary") or ()))


def _partition_key_in_place(data: pa.Table, name: str, encoded: set[str]) -> pa.Table:
    """A partitioned dataset's rows with its Hive partition key, which comes back last and
    dictionary-encoded, in its place and type (unless `encoded` names it)."""
    data = data.select(arrow_schema(name).names)
    for i, field in enumerate(data.schema):
        if pa.types.is_dictionary(field.type) and field.name not in encoded:
            data = data.set_column(i, field.name, data[field.name].cast(field.type.value_type))
    return data


def empty_as_written(folder: Path, name: str) -> pd.DataFrame:
    """A table's columns and types as `read_as_written` gives them, without reading a row."""
    require(folder, [name])
    path = parquet_path(folder, name)

    def empty() -> pa.Table:
        if not path.is_dir():
            return pq.read_schema(path).empty_table()
        if not any(path.rglob("*.parquet")):
            return arrow_schema(name).empty_table()
        return _partition_key_in_place(pq.ParquetDataset(path).schema.empty_table(), name, set())

    return _readable(path, lambda: empty().to_pandas(types_mapper=pandas_dtype_of))


def require(folder: Path, names: list[str] | None = None) -> None:
    """Raise UnreadableTables naming every table of `names` (default: all) not in `folder`."""
    names = names or [t.name for t in TABLES]
    if not Path(folder).is_dir():
        raise MissingTables(
            f"{folder}: no such folder of built tables; build the tables first with `privacy-labels build`"
        )
    missing = [name for name in names if not parquet_path(folder, name).exists()]
    if missing:
        raise MissingTables(
            f"{folder}: no {', '.join(f'{m}.parquet' for m in missing)}; "
            "build the tables first with `privacy-labels build`"
        )


def _readable(path: Path, read):
    try:
        return read()
    except (pa.ArrowException, OSError) as error:
        raise unreadable(path, error) from None


def unreadable(path: Path, error: Exception) -> UnreadableTables:
    """The error naming a table file that a reader (pyarrow, DuckDB) could not read."""
    return UnreadableTables(
        f"{path}: not a readable Parquet file ({str(error).splitlines()[0]}); "
        "rebuild with `privacy-labels build`"
    )


def read_frame(folder: Path, name: str) -> pd.DataFrame:
    """A table as pandas in the contract's dtypes (labels as ordered categoricals)."""
    require(folder, [name])
    path = parquet_path(folder, name)
    return _readable(path, lambda: read_release_frame(path, name))


def read_release_frame(file: Path, name: str) -> pd.DataFrame:
    """A table's checked Parquet file (or partitioned dataset) as pandas in the dtypes of
    the build or release it is in."""
    dtypes = dtypes_of(Path(file).parent, name)
    labels = [c for c, dtype in dtypes.items() if isinstance(dtype, pd.CategoricalDtype)]
    return to_pandas(_read(Path(file), name, read_dictionary=labels), dtypes)


def read_rows(
    folder: Path, name: str, columns: list[str] | None = None, filters: list | None = None
) -> list[dict]:
    """A table's rows as dicts (optionally only `columns`, or the rows passing `filters`)."""
    require(folder, [name])
    return _readable(
        parquet_path(folder, name),
        lambda: read_parquet(folder, name, columns=columns, filters=filters).to_pylist(),
    )


def read_as_written(folder: Path, names: list[str] | None = None) -> dict[str, pd.DataFrame]:
    """Every table (or those of `names`) as written, without imposing the contract's types
    on it: labels stay plain strings, so an unknown label survives for the gate to name."""
    names = names or [t.name for t in TABLES]
    require(folder, names)
    return {
        name: _readable(
            parquet_path(folder, name),
            lambda name=name: read_parquet(folder, name).to_pandas(types_mapper=pandas_dtype_of),
        )
        for name in names
    }
