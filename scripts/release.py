"""`python scripts/release.py ...` is `privacy-labels release ...`."""

from _command import run

run("release")
