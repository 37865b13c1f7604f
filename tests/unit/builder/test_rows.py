"""The build's rows follow the contract by column name: every column with a `source` holds
the value of that field of the policy's sidecar or annotation document."""

from __future__ import annotations

import copy
import itertools

import pytest

from privacy_labels.builder.rows import _arrow_table, policy_tables
from privacy_labels.contract.scheme_set import package_schemes
from privacy_labels.contract.schemes import scheme
from privacy_labels.contract.tables import ANNOTATION, SIDECAR, TABLES, table
from privacy_labels.raw.corpus import RawCorpus
from privacy_labels.raw.inputs import PolicyInputs, read_policy
from tests.conftest import FIXTURE_RAW


@pytest.fixture(scope="module")
def inputs() -> PolicyInputs:
    """The fixture policy, its document's values made distinct wherever two columns of one
    type sit side by side (so that swapping them shows), with a source_id and the
    sidecar's optional fields to carry."""
    inputs = read_policy(RawCorpus(FIXTURE_RAW), "example")
    assert isinstance(inputs, PolicyInputs)
    documents = copy.deepcopy(inputs.documents)
    for document in documents:
        document["provenance"] |= {"is_blind": True, "is_reviewed": False, "model": "m-1"}
        for i, practice in enumerate(document["practices"]):
            practice["source_id"] = f"source-{i}"
    sidecar = {
        **inputs.sidecar,
        "policy_group_id": "example-versions",
        "source_split": "TRAIN",
        "contains_synthetic": False,
        "original_sha256": "0" * 64,
    }
    return PolicyInputs(inputs.policy_id, sidecar, inputs.text, documents, inputs.sha256)


def _source_value(source: str, row: dict, inputs: PolicyInputs):
    """What the column's source field holds for this row."""
    if source.startswith(SIDECAR):
        path, data = source.removeprefix(SIDECAR), inputs.sidecar
        if path.startswith("segments[]."):
            return data["segments"][row["segment_id"]][path.removeprefix("segments[].")]
        return data[path]
    assert source.startswith(ANNOTATION), source
    path = source.removeprefix(ANNOTATION)
    # The row's document: the one holding its practice, or its annotator's.
    document, practice = next(
        (d, p)
        for d in inputs.documents
        for p in [*d["practices"], None]
        if (p["practice_id"] == row["practice_id"] if "practice_id" in row else p is None)
        and d["annotator"] == row.get("annotator", d["annotator"])
    )
    if not path.startswith("practices[]."):
        for key in path.split("."):
            document = document[key]
        return document
    field = path.removeprefix("practices[].")
    if not field.startswith("attributes."):
        return practice.get(field)
    key = field.removeprefix("attributes.")
    if key == "<key>":
        return row["attribute"]
    written = practice["attributes"].get(row["attribute"])
    if written is None:  # an attribute left out: the row holds the default, without a span
        slot = scheme("opp115").category(practice["category"]).attribute(row["attribute"])
        written = {"value": slot.default}
    return written.get(key)


@pytest.mark.parametrize(
    "name", ["policies", "segments", "annotations", "practices", "attribute_values"]
)
def test_each_column_holds_the_document_field_the_contract_names(inputs, name):
    rows = policy_tables(inputs, package_schemes())[name].to_pylist()
    sourced = [
        c for c in table(name).columns if c.source and c.source.startswith((SIDECAR, ANNOTATION))
    ]
    assert rows and sourced
    for row in rows:
        for column in sourced:
            assert row[column.name] == _source_value(column.source, row, inputs), (
                f"{name}.{column.name} is not {column.source}"
            )


def test_the_sourced_values_are_distinct_so_a_swap_shows(inputs):
    """Two columns of one type next to each other in a row never hold the same value here,
    so a builder writing one into the other fails the test above."""
    for name in ("annotations", "practices", "attribute_values"):
        columns = table(name).columns
        for row in policy_tables(inputs, package_schemes())[name].to_pylist():
            for a, b in itertools.pairwise(columns):
                if a.type == b.type and row[a.name] is not None:
                    assert row[a.name] != row[b.name], (name, a.name, b.name)


def test_rows_are_assembled_in_the_contracts_column_order(inputs):
    tables = policy_tables(inputs, package_schemes())
    for t in TABLES:
        assert tables[t.name].column_names == t.column_names
        rows = tables[t.name].to_pylist()
        reordered = [dict(reversed(row.items())) for row in rows]
        assert _arrow_table(t.name, reordered).equals(tables[t.name])


def test_every_attribute_has_a_row_marked_annotated_when_written(inputs):
    rows = policy_tables(inputs, package_schemes())["attribute_values"].to_pylist()
    for document in inputs.documents:
        for practice in document["practices"]:
            own = {r["attribute"]: r for r in rows if r["practice_id"] == practice["practice_id"]}
            category = scheme("opp115").category(practice["category"])
            assert sorted(own) == sorted(category.attribute_ids)
            for attribute, row in own.items():
                assert row["is_annotated"] == (attribute in practice["attributes"])
                if not row["is_annotated"]:
                    assert row["value"] == category.attribute(attribute).default is not None
                    assert row["span_start"] is row["span_end"] is row["span_text"] is None


def test_a_written_default_and_a_left_out_one_publish_the_same_rows_but_is_annotated(inputs):
    documents = copy.deepcopy(inputs.documents)
    practice = next(
        p
        for d in documents
        for p in d["practices"]
        if p["category"] == "first_party_collection_use"
    )
    practice["attributes"].pop("does_does_not", None)
    practice["attributes"].pop("user_type", None)
    omitted = PolicyInputs(inputs.policy_id, inputs.sidecar, inputs.text, documents, inputs.sha256)
    written = copy.deepcopy(documents)
    twin = next(
        p for d in written for p in d["practices"] if p["practice_id"] == practice["practice_id"]
    )
    twin["attributes"] |= {
        "does_does_not": {"value": "does"},
        "user_type": {"value": "unspecified"},
    }
    explicit = PolicyInputs(inputs.policy_id, inputs.sidecar, inputs.text, written, inputs.sha256)

    def published(policy: PolicyInputs) -> tuple[list[dict], list[str], dict]:
        rows = {n: t.to_pylist() for n, t in policy_tables(policy, package_schemes()).items()}
        values = [
            r for r in rows["attribute_values"] if r["practice_id"] == practice["practice_id"]
        ]
        written = [r["attribute"] for r in values if r["is_annotated"]]
        others = {
            name: table_rows for name, table_rows in rows.items() if name != "attribute_values"
        }
        return (
            [{k: v for k, v in r.items() if k != "is_annotated"} for r in values],
            written,
            others,
        )

    left_out, written_left_out, views_left_out = published(omitted)
    spelled_out, written_spelled_out, views_spelled_out = published(explicit)
    assert left_out == spelled_out
    assert {"does_does_not", "user_type"} <= set(written_spelled_out) - set(written_left_out)
    assert views_left_out == views_spelled_out  # practices, segment and policy labels alike
