"""build and load on the small fixture corpus: deterministic, atomic, typed."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import privacy_labels as pl
from privacy_labels.builder.pipeline import MANIFEST
from privacy_labels.contract.schema import schema_version
from privacy_labels.contract.schemes import scheme
from privacy_labels.contract.tables import arrow_schema
from tests.conftest import FIXTURE_RAW, FIXTURES


@pytest.fixture
def built(tmp_path, run):
    out = tmp_path / "labeled"
    assert run("build", "--quiet", "--raw", FIXTURE_RAW, "--out", out)[0] == 0
    return out


def file_bytes(folder):
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_build_writes_every_table_as_parquet_and_csv_with_a_manifest(built):
    names = {p.name for p in built.iterdir()}
    tables = {f"{t}.{ext}" for t in pl.tables() for ext in ("parquet", "csv")}
    assert names == tables | {MANIFEST, "schemes"}
    manifest = json.loads((built / MANIFEST).read_text())
    hub = scheme("opp115")
    n_answers = sum(len({v.id for c, a in q.slots for v in hub.category(c).attribute(a).values})
                    for q in hub.questions.questions)  # fmt: skip
    assert manifest["n_rows"] == {
        "policies": 1,
        "segments": 3,
        "annotations": 1,
        "practices": 7,
        "attribute_values": 47,  # every attribute of each practice: 27 written, 20 defaults
        "segment_labels": 3 * 10,  # each segment, each of opp115's 10 categories
        "splits": 1,
        "policy_labels": n_answers,  # each answer of each of the hub's questions
        "mapped_values": 47,  # the hub's own values, each as itself
    }
    scheme_files = {f"schemes/opp115/{name}" for name in hub.files}
    assert set(manifest["outputs"]) == tables | scheme_files
    assert manifest["schemes"] == {"opp115": {"version": "1.0.0", "files": hub.files}}
    assert "policies/example.txt" in manifest["inputs"]
    assert manifest["schema_version"] == schema_version()


def test_two_builds_give_identical_bytes(built, tmp_path, run):
    again = tmp_path / "again"
    run("build", "--quiet", "--raw", FIXTURE_RAW, "--out", again)
    assert file_bytes(again) == file_bytes(built)


def test_build_writes_into_the_project_of_the_corpus_by_default(built, tmp_path):
    """As `privacy-labels build` and `release` do: ROOT/data/labeled for ROOT/data/raw."""
    from privacy_labels.builder.pipeline import build

    raw = shutil.copytree(FIXTURE_RAW, tmp_path / "project" / "data" / "raw")
    result = build(raw, progress=False)
    assert result.out == tmp_path / "project" / "data" / "labeled"
    assert file_bytes(result.out) == file_bytes(built)


def test_invalid_input_leaves_the_output_untouched(built, tmp_path, run):
    before = file_bytes(built)
    raw = tmp_path / "raw"
    shutil.copytree(FIXTURE_RAW, raw)
    broken = (FIXTURES / "invalid" / "misspelled-value.json").read_text()
    (raw / "annotations" / "example" / "alice.json").write_text(broken)
    code, _, err = run("build", "--raw", raw, "--out", built)
    assert code == 1
    assert "value 'marketting' is not allowed" in err and "is unchanged" in err
    assert file_bytes(built) == before
    # No staging folder nor lock file is left beside the output.
    assert [p.name for p in built.parent.iterdir() if p.name.startswith(".")] == []


def test_load_applies_the_schemas_dtypes(built):
    practices = pl.load("practices", built)
    assert list(practices["category"].cat.categories) == scheme("opp115").category_ids
    assert practices["category"].cat.ordered
    values = pl.load("attribute_values", built)
    assert list(values["value"].cat.categories) == scheme("opp115").value_ids
    assert values["span_start"].dtype == pd.Int64Dtype()
    assert values["is_annotated"].dtype == pd.BooleanDtype()
    defaulted = ~values["is_annotated"]
    assert defaulted.sum() == 20 and values.loc[defaulted, "span_start"].isna().all()
    # the three written values without evidence spans
    assert values.loc[~defaulted, "span_start"].isna().sum() == 3


def test_spans_index_the_policy_text(built):
    text = pl.load("policies", built).set_index("policy_id").loc["example", "text"]
    values = pl.load("attribute_values", built).dropna(subset=["span_start"])
    for row in values.itertuples():
        assert text[row.span_start : row.span_end] == row.span_text


def test_csv_and_parquet_hold_the_same_rows(built):
    for name in pl.tables():
        from_parquet = pl.load(name, built)
        from_csv = pd.read_csv(
            built / f"{name}.csv", keep_default_na=False, na_values=[""], dtype=str
        )
        assert list(from_csv.columns) == list(from_parquet.columns)
        assert len(from_csv) == len(from_parquet)


def test_load_names_unknown_tables_and_missing_builds(tmp_path):
    with pytest.raises(KeyError, match="the tables are: policies, segments"):
        pl.load("practise")
    with pytest.raises(FileNotFoundError, match="privacy-labels build"):
        pl.load("practices", tmp_path)


def test_a_second_build_of_unchanged_inputs_writes_nothing(built, tmp_path, run):
    raw = shutil.copytree(FIXTURE_RAW, tmp_path / "raw")
    out = tmp_path / "out"
    assert run("build", "--raw", raw, "--out", out)[0] == 0
    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    code, stdout, _ = run("build", "--raw", raw, "--out", out)
    assert code == 0
    assert stdout.startswith(f"up to date: {out} was built from these inputs")
    assert "practices 7" in stdout
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == before
    code, stdout, _ = run("build", "--raw", raw, "--out", out, "--format", "json")
    assert json.loads(stdout)["up_to_date"] is True
    # Any change rebuilds: an input, an output edited by hand, or --force.
    sidecar = raw / "policies" / "example.json"
    sidecar.write_text(sidecar.read_text() + "\n")
    code, stdout, _ = run("build", "--raw", raw, "--out", out)
    assert code == 0 and stdout.startswith("built ")
    (out / "practices.csv").write_text("edited", encoding="utf-8")
    code, stdout, _ = run("build", "--raw", raw, "--out", out)
    assert stdout.startswith("built ")
    assert file_bytes(out)["practices.csv"] == file_bytes(built)["practices.csv"]
    code, stdout, _ = run("build", "--raw", raw, "--out", out, "--force")
    assert stdout.startswith("built ")


LABEL_VIEWS = ("policy_labels", "segment_labels")


def test_a_policy_not_yet_annotated_has_no_labels_that_read_as_negatives(tmp_path, run):
    raw = tmp_path / "raw"
    shutil.copytree(FIXTURE_RAW, raw)
    source = tmp_path / "new.txt"
    source.write_text("We collect your e-mail address to answer your questions. " * 4)
    add = ("add-policy", source, "--raw", raw, "--policy-id", "new", "--organisation", "New")
    assert run(*add, "--license", "CC0-1.0")[0] == 0
    out = tmp_path / "labeled"
    assert run("build", "--quiet", "--raw", raw, "--out", out)[0] == 0
    # segments yes, but no segment_labels rows whose has_* False would train as "not here"
    assert "new" in set(pl.load("segments", out)["policy_id"])
    assert "new" not in set(pl.load("segment_labels", out)["policy_id"])
    labels = pl.load("policy_labels", out).set_index("policy_id")
    assert set(labels.loc["new", "status"]) == {"not_annotated"}
    assert labels.loc["new", "scheme"].isna().all()  # no practices, in no scheme
    assert "not_annotated" not in set(labels.loc["example", "status"])
    assert run("check", out, "--report", tmp_path / "report")[0] == 0
    # the gate fails the fake negatives back: a silent label, an all-False segment row
    rows = {name: pq.read_table(out / f"{name}.parquet").to_pylist() for name in LABEL_VIEWS}
    next(
        r
        for r in rows["policy_labels"]
        if (r["policy_id"], r["question"], r["answer"]) == ("new", "collected", "contact")
    )["status"] = "not_stated"
    rows["segment_labels"].append({**rows["segment_labels"][0], "policy_id": "new"})
    for name in LABEL_VIEWS:
        pq.write_table(
            pa.Table.from_pylist(rows[name], schema=arrow_schema(name)), out / f"{name}.parquet"
        )
    code, _, err = run("check", out, "--report", tmp_path / "report")
    assert code == 1
    assert "new collected=contact: is not_stated, expected not_annotated" in err
    assert "new segment 0: labeled, but the policy has no annotations" in err


def test_an_up_to_date_build_clears_what_a_killed_run_left_beside_its_output(tmp_path, run):
    """A build killed after its swap leaves the previous output staged beside the new one;
    the next build finds the output up to date and clears it, touching nothing else."""
    out = tmp_path / "out"
    assert run("build", "--raw", FIXTURE_RAW, "--out", out)[0] == 0
    staged = tmp_path / ".out.k1lled00.tmp"
    shutil.copytree(out, staged)
    mine = tmp_path / ".out.notes.tmp"  # not a staging folder's name: kept
    mine.write_text("mine")
    code, stdout, _ = run("build", "--raw", FIXTURE_RAW, "--out", out)
    assert code == 0 and stdout.startswith("up to date")
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.notes.tmp", "out"]


def test_tables_of_another_contract_are_not_up_to_date(built, monkeypatch):
    """A build whose inputs are unchanged but whose table contract changed (a column added,
    renamed or redescribed) is rebuilt, not reported up to date."""
    from privacy_labels.builder import manifest

    assert manifest.built_from(FIXTURE_RAW, built) is not None
    monkeypatch.setattr(manifest, "contract_sha256", lambda: "0" * 64)
    assert manifest.built_from(FIXTURE_RAW, built) is None
