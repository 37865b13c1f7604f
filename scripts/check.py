"""Thin wrapper: `python scripts/check.py ...` is `privacy-labels check ...`."""

import sys

from privacy_labels.cli.app import main

sys.exit(main(["check", *sys.argv[1:]]))
