"""Thin wrapper: `python scripts/docs.py ...` is `privacy-labels docs ...`."""

import sys

from privacy_labels.cli.app import main

sys.exit(main(["docs", *sys.argv[1:]]))
