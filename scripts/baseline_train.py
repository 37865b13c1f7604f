"""`python scripts/baseline_train.py ...` is `privacy-labels baseline train ...`."""

from _command import run

run("baseline", "train")
