"""`python scripts/build.py ...` is `privacy-labels build ...`."""

from _command import run

run("build")
