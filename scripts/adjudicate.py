"""`python scripts/adjudicate.py ...` is `privacy-labels adjudicate ...`."""

from _command import run

run("adjudicate")
