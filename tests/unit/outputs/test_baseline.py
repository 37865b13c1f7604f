"""The baseline (train, predict), the predictions format, and the chain on an OPP-115-format corpus."""

from __future__ import annotations

import json

import numpy as np
import pytest

from privacy_labels.contract.scheme_set import package_schemes
from privacy_labels.contract.schemes import scheme
from privacy_labels.outputs.predictions import (
    labels_of,
    predictions_problems,
    predictions_schema,
    read_predictions,
)
from privacy_labels.raw.problems import InvalidInputs
from tests.conftest import FIXTURES, REPO

SEED_LABELED, SEED_RAW = REPO / "data" / "labeled", REPO / "data" / "raw"
OPP115, SCHEMES = scheme("opp115"), package_schemes()
TWELVE = labels_of(OPP115, "12")


def seed_segment_count() -> int:
    """Segments of the seed corpus: predictions and scores cover every one."""
    import privacy_labels as pl

    return len(pl.load("segments", SEED_LABELED))


def seed_support_12() -> int:
    """(segment, label) pairs of the seed corpus in the 12-label set, counted from the tables:
    the gold labels are each policy's labelling layer's (the consolidated layer, never counted
    as a vote, of its two annotators), `other` split by that layer's other_type."""
    import privacy_labels as pl

    labels = pl.load("segment_labels", SEED_LABELED, wide=True)
    assert len(labels) == seed_segment_count()
    assert set(labels.n_annotators) == {2} and set(labels.layer) == {"consolidated"}
    categories = sum(int(labels[f"has_{c}"].sum()) for c in TWELVE if f"has_{c}" in labels)
    values = pl.load("attribute_values", SEED_LABELED)
    other = values[(values.attribute == "other_type") & values.value.isin(TWELVE)]
    practices = pl.load("practices", SEED_LABELED)
    other = other.merge(
        practices[practices.annotator == "consolidated"], on=["practice_id", "category"]
    )
    return categories + len(other[["policy_id", "segment_id", "value"]].drop_duplicates())


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    from privacy_labels.outputs.baseline import predict, train

    folder = tmp_path_factory.mktemp("baseline")
    summary = train(SEED_LABELED, folder / "model.npz")
    predict(folder / "model.npz", SEED_RAW, folder / "predictions.json")
    return folder, summary


def test_training_uses_the_train_split_only(trained):
    import privacy_labels as pl

    _, summary = trained
    splits = pl.load("splits", SEED_LABELED)
    train_ids = set(splits.policy_id[(splits.split_name == "default") & (splits.part == "train")])
    segments = pl.load("segments", SEED_LABELED)
    assert summary.n_segments == segments.policy_id.isin(train_ids).sum()
    assert summary.n_policies == len(train_ids) < 5
    assert summary.constant_labels == ["do_not_track"]  # no seed policy mentions it


def test_train_and_predict_are_deterministic(trained, tmp_path):
    from privacy_labels.outputs.baseline import predict, train

    folder, _ = trained
    train(SEED_LABELED, tmp_path / "again.npz")
    assert (tmp_path / "again.npz").read_bytes() == (folder / "model.npz").read_bytes()
    predict(tmp_path / "again.npz", SEED_RAW, tmp_path / "again.json")
    assert (tmp_path / "again.json").read_bytes() == (folder / "predictions.json").read_bytes()


def test_the_model_is_arrays_without_pickle(trained):
    from sklearn.feature_extraction.text import TfidfVectorizer

    from privacy_labels.outputs.baseline import load_model, tfidf

    folder, _ = trained
    with np.load(folder / "model.npz", allow_pickle=False) as data:
        assert sorted(data.files) == ["coef", "idf", "intercept", "labels", "settings", "terms"]
        assert all(data[name].dtype != object for name in data.files)
    model = load_model(folder / "model.npz")
    assert model.labels == TWELVE and model.settings["scheme"] == OPP115.ref
    # The stored vocabulary and idf give what scikit-learn's vectoriser, fitted on the
    # training segments, gives.
    import privacy_labels as pl

    splits = pl.load("splits", SEED_LABELED)
    labels = pl.load("segments", SEED_LABELED).merge(splits[splits.split_name == "default"])
    fitted = TfidfVectorizer(
        ngram_range=(1, 2), sublinear_tf=True, min_df=model.settings["vectorizer"]["min_df"]
    ).fit(list(labels.text[labels.part == "train"]))
    assert fitted.get_feature_names_out().tolist() == model.terms
    texts = [*labels.text, "", "Ünïcode — and 42 numbers; a b"]
    ours = np.zeros((len(texts), len(model.terms)))
    for row, text in enumerate(texts):
        indexes, weights = tfidf(model, text)
        ours[row, indexes] = weights
    assert np.allclose(ours, fitted.transform(texts).toarray(), rtol=0, atol=1e-12)


