"""privacy-labels: privacy policies annotated with privacy-practice labels.

>>> import privacy_labels as pl
>>> pl.tables()
['policies', 'segments', 'annotations', 'practices', 'attribute_values', 'segment_labels', 'splits', 'policy_labels']
>>> practices = pl.load("practices")
>>> pl.versions()  # the releases available locally
['0.1.0']
>>> practices = pl.load("practices", version="0.1.0")
"""

from importlib.metadata import PackageNotFoundError, version

from privacy_labels.load import load, tables, versions

try:
    __version__ = version("privacy-labels")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

__all__ = ["__version__", "load", "tables", "versions"]
