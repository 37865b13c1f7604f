"""`python scripts/report.py ...` is `privacy-labels report ...`."""

from _command import run

run("report")
