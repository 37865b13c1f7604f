"""`python scripts/verify.py ...` is `privacy-labels verify ...`."""

from _command import run

run("verify")
