"""Load the tables into pandas with the schema's dtypes.

    >>> import privacy_labels as pl
    >>> practices = pl.load("practices")
    >>> practices["category"].cat.categories  # every category of the taxonomy, in order

Needs only pandas and pyarrow.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from privacy_labels._files import package_data
from privacy_labels.tables import TABLES, pandas_dtypes, table


def tables() -> list[str]:
    """Names of the tables `load` accepts."""
    return [t.name for t in TABLES]


def load(name: str, path: str | Path | None = None) -> pd.DataFrame:
    """One table as a DataFrame.

    `path` is a folder of built tables (the output of `privacy-labels build`);
    by default the tables that ship with the package.
    """
    table(name)  # unknown names fail here, listing the known ones
    file = Path(path or package_data("labeled", "data/labeled")) / f"{name}.parquet"
    if not file.is_file():
        raise FileNotFoundError(
            f"{file} does not exist; build the tables with `privacy-labels build` (or `make build`)"
        )
    return pq.read_table(file).to_pandas().astype(pandas_dtypes(name))
