"""Pre-annotation: a predictions file's labels as Label Studio predictions, and back through import."""

from __future__ import annotations

import json

from privacy_labels.contract.schemes import scheme
from privacy_labels.exporters.label_studio_interface import CATEGORY, slot_control
from privacy_labels.outputs.predictions import predictions_document
from tests.conftest import REPO, read_json
from tests.unit.importers.test_label_studio import as_export

SEED_RAW = REPO / "data" / "raw"


def sidecar(policy_id: str) -> dict:
    return read_json(SEED_RAW / "policies" / f"{policy_id}.json")


def write_predictions(path, segments, policies=("smartjac",), label_set="12"):
    shas = {p: sidecar(p)["text_sha256"] for p in policies}
    path.write_text(
        predictions_document(
            "hand-written model", scheme("opp115").ref, label_set, 0.5, shas, segments
        ),
        encoding="utf-8",
    )
    return path


SUGGESTED = [
    ("smartjac", 0, [("introductory_generic", 0.9)]),
    ("smartjac", 3, [("first_party_collection_use", 0.8), ("data_security", 0.55)]),
    ("smartjac", 4, []),
]


def test_suggestions_are_segment_regions_with_their_category(run, tmp_path):
    predictions = write_predictions(tmp_path / "p.json", SUGGESTED)
    code, out, err = run(
        "export", "label-studio", "--raw", SEED_RAW, "--out", tmp_path / "ls",
        "--no-predictions", "--predictions", predictions,
    )  # fmt: skip
    assert code == 0, err
    assert "3 model suggestions" in out
    tasks = {t["data"]["policy_id"]: t for t in read_json(tmp_path / "ls" / "tasks.json")}
    assert all(not t["predictions"] for p, t in tasks.items() if p != "smartjac")
    [prediction] = tasks["smartjac"]["predictions"]
    assert prediction["model_version"] == "hand-written model"
    assert prediction["score"] == round((0.9 + 0.8 + 0.55) / 3, 6)
    text = tasks["smartjac"]["data"]["text"]
    segments = sidecar("smartjac")["segments"]
    regions = [r for r in prediction["result"] if r["from_name"] == CATEGORY]
    found = {
        (r["value"]["start"], r["value"]["end"], r["value"]["labels"][0], r["score"])
        for r in regions
    }
    s0, s3 = segments[0], segments[3]
    assert found == {
        (s0["start"], s0["end"], "other", 0.9),
        (s3["start"], s3["end"], "first_party_collection_use", 0.8),
        (s3["start"], s3["end"], "data_security", 0.55),
    }  # the seed texts have no emoji and no \r: Label Studio offsets are ours
    for region in regions:
        assert region["value"]["text"] == text[region["value"]["start"] : region["value"]["end"]]
    # Other's type rides on its region; no other attribute is suggested.
    [other_type] = [r for r in prediction["result"] if r["type"] == "choices"]
    assert other_type["from_name"] == slot_control("other", "other_type")
    assert other_type["value"]["choices"] == ["introductory_generic"]
    assert other_type["id"] == next(r["id"] for r in regions if r["value"]["labels"] == ["other"])
    assert len({r["id"] for r in regions}) == 3


def test_annotations_and_suggestions_together(run, tmp_path):
    predictions = write_predictions(tmp_path / "p.json", SUGGESTED)
    code, _, err = run(
        "export", "label-studio", "--raw", SEED_RAW, "--out", tmp_path / "ls",
        "--predictions", predictions, "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    tasks = {t["data"]["policy_id"]: t for t in read_json(tmp_path / "ls" / "tasks.json")}
    versions = [p["model_version"] for p in tasks["smartjac"]["predictions"]]
    # Every annotation layer of the policy (its documents, in file order), then the model's.
    layers = [
        read_json(path)["annotator"]
        for path in sorted((SEED_RAW / "annotations" / "smartjac").glob("*.json"))
    ]
    assert sorted(layers) == ["claude", "claude-blind", "consolidated"]
    assert versions == [*layers, "hand-written model"]


def test_accepted_suggestions_go_through_validation(run, tmp_path):
    predictions = write_predictions(tmp_path / "p.json", SUGGESTED)
    run("export", "label-studio", "--raw", SEED_RAW, "--out", tmp_path / "ls",
        "--no-predictions", "--predictions", predictions)  # fmt: skip
    tasks = [t for t in read_json(tmp_path / "ls" / "tasks.json") if t["predictions"]]
    export = as_export(tasks)
    (tmp_path / "export.json").write_text(json.dumps(export), encoding="utf-8")
    code, _, err = run(
        "import", "label-studio", tmp_path / "export.json", "--raw", SEED_RAW,
        "--out", tmp_path / "back", "--annotator", "bob", "--annotated-date", "2026-12-01",
    )  # fmt: skip
    # The first-party and security suggestions lack their required attributes.
    assert code == 1 and "required" in err and not (tmp_path / "back").exists()
    # The Other suggestion alone is complete: it imports as a practice of Other.
    only_other = json.loads(json.dumps(export))
    result = only_other[0]["annotations"][0]["result"]
    keep = {r["id"] for r in result if r["value"].get("labels") == ["other"]}
    only_other[0]["annotations"][0]["result"] = [r for r in result if r["id"] in keep]
    (tmp_path / "other.json").write_text(json.dumps(only_other), encoding="utf-8")
    code, _, err = run(
        "import", "label-studio", tmp_path / "other.json", "--raw", SEED_RAW,
        "--out", tmp_path / "back", "--annotator", "bob", "--annotated-date", "2026-12-01",
    )  # fmt: skip
    assert code == 0, err
    [practice] = read_json(tmp_path / "back" / "annotations" / "smartjac" / "bob.json")["practices"]
    assert practice["category"] == "other" and practice["segment_id"] == 0
    assert practice["attributes"]["other_type"]["value"] == "introductory_generic"


def test_predictions_of_another_text_are_not_exported(run, tmp_path):
    predictions = write_predictions(tmp_path / "p.json", [("smartjac", 999, [])])
    doc = json.loads(predictions.read_text(encoding="utf-8"))
    doc["policies"]["smartjac"] = "f" * 64
    predictions.write_text(json.dumps(doc), encoding="utf-8")
    code, _, err = run(
        "export", "label-studio", "--raw", SEED_RAW, "--out", tmp_path / "ls",
        "--predictions", predictions,
    )  # fmt: skip
    assert code == 1 and not (tmp_path / "ls").exists()
    assert f"{predictions}: $.policies.smartjac: predictions were made on another text" in err
    assert f"{predictions}: $.segments[0].segment_id: smartjac has" in err


def test_predictions_of_another_scheme_are_not_exported(run, tmp_path):
    """The seed policies are annotated in opp115: a model's APP-350 labels are not theirs."""
    predictions = write_predictions(tmp_path / "p.json", [("smartjac", 0, [])], label_set="58")
    doc = json.loads(predictions.read_text(encoding="utf-8"))
    doc["scheme"] = scheme("app350").ref
    doc["segments"][0]["labels"] = [{"label": "location_gps_1stparty", "score": 0.9}]
    predictions.write_text(json.dumps(doc), encoding="utf-8")
    code, _, err = run(
        "export", "label-studio", "--raw", SEED_RAW, "--out", tmp_path / "ls",
        "--predictions", predictions,
    )  # fmt: skip
    assert code == 1 and not (tmp_path / "ls").exists()
    assert "the predictions are in scheme app350 1.0.0, the task of smartjac in opp115" in err
