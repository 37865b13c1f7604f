"""`import app350`: every policy, segment and annotation of APP-350's files, counted here
independently of the importer, on this project's own fixture and on the shared sample."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import yaml

from privacy_labels.importers.app350 import import_app350, locate
from privacy_labels.raw.corpus import RawCorpus
from privacy_labels.raw.validate import Validator
from tests.conftest import SHARED

FIXTURE = Path(__file__).parents[2] / "fixtures" / "app350"
SAMPLE = SHARED / "fixtures" / "app350-sample"


def _source_counts(root: Path) -> dict:
    """What the YAML files say, counted directly."""
    counts = {"policies": 0, "segments": 0, "practices": 0, "does_not": 0, "synthetic": 0}
    for path in (root / "annotations").glob("policy_*.yml"):
        policy = yaml.safe_load(path.read_text(encoding="utf-8"))
        counts["policies"] += 1
        counts["synthetic"] += policy["contains_synthetic"]
        counts["segments"] += len(policy["segments"])
        for segment in policy["segments"]:
            pairs = {(a["practice"], a["modality"]) for a in segment["annotations"]}
            counts["practices"] += len(pairs)
            counts["does_not"] += sum(m == "NOT_PERFORMED" for _, m in pairs)
    return counts


def _imported(out: Path) -> tuple[dict, list[dict], list[dict]]:
    report = json.loads((out / "import-report.json").read_text(encoding="utf-8"))
    sidecars = [json.loads(p.read_text()) for p in sorted((out / "policies").glob("*.json"))]
    documents = [json.loads(p.read_text()) for p in sorted((out / "annotations").glob("*/*.json"))]
    return report, sidecars, documents


@pytest.mark.parametrize("root", [FIXTURE, SAMPLE], ids=["fixture", "sample"])
def test_every_policy_segment_and_practice_is_imported_and_valid(root, tmp_path):
    if not root.is_dir():
        pytest.skip(f"{root} is not here (../shared)")
    out = tmp_path / "raw"
    import_app350(root, out)
    report, sidecars, documents = _imported(out)
    expected = _source_counts(root)
    practices = [p for d in documents for p in d["practices"]]
    assert len(sidecars) == report["n_policies"] == expected["policies"]
    assert sum(len(s["segments"]) for s in sidecars) == expected["segments"]
    assert len(practices) == report["n_practices"] == expected["practices"]
    modalities = [p["attributes"]["modality"]["value"] for p in practices]
    assert modalities.count("not_performed") == report["n_does_not"] == expected["does_not"]
    assert len(report["synthetic_policies"]) == expected["synthetic"]
    assert not Validator(default_raw=out).validate_corpus(RawCorpus(out))
    # The corpus's facts are the sidecar's fields, as its files state them.
    originals = next(
        root / n for n in ("original_documents", "original_documents.tmp") if (root / n).is_dir()
    )
    for sidecar in sidecars:
        number = sidecar["policy_id"].removeprefix("app350-")
        policy = yaml.safe_load((root / "annotations" / f"policy_{number}.yml").read_text())
        assert sidecar["source_split"] == policy["policy_type"]
        assert sidecar["contains_synthetic"] is policy["contains_synthetic"]
        html = originals / f"{number}.html"
        assert sidecar.get("original_sha256") == (
            hashlib.sha256(html.read_bytes()).hexdigest() if html.is_file() else None
        )
    # Each segment is its text in the file, at its offsets; each span is the text it names.
    for sidecar in sidecars:
        number = sidecar["policy_id"].removeprefix("app350-")
        policy = yaml.safe_load((root / "annotations" / f"policy_{number}.yml").read_text())
        text = (out / "policies" / f"{sidecar['policy_id']}.txt").read_text(encoding="utf-8")
        assert [text[s["start"] : s["end"]] for s in sidecar["segments"]] == [
            s["segment_text"] for s in policy["segments"]
        ]
        for document in documents:
            if document["policy_id"] == sidecar["policy_id"]:
                for practice in document["practices"]:
                    value = practice["attributes"]["data_type"]
                    if "span_start" in value:
                        assert text[value["span_start"] : value["span_end"]] == value["span_text"]


def test_fixture_spans_splits_and_synthetic_are_reported(tmp_path):
    out = tmp_path / "raw"
    summary = import_app350(FIXTURE, out)
    report, _, documents = _imported(out)
    assert summary.spans == {"exact": 3, "whitespace": 1, "not_in_segment": 1, "no_sentence": 0}
    assert report["n_repeated_annotations"] == 1
    assert report["splits"] == {"test": 1, "train": 1}
    assert report["synthetic_policies"] == ["app350-10"]
    assert report["policies"]["app350-2"]["original_sha256"] is not None
    assert report["policies"]["app350-10"]["original_sha256"] is None
    assert report["not_anchored"] == [
        {
            "policy_id": "app350-2",
            "segment_id": 0,
            "practice": "Location_1stParty",
            "modality": "PERFORMED",
            "reason": "not_in_segment",
        }
    ]
    location = next(
        p
        for d in documents
        for p in d["practices"]
        if p["attributes"]["data_type"]["value"] == "location"
    )
    assert location["source_id"].endswith(":not_in_segment")
    assert "span_start" not in location["attributes"]["data_type"]
    sso = next(p for d in documents for p in d["practices"] if p["category"] == "single_sign_on")
    assert sso["attributes"]["data_type"]["value"] == "facebook_sso"


def test_an_unknown_practice_is_listed_with_its_file_and_segment_not_imported(
    tmp_path, app350_root, capsys
):
    from privacy_labels.cli.app import main

    path = app350_root / "annotations" / "policy_10.yml"
    path.write_text(path.read_text().replace("Facebook_SSO", "Twitter_SSO"))
    assert main(["import", "app350", str(app350_root), "--out", str(tmp_path / "out")]) == 0
    assert "not imported: 1 practices with a name APP-350 v1.1" in capsys.readouterr().out
    report, _, documents = _imported(tmp_path / "out")
    assert report["unknown_practices"] == [
        {
            "policy_id": "app350-10",
            "segment_id": 2,
            "practice": "Twitter_SSO",
            "modality": "PERFORMED",
        }
    ]
    assert (
        report["n_annotations"] - report["n_repeated_annotations"]
        == report["n_practices"] + report["n_unknown_practices"]
    )
    assert not [p for d in documents for p in d["practices"] if p["category"] == "single_sign_on"]


def test_locate_compares_whitespace_loosely_only_after_exact():
    assert locate("a  b. a b.", "a b.") == ("exact", (6, 10))
    assert locate("x a \n b y", "a b") == ("whitespace", (2, 7))
    assert locate("x", "y") == ("not_in_segment", None)
