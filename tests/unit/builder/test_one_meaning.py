"""One meaning per value: counting any value gives the same answer whichever layer or corpus a
practice came from. The seed corpus leaves the defaults out (guideline R3.4), OPP-115 writes
them; in the tables both hold every attribute, `is_annotated` telling which were written."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import privacy_labels as pl
from privacy_labels.builder.pipeline import build
from privacy_labels.cli.app import main
from privacy_labels.contract.schemes import scheme
from tests.conftest import FIXTURES, REPO

FIRST_PARTY, THIRD_PARTY = "first_party_collection_use", "third_party_sharing_collection"


@pytest.fixture(scope="module")
def opp115(tmp_path_factory):
    """The OPP-115 fixture imported and built; one of its practices writes `user_type`
    Unspecified, as 73% of OPP-115's first- and third-party practices write it."""
    root = tmp_path_factory.mktemp("opp115")
    raw = root / "raw"
    assert main(["import", "opp115", str(FIXTURES / "opp115"), "--out", str(raw), "--quiet"]) == 0
    path = raw / "annotations" / "opp115-7-example-org" / "203.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    (practice,) = [p for p in document["practices"] if p["source_id"] == "5005"]
    assert "user_type" not in practice["attributes"]  # "not-selected" in the source
    practice["attributes"]["user_type"] = {"value": "unspecified"}
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    build(raw, root / "labeled", progress=False)
    return root / "labeled"


@pytest.fixture(params=["seed", "opp115"])
def tables(request) -> tuple[pd.DataFrame, pd.DataFrame]:
    folder = (
        REPO / "data" / "labeled" if request.param == "seed" else request.getfixturevalue("opp115")
    )
    return pl.load("practices", folder), pl.load("attribute_values", folder)


def test_every_practice_has_one_row_per_attribute_of_its_category(tables):
    practices, values = tables
    rows = values.groupby("practice_id", observed=True)["attribute"].apply(sorted)
    for practice_id, category in zip(practices["practice_id"], practices["category"], strict=True):
        assert rows[practice_id] == sorted(scheme("opp115").category(category).attribute_ids)


def test_every_first_and_third_party_practice_has_exactly_one_does_does_not_row(tables):
    practices, values = tables
    parties = practices.loc[practices["category"].isin([FIRST_PARTY, THIRD_PARTY]), "practice_id"]
    polarity = values[values["attribute"] == "does_does_not"]
    assert sorted(polarity["practice_id"]) == sorted(parties)
    # counting `does` finds practices whether their layer wrote it or left it out
    assert (polarity["value"] == "does").sum() > 0


def test_a_defaulted_row_has_no_span_and_holds_the_default(tables):
    _, values = tables
    defaulted = values[~values["is_annotated"]]
    assert len(defaulted) > 0
    assert defaulted[["span_start", "span_end", "span_text"]].isna().all(axis=None)
    for category, attribute, value in zip(
        defaulted["category"], defaulted["attribute"], defaulted["value"], strict=True
    ):
        assert value == scheme("opp115").category(category).attribute(attribute).default


def test_counting_unspecified_user_types_counts_written_and_defaulted_rows(opp115):
    practices = pl.load("practices", opp115)
    values = pl.load("attribute_values", opp115)
    with_user_type = [
        c.id for c in scheme("opp115").categories if "user_type" in c.attribute_ids
    ]  # first, third party, choices, access
    n_practices = practices["category"].isin(with_user_type).sum()
    user_type = values[values["attribute"] == "user_type"]
    unspecified = user_type[user_type["value"] == "unspecified"]
    assert len(user_type) == n_practices
    assert set(unspecified["is_annotated"]) == {True, False}  # written once, defaulted too
    assert len(unspecified) == n_practices - (user_type["value"] != "unspecified").sum()
