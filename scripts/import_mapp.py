"""`python scripts/import_mapp.py ...` is `privacy-labels import mapp ...`."""

from _command import run

run("import", "mapp")
