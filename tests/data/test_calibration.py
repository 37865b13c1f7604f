"""The blind calibration annotations of OPP-115 policies, validated against the texts in ../shared.

`calibration/opp115/annotations/<policy_id>/<annotator>.json` holds this project's
annotations of three OPP-115 policies; their texts stay in
`../shared/calibration/opp115-blind/policies/` (OPP-115 is for research only).
`calibration/opp115-sample/annotations/` holds those of the five policies of the
OPP-115 sample, whose texts come from importing `../shared/fixtures/opp115-sample`.
The check copies both into a temporary raw corpus and validates it as any
other: schema, spans against the text, text_sha256, segments, ids. It skips
when ../shared or the annotations are not there.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from privacy_labels.importers.opp115 import import_opp115, upgrade_sidecar
from privacy_labels.raw.corpus import RawCorpus
from privacy_labels.raw.problems import Problem
from privacy_labels.raw.validate import Validator
from tests.conftest import OPP115_SAMPLE, REPO, SHARED
from tests.layered import write_json

CALIBRATION = REPO / "calibration" / "opp115" / "annotations"
BLIND_POLICIES = SHARED / "calibration" / "opp115-blind" / "policies"
SAMPLE_CALIBRATION = REPO / "calibration" / "opp115-sample" / "annotations"


def calibration_problems(annotations: Path, policies: Path, workdir: Path) -> list[Problem]:
    """Every problem of the annotation documents under `annotations` (one folder per policy)
    against the policy texts and sidecars in `policies`; also a shared policy without a
    document, or a document of a policy that is not shared."""
    raw = RawCorpus(workdir / "raw")
    raw.policies_dir.mkdir(parents=True)
    documents = sorted(annotations.glob("*/*.json"))
    annotated = {d.parent.name for d in documents}
    shared = {p.stem for p in policies.glob("*.json")}
    problems = [
        Problem(str(annotations / policy_id), "", "no such policy in the shared texts")
        for policy_id in sorted(annotated - shared)
    ] + [
        Problem(str(annotations), "", f"no annotation document for the shared policy {policy_id}")
        for policy_id in sorted(shared - annotated)
    ]
    for policy_id in sorted(annotated & shared):
        shutil.copyfile(policies / f"{policy_id}.txt", raw.text_path(policy_id))
        # The shared sidecars may predate policy schema 1.1.0: read them as the importer does.
        sidecar = json.loads((policies / f"{policy_id}.json").read_text(encoding="utf-8"))
        write_json(raw.sidecar_path(policy_id), upgrade_sidecar(sidecar))
    for document in documents:
        if document.parent.name in shared:
            target = raw.annotation_path(document.parent.name, document.stem)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(document, target)
    validator = Validator(default_raw=raw.root)
    # Messages name the committed files, not the temporary copies.
    problems += [
        Problem(
            p.file.replace(str(raw.annotations_dir), str(annotations)), p.path, p.message, p.hint
        )
        for p in validator.explain_corpus(raw)
    ]
    return problems


@pytest.mark.skipif(not BLIND_POLICIES.is_dir(), reason="needs ../shared/calibration/opp115-blind")
@pytest.mark.skipif(
    not any(CALIBRATION.glob("*/*.json")), reason="no calibration annotations committed yet"
)
def test_calibration_annotations_are_valid_against_the_shared_texts(tmp_path):
    problems = calibration_problems(CALIBRATION, BLIND_POLICIES, tmp_path)
    assert not problems, "\n".join(map(str, problems))


@pytest.mark.skipif(not OPP115_SAMPLE.is_dir(), reason="needs ../shared/fixtures/opp115-sample")
def test_sample_calibration_annotations_are_valid_against_the_imported_sample(tmp_path):
    import_opp115(OPP115_SAMPLE, tmp_path / "sample", progress=False)
    policies = tmp_path / "sample" / "policies"
    problems = calibration_problems(SAMPLE_CALIBRATION, policies, tmp_path / "check")
    assert not problems, "\n".join(map(str, problems))


def test_each_sample_policy_has_a_blind_model_layer_per_guidelines_version():
    """What calibration/README.md measures: claude-blind by guidelines 1.1.0, claude-blind-2
    by 2.0.0, both made blind by a model and not reviewed, for every policy of the sample."""
    folders = sorted(SAMPLE_CALIBRATION.iterdir())
    assert len(folders) == 5
    for folder in folders:
        found = {}
        for path in folder.glob("*.json"):
            document = json.loads(path.read_text(encoding="utf-8"))
            provenance = document["provenance"]
            assert (provenance["annotator_kind"], provenance["is_blind"]) == ("model", True), path
            assert provenance["is_reviewed"] is False, path
            found[document["annotator"]] = document["guidelines_version"]
        assert found == {"claude-blind": "1.1.0", "claude-blind-2": "2.0.0"}, folder


def test_the_check_finds_problems_in_annotations_of_shared_policies(tmp_path):
    """On a stand-in for ../shared made from the test fixture: a valid document passes, a
    wrong span, a missing policy and an unknown policy are each named."""
    from tests.conftest import FIXTURE_RAW, read_json

    policies = tmp_path / "shared" / "policies"
    shutil.copytree(FIXTURE_RAW / "policies", policies)
    annotations = tmp_path / "calibration" / "annotations"
    alice = read_json(FIXTURE_RAW / "annotations" / "example" / "alice.json")
    write_json(annotations / "example" / "alice.json", alice)
    assert calibration_problems(annotations, policies, tmp_path / "a") == []

    alice["practices"][0]["attributes"]["purpose"]["span_start"] += 1
    write_json(annotations / "example" / "alice.json", alice)
    write_json(annotations / "elsewhere" / "alice.json", alice)
    shutil.copyfile(policies / "example.json", policies / "second.json")
    shutil.copyfile(policies / "example.txt", policies / "second.txt")
    problems = [str(p) for p in calibration_problems(annotations, policies, tmp_path / "b")]
    assert any(
        str(annotations / "example" / "alice.json") in p and "span_text differs" in p
        for p in problems
    ), problems
    assert any("elsewhere: no such policy" in p for p in problems)
    assert any("no annotation document for the shared policy second" in p for p in problems)
