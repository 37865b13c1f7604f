"""The committed corpus: every policy with two independent layers has a complete
adjudication log and an up-to-date consolidated layer (each disagreement decided once)."""

from __future__ import annotations

import json

from tests.conftest import REPO


def test_every_disagreement_of_the_seed_layers_is_decided_once(run):
    code, out, _ = run("adjudicate", "--raw", REPO / "data" / "raw", "--check", "--format", "json")
    result = json.loads(out)
    pending = {
        p["policy_id"]: (p["status"], p["message"])
        for p in result["policies"]
        if p["status"] not in ("unchanged", "skipped")
    }
    assert code == 0 and result["is_complete"], pending
