"""Thin wrapper: `python scripts/import_label_studio.py EXPORT.json --out DIR` is `privacy-labels import label-studio ...`."""

import sys

from privacy_labels.cli.app import main

sys.exit(main(["import", "label-studio", *sys.argv[1:]]))
