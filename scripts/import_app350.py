"""`python scripts/import_app350.py ...` is `privacy-labels import app350 ...`."""

from _command import run

run("import", "app350")
