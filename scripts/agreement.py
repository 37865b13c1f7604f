"""Thin wrapper: `python scripts/agreement.py ...` is `privacy-labels agreement ...`."""

import sys

from privacy_labels.cli.app import main

sys.exit(main(["agreement", *sys.argv[1:]]))
