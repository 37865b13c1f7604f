"""The quality gate: passes on the built tables, and names each fault injected into a copy."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from privacy_labels.contract.schemes import scheme
from privacy_labels.contract.tables import TABLES, arrow_schema, table
from privacy_labels.contract.views import split_of
from privacy_labels.quality.reuse import checked_key, reused_result
from privacy_labels.quality.sql import MEMORY_LIMIT, THREADS, connection
from privacy_labels.quality.suites import table_suite
from privacy_labels.store import schemes_of
from tests.conftest import REPO, read_json

LABELED = REPO / "data" / "labeled"
pytestmark = pytest.mark.slow  # each run of the gate takes a few seconds


def test_the_suite_is_generated_from_the_schema_and_the_builds_schemes():
    schemes = schemes_of(LABELED)
    assert schemes.ids == ["opp115"]  # the seed corpus is OPP-115's
    expected = {
        # columns in order + a type per column + not-null per required column + the key
        t.name: 1
        + len(t.columns)
        + sum(not c.is_nullable for c in t.columns)
        + 1
        # non-negative integers and numbers, ordered spans, each label column in its list
        + sum(c.type in ("integer", "number") for c in t.columns)
        + len(t.spans)
        + sum(c.type == "label" for c in t.columns)
        for t in TABLES
    }
    assert {t.name: len(table_suite(t.name, schemes)) for t in TABLES} == expected
    # a label's attribute and value in its scheme's (category, attribute) slot: one set each
    hub = scheme("opp115")
    keys = {"/".join(place): schemes.keys(place) for place in table("attribute_values").places}
    assert keys["scheme/category/attribute"] == {f"opp115/{c.id}/{a.id}" for c, a in hub.slots}
    assert keys["scheme/category/attribute/value"] == {
        f"opp115/{c.id}/{a.id}/{v.id}" for c, a in hub.slots for v in a.values
    }
    assert (
        "opp115/first_party_collection_use/personal_information_type/social_media_data"
        in keys["scheme/category/attribute/value"]
        and "opp115/third_party_sharing_collection/personal_information_type/social_media_data"
        not in keys["scheme/category/attribute/value"]
    )
    (statuses,) = [
        e
        for e in table_suite("policy_labels", schemes)
        if getattr(e, "column", "") == "status" and hasattr(e, "value_set")
    ]
    assert statuses.value_set == list(hub.questions.statuses)


def test_the_built_tables_pass_with_a_report(run, tmp_path):
    report = tmp_path / "report"
    code, out, err = run("check", LABELED, "--report", report, "--data-docs")
    assert code == 0, err
    assert "quality gate passed" in out
    result = read_json(report / "result.json")
    assert result["success"] and result["n_failed"] == 0
    assert result["n_checks"] == len(result["checks"]) > 100
    index = (report / "data_docs" / "index.html").read_text(encoding="utf-8")
    assert "attribute_values+parents" in index
    # Every frame of the report is in the docs, and every check GX did not run (its own it
    # words as prose) by the report's name: the project's, integrity's, the joins'.
    pages = "".join(
        page.read_text(encoding="utf-8") for page in (report / "data_docs").rglob("*.html")
    )
    named = {c["check"] for c in result["checks"] if not c["check"].startswith("expect_")}
    named.add("expect_column_pair_values_to_be_equal")  # a span's text, a join's rule
    assert named - {"labels_match_practices", "files_match_manifest"} and not {
        n for n in named if f"{n} [" not in pages
    }
    assert {c["frame"] for c in result["checks"] if c["frame"] not in index} == set()


def _edit(folder, name, change):
    """Rewrite one table of `folder` after `change(rows)` edits its rows in place."""
    rows = pq.read_table(folder / f"{name}.parquet").to_pylist()
    change(rows)
    pq.write_table(
        pa.Table.from_pylist(rows, schema=arrow_schema(name)), folder / f"{name}.parquet"
    )


def _unknown_label(rows):
    rows[0]["value"] = "advertisment"


def _duplicate_practice_id(rows):
    rows[1]["practice_id"] = rows[0]["practice_id"]


def _orphan_practice(rows):
    rows[2]["policy_id"] = "nosuchpolicy"


def _shifted_span(rows):
    row = next(r for r in rows if r["span_start"] is not None)
    row["span_start"] += 3
    row["span_end"] += 3


def _missing_required_attribute(rows):
    rows.remove(next(r for r in rows if r["attribute"] == "purpose"))


def _wrong_default(rows):
    row = next(r for r in rows if not r["is_annotated"] and r["attribute"] == "user_type")
    row["value"] = "other"  # a value no annotator wrote, passed off as the default


def _left_out_optional_attribute(rows):
    rows.remove(
        next(
            r
            for r in rows
            if r["category"] == "user_choice_control" and r["attribute"] == "user_type"
        )
    )


def _other_row(rows):
    """segment_labels' first row of the label `other`."""
    return next(r for r in rows if r["label"] == "other")


