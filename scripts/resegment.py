"""`python scripts/resegment.py ...` is `privacy-labels resegment ...`."""

from _command import run

run("resegment")
