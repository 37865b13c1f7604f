"""Thin wrapper: `python scripts/validate.py ...` is `privacy-labels validate ...`."""

import sys

from privacy_labels.cli.app import main

sys.exit(main(["validate", *sys.argv[1:]]))
