"""`import mapp`: every policy, segment and label of MAPP's files written as a raw corpus,
counted here independently of the importer, on this project's own fixture and on the shared
sample; the import validates, builds and passes the gate."""

from __future__ import annotations

import ast
import csv
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from privacy_labels.builder.pipeline import build
from privacy_labels.exporters.documents import annotation_documents
from privacy_labels.importers.mapp import ANNOTATOR, import_mapp
from privacy_labels.quality.gate import check
from privacy_labels.raw.corpus import RawCorpus
from privacy_labels.raw.validate import Validator
from tests.conftest import SHARED

FIXTURE = Path(__file__).parents[2] / "fixtures" / "mapp" / "MAPP_Corpus"
SAMPLE = SHARED / "fixtures" / "mapp-sample"
LANGUAGES = {"English": "en", "German": "de"}


def _source(root: Path) -> dict[str, dict]:
    """Each policy as MAPP's files give it: its text's lines and its CSV's label rows."""
    policies = {}
    for name, language in LANGUAGES.items():
        for path in sorted((root / f"{name}_consolidation").glob("*.csv")):
            with path.open(encoding="utf-8", newline="") as f:
                rows = list(csv.DictReader(f))
            text = (root / f"{name}_sanitized_policies" / f"{path.stem}.txt").read_text("utf-8")
            number, _, app = path.stem.partition("_")
            policy_id = f"mapp-{language}-{number}-{app.replace('.', '-').replace('_', '-')}"
            policies[policy_id] = {
                "text": text,
                "rows": rows,
                "language": language,
                "file": f"{name}_sanitized_policies/{path.stem}.txt",
            }
    return policies


@pytest.mark.parametrize("root", [FIXTURE, SAMPLE], ids=["fixture", "sample"])
def test_every_policy_segment_and_label_is_imported_and_valid(root, tmp_path):
    if not root.is_dir():
        pytest.skip(f"{root} is not here (../shared)")
    out = tmp_path / "raw"
    report = import_mapp(root, out)
    source = _source(root)
    assert sorted(p.stem for p in (out / "policies").glob("*.json")) == sorted(source)
    assert not Validator(default_raw=out).validate_corpus(RawCorpus(out))
    for policy_id, given in source.items():
        sidecar = json.loads((out / "policies" / f"{policy_id}.json").read_text())
        text = (out / "policies" / f"{policy_id}.txt").read_text(encoding="utf-8")
        assert text == given["text"]  # unchanged, never re-cut
        segments = [text[s["start"] : s["end"]] for s in sidecar["segments"]]
        assert segments == given["text"].split("\n\n")[:-1]
        assert len(segments) == len(given["rows"])
        assert sidecar["language"] == given["language"]
        assert sidecar["source_split"] == given["rows"][0]["policy_type"]
        assert sidecar["url"] == given["rows"][0]["privacy_policy_link"]
        assert sidecar["source"] == f"MAPP Corpus v1.0, {given['file']}"
        assert f"MAPP Corpus v1.0, {given['file']} (the app" in sidecar["notes"]
        document = json.loads((out / "annotations" / policy_id / f"{ANNOTATOR}.json").read_text())
        assert document["provenance"]["annotator_kind"] == "person"
        practices = document["practices"]
        # One value set per listed (segment, category), in the rows' order, never a span.
        assert [(p["segment_id"], p["category"]) for p in practices] == [
            (
                k,
                {"First Party": "first_party_collection_use"}.get(
                    c, "third_party_sharing_collection"
                ),
            )
            for k, row in enumerate(given["rows"])
            for c in ast.literal_eval(row["category name"])
        ]
        assert all(p["is_value_set"] for p in practices)
        assert not [v for p in practices for v in p["attributes"].values() if set(v) != {"values"}]
        # Every value of a row is in its practices (one fitting both categories in both),
        # unless the report lists it as fitting neither.
        unplaced = {
            (e["policy_id"], e["segment_id"]): len(e["unplaced_values"])
            for e in report["problems"]["unplaced_value_rows"]
        }
        for k, row in enumerate(given["rows"]):
            written = {
                (a, v)
                for p in practices
                if p["segment_id"] == k
                for a, chosen in p["attributes"].items()
                for v in chosen["values"]
            }
            n_given = len(ast.literal_eval(row["value name"]))
            assert len(written) + unplaced.get((policy_id, k + 1), 0) == n_given, (policy_id, k)


