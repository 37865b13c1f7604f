"""`python scripts/check.py ...` is `privacy-labels check ...`."""

from _command import run

run("check")
