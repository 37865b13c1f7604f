"""Property test, seeded: random valid corpora survive build losslessly. The generators here
also serve test_validator_reports.py (a file of its own, so that the test processes share the
properties).

Each property runs on the Hypothesis profile's examples (1,000 in CI; tests/conftest.py) (derandomize=True: the same ones each run).
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import tempfile
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from privacy_labels._json import dump_json
from privacy_labels.builder.pipeline import build
from privacy_labels.contract.schema import schema_version
from privacy_labels.contract.schemes import scheme
from privacy_labels.contract.tables import TABLES, table
from privacy_labels.exporters.documents import annotation_documents
from privacy_labels.raw.corpus import RawCorpus
from privacy_labels.raw.documents import (
    annotation_document,
    make_practice,
    make_provenance,
    practice_id,
)

pytestmark = pytest.mark.slow  # minutes in CI: 1,000 corpora per property
EXAMPLES = settings(
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# The slugs of r"[a-z0-9]{1,8}(?:[-_][a-z0-9]{1,8}){0,2}", drawn without a regex strategy
# (several times cheaper per draw: the round trip draws dozens per corpus).
slug_words = st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=8)
slugs = st.builds(
    lambda first, rest: first + "".join(separator + word for separator, word in rest),
    slug_words,
    st.lists(st.tuples(st.sampled_from("-_"), slug_words), max_size=2),
)
# Any text a policy may hold (no CR, NUL or BOM), often starting like a spreadsheet formula.
characters = st.characters(exclude_categories=["Cs"], exclude_characters="\r\x00\ufeff")
segment_texts = st.builds(
    str.__add__,
    st.sampled_from(["", "=", "+", "-", "@", " ", '"']),
    st.text(characters, min_size=1, max_size=40),
)
dates = st.dates(datetime.date(1990, 1, 1), datetime.date(2100, 12, 31)).map(
    datetime.date.isoformat
)
free_text = st.text(characters, min_size=1, max_size=30)
provenances = st.builds(
    lambda kind, model, process, is_blind, is_reviewed: make_provenance(
        kind,
        model=model if kind == "model" else None,
        process=process,
        is_blind=is_blind,
        is_reviewed=is_reviewed,
    ),
    st.sampled_from(["model", "person", "adjudication", "import"]),
    free_text,
    free_text,
    st.booleans(),
    st.booleans(),
)


@st.composite
def practices(draw, text: str, segments: list[dict], practice_id: str) -> dict:
    category = draw(st.sampled_from(scheme("opp115").categories))
    segment_id = draw(st.integers(0, len(segments) - 1))
    start, end = segments[segment_id]["start"], segments[segment_id]["end"]
    attributes = {}
    for attribute in category.attributes:
        if not (attribute.is_required or draw(st.booleans())):
            continue
        chosen = {"value": draw(st.sampled_from(attribute.values)).id}
        if draw(st.booleans()):
            span_start = draw(st.integers(start, end - 1))
            span_end = draw(st.integers(span_start + 1, end))
            chosen |= {
                "span_start": span_start,
                "span_end": span_end,
                "span_text": text[span_start:span_end],
            }
        attributes[attribute.id] = chosen
    source_id = draw(free_text) if draw(st.booleans()) else None
    return make_practice(practice_id, segment_id, category.id, attributes, source_id=source_id)


@st.composite
def corpora(draw, max_policies: int = 3) -> list[dict]:
    """Policies, each {"sidecar", "text", "documents"}, valid against the schema and each other."""
    policy_ids = draw(st.lists(slugs, min_size=1, max_size=max_policies, unique=True))
    corpus = []
    for policy_id in policy_ids:
        pieces = draw(st.lists(segment_texts, min_size=1, max_size=4))
        separator = draw(st.sampled_from(["\n\n", "\n", " "]))
        text, segments = "", []
        for piece in pieces:
            text += separator if text else ""
            segments.append({"start": len(text), "end": len(text) + len(piece)})
            text += piece
        text_sha256 = hashlib.sha256(text.encode()).hexdigest()
        sidecar = {
            "schema_version": schema_version(),
            "policy_id": policy_id,
            "organisation": draw(free_text),
            "legal_entity": draw(st.none() | free_text),
            "service_names": [],
            "source": draw(free_text),
            "url": draw(st.none() | slugs.map(lambda s: f"https://example.org/{s}")),
            "retrieved_date": draw(st.none() | dates),
            "effective_date": draw(st.none() | dates),
            "language": "en",
            "license": "CC0-1.0",
            "text_sha256": text_sha256,
            "redactions": [],
            "segmentation": {"rule": "hypothesis", "version": "1", "description": "Drawn."},
            "segments": segments,
        }
        documents = []
        for annotator in draw(st.lists(slugs, max_size=3, unique=True)):
            items = [
                draw(practices(text, segments, practice_id(policy_id, annotator, n)))
                for n in range(1, draw(st.integers(0, 4)) + 1)
            ]
            documents.append(
                annotation_document(
                    schema_version=schema_version(),
                    policy_id=policy_id,
                    annotator=annotator,
                    scheme=scheme("opp115").ref,
                    text_sha256=text_sha256,
                    annotated_date=draw(dates),
                    method=draw(free_text),
                    guidelines_version=draw(st.sampled_from(["1.0.0", "opp115-2016"])),
                    provenance=draw(provenances),
                    practices=draw(st.permutations(items)),
                )
            )
        corpus.append({"sidecar": sidecar, "text": text, "documents": documents})
    return corpus


def write_corpus(root: Path, corpus: list[dict]) -> RawCorpus:
    raw = RawCorpus(root)
    raw.policies_dir.mkdir(parents=True)
    for policy in corpus:
        policy_id = policy["sidecar"]["policy_id"]
        raw.text_path(policy_id).write_text(policy["text"], encoding="utf-8", newline="\n")
        raw.sidecar_path(policy_id).write_text(dump_json(policy["sidecar"]), encoding="utf-8")
        for document in policy["documents"]:
            path = raw.annotations_dir / policy_id / f"{document['annotator']}.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(dump_json(document), encoding="utf-8")
    return raw


def csv_cells(path: Path) -> list[list[str | float]]:
    """The CSV's cells; those of number columns read as floats (Arrow writes each in its
    shortest round-trip form, 1 rather than 1.0), so they compare by value."""
    with open(path, encoding="utf-8", newline="") as f:
        header, *rows = list(csv.reader(f))
    numbers = {c.name for c in table(path.stem).columns if c.type == "number"}
    is_number = [name in numbers for name in header]
    return [
        header,
        *(
            [
                float(cell) if number and cell else cell
                for cell, number in zip(row, is_number, strict=True)
            ]
            for row in rows
        ),
    ]


def csv_cell(value: object) -> str | float:
    """A value as the CSV holds it: verbatim, "" for null, booleans as JSON writes them,
    numbers by value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return value
    return "" if value is None else str(value)


