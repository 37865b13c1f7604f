"""`python scripts/score.py ...` is `privacy-labels score ...`."""

from _command import run

run("score")
