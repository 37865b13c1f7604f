"""The committed tables in data/labeled/: the data contract a user relies on."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import privacy_labels as pl
from privacy_labels._files import sha256_file
from privacy_labels.builder.pipeline import MANIFEST
from privacy_labels.contract.schemes import scheme
from privacy_labels.contract.tables import TABLES
from tests.conftest import REPO
from tests.data.seed import seed_only

LABELED = REPO / "data" / "labeled"


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    return {name: pl.load(name, LABELED) for name in pl.tables()}


@pytest.mark.parametrize("spec", TABLES, ids=lambda t: t.name)
def test_primary_keys_are_unique_and_complete(frames, spec):
    frame = frames[spec.name]
    key = list(spec.primary_key)
    assert frame[key].notna().all().all()
    assert not frame.duplicated(key).any()


@pytest.mark.parametrize("spec", [t for t in TABLES if t.foreign_keys], ids=lambda t: t.name)
def test_every_foreign_key_resolves(frames, spec):
    for fk in spec.foreign_keys:
        child = frames[spec.name][list(fk.columns)].astype(str)
        parent = frames[fk.table][list(fk.references)].astype(str)
        parent.columns = list(fk.columns)
        missing = child.merge(parent.drop_duplicates(), how="left", indicator=True)
        assert (missing["_merge"] == "both").all(), f"{spec.name}{fk.columns} → {fk.table}"


def test_every_span_is_the_policy_text_at_its_offsets(frames):
    texts = frames["policies"].set_index("policy_id")["text"]
    values = frames["attribute_values"].merge(frames["practices"][["practice_id", "policy_id"]])
    spans = values.dropna(subset=["span_start"])
    assert len(spans) > 0
    for row in spans.itertuples():
        assert texts[row.policy_id][row.span_start : row.span_end] == row.span_text, row.practice_id


def test_segments_are_slices_of_their_policy(frames):
    texts = frames["policies"].set_index("policy_id")["text"]
    for row in frames["segments"].itertuples():
        assert texts[row.policy_id][row.start : row.end] == row.text


def test_every_label_is_in_its_taxonomy_slot(frames):
    tax = scheme("opp115")
    for row in frames["attribute_values"].itertuples():
        attribute = tax.category(row.category).attribute(row.attribute)
        assert attribute is not None, (row.practice_id, row.attribute)
        assert row.value in attribute.value_ids, (row.practice_id, row.value)


def test_every_practice_has_its_required_attributes(frames):
    present = frames["attribute_values"].groupby("practice_id", observed=True)["attribute"].agg(set)
    for row in frames["practices"].itertuples():
        required = {
            a.id for a in scheme("opp115").category(row.category).attributes if a.is_required
        }
        assert required <= present.get(row.practice_id, set()), row.practice_id


@pytest.fixture(scope="module")
def seed(frames) -> dict[str, pd.DataFrame]:
    return seed_only(frames)


def test_the_seed_corpus_is_annotated_throughout(seed):
    practices = seed["practices"]
    assert len(seed["policies"]) == 5
    assert len(practices) >= 150
    assert practices["category"].nunique() >= 8
    labeled_segments = set(zip(practices["policy_id"], practices["segment_id"], strict=True))
    all_segments = set(
        zip(seed["segments"]["policy_id"], seed["segments"]["segment_id"], strict=True)
    )
    # Guidelines R2.3 leave a segment without practice only when it states none and is
    # no introduction, contact or uncovered practice: rare (OPP-115: 1.6% of segments).
    assert labeled_segments <= all_segments
    assert len(all_segments - labeled_segments) <= 0.02 * len(all_segments)


def test_manifest_lists_the_sha256_of_every_output():
    manifest = json.loads((LABELED / MANIFEST).read_text())
    on_disk = {
        p.relative_to(LABELED).as_posix()
        for p in LABELED.rglob("*")
        if p.is_file() and p.name != MANIFEST
    }
    assert set(manifest["outputs"]) == on_disk
    for name, digest in manifest["outputs"].items():
        assert sha256_file(LABELED / name) == digest, name


def test_committed_tables_equal_a_fresh_build(tmp_path, run):
    code, _, _ = run(
        "build", "--quiet", "--raw", REPO / "data" / "raw", "--out", tmp_path / "fresh"
    )
    assert code == 0
    committed = sorted(p for p in LABELED.rglob("*") if p.is_file())
    built = sorted(p for p in (tmp_path / "fresh").rglob("*") if p.is_file())
    assert [p.relative_to(LABELED) for p in committed] == [
        p.relative_to(tmp_path / "fresh") for p in built
    ]
    for path in committed:
        fresh = tmp_path / "fresh" / path.relative_to(LABELED)
        assert fresh.read_bytes() == path.read_bytes(), f"{path.name}: run `make build` and commit"


def test_the_dataset_page_figures_are_the_seed_corpus(seed):
    readme = (REPO / "docs" / "dataset.md").read_text(encoding="utf-8")
    n_rows = {name: len(frame) for name, frame in seed.items()}
    for label, table in [
        ("policies", "policies"),
        ("segments", "segments"),
        ("practices", "practices"),
        ("attribute values", "attribute_values"),
    ]:
        assert f"| {label} | {n_rows[table]:,}" in readme, (
            f"docs/dataset.md's {label} row is out of date"
        )


def test_the_wide_view_is_the_segment_label_matrix_of_before_1_0_0(frames):
    """`load("segment_labels", wide=True, scheme="opp115")` has the columns segment_labels had
    in release 0.2.0, in their order and dtypes, and per segment and category the counts and
    labels its practices give: annotators but the consolidated layer with a practice of the
    category there, and the consolidated layer's own."""
    wide = pl.load("segment_labels", LABELED, wide=True, scheme="opp115")
    released = pl.load("segment_labels", version="0.2.0")
    assert list(wide.columns) == list(released.columns)
    assert wide.dtypes.astype(str).to_dict() == released.dtypes.astype(str).to_dict()
    practices = frames["practices"]
    given = practices.groupby(["policy_id", "segment_id", "category"], observed=True)[
        "annotator"
    ].agg(set)
    labelled = set(frames["annotations"]["policy_id"])
    segments = frames["segments"]
    assert len(wide) == segments["policy_id"].isin(labelled).sum()
    for row in wide.itertuples(index=False):
        row = row._asdict()
        for c in scheme("opp115").category_ids:
            who = set(given.get((row["policy_id"], row["segment_id"], c), ()))
            n = len(who - {"consolidated"})
            assert (row[f"n_{c}"], row[f"share_{c}"]) == (n, n / row["n_annotators"])
            assert row[f"is_majority_{c}"] == (2 * n > row["n_annotators"])
            assert row[f"has_{c}"] == ("consolidated" in who)
