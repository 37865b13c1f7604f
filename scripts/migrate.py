"""`python scripts/migrate.py ...` is `privacy-labels migrate ...`."""

from _command import run

run("migrate")
