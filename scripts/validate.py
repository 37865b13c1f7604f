"""`python scripts/validate.py ...` is `privacy-labels validate ...`."""

from _command import run

run("validate")
