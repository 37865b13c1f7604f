"""`python scripts/add_policy.py ...` is `privacy-labels add-policy ...`."""

from _command import run

run("add-policy")
