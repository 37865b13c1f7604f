"""The seed corpus follows docs/guidelines.md wherever a table can check it.

Each test names the rule it checks; a failure lists the practices that break it.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

import privacy_labels as pl
from privacy_labels.contract.schema import GUIDELINES_VERSION
from privacy_labels.contract.schemes import scheme
from privacy_labels.raw.corpus import RawCorpus
from privacy_labels.raw.policies import SEGMENTATION, segment_text
from tests.conftest import REPO
from tests.data.seed import SEED_LAYERS, seed_only, seed_policy_ids

LABELED = REPO / "data" / "labeled"
RAW = RawCorpus(REPO / "data" / "raw")
SEED_POLICY_IDS = seed_policy_ids(RAW)


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    """The seed corpus's rows of the tables: the guidelines are held to its layers."""
    return seed_only({name: pl.load(name, LABELED) for name in pl.tables()})


def test_the_guidelines_state_the_version_the_package_writes():
    head = (REPO / "docs" / "guidelines.md").read_text(encoding="utf-8")[:200]
    assert f"**Version {GUIDELINES_VERSION}.**" in head


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def test_every_seed_layer_says_what_made_it(frames):
    """Provenance: every layer but the blind one follows these guidelines (the first layer and
    the consolidated layer were re-decided under them); the blind layer stays as it was made,
    and its guidelines_version is the one its method and process say it read. Each says
    truthfully what made it; none is reviewed."""
    annotations = frames["annotations"]
    blind = annotations[annotations.is_blind]
    assert set(blind.annotator) == {"claude-blind"}
    assert (annotations[~annotations.is_blind].guidelines_version == GUIDELINES_VERSION).all()
    for made in blind.itertuples():
        assert _version(made.guidelines_version) < _version(GUIDELINES_VERSION)
        assert f"v{made.guidelines_version}" in made.method
        assert f"v{made.guidelines_version}" in made.process
    layers = {a: annotations[annotations.annotator == a] for a in annotations.annotator.unique()}
    assert set(layers) == set(SEED_LAYERS)
    assert all(sorted(layer.policy_id) == SEED_POLICY_IDS for layer in layers.values())
    for name, kind, is_blind in [
        ("claude", "model", False),
        ("claude-blind", "model", True),
        ("consolidated", "adjudication", False),
    ]:
        layer = layers[name]
        assert (layer.annotator_kind == kind).all() and layer.model.str.contains("Claude").all()
        assert (layer.is_blind == is_blind).all() and not layer.is_reviewed.any()


@pytest.mark.parametrize("policy_id", SEED_POLICY_IDS)
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


# The layers held to the guidelines' rules: the first layer, corrected under them (its
# decision log), and the consolidated layer, adjudicated under them. The blind second layer
# is kept as its annotator made it: correcting it afterwards would end its independence, and
# its departures from the rules are what the agreement figures and the adjudication log show.
CHECKED_LAYERS = ("claude", "consolidated")


@pytest.fixture(scope="module")
def values(frames) -> pd.DataFrame:
    """attribute_values of the checked layers with each practice's policy, segment, annotator."""
    columns = ["practice_id", "policy_id", "segment_id", "annotator"]
    values = (
        frames["attribute_values"]
        .merge(frames["practices"][columns])
        .astype({"category": str, "attribute": str, "value": str, "annotator": str})
    )
    assert set(CHECKED_LAYERS) <= set(values.annotator)
    return values[values.annotator.isin(CHECKED_LAYERS)]


def _slot(values, category, attribute):
    return values[(values.category == category) & (values.attribute == attribute)]


def test_a_value_has_a_span_exactly_when_it_is_not_a_default(values):
    """R3.2, R3.3: evidence for every stated value, none for `unspecified` or `does`."""
    has_span = values.span_start.notna()
    wrong = values[has_span == values.value.isin(["unspecified", "does"])]
    assert wrong.empty, sorted(wrong.practice_id + ":" + wrong.attribute)


