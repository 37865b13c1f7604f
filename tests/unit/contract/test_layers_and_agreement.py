"""Comparing layers: practice matching, kappa, pairwise F1 and attribute agreement, checked by hand
and against independent computations on the synthetic two-layer corpus of tests/layered.py."""

from __future__ import annotations

import itertools
import json
import random

import pytest

import privacy_labels as pl
from privacy_labels.builder.pipeline import build
from privacy_labels.contract.layers import LayerPractice, assignment, compare, match
from privacy_labels.contract.schemes import scheme
from privacy_labels.outputs.agreement import agreement, cohen_kappa
from tests.layered import two_layer_corpus, write_json


@pytest.fixture(scope="module")
def labeled(tmp_path_factory):
    root = tmp_path_factory.mktemp("layers")
    build(two_layer_corpus(root), root / "labeled", progress=False)
    return root / "labeled"


def test_assignment_finds_the_least_cost_of_every_rectangular_matrix():
    rng = random.Random(18)
    for _ in range(300):
        n = rng.randint(1, 5)
        m = rng.randint(n, 6)
        cost = [[rng.randint(-20, 20) for _ in range(m)] for _ in range(n)]
        columns = assignment(cost)
        assert len(set(columns)) == n and all(0 <= j < m for j in columns)
        best = min(
            sum(cost[i][j] for i, j in enumerate(chosen))
            for chosen in itertools.permutations(range(m), n)
        )
        assert sum(cost[i][j] for i, j in enumerate(columns)) == best


def _practice(practice_id, **values):
    return LayerPractice(practice_id, 0, "first_party_collection_use", values, scheme("opp115"))


def test_practices_are_paired_by_most_equal_slots_and_defaults_count():
    contact_ads = _practice("a1", personal_information_type="contact", purpose="advertising")
    location_ads = _practice("a2", personal_information_type="location", purpose="advertising")
    theirs = [
        _practice("b1", personal_information_type="location", purpose="marketing"),
        _practice("b2", personal_information_type="contact", purpose="advertising"),
    ]
    pairs = match([contact_ads, location_ads], theirs)
    assert {(p.practice_id, q.practice_id) for p, q in pairs} == {("a1", "b2"), ("a2", "b1")}
    # Every attribute of the category is compared, the defaults filled in as the tables
    # publish them: the two written ones, does_does_not ("does") and five "unspecified".
    assert compare(contact_ads, theirs[1]) == (8, 8)
    assert compare(contact_ads, _practice("x", does_does_not="does_not")) == (5, 8)
    # Leaving a default out and writing it are the same reading.
    written = _practice("a3", does_does_not="does", user_type="unspecified")
    assert compare(_practice("a4"), written) == (6, 6)  # the six optional attributes
    # More practices on one side: min(m, n) pairs, the best partner kept.
    assert [(p.practice_id, q.practice_id) for p, q in match([contact_ads], theirs)] == [
        ("a1", "b2")
    ]
    assert match([], theirs) == []


def test_cohen_kappa_of_an_example_computed_by_hand():
    # 3 items: (yes, yes), (no, yes), (no, no): p_o = 2/3; p_a = 1/3, p_b = 2/3;
    # P_e = 2/9 + 2/9 = 4/9; kappa = (2/3 - 4/9) / (5/9) = 2/5.
    assert cohen_kappa([True, False, False], [True, True, False]) == pytest.approx(0.4)
    assert cohen_kappa([True, True], [True, True]) is None  # P_e = 1


