"""`python scripts/import_label_studio.py ...` is `privacy-labels import label-studio ...`."""

from _command import run

run("import", "label-studio")
