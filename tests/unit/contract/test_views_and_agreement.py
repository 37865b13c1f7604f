"""The ML-ready views (segment_labels, splits) and agreement, on corpora small enough to check by hand."""

from __future__ import annotations

import hashlib
import json
from collections import Counter

import pytest

import privacy_labels as pl
from privacy_labels.contract.views import SPLIT_RATIOS, split_of
from privacy_labels.outputs.agreement import AgreementError, agreement, fleiss_kappa
from tests.conftest import FIXTURE_RAW, FIXTURES


@pytest.fixture(scope="module")
def opp115_labeled(tmp_path_factory):
    """The OPP-115-format fixture, imported and built: 2 policies with 3 and 2 annotators."""
    from privacy_labels.builder.pipeline import build
    from privacy_labels.importers.opp115 import import_opp115

    folder = tmp_path_factory.mktemp("views")
    import_opp115(FIXTURES / "opp115", folder / "raw", progress=False)
    build(folder / "raw", folder / "labeled", progress=False)
    return folder / "labeled"


# -- Fleiss' kappa ---------------------------------------------------------------------------


def test_fleiss_kappa_of_an_example_computed_by_hand():
    # 4 segments, 3 annotators, yes-votes 3, 0, 2, 1:
    # P_i = 1, 1, 1/3, 1/3 → P̄ = 2/3; p = 6/12 → P_e = 1/2; kappa = (2/3 - 1/2) / (1/2) = 1/3.
    assert fleiss_kappa([3, 0, 2, 1], 3) == pytest.approx(1 / 3)


def test_fleiss_kappa_limits():
    assert fleiss_kappa([3, 0, 3, 0], 3) == pytest.approx(1.0)  # perfect agreement
    assert fleiss_kappa([0, 0, 0], 3) is None  # nobody said yes: chance agreement is perfect
    # Every item split 1 of 2: agreement below chance.
    assert fleiss_kappa([1, 1, 1, 1], 2) == pytest.approx(-1.0)
    with pytest.raises(AgreementError):
        fleiss_kappa([1], 1)


# -- segment_labels --------------------------------------------------------------------------


def test_segment_labels_has_one_row_per_segment_and_label_of_the_scheme(opp115_labeled):
    labels = pl.load("segment_labels", opp115_labeled)
    assert len(labels) == 5 * 10  # five segments, opp115's ten categories
    assert set(labels["scheme"]) == {"opp115"} and set(labels["label_set"]) == {"10"}
    (row,) = labels[
        (labels["policy_id"] == "opp115-7-example-org")
        & (labels["segment_id"] == 1)
        & (labels["label"] == "first_party_collection_use")
    ].itertuples()
    assert (row.n_annotators, row.n_labeled, row.share_labeled, row.is_majority) == (3, 3, 1, True)
    assert "text" not in labels.columns  # the text is in segments


def test_segment_labels_has_one_row_per_segment_with_annotator_counts(opp115_labeled):
    labels = pl.load("segment_labels", opp115_labeled, wide=True)
    segments = pl.load("segments", opp115_labeled)
    assert len(labels) == len(segments) == 5
    row = labels.set_index(["policy_id", "segment_id"]).loc[("opp115-7-example-org", 1)]
    # Segment 1 of the fixture: first-party practices by 201, 202 and 203; a choice by 203.
    assert row["n_annotators"] == 3
    assert (row["n_first_party_collection_use"], row["is_majority_first_party_collection_use"]) == (
        3,
        True,
    )
    assert (row["n_user_choice_control"], row["is_majority_user_choice_control"]) == (1, False)
    assert row["text"].startswith("What we collect")
    two = labels.set_index(["policy_id", "segment_id"]).loc[("opp115-12-sample-net", 0)]
    assert (two["n_annotators"], two["n_data_security"], two["is_majority_data_security"]) == (
        2,
        2,
        True,
    )
    assert str(labels["is_majority_other"].dtype) == "boolean"


def test_a_single_annotator_corpus_has_majority_wherever_it_labeled(tmp_path, run):
    run("build", "--quiet", "--raw", FIXTURE_RAW, "--out", tmp_path / "labeled")
    labels = pl.load("segment_labels", tmp_path / "labeled", wide=True)
    assert (labels["n_annotators"] == 1).all()
    assert (
        labels["is_majority_first_party_collection_use"]
        == (labels["n_first_party_collection_use"] == 1)
    ).all()


# -- splits ----------------------------------------------------------------------------------


