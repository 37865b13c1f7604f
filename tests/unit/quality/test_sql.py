"""The gate's DuckDB views over the built tables (`quality/sql.py`)."""

import shutil

import pyarrow.parquet as pq

from privacy_labels.contract.tables import TABLES
from privacy_labels.quality.sql import tables
from tests.integration.test_gate import LABELED


def test_tables_in_a_folder_whose_name_holds_quotes_are_read(tmp_path):
    folder = shutil.copytree(LABELED, tmp_path / """it's "labeled\"""")
    with tables(folder) as sql:
        for spec in TABLES:
            (n_rows,) = sql.execute(f"SELECT count(*) FROM {spec.name}").fetchone()
            assert n_rows == pq.read_metadata(LABELED / f"{spec.name}.parquet").num_rows