def _miscounted_segment_label(rows):
    _other_row(rows)["n_labeled"] += 1


def _wrong_share(rows):
    _other_row(rows)["share_labeled"] = 0.5


def _label_from_a_missing_layer(rows):
    rows[0]["layer"] = "nobody"


def _flipped_label(rows):
    row = _other_row(rows)
    row["has_label"] = not row["has_label"]


def _moved_split(rows):
    rows[0]["part"] = "test" if rows[0]["part"] != "test" else "train"


def _answer(rows, question, answer):
    """The policy_labels row of the first policy's answer to a question."""
    first = rows[0]["policy_id"]
    return next(
        r for r in rows if (r["policy_id"], r["question"], r["answer"]) == (first, question, answer)
    )


def _silenced_policy_label(rows):
    _answer(rows, "collected", "contact")["status"] = "not_stated"


def _miscounted_label_annotators(rows):
    for row in rows:
        if row["policy_id"] == rows[0]["policy_id"]:
            row["n_annotators"] = 3


def _invented_evidence(rows):
    _answer(rows, "collected", "health")["practice_ids"] = "no-such-practice"


def _label_of_another_scheme(rows):
    """A MAPP legal basis in a row that says opp115: no slot of its scheme."""
    row = next(r for r in rows if r["attribute"] == "purpose")
    row["attribute"], row["value"] = "legal_basis", "consent"


def _mapped_value_that_its_value_does_not_map_to(rows):
    row = next(r for r in rows if r["attribute"] == "purpose")
    row["value"] = "merger_acquisition" if row["value"] != "merger_acquisition" else "other"


def _text_under_two_ids(rows):
    """A policy's text added again under an id that hashes to another split."""
    first = rows[0]
    twin = next(r for r in rows if split_of(r["policy_id"]) != split_of(first["policy_id"]))
    twin["text_sha256"] = first["text_sha256"]


