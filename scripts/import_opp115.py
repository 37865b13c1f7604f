"""`python scripts/import_opp115.py ...` is `privacy-labels import opp115 ...`."""

from _command import run

run("import", "opp115")
