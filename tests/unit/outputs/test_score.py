"""The scorer, on layers small enough to check by hand, and on corpora built in tmp folders."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from privacy_labels.contract.schemes import scheme
from privacy_labels.outputs.predictions import labels_of
from privacy_labels.outputs.score import Counts, Layer, ScoreError, table_layer
from privacy_labels.outputs.score import score as score_in
from privacy_labels.raw.documents import annotation_document
from tests.conftest import FIXTURE_RAW, read_json

OPP115 = scheme("opp115")


def score(reference: Layer, candidate: Layer, **options):
    """`score` on opp115's labels, the scheme of every layer here."""
    return score_in(reference, candidate, scheme=OPP115, **options)


POLICY_TEXT = (
    "Intro to our notice.\n\n"
    "We collect your email address to send news.\n\n"
    "We share your location with advertisers.\n\n"
    "Write to privacy at example dot org.\n"
)


def layer(name: str, labels: dict[int, list[str]], n_annotators: int = 1, n_segments: int = 4):
    """A layer of one policy `p`; labels maps segment -> labels, repeated once per annotator."""
    return Layer(
        name,
        {"p": n_annotators},
        {("p", s) for s in range(n_segments)},
        {"p": "0" * 64},
        labels={("p", s): Counter(given) for s, given in labels.items()},
    )


# -- The figures, by hand --------------------------------------------------------------------


def test_counts_by_hand():
    c = Counts(tp=2, fp=1, fn=3)
    assert (c.precision, c.recall, c.f1, c.support) == (2 / 3, 2 / 5, 4 / 8, 5)
    assert Counts().precision is None and Counts().recall is None and Counts().f1 is None
    assert Counts(fp=2).f1 == 0.0 and Counts(fp=2).recall is None


def test_a_score_computed_by_hand():
    fp, tp = "first_party_collection_use", "third_party_sharing_collection"
    reference = layer("ref", {0: [fp], 1: [fp, tp], 2: [tp]})
    candidate = layer("cand", {0: [fp], 1: [fp], 2: [fp], 3: [tp]})
    result = score(reference, candidate, label_set="10")
    # first party: TP segments 0, 1; FP 2 → P 2/3, R 1, F1 4/5.
    assert result.labels[fp] == Counts(tp=2, fp=1, fn=0)
    assert result.labels[fp].f1 == pytest.approx(0.8)
    # third party: TP none; FP 3; FN 1, 2 → P 0, R 0, F1 0.
    assert result.labels[tp] == Counts(tp=0, fp=1, fn=2)
    assert result.micro == Counts(tp=2, fp=2, fn=2)
    assert result.micro.f1 == pytest.approx(0.5)
    # macro over the two labels with support: F1 (0.8 + 0) / 2, P (2/3 + 0) / 2, R (1 + 0) / 2
    assert result.macro == pytest.approx(
        {"precision": 1 / 3, "recall": 0.5, "f1": 0.4, "n_labels": 2}
    )
    assert result.n_segments == 4 and result.n_policies == 1


def test_a_label_with_no_support_is_listed_but_not_averaged():
    fp, security = "first_party_collection_use", "data_security"
    reference = layer("ref", {0: [fp]})
    candidate = layer("cand", {0: [fp], 1: [security]})
    result = score(reference, candidate, label_set="10")
    assert result.labels[security] == Counts(fp=1)
    assert result.labels[security].support == 0
    assert (result.labels[security].precision, result.labels[security].f1) == (0.0, 0.0)
    assert result.labels[security].recall is None
    assert result.labels["do_not_track"].f1 is None  # in neither: 0/0
    assert result.macro["n_labels"] == 1 and result.macro["f1"] == 1.0
    assert result.micro.precision == 0.5  # its false positive still counts in micro
    assert result.to_dict()["labels"][OPP115.category_ids.index("do_not_track")]["f1"] is None


def test_empty_predictions_score_zero_recall_and_no_precision():
    fp = "first_party_collection_use"
    result = score(layer("ref", {0: [fp], 2: [fp]}), layer("cand", {}), label_set="10")
    assert result.labels[fp] == Counts(fn=2)
    assert (result.micro.precision, result.micro.recall, result.micro.f1) == (None, 0.0, 0.0)
    # An undefined precision counts as 0 in the macro mean.
    assert result.macro == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "n_labels": 1}


def test_a_perfect_score():
    given = {0: ["first_party_collection_use"], 1: ["data_retention", "data_security"], 3: []}
    result = score(layer("a", given), layer("b", given), label_set="10")
    assert result.micro.f1 == 1.0 and result.macro["f1"] == 1.0
    assert all(c.f1 == 1.0 for c in result.labels.values() if c.support)


