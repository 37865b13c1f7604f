"""privacy-labels: privacy policies annotated with privacy-practice labels.

>>> import privacy_labels as pl
>>> pl.tables()
['policies', 'segments', 'practices', 'attribute_values']
>>> practices = pl.load("practices")
"""

from importlib.metadata import PackageNotFoundError, version

from privacy_labels.load import load, tables

try:
    __version__ = version("privacy-labels")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

__all__ = ["__version__", "load", "tables"]
