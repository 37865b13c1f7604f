"""`python scripts/export_label_studio.py ...` is `privacy-labels export label-studio ...`."""

from _command import run

run("export", "label-studio")