def test_gold_majority_and_any_with_three_annotators():
    fp, tp = "first_party_collection_use", "third_party_sharing_collection"
    # segment 0: fp by 2 of 3, tp by 1 of 3.
    reference = layer("ref", {0: [fp, fp, tp]}, n_annotators=3, n_segments=1)
    candidate = layer("cand", {0: [fp, tp]}, n_segments=1)
    majority = score(reference, candidate, label_set="10", gold="majority")
    assert majority.labels[fp] == Counts(tp=1) and majority.labels[tp] == Counts(fp=1)
    anyone = score(reference, candidate, label_set="10", gold="any")
    assert anyone.labels[fp] == Counts(tp=1) and anyone.labels[tp] == Counts(tp=1)
    # 2 of 4 is no majority.
    even = layer("ref", {0: [fp, fp]}, n_annotators=4, n_segments=1)
    assert score(even, candidate, label_set="10").labels[fp] == Counts(fp=1)


def test_only_segments_both_cover_and_the_split_count():
    fp = "first_party_collection_use"
    reference = layer("ref", {0: [fp], 1: [fp]}, n_segments=2)
    candidate = Layer("cand", {"p": 1, "q": 1}, {("p", 1), ("q", 0)}, {}, {("p", 1): Counter([fp])})
    result = score(reference, candidate, label_set="10")
    assert result.n_segments == 1 and result.labels[fp] == Counts(tp=1)
    with pytest.raises(ScoreError, match="no segment in the test split"):
        score(reference, candidate, label_set="10", split="test", chosen=set())
    assert score(reference, candidate, split="train", chosen={"p"}).n_segments == 1


def test_ten_label_predictions_cannot_be_scored_with_twelve_labels():
    candidate = layer("cand", {0: ["other"]})
    candidate.label_set = "10"
    with pytest.raises(ScoreError, match="score them with --labels 10"):
        score(layer("ref", {}), candidate, label_set="12")


def test_the_label_sets():
    assert len(labels_of(OPP115, "10")) == 10 and "other" in labels_of(OPP115, "10")
    twelve = labels_of(OPP115, "12")
    assert len(twelve) == 12 and "other" not in twelve
    assert twelve[-3:] == [
        "introductory_generic",
        "practice_not_covered",
        "privacy_contact_information",
    ]
    other_types = OPP115.category("other").attribute("other_type").value_ids
    assert set(twelve[-3:]) < set(other_types)  # Other's fourth type, `other`, is no label


# -- Layers read from built tables -----------------------------------------------------------

SEGMENTS = [(0, 20), (22, 65), (67, 107), (109, 145)]


def practice(annotator: str, n: int, segment_id: int, category: str, **given) -> dict:
    """A valid practice: every required attribute at its default (or first value), no span,
    but for the values given as attribute=(value, start, end) or attribute=value."""
    attributes = {}
    for attribute in OPP115.category(category).attributes:
        if attribute.id in given:
            chosen = given[attribute.id]
            if isinstance(chosen, tuple):
                value, start, end = chosen
                attributes[attribute.id] = {
                    "value": value,
                    "span_start": start,
                    "span_end": end,
                    "span_text": POLICY_TEXT[start:end],
                }
            else:
                attributes[attribute.id] = {"value": chosen}
        elif attribute.is_required:
            attributes[attribute.id] = {"value": attribute.default or attribute.value_ids[0]}
    return {
        "practice_id": f"p-{annotator}-{n:03d}",
        "segment_id": segment_id,
        "category": category,
        "attributes": attributes,
    }


def write_corpus(root, documents: dict[str, list[dict]]):
    """A raw corpus of the one policy `p`, with one annotation document per annotator."""
    import hashlib

    from privacy_labels._json import dump_json

    assert [POLICY_TEXT[s:e] for s, e in SEGMENTS][1].startswith("We collect")
    sha256 = hashlib.sha256(POLICY_TEXT.encode()).hexdigest()
    fixture = read_json(FIXTURE_RAW / "policies" / "example.json")
    # The fixture layer's guidelines_version and provenance, required since schema 1.1.0.
    alice = read_json(FIXTURE_RAW / "annotations" / "example" / "alice.json")
    sidecar = {
        **fixture,
        "policy_id": "p",
        "text_sha256": sha256,
        "segments": [{"start": s, "end": e} for s, e in SEGMENTS],
    }
    (root / "policies").mkdir(parents=True)
    (root / "policies" / "p.txt").write_text(POLICY_TEXT, encoding="utf-8")
    (root / "policies" / "p.json").write_text(dump_json(sidecar), encoding="utf-8")
    for annotator, practices in documents.items():
        folder = root / "annotations" / "p"
        folder.mkdir(parents=True, exist_ok=True)
        document = annotation_document(
            policy_id="p",
            annotator=annotator,
            scheme=OPP115.ref,
            text_sha256=sha256,
            annotated_date="2026-11-30",
            method="Written by hand for the test suite.",
            guidelines_version=alice["guidelines_version"],
            provenance=alice["provenance"],
            practices=practices,
        )
        (folder / f"{annotator}.json").write_text(dump_json(document), encoding="utf-8")
    return root


