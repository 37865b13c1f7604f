"""The importer on real OPP-115 data: the five-policy sample in ../shared, when it is there.

Every expectation is computed from the source files themselves (csv module,
numpy), independently of the importer; the sample is never copied into the repo.
"""

from __future__ import annotations

import csv
import json
from collections import Counter

import numpy as np
import pytest

import privacy_labels as pl
from privacy_labels.contract.schemes import scheme
from privacy_labels.importers.opp115 import (
    NO_SPAN_TEXTS,
    html_to_text,
    loose_pattern,
    policy_id_of,
)
from tests.conftest import OPP115_SAMPLE, read_json

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not OPP115_SAMPLE.is_dir(), reason="the OPP-115 sample is in ../shared only"
    ),
]
# The sample's five policies and their practices, as the corpus documents them.
PRACTICES_PER_POLICY = {
    "105_amazon.com": 312,
    "1017_sci-news.com": 58,
    "58_esquire.com": 343,
    "701_tangeroutlet.com": 17,
    "988_solarviews.com": 9,
}
CONSOLIDATED_PRACTICES = {"0.5": 610, "0.75": 678, "1.0": 719}


def source_rows(folder):
    """{policy file stem: rows} read straight from the CSVs."""
    return {
        path.stem: list(csv.reader(path.read_text(encoding="utf-8").splitlines()))
        for path in sorted(folder.glob("*.csv"))
    }


def source_segments(stem):
    html = (OPP115_SAMPLE / "sanitized_policies" / f"{stem}.html").read_text(encoding="utf-8")
    return html.split("|||")


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    from privacy_labels.cli.app import main

    folder = tmp_path_factory.mktemp("opp115-sample")
    raw, labeled = folder / "raw", folder / "labeled"
    assert main(["import", "opp115", str(OPP115_SAMPLE), "--out", str(raw), "--quiet"]) == 0
    assert main(["build", "--quiet", "--raw", str(raw), "--out", str(labeled)]) == 0
    return raw, labeled


def test_every_policy_and_practice_is_imported(imported):
    _, labeled = imported
    rows = source_rows(OPP115_SAMPLE / "annotations")
    assert {stem: len(r) for stem, r in rows.items()} == PRACTICES_PER_POLICY
    practices = pl.load("practices", labeled)
    per_policy = practices.groupby("policy_id").size().to_dict()
    assert per_policy == {policy_id_of(stem): n for stem, n in PRACTICES_PER_POLICY.items()}
    assert set(practices["source_id"]) == {r[0] for rs in rows.values() for r in rs}
    # Annotators are kept: (policy, annotator) pairs equal the source's.
    pairs = set(zip(practices["policy_id"], practices["annotator"], strict=True))
    assert pairs == {(policy_id_of(s), r[2]) for s, rs in rows.items() for r in rs}


def test_category_counts_equal_the_source_csvs(imported):
    _, labeled = imported
    by_name = {c.name: c.id for c in scheme("opp115").categories}
    source = Counter(
        by_name[r[5]] for rs in source_rows(OPP115_SAMPLE / "annotations").values() for r in rs
    )
    built = pl.load("practices", labeled)["category"].astype(str).value_counts().to_dict()
    assert built == dict(source)


def test_every_value_but_not_selected_is_kept(imported):
    _, labeled = imported
    n_values = sum(
        sum(v["value"] != "not-selected" for v in json.loads(r[6]).values())
        for rs in source_rows(OPP115_SAMPLE / "annotations").values()
        for r in rs
    )
    values = pl.load("attribute_values", labeled)
    assert values.is_annotated.sum() == n_values  # the rest are the defaults the tables publish


def test_spans_are_anchored_at_their_text_and_every_findable_span_is_anchored(imported):
    raw, labeled = imported
    report = read_json(raw / "import-report.json")
    n_spans = sum(
        isinstance(v.get("selectedText"), str) and v["selectedText"].strip() not in NO_SPAN_TEXTS
        for rs in source_rows(OPP115_SAMPLE / "annotations").values()
        for r in rs
        for v in json.loads(r[6]).values()
    )
    assert sum(report["spans"].values()) == n_spans == 2740
    assert report["spans"] == {"exact": 2740, "relocated": 0, "unanchorable": 0}
    values = pl.load("attribute_values", labeled).merge(pl.load("practices", labeled))
    texts = pl.load("policies", labeled).set_index("policy_id")["text"]
    anchored = values.dropna(subset=["span_start"])
    assert len(anchored) == report["spans"]["exact"] + report["spans"]["relocated"]
    for row in anchored.itertuples():
        assert texts[row.policy_id][row.span_start : row.span_end] == row.span_text
    stems = {policy_id_of(s): s for s in PRACTICES_PER_POLICY}
    for span in report["spans_not_exact"]:
        if span["outcome"] == "unanchorable":
            segment = source_segments(stems[span["policy_id"]])[span["segment_id"]]
            pattern = loose_pattern(html_to_text(span["selected_text"]).text)
            assert pattern is None or not pattern.search(html_to_text(segment).text)