def test_the_default_split_has_one_row_per_policy_and_follows_the_seeded_hash(opp115_labeled):
    splits = pl.load("splits", opp115_labeled)
    default = splits[splits["split_name"] == "default"]
    assert list(default["policy_id"]) == list(pl.load("policies", opp115_labeled)["policy_id"])
    assert list(splits["part"].cat.categories) == ["train", "validation", "test"]
    assert all(row.part == split_of(row.policy_id) for row in default.itertuples())
    # The fixture's two policies are in no list of the field's OPP-115 splits: no rows there.
    assert set(splits["split_name"]) == {"default"}


def test_split_ratios_hold_over_many_policies_and_never_depend_on_the_corpus():
    counts = Counter(split_of(f"policy-{i}") for i in range(20_000))
    for split, ratio in SPLIT_RATIOS.items():
        assert counts[split] / 20_000 == pytest.approx(ratio, abs=0.01)


def test_a_split_is_the_documented_hash_of_the_policy_id_alone():
    # The README's rule, computed here: a policy's split never depends on the rest of the corpus.
    for policy_id in ("smartjac", "opp115-105-amazon-com", "acme"):
        u = int(
            hashlib.sha256(f"privacy-labels-splits-v1:{policy_id}".encode()).hexdigest()[:16], 16
        )
        u /= 16**16
        assert split_of(policy_id) == ("train" if u < 0.8 else "validation" if u < 0.9 else "test")


# -- agreement -------------------------------------------------------------------------------


def test_agreement_uses_the_policies_with_the_most_common_number_of_annotators(opp115_labeled):
    result = agreement(opp115_labeled)
    # One policy each with 3 and 2 annotators: the tie goes to 3.
    assert (result.n_annotators, result.n_policies, result.n_segments) == (3, 1, 3)
    assert result.n_policies_left_out == 1
    other = next(c for c in result.categories if c.category == "other")
    # Segments 0, 1, 2 of example.org: "other" by 201+202, nobody, 203 → votes 2, 0, 1:
    # P_i = 1/3, 1, 1/3 → P̄ = 5/9; p = 3/9 → P_e = 5/9; kappa = 0.
    assert other.kappa == pytest.approx(0.0, abs=1e-12)
    assert (other.n_at_least_one, other.n_majority, other.n_all) == (2, 1, 0)
    # sample.net, the same 2 annotators throughout: Cohen's kappa. Data security votes
    # (yes, yes), (no, no): kappa 1. Policy change: one annotator on one of the two segments,
    # the other never: p_o = 1/2, P_e = 1/2 · 0 + 1/2 · 1 = 1/2 → kappa 0.
    result = agreement(opp115_labeled, 2)
    assert result.statistic == "cohen" and len(result.layers) == 2
    two = {c.category: c for c in result.categories}
    assert two["data_security"].kappa == pytest.approx(1.0)
    assert two["policy_change"].kappa == pytest.approx(0.0, abs=1e-12)
    assert two["do_not_track"].kappa is None


@pytest.mark.parametrize("n_annotators", [0, 1, -3])
def test_fewer_than_two_annotators_asked_for_is_refused_not_replaced(opp115_labeled, n_annotators):
    with pytest.raises(
        AgreementError, match=f"^{n_annotators} annotators asked for; .* at least 2"
    ):
        agreement(opp115_labeled, n_annotators)


def test_agreement_command_prints_a_table_and_json(opp115_labeled, run):
    code, out, _ = run("agreement", opp115_labeled)
    assert code == 0
    assert "1 policies with 3 annotators (201, 202, 203), 3 segments" in out
    assert "first_party_collection_use" in out and "-0.000" not in out
    code, out, _ = run("agreement", opp115_labeled, "--format", "json")
    assert json.loads(out)["categories"][0]["category"] == "first_party_collection_use"


def test_agreement_on_a_single_annotator_corpus_says_why_not(tmp_path, run):
    run("build", "--quiet", "--raw", FIXTURE_RAW, "--out", tmp_path / "labeled")
    code, _, err = run("agreement", tmp_path / "labeled")
    assert code == 1 and "agreement needs at least 2" in err
    (tmp_path / "nothing").mkdir()
    code, _, err = run("agreement", tmp_path / "nothing")
    assert code == 1 and "build the tables first" in err


def test_a_policys_labels_come_from_its_labelling_layer_else_from_every_vote():
    from privacy_labels.contract.layers import CONSOLIDATED
    from privacy_labels.contract.views import is_labelling

    assert is_labelling(CONSOLIDATED, CONSOLIDATED) and not is_labelling("alice", CONSOLIDATED)
    assert is_labelling("alice", "alice") and not is_labelling(CONSOLIDATED, "alice")
    assert is_labelling("alice", None) and not is_labelling(CONSOLIDATED, None)  # never a vote
