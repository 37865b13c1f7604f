"""The seed corpus follows docs/guidelines.md wherever a table can check it.

Each test names the rule it checks; a failure lists the practices that break it.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

import privacy_labels as pl
from privacy_labels.corpus import RawCorpus
from privacy_labels.policies import SEGMENTATION, segment_text
from privacy_labels.schema import GUIDELINES_VERSION
from tests.conftest import REPO

LABELED = REPO / "data" / "labeled"
RAW = RawCorpus(REPO / "data" / "raw")


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    return {name: pl.load(name, LABELED) for name in pl.tables()}


def test_the_guidelines_state_the_version_the_package_writes():
    head = (REPO / "docs" / "guidelines.md").read_text(encoding="utf-8")[:200]
    assert f"**Version {GUIDELINES_VERSION}.**" in head


def test_every_seed_layer_says_what_made_it(frames):
    """Provenance: the seed layer is a model's, under these guidelines, unreviewed."""
    annotations = frames["annotations"]
    assert (annotations.guidelines_version == GUIDELINES_VERSION).all()
    claude = annotations[annotations.annotator == "claude"]
    assert len(claude) == len(RAW.policy_ids())
    assert (claude.annotator_kind == "model").all() and claude.model.str.contains("Claude").all()
    assert not claude.is_reviewed.any() and not claude.is_blind.any()


@pytest.mark.parametrize("policy_id", RAW.policy_ids())
def test_segments_are_the_current_rules_and_the_sidecar_says_so(policy_id):
    """Guidelines section 1: each seed policy is cut by the rule its sidecar records."""
    sidecar = json.loads(RAW.sidecar_path(policy_id).read_text(encoding="utf-8"))
    text = RAW.text_path(policy_id).read_text(encoding="utf-8")
    assert sidecar["segmentation"] == SEGMENTATION
    assert [(s["start"], s["end"]) for s in sidecar["segments"]] == segment_text(text)


def test_every_practice_keeps_its_evidence_inside_its_segment(frames):
    """R3.1: every span of a practice lies in the practice's segment; none is lost."""
    spans = frames["attribute_values"].dropna(subset=["span_start"])
    located = spans.merge(frames["practices"][["practice_id", "policy_id", "segment_id"]]).merge(
        frames["segments"][["policy_id", "segment_id", "start", "end"]]
    )
    assert len(located) == len(spans) > 0
    outside = located[(located.span_start < located.start) | (located.span_end > located.end)]
    assert outside.empty, sorted(outside.practice_id)
    with_span = set(spans.practice_id)
    assert with_span == set(frames["practices"].practice_id), "a practice without evidence"