def test_the_fixture_builds_and_passes_the_gate_with_value_sets_in_the_tables(tmp_path):
    raw, labeled = tmp_path / "raw", tmp_path / "labeled"
    import_mapp(FIXTURE, raw)
    build(raw, labeled, progress=False)
    assert check(labeled).success
    practices = pd.read_parquet(labeled / "practices.parquet")
    values = pd.read_parquet(labeled / "attribute_values.parquet")
    assert practices["is_value_set"].all()
    # The third segment of 900 (English): its third-party set, one row per value.
    third_party = practices[
        (practices["policy_id"] == "mapp-en-900-org-example-notes")
        & (practices["segment_id"] == 2)
        & (practices["category"] == "third_party_sharing_collection")
    ]
    assert third_party["source_id"].tolist() == [
        "mapp-en-900-org-example-notes:3:third_party_sharing_collection:ambiguous-category"
    ]
    written = values[
        (values["practice_id"] == third_party["practice_id"].iloc[0]) & values["is_annotated"]
    ]
    assert sorted(zip(written["attribute"], written["value"], strict=True)) == [
        ("action_third_party", "receive_shared_with"),
        ("personal_information_type", "user_online_activities_or_profile"),
        ("purpose", "analytics_research"),
        ("third_party_entity", "unnamed_third_party"),
    ]
    assert written["span_start"].isna().all()
    # MAPP gave no legal basis for the English first-party sets: none is invented.
    first_party = practices[
        (practices["policy_id"] == "mapp-en-900-org-example-notes")
        & (practices["category"] == "first_party_collection_use")
    ]
    basis = values[values["practice_id"].isin(first_party["practice_id"])]
    assert not (basis["attribute"] == "legal_basis").any()


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("mapp")
    import_mapp(FIXTURE, root / "raw")
    build(root / "raw", root / "labeled", progress=False)
    return root / "raw", root / "labeled"


def test_documents_rebuilt_from_the_tables_are_the_imported_ones(built):
    raw, labeled = built
    rebuilt = annotation_documents(labeled)
    for path in sorted((raw / "annotations").glob(f"*/{ANNOTATOR}.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        assert rebuilt[document["policy_id"], ANNOTATOR] == document


def test_a_layer_scored_against_itself_scores_one_on_labels_and_every_value(built, run):
    _, labeled = built
    code, out, err = run(
        "score", "--format", "json", "--labeled", labeled, "--split", "all", ANNOTATOR, ANNOTATOR
    )
    assert (code, err) == (0, "")
    figures = json.loads(out)
    n_sets = len(pd.read_parquet(labeled / "practices.parquet"))  # one per (segment, category)
    assert figures["micro"] | {"f1": None} == {
        "tp": n_sets,
        "fp": 0,
        "fn": 0,
        "support": n_sets,
        "precision": 1.0,
        "recall": 1.0,
        "f1": None,
    }
    # Each value of each set is an item: as many as the set rows of attribute_values.
    n_values = len(pd.read_parquet(labeled / "attribute_values.parquet"))
    assert figures["attribute_values"]["micro"]["tp"] == n_values
    assert figures["attribute_values"]["micro"]["f1"] == 1.0


def test_adjudicate_refuses_value_sets_by_name(built, run, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(built[0], raw)
    folder = raw / "annotations" / "mapp-en-900-org-example-notes"
    document = json.loads((folder / f"{ANNOTATOR}.json").read_text(encoding="utf-8"))
    copy = json.dumps(document).replace(ANNOTATOR, "bob")
    (folder / "bob.json").write_text(copy, encoding="utf-8")
    code, _, err = run("adjudicate", "--raw", raw, "mapp-en-900-org-example-notes")
    assert code == 1 and "Traceback" not in err
    assert f"{ANNOTATOR}.json: $.practices: holds value sets" in err
    assert "leave this layer out (--layers)" in err
