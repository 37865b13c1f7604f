"""Thin wrapper: `python scripts/report.py ...` is `privacy-labels report ...`."""

import sys

from privacy_labels.cli.app import main

sys.exit(main(["report", *sys.argv[1:]]))
