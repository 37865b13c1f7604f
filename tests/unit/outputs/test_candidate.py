"""`agreement --candidate`: a model's layer against the people's layers, beside the people among
themselves, on the two-layer corpus of tests/layered.py (alice and bob, people) with a third
layer made by a model; every figure below is counted by hand."""

from __future__ import annotations

import copy
import json

import pytest

from privacy_labels.builder.pipeline import build
from privacy_labels.outputs.agreement import AgreementError, PolicyLayers, read_layers
from privacy_labels.outputs.candidate import calibration_of, candidate_agreement, read_kinds, table
from tests.layered import two_layer_corpus, write_json


def model_layer(alice: dict) -> dict:
    """alice-001 (segment 0, first_party_collection_use) and alice-003 (segment 0,
    user_choice_control) as they are, alice-006 (segment 2, data_retention) with another
    retention period; nothing else."""
    model = copy.deepcopy(alice)
    model["annotator"] = "claude"
    model["provenance"] = {
        "annotator_kind": "model",
        "model": "a test model",
        "process": "Written by hand as a test fixture.",
        "is_blind": True,
        "is_reviewed": False,
    }
    kept = []
    for practice in model["practices"]:
        number = practice["practice_id"].rsplit("-", 1)[1]
        practice["practice_id"] = f"example-claude-{number}"
        if number == "006":
            practice["attributes"]["retention_period"] = {"value": "indefinitely"}
        if number in ("001", "003", "006"):
            kept.append(practice)
    model["practices"] = kept
    return model


@pytest.fixture(scope="module")
def labeled(tmp_path_factory):
    root = tmp_path_factory.mktemp("candidate")
    raw = two_layer_corpus(root)
    documents = raw / "annotations" / "example"
    alice = json.loads((documents / "alice.json").read_text(encoding="utf-8"))
    write_json(documents / "claude.json", model_layer(alice))
    build(raw, root / "labeled", progress=False)
    return root / "labeled"


def test_the_candidate_is_pooled_over_its_pairs_with_each_annotator(labeled):
    result = candidate_agreement(labeled, "claude").to_dict()
    assert (result["n_policies"], result["references"]) == (1, ["alice", "bob"])
    versus = result["candidate_vs_annotators"]
    assert versus["n_pairs"] == 2
    # Labels: claude (0, fpcu), (0, ucc), (2, retention). Against alice's 5: TP 3, FN 2;
    # against bob's 5 (no ucc, but (1, fpcu)): TP 2, FP 1, FN 3. Pooled: TP 5, FP 1, FN 5.
    labels = versus["labels"]
    assert (labels["tp"], labels["fp"], labels["fn"]) == (5, 1, 5)
    assert labels["precision"] == pytest.approx(5 / 6)
    assert labels["recall"] == pytest.approx(5 / 10)
    assert labels["f1"] == pytest.approx(10 / 16)  # not the mean of 6/8 and 4/8
    # Slots, every attribute of the category with defaults filled in: with alice, 001 9 of 9
    # (First Party has 9 attributes), ucc 5 of 5, retention 2 of 3, alice-002 unmatched; with
    # bob, 001 9 of 9, retention 2 of 3, bob-002 unmatched: 27 of 29.
    assert versus["attribute_values"] == {
        "n_equal_slots": 27,
        "n_compared_slots": 29,
        "agreement": pytest.approx(27 / 29),
        "n_matched_practices": 5,
        "n_unmatched_practices": 2,
    }
    categories = versus["categories"]
    assert categories["first_party_collection_use"]["labels"]["f1"] == pytest.approx(4 / 5)
    assert categories["user_choice_control"]["labels"]["f1"] == pytest.approx(2 / 3)
    assert categories["data_retention"]["attribute_values"]["agreement"] == pytest.approx(4 / 6)
    assert versus["attributes"]["retention_period"]["n_equal_slots"] == 0
    assert versus["attributes"]["purpose"]["agreement"] == pytest.approx(1.0)


