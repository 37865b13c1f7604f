"""Thin wrapper: `python scripts/export_label_studio.py --out DIR` is `privacy-labels export label-studio ...`."""

import sys

from privacy_labels.cli.app import main

sys.exit(main(["export", "label-studio", *sys.argv[1:]]))
