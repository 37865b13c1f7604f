"""`python scripts/docs.py ...` is `privacy-labels docs ...`."""

from _command import run

run("docs")