def test_a_pickled_or_foreign_model_is_refused(tmp_path, run):
    np.savez(tmp_path / "object.npz", settings=np.array([{"format": 1}], dtype=object))
    (tmp_path / "text.npz").write_text("not a model", encoding="utf-8")
    for name in ("object.npz", "text.npz", "missing.npz"):
        code, _, err = run(
            "baseline", "predict", "--model", tmp_path / name, "--raw", SEED_RAW,
            "--out", tmp_path / "p.json",
        )  # fmt: skip
        # A missing model is a usage error (exit 2), as every missing input path is.
        assert code == (2 if name == "missing.npz" else 1)
        assert str(tmp_path / name) in err and "Traceback" not in err
    assert not (tmp_path / "p.json").exists()


def test_a_model_whose_arrays_do_not_fit_is_refused(trained, tmp_path, run):
    folder, _ = trained
    with np.load(folder / "model.npz", allow_pickle=False) as data:
        arrays = {name: data[name] for name in data.files}
    arrays["coef"] = arrays["coef"][:, :-1]
    np.savez(tmp_path / "cut.npz", **arrays)
    code, _, err = run(
        "baseline", "predict", "--model", tmp_path / "cut.npz", "--raw", SEED_RAW,
        "--out", tmp_path / "p.json",
    )  # fmt: skip
    assert code == 1 and "its arrays do not fit together" in err


