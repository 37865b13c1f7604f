"""`python scripts/baseline_predict.py ...` is `privacy-labels baseline predict ...`."""

from _command import run

run("baseline", "predict")