def test_the_annotators_among_themselves_are_beside_it(labeled):
    result = candidate_agreement(labeled, "claude").to_dict()
    among = result["among_annotators"]
    # alice against bob as tests/unit/contract/test_layers_and_agreement.py counts them.
    assert among["n_pairs"] == 1
    assert among["labels"] == {"tp": 4, "fp": 1, "fn": 1, "f1": pytest.approx(0.8)}
    assert among["attribute_values"]["agreement"] == pytest.approx(32 / 33)
    assert among["categories"]["user_choice_control"]["labels"]["f1"] == 0.0
    assert among["attributes"]["retention_period"]["agreement"] == 1.0
    assert among["attributes"]["purpose"]["agreement"] == pytest.approx(2 / 3)
    (policy,) = result["policies"]
    assert policy["candidate_vs_annotators"]["f1"] == pytest.approx(10 / 16)


def test_only_peoples_layers_are_references(labeled):
    """bob as the candidate: the model's layer is no reference, so alice is the only one and
    the annotators among themselves have no pair."""
    result = candidate_agreement(labeled, "bob").to_dict()
    assert result["references"] == ["alice"]
    assert result["among_annotators"]["n_pairs"] == 0
    assert result["among_annotators"]["labels"]["f1"] is None
    assert result["candidate_vs_annotators"]["labels"]["f1"] == pytest.approx(0.8)


def test_the_text_sets_both_side_by_side(labeled, run):
    code, out, _ = run("agreement", labeled, "--candidate", "claude")
    assert code == 0
    assert "among the annotators | claude vs annotators" in " ".join(out.split())
    row = next(line for line in out.splitlines() if line.startswith("segment-category F1"))
    assert row.split()[2:] == ["0.800", "8", "of", "10", "|", "0.625", "10", "of", "16"]
    row = next(line for line in out.splitlines() if line.startswith("attribute-value agreement"))
    assert row.split()[2:] == ["0.970", "32", "of", "33", "|", "0.931", "27", "of", "29"]
    code, out, _ = run("agreement", labeled, "--candidate", "claude", "--format", "json")
    assert code == 0 and json.loads(out)["candidate_vs_annotators"]["labels"]["tp"] == 5


def test_an_unknown_layer_or_one_without_people_is_a_one_line_error(labeled, tmp_path, run):
    code, _, err = run("agreement", labeled, "--candidate", "dave")
    assert code == 1
    assert err.strip().splitlines() == [
        f"agreement stopped: {labeled}: no policy has the layer 'dave'; "
        "give one of: alice, bob, claude"
    ]
    code, _, err = run("agreement", labeled, "--candidate", "claude", "--layers", "alice,bob")
    assert code == 2 and "leave out --annotators and --layers" in err

    raw = two_layer_corpus(tmp_path)
    documents = raw / "annotations" / "example"
    alice = json.loads((documents / "alice.json").read_text(encoding="utf-8"))
    write_json(documents / "claude.json", model_layer(alice))
    for name in ("alice", "bob"):
        document = json.loads((documents / f"{name}.json").read_text(encoding="utf-8"))
        document["provenance"]["annotator_kind"] = "import"
        write_json(documents / f"{name}.json", document)
    build(raw, tmp_path / "labeled", progress=False)
    with pytest.raises(AgreementError, match="has a layer made by a person"):
        candidate_agreement(tmp_path / "labeled", "claude")
    code, _, err = run("agreement", tmp_path / "labeled", "--candidate", "claude")
    assert code == 1 and len(err.strip().splitlines()) == 1


def test_a_policy_without_peoples_layers_is_left_out_and_said(labeled):
    corpus = read_layers(labeled)
    corpus["second"] = PolicyLayers("second", 2, {"claude": corpus["example"].layers["claude"]})
    kinds = read_kinds(labeled) | {("second", "claude"): "model"}
    result = calibration_of(corpus, kinds, "claude")
    assert result.n_policies_without_references == 1
    assert [p.policy_id for p in result.policies] == ["example"]
    assert result.candidate_vs_annotators.label_counts().f1 == pytest.approx(10 / 16)
    assert "1 policies without a person's layer left out" in table(result)
