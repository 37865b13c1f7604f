"""Thin wrapper: `python scripts/build.py ...` is `privacy-labels build ...`."""

import sys

from privacy_labels.cli.app import main

sys.exit(main(["build", *sys.argv[1:]]))
