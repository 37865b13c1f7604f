"""`python scripts/import_raw.py ...` is `privacy-labels import raw ...`."""

from _command import run

run("import", "raw")