def parquet_cells(path: Path) -> list[list[str]]:
    """A Parquet table as its CSV must hold it."""
    data = pq.ParquetFile(path).read()  # the file alone: no dataset discovery per read
    rows = [[csv_cell(v) for v in row.values()] for row in data.to_pylist()]
    return [data.column_names, *rows]


@EXAMPLES
@given(corpora())
def test_documents_rebuilt_from_the_tables_equal_the_inputs(corpus):
    with tempfile.TemporaryDirectory() as tmp:
        raw = write_corpus(Path(tmp) / "raw", corpus)
        labeled = Path(tmp) / "labeled"
        build(raw.root, labeled, progress=False)
        rebuilt = annotation_documents(labeled)
        policies = pq.ParquetFile(labeled / "policies.parquet").read().to_pylist()
        for spec in TABLES:  # the CSV says what the Parquet says, cell for cell
            assert csv_cells(labeled / f"{spec.name}.csv") == parquet_cells(
                labeled / f"{spec.name}.parquet"
            )

    inputs = {}
    for policy in corpus:
        for document in policy["documents"]:
            ordered = sorted(document["practices"], key=lambda p: p["practice_id"])
            inputs[document["policy_id"], document["annotator"]] = {
                **document,
                "practices": ordered,
            }
    assert rebuilt == inputs
    assert {p["policy_id"]: p["text"] for p in policies} == {
        p["sidecar"]["policy_id"]: p["text"] for p in corpus
    }
