"""Growing the corpus (README) leaves the seed's rows, which the data tests check, as they were."""

from __future__ import annotations

import json
import shutil

import pandas as pd

import privacy_labels as pl
from privacy_labels.raw.corpus import RawCorpus
from tests.conftest import REPO
from tests.data.seed import seed_only, seed_policy_ids

SEED = "smartsoft"


def _add_layer(raw: RawCorpus, source_policy: str, policy_id: str, annotator: str) -> None:
    """A contributor's layer on `policy_id`, made from the seed's first layer of `source_policy`."""
    document = json.loads(raw.annotation_path(source_policy, "claude").read_text(encoding="utf-8"))
    document |= {"policy_id": policy_id, "annotator": annotator}
    for practice in document["practices"]:
        practice["practice_id"] = practice["practice_id"].replace(
            f"{source_policy}-claude-", f"{policy_id}-{annotator}-"
        )
    path = raw.annotation_path(policy_id, annotator)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")


def test_a_contributors_policy_and_layer_leave_the_seeds_rows_unchanged(tmp_path, run):
    raw = RawCorpus(tmp_path / "raw")
    shutil.copytree(REPO / "data" / "raw", raw.root)
    # Their own policy (a copy of a seed text under another id) with their layer, and
    # their layer on a seed policy.
    shutil.copy(raw.text_path(SEED), raw.text_path("acme"))
    sidecar = json.loads(raw.sidecar_path(SEED).read_text(encoding="utf-8"))
    raw.sidecar_path("acme").write_text(
        json.dumps(sidecar | {"policy_id": "acme"}, indent=2), encoding="utf-8"
    )
    _add_layer(raw, SEED, "acme", "jdoe")
    _add_layer(raw, SEED, SEED, "jdoe")
    code, _, err = run("build", "--quiet", "--raw", raw.root, "--out", tmp_path / "labeled")
    assert code == 0, err

    assert seed_policy_ids(raw) == seed_policy_ids(RawCorpus(REPO / "data" / "raw"))
    grown = seed_only({name: pl.load(name, tmp_path / "labeled") for name in pl.tables()})
    committed = seed_only({name: pl.load(name, REPO / "data" / "labeled") for name in pl.tables()})
    assert len(grown["practices"]) < len(pl.load("practices", tmp_path / "labeled"))
    # The derived views count every layer's annotators, the contributor's too, by design.
    for name in set(pl.tables()) - {"segment_labels", "policy_labels"}:
        pd.testing.assert_frame_equal(
            grown[name].reset_index(drop=True), committed[name].reset_index(drop=True), obj=name
        )
