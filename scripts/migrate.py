"""Thin wrapper: `python scripts/migrate.py ...` is `privacy-labels migrate ...`."""

import sys

from privacy_labels.cli.app import main

sys.exit(main(["migrate", *sys.argv[1:]]))