def test_agreement_of_two_layers_by_hand(labeled):
    result = agreement(labeled)
    assert (result.statistic, result.layers, result.n_annotators) == ("cohen", ["alice", "bob"], 2)
    by_category = {c.category: c for c in result.categories}
    # first_party_collection_use: (yes, yes), (no, yes), (no, no) → the example above.
    assert by_category["first_party_collection_use"].kappa == pytest.approx(0.4)
    # user_choice_control: alice alone on segment 0: p_o = 2/3, p_a = 1/3, p_b = 0,
    # P_e = 2/3 → kappa 0.
    assert by_category["user_choice_control"].kappa == pytest.approx(0.0, abs=1e-12)
    assert by_category["data_retention"].kappa == pytest.approx(1.0)
    # Labels: alice 5, bob 5, shared 4 → F1 = 8 / 10; precision = recall = 4/5.
    assert result.f1 == pytest.approx(0.8)
    (pair,) = result.pairs
    assert (pair.reference, pair.candidate) == ("alice", "bob")
    assert (pair.precision, pair.recall) == (pytest.approx(0.8), pytest.approx(0.8))
    assert by_category["first_party_collection_use"].f1 == pytest.approx(2 / 3)
    # Matched pairs, every attribute of their category compared (defaults filled in): 001
    # (9 slots), 002 (9, purpose differs), 004 (9), 006 (3), 007 (3): 32 of 33 slots equal;
    # alice-005 has no partner.
    assert (result.n_equal_slots, result.n_compared_slots) == (32, 33)
    assert (result.n_matched_practices, result.n_unmatched_practices) == (5, 1)
    assert result.attributes["purpose"] == {
        "n_compared_slots": 3,
        "n_equal_slots": 2,
        "agreement": pytest.approx(2 / 3),
    }
    assert pair.attribute_agreement == pytest.approx(32 / 33)
    (policy,) = result.policies
    assert policy.policy_id == "example" and policy.figures.f1 == pytest.approx(0.8)


def test_pairwise_f1_is_the_micro_f1_of_the_triple_sets(labeled):
    practices = pl.load("practices", labeled)
    triples = {
        annotator: set(
            zip(group["policy_id"], group["segment_id"], group["category"].astype(str), strict=True)
        )
        for annotator, group in practices.groupby("annotator", observed=True)
    }
    a, b = triples["alice"], triples["bob"]
    assert agreement(labeled).f1 == pytest.approx(2 * len(a & b) / (len(a) + len(b)))


def test_the_consolidated_layer_is_not_a_vote_and_layers_can_be_named(tmp_path, run):
    raw = two_layer_corpus(tmp_path)
    documents = raw / "annotations" / "example"
    alice = json.loads((documents / "alice.json").read_text(encoding="utf-8"))
    carol = {**alice, "annotator": "carol", "practices": []}
    write_json(documents / "carol.json", carol)
    consolidated = {
        **alice,
        "annotator": "consolidated",
        "practices": [
            {**p, "practice_id": p["practice_id"].replace("alice", "consolidated")}
            for p in alice["practices"]
        ],
    }
    write_json(documents / "consolidated.json", consolidated)
    code, _, err = run("build", "--quiet", "--raw", raw, "--out", tmp_path / "labeled")
    assert code == 0, err
    code, out, _ = run("agreement", tmp_path / "labeled", "--format", "json")
    result = json.loads(out)
    assert code == 0 and result["statistic"] == "fleiss"
    assert result["layers"] == ["alice", "bob", "carol"] and result["n_annotators"] == 3
    assert len(result["pairs"]) == 3
    code, out, _ = run("agreement", tmp_path / "labeled", "--layers", "alice,bob")
    assert code == 0 and "Cohen's kappa" in out and "bob against alice" in out
    code, _, err = run("agreement", tmp_path / "labeled", "--layers", "alice,dave")
    assert code == 1 and "no policy has every layer of alice, dave" in err
    assert run("agreement", tmp_path / "labeled", "--layers", "alice")[0] == 2


def test_agreement_text_names_the_statistic_and_the_figures(labeled, run):
    code, out, _ = run("agreement", labeled)
    assert code == 0
    assert (
        "Cohen's kappa per label of opp115's 10-label set, segment level: 1 policies with 2 "
        "annotators" in out
    )
    assert "pairwise segment-level F1 (micro): 0.800" in out
    assert "attribute-value agreement on matched practices: 0.970 (32 of 33 slots" in out