FAULTS = {
    "label outside the schemes": (
        "attribute_values",
        _unknown_label,
        "expect_column_values_to_be_in_set",
        "value: advertisment",
    ),
    "label outside the row's scheme": (
        "attribute_values",
        _label_of_another_scheme,
        "[scheme/category/attribute is a place of its scheme]",
        "legal_basis",
    ),
    "mapped value its value does not map to": (
        "mapped_values",
        _mapped_value_that_its_value_does_not_map_to,
        "values_match_mapping",
        "purpose=merger_acquisition: no value",  # maps there
    ),
    "duplicate practice_id": (
        "practices",
        _duplicate_practice_id,
        "expect_column_values_to_be_unique [practice_id]",
        "",
    ),
    "practice of a missing policy": (
        "practices",
        _orphan_practice,
        "[(policy_id) → policies]",
        "has_policies",
    ),
    "shifted span": (
        "attribute_values",
        _shifted_span,
        "[span_text == policies.text[span_start:span_end]]",
        "span_text@policy",
    ),
    "missing required attribute": (
        "attribute_values",
        _missing_required_attribute,
        "required_attributes_present",
        "no purpose",
    ),
    "default that is not the scheme's": (
        "attribute_values",
        _wrong_default,
        "defaults_not_annotated",
        "user_type: not annotated, other, exp",  # expected the default, unspecified
    ),
    "optional attribute without a row": (
        "attribute_values",
        _left_out_optional_attribute,
        "defaults_not_annotated",
        "(user_choice_control): no user_type",
    ),
    "segment label that practices do not support": (
        "segment_labels",
        _miscounted_segment_label,
        "labels_match_practices",
        "other expected",
    ),
    "segment label share that its counts contradict": (
        "segment_labels",
        _wrong_share,
        "labels_match_practices",
        "other expected",
    ),
    "segment label from a layer the policy does not have": (
        "segment_labels",
        _label_from_a_missing_layer,
        "labels_match_practices",
        "layer 'nobody'",
    ),
    "segment label its layer does not give": (
        "segment_labels",
        _flipped_label,
        "labels_match_practices",
        "other expected",
    ),
    "policy label from a layer the policy does not have": (
        "policy_labels",
        _label_from_a_missing_layer,
        "labels_match_practices",
        "layer 'nobody'",
    ),
    "split that is not the seeded hash's": (
        "splits",
        _moved_split,
        "split_matches_seeded_hash",
        "expected",
    ),
    "policy label that its practices contradict": (
        "policy_labels",
        _silenced_policy_label,
        "labels_match_practices",
        "collected=contact: is not_stated, expected does",
    ),
    "policy label with a wrong annotator count": (
        "policy_labels",
        _miscounted_label_annotators,
        "labels_match_practices",
        # a seed policy's annotators: claude and claude-blind (consolidated is no vote)
        "n_annotators: is 3, expected 2",
    ),
    "one text in two splits": (
        "policies",
        _text_under_two_ids,
        "text_in_one_split",
        "one text in",
    ),
    "policy label citing a practice that does not exist": (
        "policy_labels",
        _invented_evidence,
        "labels_match_practices",
        "collected=health: unknown practice(s) no-such",
    ),
}


# The faults, injected a group at a time into one copy, so that the gate runs once per group
# rather than once per fault. A group holds at most one fault per table, so each (table,
# check) line the gate prints is one fault's; the test of each fault asserts that line.
FAULT_GROUPS = (
    (
        "segment label that practices do not support",
        "policy label that its practices contradict",
        "label outside the schemes",
        "split that is not the seeded hash's",
    ),
    (
        "segment label share that its counts contradict",
        "policy label with a wrong annotator count",
        "duplicate practice_id",
        "one text in two splits",
        "default that is not the scheme's",
    ),
    (
        "segment label from a layer the policy does not have",
        "policy label from a layer the policy does not have",
        "shifted span",
        "mapped value its value does not map to",
    ),
    (
        "segment label its layer does not give",
        "policy label citing a practice that does not exist",
        "practice of a missing policy",
        "missing required attribute",
    ),
    ("optional attribute without a row",),
    ("label outside the row's scheme",),
)


def test_the_fault_groups_hold_every_fault_once_and_a_table_once():
    grouped = [fault for group in FAULT_GROUPS for fault in group]
    assert sorted(grouped) == sorted(FAULTS)
    for group in FAULT_GROUPS:
        tables = [FAULTS[fault][0] for fault in group]
        assert len(set(tables)) == len(tables), group


@pytest.fixture(scope="module")
def gated_groups() -> dict:
    """The gate's verdict on each group's copy, run by the first test that needs it."""
    return {}


