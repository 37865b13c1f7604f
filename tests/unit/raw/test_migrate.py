"""`privacy-labels migrate`: documents of an earlier schema version upgraded in place, and
schema versions this package does not read refused by validate and migrate alike."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

from privacy_labels.contract.schema import load_schema
from privacy_labels.contract.versions import added_since, current_version, known_versions
from privacy_labels.raw.corpus import RawCorpus
from tests.conftest import FIXTURE_RAW, read_json

# What schema 1.1.0 added, by kind of document (CHANGELOG, 0.2.0), and what 1.2.0 and 1.3.0
# added.
ADDED_IN_1_1_0 = {
    "policy": ["legal_entity", "service_names", "redactions", "segmentation"],
    "annotation": ["guidelines_version", "provenance"],
}
ADDED_IN_1_2_0 = {"policy": ["policy_group_id"], "annotation": ["scheme"]}
ADDED_IN_1_3_0 = {
    "policy": ["source_split", "contains_synthetic", "original_sha256"],
    "annotation": [],
}


def _write(path, doc):
    path.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")


@pytest.fixture
def corpus_1_0_0(tmp_path):
    """The fixture corpus as schema 1.0.0 wrote it: without the fields 1.1.0 and 1.2.0 added."""
    raw = tmp_path / "raw"
    shutil.copytree(FIXTURE_RAW, raw)
    corpus = RawCorpus(raw)
    for path, kind in [
        (corpus.sidecar_path("example"), "policy"),
        (corpus.annotation_path("example", "alice"), "annotation"),
    ]:
        doc = read_json(path)
        for field in ADDED_IN_1_1_0[kind] + ADDED_IN_1_2_0[kind]:
            doc.pop(field, None)
        _write(path, {**doc, "schema_version": "1.0.0"})
    return corpus


def test_every_schema_reads_the_current_version():
    assert known_versions()[-1] == current_version()
    for kind in ("annotation", "policy", "adjudication"):
        assert load_schema(kind)["schema_version"] == current_version()


def test_the_versions_data_says_what_each_version_added():
    for kind in ADDED_IN_1_1_0:
        assert [a.field for a in added_since("1.0.0", kind)] == (
            ADDED_IN_1_1_0[kind] + ADDED_IN_1_2_0[kind] + ADDED_IN_1_3_0[kind]
        )
        assert [a.field for a in added_since("1.1.0", kind)] == (
            ADDED_IN_1_2_0[kind] + ADDED_IN_1_3_0[kind]
        )
        assert [a.field for a in added_since("1.2.0", kind)] == ADDED_IN_1_3_0[kind]
        assert all(a.description for a in added_since("1.0.0", kind))


def test_migrate_writes_the_one_scheme_there_was_into_an_older_document(corpus_1_0_0, run):
    """A document before 1.2.0 could only be OPP-115's: migrate names its scheme; the
    sidecar's policy_group_id is optional, so no one is asked for it."""
    code, out, _ = run("migrate", "--format", "json", corpus_1_0_0.root)
    assert code == 0
    by_kind = {m["kind"]: m for m in json.loads(out)["migrated"]}
    assert "scheme" in by_kind["annotation"]["filled"]
    assert "policy_group_id" not in [f["field"] for f in by_kind["policy"]["to_supply"]]
    document = read_json(corpus_1_0_0.annotation_path("example", "alice"))
    assert document["scheme"] == {"id": "opp115", "version": "1.0.0"}
    assert list(document)[:4] == ["schema_version", "policy_id", "annotator", "scheme"]


def test_validate_names_the_command_for_an_old_document(corpus_1_0_0, run):
    code, out, _ = run("validate", "--format", "json", corpus_1_0_0.root)
    problems = json.loads(out)["problems"]
    sidecar = str(corpus_1_0_0.sidecar_path("example"))
    assert code == 1
    assert [p for p in problems if p["file"] == sidecar] == [
        {
            "file": sidecar,
            "path": "$.schema_version",
            "message": "schema_version '1.0.0' is older than 1.3.0, the version this package "
            "reads (1.1.0 added legal_entity, service_names, redactions, segmentation; "
            "1.2.0 added policy_group_id; 1.3.0 added source_split, contains_synthetic, "
            "original_sha256)",
            "hint": f"run `privacy-labels migrate {sidecar}`: it upgrades the file in place, "
            "filling what can be derived and naming each field you must supply",
        }
    ]


