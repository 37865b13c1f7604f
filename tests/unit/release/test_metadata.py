"""metadata.py: the facts file, annotation layers with and without provenance, licences."""

from __future__ import annotations

import json
import shutil

import pytest

from privacy_labels.builder.pipeline import BuildSettings, write_tables
from privacy_labels.release.croissant import croissant, rai_fields
from privacy_labels.release.datapackage import datapackage
from privacy_labels.release.metadata import (
    PROVENANCE_FIELDS,
    MetadataError,
    Release,
    annotation_summary,
    calibration_summary,
    load_facts,
)
from tests.conftest import FIXTURE_RAW, REPO

FACTS_FILE = REPO / "metadata" / "dataset.toml"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The fixture corpus built once: one policy (CC0-1.0 text), annotator `alice`."""
    root = tmp_path_factory.mktemp("metadata")
    raw = shutil.copytree(FIXTURE_RAW, root / "raw")
    (root / "labeled").mkdir()
    result = write_tables(raw, root / "labeled", BuildSettings(progress=False))
    return raw, root / "labeled", result.n_rows


@pytest.fixture(scope="module")
def predating(built, tmp_path_factory):
    """The fixture corpus as tables and documents from before schema 1.1.0: the annotations
    table without its guidelines_version and provenance columns, the documents without them."""
    import pyarrow.parquet as pq

    raw_dir, folder, n_rows = built
    root = tmp_path_factory.mktemp("predating")
    raw = shutil.copytree(raw_dir, root / "raw")
    labeled = shutil.copytree(folder, root / "labeled")
    dropped = ("guidelines_version", *PROVENANCE_FIELDS)
    annotations = pq.read_table(labeled / "annotations.parquet")
    pq.write_table(annotations.drop_columns(list(dropped)), labeled / "annotations.parquet")
    for path in (raw / "annotations").rglob("*.json"):
        document = json.loads(path.read_text(encoding="utf-8"))
        for key in ("guidelines_version", "provenance"):
            del document[key]
        path.write_text(json.dumps(document), encoding="utf-8")
    return raw, labeled, n_rows


def _release(built, facts=None, raw=True):
    raw_dir, folder, n_rows = built
    facts = facts or load_facts(FACTS_FILE)
    return Release(
        folder, "1.0.0", "2026-12-01", "- notes", n_rows, facts, raw_dir if raw else None
    )


def _document(raw):
    return next((raw / "annotations").rglob("*.json"))


def test_a_document_without_provenance_or_record_says_so(predating):
    (sentence,) = annotation_summary(_release(predating))
    assert sentence.startswith("`alice`: 1 annotation document(s), 2026-11-22")
    assert "not recorded (no provenance)" in sentence
    assert "Written by hand for the test suite." in sentence  # its method, quoted


def test_the_facts_file_fills_in_a_document_that_predates_provenance(predating):
    facts = load_facts(FACTS_FILE)
    facts["annotators"] = {
        "alice": {"kind": "person", "process": "read the text.", "is_reviewed": True}
    }
    (sentence,) = annotation_summary(_release(predating, facts))
    assert "made by a person: read the text." in sentence
    assert (
        "Reviewed by a person: yes" in sentence
        and "Blind to other layers: not recorded" in sentence
    )
    assert "Recorded in metadata/dataset.toml" in sentence


def test_a_documents_own_provenance_wins(built, tmp_path):
    raw = shutil.copytree(built[0], tmp_path / "raw")
    document = json.loads(_document(raw).read_text(encoding="utf-8"))
    document["provenance"] = {
        "annotator_kind": "model",
        "model": "some-model-2026",
        "process": "generated segment by segment.",
        "is_blind": True,
        "is_reviewed": False,
    }
    document["guidelines_version"] = "1.0.0"
    _document(raw).write_text(json.dumps(document), encoding="utf-8")
    # The tables carry the provenance of the documents they were built from.
    (tmp_path / "labeled").mkdir()
    n_rows = write_tables(raw, tmp_path / "labeled", BuildSettings(progress=False)).n_rows
    facts = load_facts(FACTS_FILE)
    facts["annotators"] = {"alice": {"kind": "person"}}  # ignored: the document says
    release = _release((raw, tmp_path / "labeled", n_rows), facts)
    (sentence,) = annotation_summary(release)
    assert "made by a language model (some-model-2026): generated segment by segment." in sentence
    assert "Guidelines: docs/guidelines.md version 1.0.0" in sentence
    assert "Reviewed by a person: no" in sentence and "Recorded in" not in sentence
    rai = rai_fields(release)
    assert rai["rai:machineAnnotationTools"] == ["some-model-2026"]
    assert rai["rai:annotatorDemographics"] == [
        "Not applicable: every annotator is a language model."
    ]


def test_licences_follow_the_policies_table(built):
    release = _release(built)
    package = datapackage(release)
    by_resource = {r["name"]: [lic["name"] for lic in r["licenses"]] for r in package["resources"]}
    assert by_resource["practices"] == ["CC-BY-4.0"]
    assert by_resource["segments"] == ["CC-BY-4.0", "LicenseRef-policy-texts"]
    texts = croissant(release)["license"][1]
    assert texts["description"].endswith("example: CC0-1.0")  # the fixture text's own terms


def test_the_facts_file_is_checked(tmp_path):
    with pytest.raises(MetadataError, match=r"nowhere\.toml does not exist; .*--metadata FILE"):
        load_facts(tmp_path / "nowhere.toml")
    broken = tmp_path / "dataset.toml"
    broken.write_text("name = ", encoding="utf-8")
    with pytest.raises(MetadataError, match=r"dataset\.toml: not valid TOML"):
        load_facts(broken)
    text = FACTS_FILE.read_text(encoding="utf-8")
    broken.write_text(text.replace("maintenance = ", "upkeep = "), encoding="utf-8")
    with pytest.raises(MetadataError, match=r"\[datasheet\] lacks maintenance; add them"):
        load_facts(broken)
    broken.write_text(text.replace('kind = "model"', 'kind = "robot"'), encoding="utf-8")
    with pytest.raises(MetadataError, match=r"\[annotators\.claude\] kind must be one of model"):
        load_facts(broken)


def test_each_segment_is_counted_once_however_many_labels_it_has(built):
    """segment_labels has a row per (segment, label): the card counts segments, not rows."""
    import privacy_labels as pl

    _, folder, _ = built
    release = _release(built)
    n_segments = len(pl.load("segments", folder))
    assert sum(release.annotators_per_segment.values()) == n_segments
    assert len(pl.load("segment_labels", folder)) > n_segments


def test_the_calibration_table_prints_its_figures_as_every_output_does(built):
    """Three decimals by the one formatter (outputs.metrics.figure): a figure a hair below
    zero reads 0.000, not -0.000."""
    _, labeled, n_rows = built
    how = "measured blind"
    facts = {
        "calibration": {
            "how": how,
            "annotators": {"f1": 0.657, "attribute_agreement": 0.731, "identifiability": -1e-9},
            "layers": [
                {
                    "layer": "claude",
                    "guidelines": "1.2",
                    "f1": 0.715,
                    "attribute_agreement": 0.751,
                    "identifiability": 0.767,
                }
            ],
        }
    }
    release = Release(labeled, "1.0.0", "2026-01-01", "", n_rows, facts)
    assert calibration_summary(release).splitlines()[-2:] == [
        "| OPP-115's annotators among themselves | 0.657 | 0.731 | 0.000 |",
        "| `claude` (1.2) vs the annotators | 0.715 | 0.751 | 0.767 |",
    ]