@pytest.mark.parametrize("fault", FAULTS)
def test_an_injected_fault_fails_the_gate_and_is_named(run, tmp_path, fault, gated_groups):
    name, _, check, example = FAULTS[fault]
    (group,) = [g for g in FAULT_GROUPS if fault in g]
    if group not in gated_groups:
        folder = tmp_path / "labeled"
        shutil.copytree(LABELED, folder)
        for other in group:
            table, change, _, _ = FAULTS[other]
            _edit(folder, table, change)
        code, _, err = run("check", folder, "--report", tmp_path / "report")
        gated_groups[group] = code, err, read_json(tmp_path / "report" / "result.json")
    code, err, result = gated_groups[group]
    assert code == 1
    # the line of this check on a frame of this fault's table (other faults: other tables)
    failed = [
        line
        for line in err.splitlines()
        if check in line and name in line.split(":", 1)[0].strip().split("+")
    ]
    assert failed, err
    assert example in failed[0]
    assert "quality gate FAILED" in err
    assert not result["success"]


def test_json_output_for_ci(run, tmp_path):
    folder = tmp_path / "labeled"
    shutil.copytree(LABELED, folder)
    _edit(folder, "practices", _duplicate_practice_id)
    code, out, _ = run("check", folder, "--report", tmp_path / "report", "--format", "json")
    assert code == 1
    result = json.loads(out)
    assert result["success"] is False
    failures = {(c["frame"], c["check"]): c for c in result["checks"] if not c["success"]}
    unique = failures["practices", "expect_column_values_to_be_unique"]
    assert unique["n_failed"] == 2
    assert unique["examples"][0] == {
        "practice_id": "smartjac-claude-001"
    }  # the JSON keeps it whole


def test_a_folder_without_tables_is_a_clear_error(run, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = run("check", empty, "--report", tmp_path / "report")
    assert code == 1
    assert "no policies.parquet" in err and "privacy-labels build" in err


def test_a_file_that_is_not_parquet_is_a_clear_error(run, tmp_path):
    folder = shutil.copytree(LABELED, tmp_path / "labeled")
    (folder / "segments.parquet").write_bytes(b"PAR1 truncated")
    code, _, err = run("check", folder, "--report", tmp_path / "report")
    assert code == 1
    assert "segments.parquet: not a readable Parquet file" in err


def test_a_wrong_column_type_is_caught(run, tmp_path):
    folder = tmp_path / "labeled"
    shutil.copytree(LABELED, folder)
    segments = pq.read_table(folder / "segments.parquet")
    as_text = segments.set_column(2, "start", segments["start"].cast(pa.string()))
    pq.write_table(as_text, folder / "segments.parquet")
    code, _, err = run("check", folder, "--report", tmp_path / "report")
    assert code == 1
    assert "expect_column_type_to_be [start]" in err


def test_a_wrong_column_type_in_a_label_view_is_caught_and_named(run, tmp_path):
    folder = tmp_path / "labeled"
    shutil.copytree(LABELED, folder)
    labels = pq.read_table(folder / "policy_labels.parquet")
    i = labels.schema.get_field_index("n_annotators")
    pq.write_table(
        labels.set_column(i, "n_annotators", labels["n_annotators"].cast(pa.string())),
        folder / "policy_labels.parquet",
    )
    code, _, err = run("check", folder, "--report", tmp_path / "report")
    assert code == 1
    assert "policy_labels: expect_column_type_to_be [n_annotators]" in err


def test_a_label_column_of_the_builds_schemes_holds_only_their_labels(run, tmp_path):
    """The schemes the gate expects are the build's own: a build whose schemes/ lacks the
    scheme its rows say fails, named, rather than passing on the installed package's."""
    folder = shutil.copytree(LABELED, tmp_path / "labeled")
    _edit(folder, "annotations", lambda rows: rows[0].update(scheme="mapp"))
    code, _, err = run("check", folder, "--report", tmp_path / "report")
    assert code == 1
    assert "annotations: expect_column_values_to_be_in_set [scheme]" in err


def test_data_docs_only_when_asked(run, tmp_path):
    code, out, err = run("check", LABELED, "--report", tmp_path / "report")
    assert code == 0, err
    assert (tmp_path / "report" / "result.json").exists()
    assert not (tmp_path / "report" / "data_docs").exists()
    assert "data docs" not in out


def _edit_csv_cell(folder):
    """Change one cell of practices.csv by hand, as a spreadsheet would."""
    path = folder / "practices.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"claude"', '"claud3"', 1), encoding="utf-8")


def test_a_hand_edited_or_swapped_file_is_a_named_failed_check(run, tmp_path):
    """Integrity (issue 15): every table file against manifest.json, every CSV against its
    Parquet. Two faults that do not interact, in one copy: one gate run."""
    folder = shutil.copytree(LABELED, tmp_path / "labeled")
    _edit_csv_cell(folder)
    a, b = folder / "segments.csv", folder / "annotations.csv"
    a.rename(tmp_path / "swap")
    b.rename(a)
    (tmp_path / "swap").rename(b)
    code, out, err = run("check", folder, "--format", "json", "--report", tmp_path / "report")
    assert code == 1
    failed = {c["check"]: c for c in json.loads(out)["checks"] if not c["success"]}
    assert "Traceback" not in err and "KeyError" not in out
    manifest = failed.pop("files_match_manifest")
    assert manifest["examples"] == [
        f"{name}: sha256 differs from manifest.json (edited or swapped since build)"
        for name in ("annotations.csv", "practices.csv", "segments.csv")
    ]
    csv = failed.pop("csv_matches_parquet")
    assert sorted(csv["examples"]) == [
        f"{name}.csv: does not hold the rows of {name}.parquet"
        for name in ("annotations", "practices", "segments")
    ]
    assert not failed  # the Parquet files are intact: every other check passes


def test_swapped_parquet_files_fail_named_not_with_a_traceback(run, tmp_path):
    folder = shutil.copytree(LABELED, tmp_path / "labeled")
    a, b = folder / "splits.parquet", folder / "annotations.parquet"
    a.rename(tmp_path / "swap")
    b.rename(a)
    (tmp_path / "swap").rename(b)
    code, _, err = run("check", folder, "--report", tmp_path / "report")
    assert code == 1
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if "files_match_manifest" in line]
    assert lines and "annotations.parquet: sha256 differs" in lines[0]
    assert "splits.parquet: sha256 differs" in lines[0]


