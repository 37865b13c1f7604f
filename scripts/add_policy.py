"""Thin wrapper: `python scripts/add_policy.py ...` is `privacy-labels add-policy ...`."""

import sys

from privacy_labels.cli.app import main

sys.exit(main(["add-policy", *sys.argv[1:]]))