def built(tmp_path, documents):
    from privacy_labels.builder.pipeline import build

    raw = write_corpus(tmp_path / "raw", documents)
    build(raw, tmp_path / "labeled", progress=False)
    return tmp_path / "labeled"


FP, TP, OTHER = "first_party_collection_use", "third_party_sharing_collection", "other"


@pytest.fixture(scope="module")
def two_annotators(tmp_path_factory):
    """Annotators a and b of policy p.

    a: intro (Other: introductory), collect (fp, span "your email address" 33..51),
       share (tp), contact (Other: contact)
    b: intro (Other: introductory), collect (fp, span "email address" 38..51, and tp),
       contact (Other: type `other`, no 12-set label)
    """
    a = [
        practice("a", 1, 0, OTHER, other_type="introductory_generic"),
        practice("a", 2, 1, FP, personal_information_type=("contact", 33, 51)),
        practice("a", 3, 2, TP),
        practice("a", 4, 3, OTHER, other_type="privacy_contact_information"),
    ]
    b = [
        practice("b", 1, 0, OTHER, other_type="introductory_generic"),
        practice("b", 2, 1, FP, personal_information_type=("contact", 38, 51)),
        practice("b", 3, 1, TP),
        practice("b", 4, 3, OTHER, other_type="other"),
    ]
    return built(tmp_path_factory.mktemp("two"), {"a": a, "b": b})


def test_annotator_layers_read_from_tables(two_annotators):
    a, b = table_layer(two_annotators, "a"), table_layer(two_annotators, "b")
    assert a.n_annotators == {"p": 1} and len(a.segments) == 4
    assert a.labels[("p", 0)] == Counter({OTHER: 1, "introductory_generic": 1})
    assert b.labels[("p", 3)] == Counter({OTHER: 1})  # type `other`: no 12-set label
    # 12 labels, b against a, by hand:
    # introductory_generic TP(0); fp TP(1); tp FP(1) FN(2); privacy_contact FN(3)
    result = score(a, b, label_set="12")
    assert result.labels["introductory_generic"] == Counts(tp=1)
    assert result.labels[FP] == Counts(tp=1)
    assert result.labels[TP] == Counts(fp=1, fn=1)
    assert result.labels["privacy_contact_information"] == Counts(fn=1)
    assert result.micro == Counts(tp=2, fp=1, fn=2)
    # 10 labels: Other is TP on 0 and 3.
    assert score(a, b, label_set="10").labels[OTHER] == Counts(tp=2)
    # Attribute values on matched (segment, category) pairs: (0, other), (1, fp), (3, other).
    # other_type: introductory TP; at 3 a says privacy_contact, b says other: FP 1, FN 1.
    # fp's attributes at 1: every value the same (defaults and contact) → all TP.
    result10 = score(a, b, label_set="10")
    assert result10.n_matched_pairs == 3
    assert result10.attributes["other_type"] == Counts(tp=1, fp=1, fn=1)
    assert result10.attributes["personal_information_type"] == Counts(tp=1)
    # Spans: fp at segment 1: a covers "your email address" (3 tokens), b "email address" (2).
    assert result10.spans[FP] == Counts(tp=2, fn=1)
    assert sum(result10.spans.values(), Counts()) == Counts(tp=2, fn=1)


def test_a_layer_against_itself_is_perfect_everywhere(two_annotators):
    folder = table_layer(two_annotators)
    for label_set in ("10", "12"):
        for gold in ("majority", "any"):
            result = score(folder, table_layer(two_annotators), label_set=label_set, gold=gold)
            macro = result.macro
            assert (result.micro.f1, macro["precision"], macro["recall"], macro["f1"]) == (
                1,
                1,
                1,
                1,
            )
            for counts in (
                *result.labels.values(),
                *result.attributes.values(),
                *result.spans.values(),
            ):
                assert counts.fp == counts.fn == 0
                assert counts.f1 in (1.0, None)  # None: a label neither has (0/0)


def test_the_folder_layer_applies_the_gold_rule(two_annotators):
    both = table_layer(two_annotators)
    assert both.n_annotators == {"p": 2}
    a = table_layer(two_annotators, "a")
    # 2 annotators: majority needs both. tp (a at 2, b at 1) is in no majority.
    majority = score(both, a, label_set="12", gold="majority")
    assert majority.labels[TP] == Counts(fp=1)
    assert majority.labels["privacy_contact_information"] == Counts(fp=1)
    anyone = score(both, a, label_set="12", gold="any")
    assert anyone.labels[TP] == Counts(tp=1, fn=1)