def test_outputs_are_owned(trained, tmp_path, run):
    folder, _ = trained
    mine = tmp_path / "notes.txt"
    mine.write_text("my notes", encoding="utf-8")
    code, _, err = run("baseline", "train", "--labeled", SEED_LABELED, "--out", mine)
    assert code == 1 and "is not a model written by privacy-labels" in err
    code, _, err = run(
        "baseline", "predict", "--model", folder / "model.npz", "--raw", SEED_RAW, "--out", mine
    )
    assert code == 1 and "is not a predictions file" in err
    assert mine.read_text(encoding="utf-8") == "my notes"
    # Over its own earlier output: fine.
    (tmp_path / "p.json").write_bytes((folder / "predictions.json").read_bytes())
    code, out, err = run(
        "baseline", "predict", "--model", folder / "model.npz", "--raw", SEED_RAW,
        "--out", tmp_path / "p.json", "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["n_segments"] == seed_segment_count()


def test_the_predictions_file_validates_and_scores(trained, run):
    folder, _ = trained
    predictions = read_predictions(folder / "predictions.json", SCHEMES)
    assert predictions.label_set == "12" and len(predictions.segments) == seed_segment_count()
    assert predictions.scheme == OPP115
    for labels in predictions.segments.values():
        assert all(score >= 0.5 for score in labels.values())
    code, out, err = run(
        "score", SEED_LABELED, folder / "predictions.json", "--split", "test", "--format", "json"
    )
    assert code == 0, err
    result = json.loads(out)
    assert result["split"] == "test" and result["n_policies"] == 1
    assert result["attribute_values"] is None and result["span_tokens"] is None
    assert 0 <= result["micro"]["f1"] <= 1
    assert [row["label"] for row in result["labels"]] == TWELVE


# -- The predictions format ------------------------------------------------------------------


def test_a_label_is_one_of_the_label_set_of_the_files_scheme():
    """The schema says only that a label is an id; the file's scheme decides which: an
    APP-350 practice is a label of app350's 58, not of opp115's 12."""
    doc = {
        "schema_version": "1.1.0",
        "model": "hand-written",
        "scheme": scheme("app350").ref,
        "label_set": "58",
        "policies": {"p": "0" * 64},
        "segments": [
            {"policy_id": "p", "segment_id": 0, "labels": [{"label": "location_gps_1stparty",
                                                            "score": 0.9}]},
        ],
    }  # fmt: skip
    assert predictions_problems(doc, "f.json", SCHEMES) == []
    doc["label_set"] = "12"
    [problem] = predictions_problems(doc, "f.json", SCHEMES)
    assert (problem.path, problem.message) == (
        "$.label_set",
        "scheme app350 1.0.0 has no label set '12'",
    )
    del doc["scheme"]  # a file from before files named their scheme: OPP-115's
    [problem] = predictions_problems(doc, "f.json", SCHEMES)
    assert problem.message == "'location_gps_1stparty' is not a label of opp115's 12-label set"


def test_the_schema_is_valid_against_its_metaschema():
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(predictions_schema())


def test_invalid_predictions_are_named_with_file_and_json_path(tmp_path, run):
    sha = "0" * 64
    doc = {
        "schema_version": "1.0.0",
        "model": "hand-written",
        "label_set": "12",
        "policies": {"p": sha},
        "segments": [
            {"policy_id": "p", "segment_id": 0, "labels": [{"label": "other", "score": 0.9}]},
            {"policy_id": "p", "segment_id": 0, "labels": []},
            {"policy_id": "q", "segment_id": 1, "labels": [
                {"label": "data_security", "score": 0.7}, {"label": "data_security", "score": 0.7},
            ]},
        ],
    }  # fmt: skip
    problems = [(p.path, p.message) for p in predictions_problems(doc, "f.json", SCHEMES)]
    assert problems == [
        ("$.segments[0].labels[0].label", "'other' is not a label of opp115's 12-label set"),
        ("$.segments[1]", "segment 0 of p is listed twice"),
        ("$.segments[2].policy_id", "policy 'q' has no text sha256 in $.policies"),
        ("$.segments[2].labels[1]", "label 'data_security' is given twice"),
    ]
    doc["segments"] = [
        {"policy_id": "p", "segment_id": -1, "labels": [{"label": "Data Security", "score": 2}]}
    ]
    problems = predictions_problems(doc, "f.json", SCHEMES)
    assert [p.path for p in problems] == [
        "$.segments[0].labels[0].label",
        "$.segments[0].labels[0].score",
        "$.segments[0].segment_id",
    ]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(InvalidInputs):
        read_predictions(path, SCHEMES)
    code, _, err = run("score", SEED_LABELED, path)
    assert code == 1 and f"{path}: $.segments[0].labels[0].label" in err
    doc["segments"][0] = {"policy_id": "p", "segment_id": 0, "labels": [
        {"label": "Data Security", "score": 0.5}]}  # fmt: skip
    [problem] = predictions_problems(doc, "f.json", SCHEMES)
    assert problem.hint == "did you mean 'data_security'?"


def test_predictions_of_another_text_are_refused(trained, tmp_path, run):
    folder, _ = trained
    doc = json.loads((folder / "predictions.json").read_text(encoding="utf-8"))
    doc["policies"]["smartjac"] = "f" * 64
    doc["segments"][1]["segment_id"] = 999
    path = tmp_path / "other-text.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    code, _, err = run("score", SEED_LABELED, path)
    assert code == 1
    assert f"{path}: $.policies.smartjac: predictions were made on another text" in err
    assert f"{path}: $.segments[1].segment_id: smartjac has no segment 999" in err


def test_a_value_ending_in_a_newline_does_not_pass_a_pattern():
    """Patterns read as JSON Schema's (ECMA-262) `$`: a policy id "p\\n" is not a slug."""
    doc = {
        "schema_version": "1.0.0",
        "model": "hand-written",
        "label_set": "12",
        "policies": {"p": "0" * 64},
        "segments": [{"policy_id": "p\n", "segment_id": 0, "labels": []}],
    }
    problems = predictions_problems(doc, "f.json", SCHEMES)
    assert [p.path for p in problems] == ["$.segments[0].policy_id"]


def _overlapping(sidecar: dict) -> None:
    sidecar["segments"][1]["start"] = sidecar["segments"][0]["start"]


def _out_of_order(sidecar: dict) -> None:
    sidecar["segments"][0], sidecar["segments"][1] = sidecar["segments"][1], sidecar["segments"][0]


@pytest.mark.parametrize("damage", [_overlapping, _out_of_order])
def test_predict_refuses_a_sidecar_that_validate_refuses(trained, tmp_path, damage):
    """predict reads texts and sidecars by the input rules: what validate refuses, it refuses,
    naming the file, and writes nothing."""
    import shutil

    from privacy_labels.outputs.baseline import predict

    folder, _ = trained
    raw = shutil.copytree(SEED_RAW, tmp_path / "raw")
    path = raw / "policies" / "smartjac.json"
    sidecar = json.loads(path.read_text(encoding="utf-8"))
    damage(sidecar)
    path.write_text(json.dumps(sidecar), encoding="utf-8")
    with pytest.raises(InvalidInputs) as refused:
        predict(folder / "model.npz", raw, tmp_path / "predictions.json")
    assert any(p.file == str(path) for p in refused.value.problems)
    assert not (tmp_path / "predictions.json").exists()


# -- The chain on the repo's OPP-115-format fixture (always runs) ----------------------------


def test_import_build_train_predict_score_on_an_opp115_format_corpus(tmp_path, run):
    raw, labeled = tmp_path / "raw", tmp_path / "labeled"
    assert run("import", "opp115", FIXTURES / "opp115", "--out", raw, "--quiet")[0] == 0
    assert run("build", "--quiet", "--raw", raw, "--out", labeled)[0] == 0
    code, out, err = run(
        "baseline", "train", "--labeled", labeled, "--out", tmp_path / "m.npz", "--format", "json"
    )
    assert code == 0, err
    assert json.loads(out)["n_segments"] == 5  # both policies are in train
    code, _, err = run(
        "baseline", "predict", "--model", tmp_path / "m.npz", "--raw", raw,
        "--out", tmp_path / "p.json",
    )  # fmt: skip
    assert code == 0, err
    # Neither policy is in the test split: said plainly, exit 1.
    code, _, err = run("score", labeled, tmp_path / "p.json", "--split", "test")
    assert code == 1 and "no segment in the test split" in err and "--split all" in err
    code, out, err = run(
        "score", labeled, tmp_path / "p.json", "--labels", "12", "--gold", "majority",
        "--split", "train",
    )  # fmt: skip
    assert code == 0, err
    assert "micro" in out and "macro" in out and "first_party_collection_use" in out


def test_an_empty_predictions_file_scores_zero(tmp_path, run):
    """Every segment listed, no label predicted: recall 0, precision 0/0, F1 0."""
    import privacy_labels as pl
    from privacy_labels.outputs.predictions import predictions_document

    segments = pl.load("segments", SEED_LABELED)
    policies = pl.load("policies", SEED_LABELED)
    path = tmp_path / "empty.json"
    path.write_text(
        predictions_document(
            "predicts nothing",
            OPP115.ref,
            "12",
            0.5,
            dict(zip(policies.policy_id, policies.text_sha256, strict=True)),
            [(p, int(s), []) for p, s in zip(segments.policy_id, segments.segment_id, strict=True)],
        ),
        encoding="utf-8",
    )
    code, out, err = run("score", SEED_LABELED, path, "--format", "json")
    assert code == 0, err
    result = json.loads(out)
    assert result["n_segments"] == len(segments)
    assert (result["micro"]["precision"], result["micro"]["recall"]) == (None, 0.0)
    assert result["micro"]["f1"] == 0.0 and result["macro"]["f1"] == 0.0
    assert result["micro"]["fn"] == result["micro"]["support"] == seed_support_12()


def test_the_tables_gold_labels_are_the_consolidated_layer(run):
    """A folder of tables as the reference gives its labelling layer's labels, not a vote in
    which the consolidated layer counts beside the annotators it was made from."""
    code, out, err = run("score", SEED_LABELED, "consolidated", "--labeled", SEED_LABELED,
                         "--format", "json")  # fmt: skip
    assert code == 0, err
    result = json.loads(out)
    assert result["micro"]["support"] == seed_support_12()
    assert (result["micro"]["fp"], result["micro"]["fn"], result["micro"]["f1"]) == (0, 0, 1.0)
    assert result["attribute_values"]["micro"]["f1"] == result["span_tokens"]["micro"]["f1"] == 1.0
    code, out, err = run("score", SEED_LABELED, "claude", "--labeled", SEED_LABELED,
                         "--format", "json")  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["micro"]["f1"] < 1.0  # the first annotator is not the gold
