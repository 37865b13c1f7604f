"""Thin wrapper: `python scripts/release.py ...` is `privacy-labels release ...`."""

import sys

from privacy_labels.cli.app import main

sys.exit(main(["release", *sys.argv[1:]]))