def test_score_command(two_annotators, run):
    code, out, err = run("score", "a", "b", "--labeled", two_annotators, "--format", "json")
    assert code == 0, err
    result = json.loads(out)
    assert result["micro"]["f1"] == pytest.approx(4 / 7)  # 2TP / (2TP + FP + FN) = 4/7
    assert result["label_set"] == "12" and result["gold"] == "majority"
    code, out, err = run("score", two_annotators, two_annotators, "--labels", "10")
    assert code == 0, err
    assert "micro" in out and "1.000" in out and "attribute values on 3 matched" in out
    code, _, err = run("score", "a", "nobody", "--labeled", two_annotators)
    assert code == 1 and "no annotation by 'nobody'" in err and "a, b" in err
    code, _, err = run("score", "a", "Not A Slug!", "--labeled", two_annotators)
    assert code == 2 and "not an annotator id" in err
    code, _, err = run("score", "a", "b", "--labeled", two_annotators, "--split", "test")
    assert code == 1 and "no segment in the test split" in err
    code, _, err = run("score", "a", "b", "--labeled", two_annotators / "missing")
    assert code == 1 and "missing: no such folder of built tables" in err and "build" in err


def test_score_equals_agreements_pairwise_f1(two_annotators):
    from privacy_labels.outputs.agreement import agreement

    result = agreement(two_annotators, layers=["a", "b"])
    [pair] = result.pairs
    assert (pair.reference, pair.candidate) == ("a", "b")
    by_score = score(
        table_layer(two_annotators, "a"), table_layer(two_annotators, "b"), label_set="10"
    )
    # 10 labels: TP other@0, first party@1, other@3; FP third party@1; FN third party@2.
    assert pair.f1 == by_score.micro.f1 == pytest.approx(2 * 3 / (2 * 3 + 1 + 1))
    assert result.f1 == pair.f1


def test_on_the_seed_corpus_score_agrees_with_agreements_pairwise_f1(run):
    """Every pair of the seed corpus's independent layers, once it has a second one."""
    from itertools import combinations

    from privacy_labels.contract.layers import CONSOLIDATED
    from privacy_labels.outputs.agreement import agreement
    from privacy_labels.outputs.score import annotator_layers
    from tests.conftest import REPO

    labeled = REPO / "data" / "labeled"
    annotators = [a for a in annotator_layers(labeled) if a != CONSOLIDATED]
    if len(annotators) < 2:
        pytest.skip(f"the seed corpus has one annotator ({', '.join(annotators)})")
    for a, b in combinations(annotators, 2):
        [pair] = agreement(labeled, layers=[a, b]).pairs
        code, out, err = run("score", a, b, "--labels", "10", "--gold", "any", "--format", "json")
        assert code == 0, err
        assert json.loads(out)["micro"]["f1"] == pytest.approx(pair.f1)


def test_self_score_of_the_seed_corpus_is_perfect(run):
    from tests.conftest import REPO

    labeled = REPO / "data" / "labeled"
    code, out, err = run("score", labeled, labeled, "--format", "json")
    assert code == 0, err
    result = json.loads(out)
    assert result["micro"]["f1"] == result["macro"]["f1"] == 1.0
    for section in ("attribute_values", "span_tokens"):
        assert result[section]["micro"]["f1"] == 1.0
    assert {row["f1"] for row in result["labels"]} <= {1.0, None}


def test_score_and_agreement_take_a_scheme_and_its_label_sets(tmp_path, run):
    """The corpus of three schemes: each scheme is scored on its own label sets (app350's
    58), and a command asks which scheme when the tables hold several."""
    from privacy_labels.builder.pipeline import build
    from tests.conftest import FIXTURES

    labeled = tmp_path / "labeled"
    build(FIXTURES / "schemes", labeled, progress=False)
    code, out, err = run("score", labeled, labeled, "--scheme", "app350", "--format", "json")
    assert code == 0, err
    result = json.loads(out)
    assert result["label_set"] == "58" and len(result["labels"]) == 58
    assert result["micro"]["f1"] == 1.0 and result["n_policies"] == 1
    code, out, err = run("score", labeled, labeled, "--scheme", "opp115", "--labels", "10")
    assert code == 0, err
    code, _, err = run("score", labeled, labeled)
    assert code == 1 and "in the schemes app350, mapp, opp115; choose one with --scheme" in err
    code, _, err = run("score", labeled, labeled, "--scheme", "app350", "--labels", "12")
    assert code == 1 and "scheme app350 has no label set '12'; its label sets are 58" in err
    code, _, err = run("agreement", labeled)
    assert code == 1 and "choose one with --scheme" in err
    code, _, err = run("agreement", labeled, "--scheme", "mapp")
    assert code == 1 and "policies have 1 annotator(s)" in err