def test_does_does_not_is_does_or_does_not_and_only_does_not_has_evidence(values):
    """R3.4 (2.0.0): `does` may be written or left out, and means the same; `does_not` is
    always written, with the negating words as its span (§7)."""
    written = values[values.attribute == "does_does_not"]
    assert set(written.value) <= {"does", "does_not"}
    negations = written[written.value == "does_not"]
    assert len(negations) > 0 and negations.span_text.notna().all(), sorted(negations.practice_id)


def test_no_retention_practice_without_a_period_or_limit(values):
    """R11.1: Data Retention only where the text says how long data is kept."""
    periods = _slot(values, "data_retention", "retention_period")
    vague = periods[(periods.value == "unspecified") | periods.span_start.isna()]
    assert vague.empty, sorted(vague.practice_id)
    # The evidence is a duration or a limit, not talk of keeping data safe.
    timeless = periods[
        ~periods.span_text.str.contains(
            r"(?i)\blong\b|year|month|week|\bdays?\b|until|necessary|needed|indefinite|delet"
        )
    ]
    assert timeless.empty, sorted(timeless.practice_id + ": " + timeless.span_text)


def test_not_linked_is_identifiability_not_a_negated_practice(values):
    """R7.4: «we do not link … to personal information» sets identifiability."""
    negations = values[(values.attribute == "does_does_not") & (values.value == "does_not")]
    linking = negations[negations.span_text.str.contains(r"(?i)\blink|identif")]
    assert linking.empty, sorted(linking.practice_id + ": " + linking.span_text)


RECIPIENT_WORDS = r"(?i)third|partner|provider|compan|affiliate|agenc|public|processor|other users"


def test_no_unspecified_third_party_whose_evidence_names_one(values):
    """R6.2, R6.3: a recipient named or characterised, or a disclosure, is not `unspecified`."""
    sharing = values[values.category == "third_party_sharing_collection"]
    entity = sharing[sharing.attribute == "third_party_entity"]
    unspecified = set(entity[entity.value == "unspecified"].practice_id)
    evidence = sharing[sharing.practice_id.isin(unspecified)].dropna(subset=["span_text"])
    naming = evidence[evidence.span_text.str.contains(RECIPIENT_WORDS + "|disclos|share")]
    assert naming.empty, sorted(naming.practice_id + ": " + naming.span_text)


def test_generic_personal_information_only_on_personal_information_words(values):
    """R5.2: generic only where the segment says *personal* information in general."""
    generic = values[
        (values.attribute == "personal_information_type")
        & (values.value == "generic_personal_information")
    ]
    assert len(generic) > 0
    other = generic[~generic.span_text.str.contains(r"(?i)personal|personally identifiable")]
    assert other.empty, sorted(other.practice_id + ": " + other.span_text)


def test_dont_use_service_only_where_the_text_says_not_to_use(values):
    """R9.2: the choice 'don't use service/feature' needs the text to say so."""
    chosen = values[
        (values.attribute == "choice_type") & (values.value == "dont_use_service_feature")
    ]
    unsaid = chosen[~chosen.span_text.str.contains(r"(?i)\bnot\b|\bwhether\b")]
    assert unsaid.empty, sorted(unsaid.practice_id + ": " + unsaid.span_text)


def test_full_account_deletion_only_where_all_data_is_removed(values):
    """R10.2: `delete_account_full` only when the text says everything is removed, or (R2.1)
    where a segment refers back to an earlier segment of the same layer that says so."""
    full = _slot(values, "user_access_edit_and_deletion", "access_type")
    full = full[full.value == "delete_account_full"]
    says_all = full.span_text.str.contains(r"(?i)\ball\b|entire|every|complete")
    stated = full[says_all].groupby(["policy_id", "annotator"]).segment_id.min()
    first_stated = full.set_index(["policy_id", "annotator"]).index.map(stated)
    refers_back = full.span_text.str.contains(r"(?i)\bthese\b|\bsuch\b|above") & (
        full.segment_id > first_stated
    )
    partial = full[~says_all & ~refers_back]
    assert partial.empty, sorted(partial.practice_id + ": " + partial.span_text)