def test_a_missing_manifest_is_a_named_failed_check(run, tmp_path):
    folder = shutil.copytree(LABELED, tmp_path / "labeled")
    (folder / "manifest.json").unlink()
    code, _, err = run("check", folder, "--report", tmp_path / "report")
    assert code == 1
    assert "files_match_manifest" in err and "manifest.json: missing" in err


def test_duckdb_runs_within_the_gates_memory_limit_and_spills_into_its_own_folder(
    tmp_path, monkeypatch
):
    """The gate's memory is bounded by DuckDB's limit, not by the corpus: beyond it, joins
    spill to a folder of the gate's own, removed after, never the current folder."""
    monkeypatch.chdir(tmp_path)
    with connection() as sql:
        limit, threads, spill = sql.execute(
            "SELECT current_setting('memory_limit'), current_setting('threads'), "
            "current_setting('temp_directory')"
        ).fetchone()
        assert threads == THREADS and Path(spill).is_dir()
        value, unit = limit.split()  # e.g. 381.4 MiB for 400MB
        megabytes = int(MEMORY_LIMIT.removesuffix("MB"))
        assert unit == "MiB" and abs(float(value) * 2**20 - megabytes * 10**6) < 10**6
    assert not Path(spill).exists() and not list(tmp_path.iterdir())


