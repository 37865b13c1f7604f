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
from tests.conftest import REPO

LABELED = REPO / "data" / "labeled"
RAW = RawCorpus(REPO / "data" / "raw")


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    return {name: pl.load(name, LABELED) for name in pl.tables()}


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
