"""`baseline train`, `baseline predict` and `score` on each corpus's own split: MAPP's category
labels with its languages apart, and APP-350's practices, on the repo's fixtures of both
(docs/benchmark.md gives the commands and their figures)."""

from __future__ import annotations

import json

import pytest

from privacy_labels.contract.schemes import scheme
from tests.conftest import FIXTURES

pytest.importorskip("sklearn")


def _imported_and_built(run, tmp_path, corpus, source) -> tuple:
    """`corpus` imported from `source` into tmp_path/raw and built into tmp_path/labeled."""
    raw, labeled = tmp_path / "raw", tmp_path / "labeled"
    assert run("import", corpus, source, "--out", raw)[0] == 0
    assert run("build", "--quiet", "--raw", raw, "--out", labeled)[0] == 0
    return raw, labeled


def _chain(run, tmp_path, corpus, source, split: str, language: list, scheme: list) -> dict:
    """Import, build, train on `split`:train, predict and score its test part (in `language`,
    on the labels of `scheme`: options); the score."""
    raw, labeled = _imported_and_built(run, tmp_path, corpus, source)
    model, predictions = tmp_path / "m.npz", tmp_path / "p.json"
    steps = [
        ["baseline", "train", "--labeled", labeled, "--out", model, "--split", f"{split}:train",
         *scheme],
        ["baseline", "predict", "--model", model, "--raw", raw, "--out", predictions,
         "--split", f"{split}:test"],
        ["score", labeled, predictions, "--split", f"{split}:test", *scheme, "--format", "json"],
    ]  # fmt: skip
    for step in steps:
        code, out, err = run(*step, *language)
        assert code == 0, err
    return json.loads(out)


def test_mapp_german_apart_on_mapps_own_split(run, tmp_path):
    result = _chain(
        run, tmp_path, "mapp", FIXTURES / "mapp" / "MAPP_Corpus", "mapp",
        ["--language", "de"], ["--scheme", "mapp"],
    )  # fmt: skip
    # German 900 is MAPP's TEST policy (its English version is TRAIN); German 902 trains.
    assert (result["split"], result["language"]) == ("mapp:test", "de")
    assert (result["n_policies"], result["n_segments"]) == (1, 3)
    assert [row["label"] for row in result["labels"]] == [
        label.id for label in scheme("mapp").label_sets[result["label_set"]]
    ]
    assert result["micro"]["support"] == 3


def test_mapp_english_has_no_test_policy_in_the_fixture_and_says_so(run, tmp_path):
    raw, labeled = _imported_and_built(run, tmp_path, "mapp", FIXTURES / "mapp" / "MAPP_Corpus")
    code, _, err = run(
        "baseline", "train", "--labeled", labeled, "--out", tmp_path / "m.npz",
        "--scheme", "mapp", "--split", "mapp:train", "--language", "en",
    )  # fmt: skip
    assert code == 0, err
    code, _, err = run(
        "baseline", "predict", "--model", tmp_path / "m.npz", "--raw", raw, "--out",
        tmp_path / "p.json", "--split", "mapp:test", "--language", "en",
    )  # fmt: skip
    assert code == 1 and "no policy in the mapp:test split (language en)" in err
    assert not (tmp_path / "p.json").exists()


def test_app350_practices_on_its_official_split(run, tmp_path):
    result = _chain(run, tmp_path, "app350", FIXTURES / "app350", "app350", [], [])
    assert result["split"] == "app350:test" and result["label_set"] == "58"
    assert (result["n_policies"], result["n_segments"]) == (1, 2)  # policy 2, TEST
    assert len(result["labels"]) == 58