def test_migrate_fills_what_it_can_and_names_what_a_person_supplies(corpus_1_0_0, run):
    code, out, _ = run("migrate", "--format", "json", corpus_1_0_0.root)
    assert code == 0
    report = json.loads(out)
    by_kind = {m["kind"]: m for m in report["migrated"]}
    assert by_kind["policy"]["filled"] == ["redactions"]
    assert [f["field"] for f in by_kind["policy"]["to_supply"]] == [
        "legal_entity",
        "service_names",
        "segmentation",
    ]
    assert [f["field"] for f in by_kind["annotation"]["to_supply"]] == [
        "guidelines_version",
        "provenance",
    ]
    sidecar = read_json(corpus_1_0_0.sidecar_path("example"))
    assert sidecar["schema_version"] == current_version() and sidecar["redactions"] == []
    schema_order = [k for k in load_schema("policy")["properties"] if k in sidecar]
    assert list(sidecar) == schema_order
    # Validate now asks only for the supplied fields, saying what each means.
    code, out, _ = run("validate", "--format", "json", corpus_1_0_0.root)
    problems = json.loads(out)["problems"]
    missing = {p["path"]: p["hint"] for p in problems if p["message"].endswith("is missing")}
    assert set(missing) == {
        "$.legal_entity",
        "$.service_names",
        "$.segmentation",
        "$.guidelines_version",
        "$.provenance",
    }
    assert missing["$.legal_entity"].startswith("add it: The legal entity the text names")
    assert missing["$.provenance"].endswith("(added in schema 1.1.0)")


def test_a_1_2_0_sidecar_upgrades_with_the_source_corpus_fields_absent(tmp_path, run):
    """The fields 1.3.0 added are optional facts of a source corpus: an older sidecar is
    upgraded without them, no one is asked for them, and its table row reads them as null."""
    raw = tmp_path / "raw"
    shutil.copytree(FIXTURE_RAW, raw)
    corpus = RawCorpus(raw)
    for path in [corpus.sidecar_path("example"), corpus.annotation_path("example", "alice")]:
        _write(path, {**read_json(path), "schema_version": "1.2.0"})
    code, out, _ = run("migrate", "--format", "json", raw)
    assert code == 0
    by_kind = {m["kind"]: m for m in json.loads(out)["migrated"]}
    assert by_kind["policy"]["filled"] == [] and by_kind["policy"]["to_supply"] == []
    sidecar = read_json(corpus.sidecar_path("example"))
    assert sidecar["schema_version"] == "1.3.0"
    assert not set(ADDED_IN_1_3_0["policy"]) & set(sidecar)
    code, _, _ = run("build", "--raw", raw, "--out", tmp_path / "labeled")
    assert code == 0
    policies = pd.read_parquet(tmp_path / "labeled" / "policies.parquet")
    assert policies[ADDED_IN_1_3_0["policy"]].isna().all().all()


def test_a_second_migrate_and_a_current_corpus_change_nothing(corpus_1_0_0, run):
    run("migrate", corpus_1_0_0.root)
    files = sorted(corpus_1_0_0.root.rglob("*.json"))
    before = {path: path.read_bytes() for path in files}
    code, out, _ = run("migrate", corpus_1_0_0.root)
    assert code == 0 and "0 of 2 file(s) upgraded" in out
    assert {path: path.read_bytes() for path in files} == before


@pytest.mark.parametrize("version", ["9.9.9", "banana"])
def test_an_unknown_version_stops_migrate_before_any_file_is_written(corpus_1_0_0, run, version):
    sidecar = corpus_1_0_0.sidecar_path("example")
    _write(sidecar, {**read_json(sidecar), "schema_version": version})
    files = sorted(corpus_1_0_0.root.rglob("*.json"))
    before = {path: path.read_bytes() for path in files}
    code, _, err = run("migrate", corpus_1_0_0.root)
    assert code == 1
    assert (
        f"schema_version {version!r} is not one this package reads (1.0.0, 1.1.0, 1.2.0, 1.3.0)"
        in err
    )
    assert {path: path.read_bytes() for path in files} == before  # the 1.0.0 document too


def test_a_file_that_is_no_document_is_refused(tmp_path, run):
    other = tmp_path / "other.json"
    other.write_text('{"name": "x"}\n', encoding="utf-8")
    code, _, err = run("migrate", other)
    assert code == 1
    assert "is neither an annotation document" in err and "Traceback" not in err
