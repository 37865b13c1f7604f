"""One corpus, several label schemes: an OPP-115 document, a MAPP document with a legal
basis and an APP-350 document validate, build and load side by side, each row in its
scheme; a fourth scheme is a folder of the corpus, with no module changed.

tests/fixtures/schemes/ holds the three policies (texts written for the tests): kiosk-en
(English, opp115), kiosk-de (its German version, mapp, with a legal basis; one
policy_group_id links the two) and mapstore (app350). tests/integration/test_schemes.py
runs the quality gate on the same builds.
"""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pyarrow.parquet as pq
import pytest

import privacy_labels as pl
from privacy_labels.builder.pipeline import build
from privacy_labels.contract.scheme_set import package_schemes
from privacy_labels.contract.schemes import read_scheme, scheme
from privacy_labels.errors import InvalidArgument
from tests.conftest import FIXTURES, read_json
from tests.tiny_scheme import tiny_corpus

CORPUS = FIXTURES / "schemes"
SCHEME_OF = {"kiosk-en": "opp115", "kiosk-de": "mapp", "mapstore": "app350"}


@pytest.fixture(scope="module")
def labeled(tmp_path_factory):
    folder = tmp_path_factory.mktemp("schemes") / "labeled"
    build(CORPUS, folder, progress=False)
    return folder


@pytest.fixture(scope="module")
def tiny_labeled(tmp_path_factory):
    root = tmp_path_factory.mktemp("tiny")
    build(tiny_corpus(root / "raw", CORPUS), root / "labeled", progress=False)
    return root / "labeled"


def test_the_corpus_of_three_schemes_validates(run):
    code, out, err = run("validate", CORPUS)
    assert (code, err) == (0, "") and out.startswith("valid: 6 file(s)")


def test_each_row_says_its_scheme(labeled):
    for name in ("practices", "attribute_values", "mapped_values", "segment_labels"):
        frame = pl.load(name, labeled)
        policy = (
            frame["policy_id"]
            if "policy_id" in frame
            else frame["practice_id"].str.rsplit("-", n=2).str[0]
        )
        assert (frame["scheme"].astype(str) == policy.map(SCHEME_OF)).all(), name
    annotations = pl.load("annotations", labeled).set_index("policy_id")
    assert annotations["scheme"].astype(str).to_dict() == SCHEME_OF
    assert set(annotations["scheme_version"]) == {"1.0.0"}
    labels = pl.load("policy_labels", labeled)
    assert (labels["scheme"].astype(str) == labels["policy_id"].map(SCHEME_OF)).all()


def test_the_build_holds_and_lists_the_schemes_its_tables_are_in(labeled):
    manifest = read_json(labeled / "manifest.json")
    assert {s: entry["version"] for s, entry in manifest["schemes"].items()} == {
        "opp115": "1.0.0",
        "app350": "1.0.0",
        "mapp": "1.0.0",
    }
    for scheme_id, entry in manifest["schemes"].items():
        assert read_scheme(labeled / "schemes" / scheme_id) == scheme(scheme_id)
        for name, digest in entry["files"].items():
            assert manifest["outputs"][f"schemes/{scheme_id}/{name}"] == digest


def test_a_seed_build_holds_the_hub_alone(tmp_path):
    """A scheme is copied when a document names it; the hub always (policy_labels answers
    its questions)."""
    from tests.conftest import FIXTURE_RAW

    build(FIXTURE_RAW, tmp_path / "labeled", progress=False)
    assert sorted(p.name for p in (tmp_path / "labeled" / "schemes").iterdir()) == ["opp115"]


def test_every_label_loads_none_missing(labeled):
    for name in pl.tables():
        frame = pl.load(name, labeled)
        written = pq.read_table(labeled / f"{name}.parquet").to_pandas()
        for column in frame.columns:
            if isinstance(frame[column].dtype, pd.CategoricalDtype):
                assert frame[column].isna().sum() == written[column].isna().sum(), (name, column)
    practices = pl.load("practices", labeled)
    # The union of the build's schemes, hub first: opp115's, then app350's new categories.
    assert list(practices["category"].cat.categories) == (
        scheme("opp115").category_ids + scheme("app350").category_ids
    )


@pytest.mark.parametrize("scheme_id", ["opp115", "mapp", "app350"])
def test_the_wide_view_of_each_scheme_has_a_column_per_label(labeled, scheme_id):
    wide = pl.load("segment_labels", labeled, wide=True, scheme=scheme_id)
    labels = [label.id for label in scheme(scheme_id).label_sets[scheme(scheme_id).first_label_set]]
    assert [c for c in wide.columns if c.startswith("has_")] == [f"has_{x}" for x in labels]
    policy_id = next(p for p, s in SCHEME_OF.items() if s == scheme_id)
    assert set(wide["policy_id"]) == {policy_id} and len(wide) == 3  # its three segments
    assert wide["text"].str.len().gt(0).all()


def test_the_wide_view_of_several_schemes_asks_which(labeled):
    with pytest.raises(InvalidArgument, match=r"several schemes \(app350, mapp, opp115\)"):
        pl.load("segment_labels", labeled, wide=True)
    with pytest.raises(InvalidArgument, match="no segment labels of scheme 'nope'"):
        pl.load("segment_labels", labeled, wide=True, scheme="nope")
    with pytest.raises(InvalidArgument, match="give the segment_labels matrix, not practices"):
        pl.load("practices", labeled, wide=True)


