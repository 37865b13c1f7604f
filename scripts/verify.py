"""Thin wrapper: `python scripts/verify.py ...` is `privacy-labels verify ...`."""

import sys

from privacy_labels.cli.app import main

sys.exit(main(["verify", *sys.argv[1:]]))