def test_segments_are_opp115s(imported):
    _, labeled = imported
    segments = pl.load("segments", labeled)
    counts = segments.groupby("policy_id").size().to_dict()
    assert counts == {policy_id_of(s): len(source_segments(s)) for s in PRACTICES_PER_POLICY}


@pytest.mark.parametrize("threshold", CONSOLIDATED_PRACTICES)
def test_consolidated_layers(run, tmp_path, threshold):
    raw = tmp_path / "raw"
    code, out, err = run(
        "import",
        "opp115",
        OPP115_SAMPLE,
        "--out",
        raw,
        "--consolidation",
        threshold,
        "--quiet",
        "--format",
        "json",
    )
    assert code == 0, err
    assert json.loads(out)["n_practices"] == CONSOLIDATED_PRACTICES[threshold]
    rows = source_rows(
        OPP115_SAMPLE / "consolidation" / f"threshold-{threshold}-overlap-similarity"
    )
    assert sum(map(len, rows.values())) == CONSOLIDATED_PRACTICES[threshold]
    annotator = f"consolidated-{threshold.replace('.', '-')}"
    ids = [
        p["source_id"]
        for stem in rows
        for p in read_json(raw / "annotations" / policy_id_of(stem) / f"{annotator}.json")[
            "practices"
        ]
    ]
    assert ids == [r[0] for rs in rows.values() for r in rs]
    assert sum(i.startswith("C") for i in ids) > 0


def _fleiss(table: np.ndarray) -> float:
    """Fleiss' kappa of an items × choices table of rater counts (Fleiss 1971)."""
    n = table.sum(axis=1)[0]
    p_j = table.sum(axis=0) / table.sum()
    p_i = ((table**2).sum(axis=1) - n) / (n * (n - 1))
    p_e = (p_j**2).sum()
    return (p_i.mean() - p_e) / (1 - p_e)


def test_agreement_equals_an_independent_computation_from_the_source_csvs(imported, run):
    _, labeled = imported
    code, out, _ = run("agreement", labeled, "--format", "json")
    assert code == 0
    result = json.loads(out)
    by_name = {c.name: c.id for c in scheme("opp115").categories}
    votes: dict[str, list[int]] = {c: [] for c in by_name.values()}
    for stem, rows in source_rows(OPP115_SAMPLE / "annotations").items():
        annotators = {r[2] for r in rows}
        assert len(annotators) == 3
        for segment_id in range(len(source_segments(stem))):
            for name, category_id in by_name.items():
                said = {r[2] for r in rows if int(r[4]) == segment_id and r[5] == name}
                votes[category_id].append(len(said))
    assert result["n_annotators"] == 3 and result["n_segments"] == len(votes["other"])
    for category in result["categories"]:
        yes = np.array(votes[category["category"]])
        expected = _fleiss(np.column_stack([3 - yes, yes]))
        assert category["kappa"] == pytest.approx(expected), category["category"]
        assert category["n_all"] == int((yes == 3).sum())


def test_the_imported_sample_passes_the_quality_gate(imported, run, tmp_path):
    _, labeled = imported
    code, out, err = run("check", labeled, "--report", tmp_path / "report")
    assert code == 0 and "quality gate passed" in out, err


def test_views_load_one_row_per_segment_and_policy(imported):
    _, labeled = imported
    assert len(pl.load("segment_labels", labeled, wide=True)) == len(pl.load("segments", labeled))
    assert len(pl.load("segments", labeled)) == 101
    splits = pl.load("splits", labeled)
    assert (splits.split_name == "default").sum() == len(pl.load("policies", labeled)) == 5
    # OPP-115's policies are in PLUE's and PolicyQA's splits too (tests/unit/contract/test_splits.py).
    assert set(splits.split_name) == {"default", "plue", "policyqa"} and len(splits) == 15