def test_no_security_measure_that_is_advice_or_an_identity_check(values):
    """R12.2, R10.3: advice to users and identity checks are not Data Security."""
    measures = _slot(values, "data_security", "security_measure")
    wrong = measures[measures.span_text.str.contains(r"(?i)password|identity|we advise|breach")]
    assert wrong.empty, sorted(wrong.practice_id + ": " + wrong.span_text)


REQUIRED_ATTRIBUTES = {
    category.id: [a.id for a in category.attributes if a.is_required]
    for category in scheme("opp115").categories
}


def test_one_practice_per_combination_of_required_values(values, frames):
    """R2.2: a segment states each combination of required values once (its negation aside)."""
    keys = {}
    for practice_id, rows in values.groupby("practice_id", observed=True):
        first = rows.iloc[0]
        chosen = dict(zip(rows.attribute, rows.value, strict=True))
        key = (
            first.policy_id,
            first.annotator,
            first.segment_id,
            first.category,
            chosen.get("does_does_not", "does"),
            *(chosen[a] for a in REQUIRED_ATTRIBUTES[first.category]),
        )
        keys.setdefault(key, []).append(practice_id)
    repeated = [ids for ids in keys.values() if len(ids) > 1]
    assert not repeated, repeated


def test_a_choice_in_a_practices_sentence_is_not_repeated_as_its_own_practice(values):
    """R9.1: a choice recorded on a collection or sharing practice gets no second practice."""
    choices = values[values.attribute == "choice_type"].dropna(subset=["span_start"])
    on_practices = choices[choices.category != "user_choice_control"]
    own = choices[choices.category == "user_choice_control"]
    both = on_practices.merge(own, on=["policy_id", "annotator", "segment_id"])
    overlapping = both[
        (both.span_start_x < both.span_end_y) & (both.span_start_y < both.span_end_x)
    ]
    assert overlapping.empty, sorted(overlapping.practice_id_x + " / " + overlapping.practice_id_y)


def test_one_practice_per_audience_and_other_type_in_a_segment(values):
    """§13 and R14.2: an audience, or a kind of Other, once per segment."""
    for attribute in ("audience_type", "other_type"):
        rows = values[values.attribute == attribute]
        repeated = rows[rows.duplicated(["policy_id", "annotator", "segment_id", "value"])]
        assert repeated.empty, sorted(repeated.practice_id)


def test_the_layer_is_calibrated_to_opp115(values, frames):
    """Section 5 calibration: generic types and unspecified parties near OPP-115's shares
    (17% and 11%); no more than twice them."""
    types = values[values.attribute == "personal_information_type"]
    assert (types.value == "generic_personal_information").mean() < 2 * 0.17
    entity = values[values.attribute == "third_party_entity"]
    assert (entity.value == "unspecified").mean() < 2 * 0.11


@pytest.mark.parametrize("policy_id", SEED_POLICY_IDS)
def test_sidecars_count_their_redactions_and_say_what_is_unknown(policy_id):
    """Provenance: each redaction placeholder occurs as often as its sidecar says, and a
    policy page's URL or retrieval date that is unknown is null, not a guess."""
    sidecar = json.loads(RAW.sidecar_path(policy_id).read_text(encoding="utf-8"))
    text = RAW.text_path(policy_id).read_text(encoding="utf-8")
    for redaction in sidecar["redactions"]:
        assert text.count(redaction["placeholder"]) == redaction["n_occurrences"]
    assert "[email\xa0protected]" not in text or sidecar["redactions"]
    if sidecar["url"] is None or sidecar["retrieved_date"] is None:
        assert "Unknown:" in sidecar["notes"]
