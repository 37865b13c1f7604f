"""The rows one policy contributes to each table, and a run of policies as Arrow tables.

    part = build_part("data/raw", ["acme", "globex"])   # Part: tables, input sha256s, schemes

The unit of work of a parallel build: each run of policies is read (the rules in
their stop-at-first mode, raw/inputs.py) and turned into rows in one process.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

from privacy_labels._files import without_cycle_collector
from privacy_labels.contract.layers import independent
from privacy_labels.contract.policy_labels import Practice, policy_label_rows, stated
from privacy_labels.contract.scheme_set import SchemeSet
from privacy_labels.contract.schemes import Scheme, values_of, written
from privacy_labels.contract.splits import split_rows
from privacy_labels.contract.tables import TABLES, arrow_schema, table
from privacy_labels.contract.views import (
    is_labelling,
    labelling_layer,
    mapped_values,
    segment_label_rows,
)
from privacy_labels.raw.corpus import RawCorpus
from privacy_labels.raw.inputs import PolicyInputs, practice_keys, read_policy
from privacy_labels.raw.problems import Problem
from privacy_labels.raw.schemes import corpus_schemes

# What an annotation document says about itself, kept in the `annotations` table.
_DOCUMENT_COLUMNS = (
    "policy_id",
    "annotator",
    "scheme",
    "scheme_version",
    "annotated_date",
    "method",
    "schema_version",
    "guidelines_version",
)
_PROVENANCE_COLUMNS = ("annotator_kind", "model", "process", "is_blind", "is_reviewed")

Row = dict[str, object]  # a table row keyed by the contract's column names


@functools.cache
def _attributes_in_row_order(s: Scheme, category: str) -> tuple[tuple[str, str | None], ...]:
    """A category's attributes with their defaults, in the scheme's attribute order: the
    order of its rows. Every attribute with a default has a row, so a default means the same
    in every layer; a required one has no default, as a valid document always writes it."""
    defaults = {a.id: a.default for a in s.category(category).attributes}
    return tuple((a, defaults[a]) for a in s.attribute_ids if a in defaults)


def policy_tables(
    inputs: PolicyInputs, schemes: SchemeSet, layer: str | None = None
) -> dict[str, pa.Table]:
    """Every table's rows from one policy, in the contract's columns, sorted by the tables'
    keys; its documents' schemes among `schemes`, its labels from `layer` (see
    views.labelling_layer).

    Practices, their values (as written and in the hub's terms) and segment labels, most
    of the rows, are made as tuples in the column order, not as a dict per row: this
    loop runs for every value of the corpus.
    """
    policy_id, sidecar, text = inputs.policy_id, inputs.sidecar, inputs.text
    segments = sidecar["segments"]
    rows: dict[str, list[Row]] = {t.name: [] for t in TABLES}
    policy = {**sidecar, "n_chars": len(text), "n_segments": len(segments), "text": text}
    rows["policies"].append({c: policy.get(c) for c in table("policies").column_names})
    rows["segments"] = [
        {
            "policy_id": policy_id,
            "segment_id": segment_id,
            "start": seg["start"],
            "end": seg["end"],
            "text": text[seg["start"] : seg["end"]],
        }
        for segment_id, seg in enumerate(segments)
    ]
    labelled: list[Practice] = []  # in document order, as the views read them
    written_practices = []  # (practice, annotator, scheme)
    scheme = None  # the policy's documents share one (validate's rule)
    for doc in inputs.documents:
        annotator = doc["annotator"]
        provenance = doc["provenance"]
        scheme = schemes[doc["scheme"]["id"]]
        rows["annotations"].append(
            {c: doc.get(c) for c in _DOCUMENT_COLUMNS}
            | {"scheme": scheme.id, "scheme_version": scheme.version}
            | {c: provenance.get(c) for c in _PROVENANCE_COLUMNS}
        )
        for practice in doc["practices"]:
            written_practices.append((practice, annotator, scheme))
            # The views read what was written: a defaulted `unspecified` answers no question,
            # and a defaulted `does` reads as an omitted does/does-not always did.
            labelled.append(
                Practice(
                    practice["practice_id"],
                    practice["category"],
                    {a: written(chosen) for a, chosen in practice["attributes"].items()},
                    practice["segment_id"],
                    annotator,
                )
            )
    # Practice ids are unique in a policy: taken in their order, the practices give each
    # table with a row per practice or value its order, values in the scheme's order.
    written_practices.sort(key=lambda entry: entry[0]["practice_id"])
    # Rows as tuples in the contract's column order, one per row: most rows are these, and
    # a tuple is the least a row can cost. The order is checked by tests/unit/builder/
    # test_rows.py for the columns a document gives, and by tests/data/test_labeled.py's
    # fresh build against the committed tables for every column.
    practices, values, mapped = [], [], []
    for practice, annotator, scheme in written_practices:
        practice_id, category = practice["practice_id"], practice["category"]
        attributes = practice["attributes"]
        practices.append(
            (
                practice_id,
                policy_id,
                practice["segment_id"],
                annotator,
                scheme.id,
                category,
                practice.get("is_value_set", False),
                practice.get("source_id"),
            )
        )
        published = {}
        for attribute, default in _attributes_in_row_order(scheme, category):
            chosen = attributes.get(attribute) or {"value": default}
            if chosen.get("value", chosen.get("values")) is None:
                continue  # an optional attribute without a default, left out
            given = published[attribute] = written(chosen)
            is_annotated = attribute in attributes
            span = (chosen.get("span_start"), chosen.get("span_end"), chosen.get("span_text"))
            for value in values_of(given):
                values.append(
                    (practice_id, scheme.id, category, attribute, value, is_annotated, *span)
                )
        mapped += [
            (practice_id, policy_id, scheme.id, *hub_value)
            for hub_value in mapped_values(category, published, scheme)
        ]
    annotators = [doc["annotator"] for doc in inputs.documents]
    layer = labelling_layer(annotators, layer)
    segment_labels = (
        segment_label_rows(policy_id, rows["segments"], labelled, annotators, scheme, layer)
        if scheme is not None
        else []
    )
    rows["splits"] = split_rows({**sidecar, "policy_id": policy_id})
    in_layer = [p for p in labelled if is_labelling(p.annotator, layer)]
    hub = schemes.hub
    rows["policy_labels"] = policy_label_rows(
        policy_id,
        scheme and scheme.id,
        len(independent(annotators)),
        stated(in_layer, scheme, hub) if scheme else [],
        hub,
        layer,
    )
    tuples = {
        "practices": practices,
        "attribute_values": values,
        "mapped_values": mapped,
        "segment_labels": segment_labels,
    }
    return {
        t.name: _tuples_table(t.name, tuples[t.name])
        if t.name in tuples
        else _arrow_table(t.name, rows[t.name])
        for t in TABLES
    }


def _tuples_table(name: str, rows: list[tuple]) -> pa.Table:
    """Rows as tuples in the contract's column order, as an Arrow table."""
    schema = arrow_schema(name)
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(schema)
    return pa.Table.from_arrays(
        [pa.array(column, type=f.type) for column, f in zip(columns, schema, strict=True)],
        schema=schema,
    )


@dataclass(frozen=True)
class Part:
    """What a run of policies contributes: each table's rows, the sha256 of each file
    read, the digests of the practice ids and the schemes its documents name; or the
    first problem found."""

    policy_ids: list[str]
    tables: dict[str, pa.Table]
    input_sha256: dict[str, str]
    practice_keys: np.ndarray
    scheme_ids: frozenset[str] = frozenset()
    problem: Problem | None = None


@without_cycle_collector
def build_part(root: str, policy_ids: list[str], *, layer: str | None = None) -> Part:
    """Read a run of policies and turn them into rows; stops at the first problem."""
    corpus = RawCorpus(Path(root))
    schemes, _ = corpus_schemes(corpus)  # a problem of theirs stops read_policy
    tables: dict[str, list[pa.Table]] = {t.name: [] for t in TABLES}
    input_sha256: dict[str, str] = {}
    for policy_id in policy_ids:
        inputs = read_policy(corpus, policy_id)
        if isinstance(inputs, Problem):
            return Part(policy_ids, {}, {}, np.array([], np.uint64), problem=inputs)
        input_sha256.update(inputs.sha256)
        for name, policy_table in policy_tables(inputs, schemes, layer).items():
            tables[name].append(policy_table)
    part = {name: pa.concat_tables(parts).combine_chunks() for name, parts in tables.items()}
    return Part(
        policy_ids,
        part,
        input_sha256,
        practice_keys(part["practices"]["practice_id"].to_pylist()),
        frozenset(part["annotations"]["scheme"].to_pylist()),
    )


def _arrow_table(name: str, rows: list[Row]) -> pa.Table:
    """Rows keyed by column name as an Arrow table in the contract's column order.

    Arrow reads the dicts as structs in C++, a third of the time of a Python list
    per column.
    """
    schema = arrow_schema(name)
    structs = pa.array(rows, type=pa.struct(schema))
    return pa.Table.from_arrays(structs.flatten(), schema=schema)
