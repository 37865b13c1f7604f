"""`python scripts/agreement.py ...` is `privacy-labels agreement ...`."""

from _command import run

run("agreement")
