"""privacy-labels: privacy policies annotated with privacy-practice labels.

>>> import privacy_labels as pl
>>> pl.tables()
['policies', 'segments', 'annotations', 'practices', 'attribute_values', 'segment_labels', 'splits', 'policy_labels']
>>> practices = pl.load("practices")
>>> pl.versions()  # the releases available locally
['0.1.0', '0.2.0']
>>> practices = pl.load("practices", version="0.2.0")
"""

import os
import signal
import sys
from importlib.metadata import PackageNotFoundError, version


def _interrupted_while_starting(signum, frame) -> None:
    sys.stderr.write("interrupted while starting; nothing was written\n")
    os._exit(130)


# Run as the `privacy-labels` command, an interrupt while the libraries load is answered
# with one line, not a traceback of the import; cli.app.main takes the interrupt over.
if os.path.basename(sys.argv[0]) == "privacy-labels" or "privacy_labels.cli.app" in getattr(
    sys, "orig_argv", ()
):
    signal.signal(signal.SIGINT, _interrupted_while_starting)

from privacy_labels.load import load, tables, versions  # noqa: E402

try:
    __version__ = version("privacy-labels")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

__all__ = ["__version__", "load", "tables", "versions"]
