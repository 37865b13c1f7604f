"""Property tests, seeded: the validator reports every broken document and never raises.

Each property runs on the Hypothesis profile's examples (1,000 in CI; tests/conftest.py) (derandomize=True: the same ones each run),
drawn by the generators of test_round_trip.py.
"""

from __future__ import annotations

import copy
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from privacy_labels._json import dump_json
from privacy_labels.contract.schema import schema_version
from privacy_labels.contract.schemes import scheme
from privacy_labels.raw.documents import annotation_document, make_provenance
from privacy_labels.raw.validate import Validator
from tests.property.test_round_trip import EXAMPLES, corpora, write_corpus

pytestmark = pytest.mark.slow  # minutes in CI: 1,000 corpora per property


def _mutations(doc: dict, text: str, draw) -> list:
    """Edits that make any valid document invalid, each as a function of the document."""
    practices_ = doc["practices"]

    def drop_field(d):
        d.pop(draw(st.sampled_from(sorted(d))))

    def unknown_field(d):
        d[draw(st.sampled_from(["comment", "notes", "Policy_ID"]))] = "x"

    def wrong_type(d):
        d[draw(st.sampled_from(["policy_id", "annotator", "method", "practices"]))] = 42

    edits = [drop_field, unknown_field, wrong_type]
    if practices_:
        index = draw(st.integers(0, len(practices_) - 1))
        practice = practices_[index]
        spans = [a for a in practice["attributes"].values() if "span_start" in a]

        def unknown_category(d):
            d["practices"][index]["category"] = draw(
                st.text(min_size=1, max_size=12).filter(
                    lambda c: c not in scheme("opp115").category_ids
                )
            )

        def foreign_value(d):
            attribute = draw(st.sampled_from(sorted(practice["attributes"])))
            slot = scheme("opp115").category(practice["category"]).attribute(attribute)
            d["practices"][index]["attributes"][attribute]["value"] = draw(
                st.text(max_size=12).filter(lambda v: v not in slot.value_ids)
            )

        def duplicate_practice(d):
            d["practices"].append(copy.deepcopy(practice))

        def missing_segment(d):
            d["practices"][index]["segment_id"] = 10_000

        def negative_segment(d):
            d["practices"][index]["segment_id"] = -1

        edits += [unknown_category, duplicate_practice, missing_segment, negative_segment]
        if practice["attributes"]:
            edits.append(foreign_value)
        if spans:
            span = draw(st.sampled_from(spans))

            def past_the_text(d):
                span["span_end"] = len(text) + draw(st.integers(1, 100))
                d["practices"][index] = practice

            def reversed_span(d):
                span["span_end"] = span["span_start"]
                d["practices"][index] = practice

            def other_words(d):
                span["span_text"] += draw(st.text(min_size=1, max_size=5))
                d["practices"][index] = practice

            edits += [past_the_text, reversed_span, other_words]
    return edits


def first_document(policy: dict) -> dict:
    """The policy's first annotation document, added (with no practices) if it has none."""
    if not policy["documents"]:
        policy["documents"].append(
            annotation_document(
                schema_version=schema_version(),
                policy_id=policy["sidecar"]["policy_id"],
                annotator="alice",
                scheme=scheme("opp115").ref,
                text_sha256=policy["sidecar"]["text_sha256"],
                annotated_date="2026-11-22",
                method="generated",
                guidelines_version="1.0.0",
                provenance=make_provenance("person", process="generated", is_blind=True),
                practices=[],
            )
        )
    return policy["documents"][0]


@EXAMPLES
@given(corpora(max_policies=1), st.data())
def test_every_invalidating_mutation_is_reported(corpus, data):
    policy = corpus[0]
    document = copy.deepcopy(first_document(policy))
    annotator = document["annotator"]
    mutate = data.draw(st.sampled_from(_mutations(document, policy["text"], data.draw)))
    mutate(document)
    with tempfile.TemporaryDirectory() as tmp:
        raw = write_corpus(Path(tmp) / "raw", corpus)
        path = raw.annotations_dir / policy["sidecar"]["policy_id"] / f"{annotator}.json"
        path.write_text(dump_json(document), encoding="utf-8")  # in the valid one's place
        problems = Validator(default_raw=raw.root).validate_corpus(raw)
    assert problems, f"{mutate.__name__} went unreported"


@EXAMPLES
@given(corpora(max_policies=1), st.data())
def test_the_validator_never_raises_on_damaged_bytes(corpus, data):
    """Random byte edits (cut, insert, overwrite, truncate) anywhere: a report, never an exception."""
    policy = corpus[0]
    document = first_document(policy)
    annotator = document["annotator"]
    original = json.dumps(document, indent=2, ensure_ascii=data.draw(st.booleans())).encode()
    damaged = bytearray(original)
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(damaged)))
        edit = data.draw(st.sampled_from(["cut", "insert", "overwrite", "truncate"]))
        junk = data.draw(st.binary(min_size=1, max_size=4))
        if edit == "cut":
            del damaged[at : at + len(junk)]
        elif edit == "insert":
            damaged[at:at] = junk
        elif edit == "overwrite":
            damaged[at : at + len(junk)] = junk
        else:
            del damaged[at:]
    with tempfile.TemporaryDirectory() as tmp:
        raw = write_corpus(Path(tmp) / "raw", corpus)
        path = raw.annotations_dir / policy["sidecar"]["policy_id"] / f"{annotator}.json"
        path.write_bytes(bytes(damaged))
        problems = Validator(default_raw=raw.root).validate_corpus(raw)
    try:
        meaning = json.loads(bytes(damaged).decode("utf-8"))
    except ValueError:  # not JSON, or not UTF-8
        assert problems, "a file that is not JSON went unreported"
    else:
        if meaning == document:  # only whitespace changed: still the same valid document
            assert problems == []
