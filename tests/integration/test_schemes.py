"""The quality gate on builds of several schemes: the corpus of three (tests/fixtures/schemes/)
and one with a fourth scheme of its own pass; a label of another scheme in a row is named."""

from __future__ import annotations

import shutil

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from privacy_labels.builder.pipeline import build
from privacy_labels.contract.tables import arrow_schema
from tests.conftest import FIXTURES
from tests.tiny_scheme import tiny_corpus

pytestmark = pytest.mark.slow  # each run of the gate takes a few seconds


def test_three_schemes_and_a_fourth_of_the_corpus_pass_the_gate(run, tmp_path):
    raw = tiny_corpus(tmp_path / "raw", FIXTURES / "schemes")
    build(raw, tmp_path / "labeled", progress=False)
    code, out, err = run("check", tmp_path / "labeled", "--report", tmp_path / "report")
    assert code == 0, err
    assert "quality gate passed" in out


def test_a_label_of_another_scheme_in_a_row_is_a_named_failure(run, tmp_path):
    """An APP-350 practice relabelled with an OPP-115 category: the category is in the
    build's list (the union of its schemes), but no place of the row's scheme."""
    build(FIXTURES / "schemes", tmp_path / "labeled", progress=False)
    folder = tmp_path / "labeled"
    for name in ("practices", "attribute_values"):
        rows = pq.read_table(folder / f"{name}.parquet").to_pylist()
        for row in rows:
            if row["practice_id"] == "mapstore-carol-001":
                row["category"] = "first_party_collection_use"
        pq.write_table(
            pa.Table.from_pylist(rows, schema=arrow_schema(name)), folder / f"{name}.parquet"
        )
    shutil.rmtree(tmp_path / "report", ignore_errors=True)
    code, _, err = run("check", folder, "--report", tmp_path / "report")
    assert code == 1
    assert (
        "practices+parents: expect_column_values_to_be_in_set [scheme/category is a place of "
        "its scheme] failed for 1 row(s): {scheme/category: app350/first_party_collection_use"
    ) in err
    assert "[scheme/category/attribute is a place of its scheme]" in err