def test_app350_practices_are_labelled_by_their_58(labeled):
    wide = pl.load("segment_labels", labeled, wide=True, scheme="app350").set_index("segment_id")
    assert wide.loc[1, "has_location_gps_1stparty"] and not wide.loc[1, "has_contact_1stparty"]
    # "never share": a practice not performed still has its label, its modality says no
    assert wide.loc[2, "has_location_gps_3rdparty"]


def test_policy_labels_and_mapped_values_speak_the_hubs_terms(labeled):
    labels = pl.load("policy_labels", labeled).set_index(["policy_id", "question", "answer"])
    assert labels.loc[("mapstore", "shared", "location"), "status"] == "does_not"
    assert labels.loc[("mapstore", "collected", "location"), "status"] == "does"
    for purpose in ("advertising", "marketing"):  # MAPP's merged value answers both
        assert labels.loc[("kiosk-de", "collected_for", purpose), "status"] == "does"
    mapped = pl.load("mapped_values", labeled)
    merged = mapped[(mapped.practice_id == "kiosk-de-bob-001") & (mapped.attribute == "purpose")]
    assert sorted(merged["value"].astype(str)) == ["advertising", "marketing"]
    assert set(merged["mapping_kind"]) == {"merged"}
    assert "legal_basis" not in set(mapped["attribute"])  # no counterpart in OPP-115
    gps = mapped[
        (mapped.practice_id == "mapstore-carol-001") & (mapped.attribute != "does_does_not")
    ]
    assert gps[["category", "attribute", "value", "mapping_kind"]].astype(str).values.tolist() == [
        ["first_party_collection_use", "personal_information_type", "location", "narrower"]
    ]


def test_policies_carry_their_language_and_link_their_versions(labeled):
    policies = pl.load("policies", labeled).set_index("policy_id")
    assert policies["language"].to_dict() == {"kiosk-de": "de", "kiosk-en": "en", "mapstore": "en"}
    assert (
        policies.loc["kiosk-de", "policy_group_id"] == policies.loc["kiosk-en", "policy_group_id"]
    )
    assert pd.isna(policies.loc["mapstore", "policy_group_id"])


def test_the_legal_basis_document_is_refused_under_opp115_naming_the_scheme(tmp_path, run):
    raw = shutil.copytree(CORPUS, tmp_path / "raw")
    path = raw / "annotations" / "kiosk-de" / "bob.json"
    document = read_json(path)
    document["scheme"] = scheme("opp115").ref
    path.write_text(json.dumps(document), encoding="utf-8")
    code, _, err = run("validate", path)
    assert code == 1
    assert (
        f"{path}: $.practices[0].attributes.legal_basis: attribute 'legal_basis' is not allowed "
        "for category 'first_party_collection_use' in scheme opp115 1.0.0\n"
        "    hint: the document says scheme opp115 — did you mean mapp?"
    ) in err
    code, _, err = run("build", "--raw", raw, "--out", tmp_path / "labeled")
    assert code == 1 and "in scheme opp115 1.0.0" in err and not (tmp_path / "labeled").exists()


# -- A fourth scheme, a folder of the corpus ----------------------------------------------


def test_a_fourth_scheme_of_the_corpus_validates_builds_and_loads(tiny_labeled, tmp_path, run):
    assert "tiny" not in package_schemes().ids  # no module or package folder knows it
    code, _, err = run("validate", tiny_corpus(tmp_path / "raw", CORPUS))
    assert code == 0, err
    practices = pl.load("practices", tiny_labeled).set_index("practice_id")
    assert practices.loc["photos-dana-001", ["scheme", "category"]].tolist() == ["tiny", "keeps"]
    values = pl.load("attribute_values", tiny_labeled)
    photos = values[values.scheme == "tiny"].set_index("attribute")
    assert photos.loc["is_stated", "value"] == "yes" and not photos.loc["is_stated", "is_annotated"]
    wide = pl.load("segment_labels", tiny_labeled, wide=True, scheme="tiny")
    assert [c for c in wide.columns if c.startswith("has_")] == [
        "has_keeps_forever",
        "has_keeps_a_while",
    ]
    assert wide.set_index("segment_id").loc[1, "has_keeps_forever"]
    labels = pl.load("policy_labels", tiny_labeled).set_index(["policy_id", "question", "answer"])
    assert labels.loc[("photos", "retention", "indefinitely"), "status"] == "does"


def test_the_labels_load_from_the_builds_schemes_not_the_packages(tiny_labeled):
    """The build describes its own labels: `tiny`, which the package does not have, loads
    with every label, from schemes/tiny/ of the build."""
    assert (tiny_labeled / "schemes" / "tiny" / "scheme.json").is_file()
    values = pl.load("attribute_values", tiny_labeled)
    assert {"keeps"} <= set(values["category"].cat.categories)
    assert {"how_long", "is_stated"} <= set(values["attribute"].cat.categories)
    assert values["value"].isna().sum() == 0
    scheme_ids = list(pl.load("practices", tiny_labeled)["scheme"].cat.categories)
    assert scheme_ids == ["opp115", "app350", "mapp", "tiny"]