def test_views_from_the_consolidated_layer_pass_and_a_view_that_ignores_it_fails(run, tmp_path):
    from tests.layered import two_layer_corpus, write_json

    raw = two_layer_corpus(tmp_path)
    run("adjudicate", "--raw", raw)
    log = read_json(raw / "adjudication" / "example.json")
    log |= {"adjudicator": "the test suite", "adjudicated_date": "2026-12-01"}
    for entry, decision in zip(log["entries"], ["advertising", True, False, True], strict=True):
        entry |= {"decision": decision, "rule": "text"}
    write_json(raw / "adjudication" / "example.json", log)
    assert run("adjudicate", "--raw", raw)[0] == 0
    folder = tmp_path / "labeled"
    assert run("build", "--quiet", "--raw", raw, "--out", folder)[0] == 0
    code, _, err = run("check", folder, "--report", tmp_path / "report")
    assert code == 0, err
    # The majority of the two annotators, where the consolidated layer should give the labels.
    rebuilt = tmp_path / "majority"
    shutil.copytree(folder, rebuilt)

    def majority(rows):
        for row in rows:
            row["layer"] = None
            row["has_label"] = row["is_majority"]

    _edit(rebuilt, "segment_labels", majority)
    code, _, _ = run("check", rebuilt, "--report", tmp_path / "report2")
    assert code == 1
    result = read_json(tmp_path / "report2" / "result.json")
    # The table was edited after the build: the integrity checks say so; of the content
    # checks, only the view's.
    failures = [c for c in result["checks"] if not c["success"]]
    integrity = {c["check"] for c in failures if c["frame"] == "files"}
    assert integrity == {"files_match_manifest", "csv_matches_parquet"}, failures
    (failed,) = [c for c in failures if c["frame"] != "files"]
    assert failed["frame"] == "segment_labels"
    assert failed["examples"][0] == (
        "example segment 0: layer is null, but the policy has a consolidated layer"
    )


def test_a_passing_result_is_reused_only_for_the_same_files(run, tmp_path):
    folder = shutil.copytree(LABELED, tmp_path / "labeled")
    report = tmp_path / "report"
    code, out, err = run("check", folder, "--report", report)
    assert code == 0, err
    assert "reused" not in out
    key = checked_key(folder)
    assert reused_result(report, key) is not None
    # the same bytes again: said so, with the way to run the gate anyway; what a run killed
    # after its swap left beside the report is cleared
    shutil.copytree(report, tmp_path / ".report.k1lled00.tmp")
    code, out, err = run("check", folder, "--report", report)
    assert code == 0, err
    assert "reused the passing result" in out and "--force" in out
    assert not (tmp_path / ".report.k1lled00.tmp").exists()
    assert "quality gate passed" in out
    code, out, err = run("check", folder, "--report", report, "--force")
    assert code == 0, err
    assert "reused" not in out
    # a result edited since it was written, or checked by another DuckDB, is not reused
    assert reused_result(report, {**key, "versions": {**key["versions"], "duckdb": "0"}}) is None
    result = report / "result.json"
    original = result.read_text(encoding="utf-8")
    result.write_text(original.replace('"n_failed": 0', '"n_failed": 0 '), encoding="utf-8")
    assert reused_result(report, key) is None
    result.write_text(original, encoding="utf-8")
    # one changed table file runs the gate, which names the fault; a failure is never reused
    _edit(folder, "practices", _duplicate_practice_id)
    code, out, err = run("check", folder, "--report", report)
    assert code == 1
    assert "reused" not in out
    assert "expect_column_values_to_be_unique" in err
    assert not (report / "checked.json").exists()


@pytest.mark.parametrize(
    ("limit", "code", "message"),
    [
        ("1MB", 1, "needed more than its memory limit of 1MB; set PRIVACY_LABELS_GATE_MEMORY"),
        ("lots", 2, "PRIVACY_LABELS_GATE_MEMORY=lots: not a memory size"),
    ],
    ids=["too-little", "not-a-size"],
)
def test_duckdb_out_of_its_memory_is_one_line_naming_the_setting(
    run, tmp_path, monkeypatch, limit, code, message
):
    monkeypatch.setenv("PRIVACY_LABELS_GATE_MEMORY", limit)
    exit_code, _, err = run("check", LABELED, "--report", tmp_path / "report", "--force")
    assert exit_code == code and message in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
