"""Thin wrapper: `python scripts/import_opp115.py SRC --out DIR` is `privacy-labels import opp115 ...`."""

import sys

from privacy_labels.cli.app import main

sys.exit(main(["import", "opp115", *sys.argv[1:]]))
