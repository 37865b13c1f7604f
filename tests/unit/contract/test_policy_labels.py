"""Policy-level privacy labels: one row per policy, question and answer, each answer backed by
the practices that state it, in the hub's terms whatever the policy's scheme."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

import privacy_labels as pl
from privacy_labels.builder.pipeline import build
from privacy_labels.contract.policy_labels import Practice, cells, grid, question, stated
from privacy_labels.contract.scheme_set import answers
from privacy_labels.contract.schemes import scheme
from tests.conftest import FIXTURE_RAW, REPO

HUB = scheme("opp115")
QUESTIONS = HUB.questions.questions


def _answers(labels: pd.DataFrame, policy_id: str) -> dict[str, tuple[str, str | None]]:
    """{"<question>_<value>": (status, practice_ids)} of the stated answers of one policy."""
    rows = labels[(labels["policy_id"] == policy_id) & (labels["status"] != "not_stated")]
    return {
        f"{r.question}_{r.answer}": (r.status, None if pd.isna(r.practice_ids) else r.practice_ids)
        for r in rows.itertuples()
    }


def _stated(practices: list[Practice]):
    return stated(practices, HUB, HUB)


@pytest.fixture(scope="module")
def fixture_labeled(tmp_path_factory):
    folder = tmp_path_factory.mktemp("labels")
    build(FIXTURE_RAW, folder, progress=False)
    return folder


def test_the_example_policy_gets_the_label_its_text_states(fixture_labeled):
    labels = pl.load("policy_labels", fixture_labeled)
    assert len(labels) == sum(len(answers(HUB, q)) for q in QUESTIONS) > 100
    assert set(labels["scheme"]) == {"opp115"}
    # "We collect your name and email address ... to run the service and to send you
    # our newsletter." "We share your order history with ... PayPal". "We do not sell
    # your personal information." "You can delete your account at any time".
    assert _answers(labels, "example") == {
        "collected_contact": ("does", "example-alice-001 example-alice-002"),
        "collected_for_basic_service_feature": ("does", "example-alice-001"),
        "collected_for_marketing": ("does", "example-alice-002"),
        "shared_user_online_activities": ("does", "example-alice-004"),
        "shared_generic_personal_information": ("does_not", "example-alice-005"),
        "shared_with_named_third_party": ("does", "example-alice-004"),
        "shared_with_unnamed_third_party": ("does_not", "example-alice-005"),
        "shared_for_basic_service_feature": ("does", "example-alice-004"),
        "shared_for_unspecified": ("does_not", "example-alice-005"),
        "choice_opt_out_link": ("does", "example-alice-003"),
        "access_delete_account_full": ("does", "example-alice-007"),
        "retention_limited": ("does", "example-alice-006"),
    }
    # Silence is its own status, never a denial.
    (row,) = labels[
        (labels["question"] == "collected") & (labels["answer"] == "health")
    ].itertuples()
    assert row.status == "not_stated" and pd.isna(row.practice_ids)
    assert labels["status"].dtype == pd.CategoricalDtype(
        ["does", "does_not", "mixed", "not_stated", "not_annotated"], ordered=True
    )


def test_a_does_and_a_does_not_statement_make_a_mixed_answer(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(FIXTURE_RAW, raw)
    doc_path = raw / "annotations" / "example" / "alice.json"
    doc = json.loads(doc_path.read_text(encoding="utf-8"))
    # The denial ("We do not sell ...") now names the same recipient as the sharing with PayPal.
    denial = next(p for p in doc["practices"] if p["practice_id"] == "example-alice-005")
    denial["attributes"]["third_party_entity"]["value"] = "named_third_party"
    doc_path.write_text(json.dumps(doc), encoding="utf-8")
    build(raw, tmp_path / "labeled", progress=False)
    answers = _answers(pl.load("policy_labels", tmp_path / "labeled"), "example")
    assert answers["shared_with_named_third_party"] == (
        "mixed",
        "example-alice-004 example-alice-005",
    )
    assert "shared_with_unnamed_third_party" not in answers  # now silent


def test_every_supporting_practice_exists_and_gives_that_answer():
    """On the committed tables: each cell lists exactly the practices of the policy's labelling
    layer (the consolidated layer of the seed policies) that give the answer, and is not_stated
    exactly when it lists none; no other layer's practice is listed."""
    labeled = REPO / "data" / "labeled"
    labels = pl.load("policy_labels", labeled)
    assert sorted(set(labels["policy_id"])) == sorted(pl.load("policies", labeled)["policy_id"])
    assert set(labels["layer"]) == {"consolidated"} and set(labels["n_annotators"]) == {2}
    practices = pl.load("practices", labeled).set_index("practice_id")
    assert set(practices["annotator"]) == {"claude", "claude-blind", "consolidated"}
    values = pl.load("attribute_values", labeled)
    values = values[values["is_annotated"]]  # a default the tables fill in answers no question
    # (policy_id, annotator, column) -> the practices of that layer giving that answer
    expected: dict[tuple[str, str, str], set[str]] = {}
    for row in values.itertuples(index=False):
        for q in QUESTIONS:
            if (row.category, row.attribute) in q.slots:
                practice = practices.loc[row.practice_id]
                key = (practice["policy_id"], practice["annotator"], f"{q.id}_{row.value}")
                expected.setdefault(key, set()).add(row.practice_id)
    n_cells = 0
    for row in labels.itertuples(index=False):
        column = f"{row.question}_{row.answer}"
        listed = set() if pd.isna(row.practice_ids) else set(row.practice_ids.split(" "))
        assert listed == expected.get((row.policy_id, row.layer, column), set()), column
        assert (row.status == "not_stated") == (not listed)
        n_cells += bool(listed)
    assert n_cells == sum(1 for _, annotator, _ in expected if annotator == "consolidated") > 150


def test_grid_crosses_two_answers_of_the_same_practices():
    practices = [
        Practice(
            "p1",
            "first_party_collection_use",
            {"personal_information_type": "contact", "purpose": "marketing"},
        ),
        Practice(
            "p2",
            "first_party_collection_use",
            {
                "personal_information_type": "location",
                "purpose": "advertising",
                "does_does_not": "does_not",
            },
        ),
        Practice(
            "p3",
            "third_party_sharing_collection",
            {"personal_information_type": "contact", "purpose": "marketing"},
        ),
    ]
    crossed = grid(
        _stated(practices), HUB, question(HUB, "collected"), question(HUB, "collected_for")
    )
    assert crossed["contact", "marketing"].practice_ids == ("p1",)  # p3 is sharing, not collection
    assert crossed["location", "advertising"].status == "does_not"
    assert crossed["contact", "advertising"].status == "not_stated"


def test_a_choice_stated_within_a_denial_is_still_offered():
    # "We do not sell your information without your explicit consent": the sale is denied,
    # the opt-in is offered.
    denial = Practice(
        "p1",
        "third_party_sharing_collection",
        {
            "does_does_not": "does_not",
            "third_party_entity": "unnamed_third_party",
            "choice_type": "opt_in",
        },
    )
    denied = _stated([denial])
    assert cells(denied, HUB, question(HUB, "shared_with"))["unnamed_third_party"].status == (
        "does_not"
    )
    assert cells(denied, HUB, question(HUB, "choice"))["opt_in"].status == "does"


def test_a_practice_of_another_scheme_answers_in_the_hubs_terms():
    """APP-350's third-party GPS location not performed denies sharing location; MAPP's
    merged advertising-or-marketing purpose answers both advertising and marketing."""
    app350, mapp = scheme("app350"), scheme("mapp")
    denial = Practice(
        "p1", "third_party", {"data_type": "location_gps", "modality": "not_performed"}
    )
    (found,) = stated([denial], app350, HUB)
    assert cells([found], HUB, question(HUB, "shared"))["location"].status == "does_not"
    merged = Practice(
        "p2",
        "first_party_collection_use",
        {"purpose": "advertising_or_marketing", "legal_basis": "consent"},
    )
    purposes = cells(stated([merged], mapp, HUB), HUB, question(HUB, "collected_for"))
    assert {v for v, cell in purposes.items() if cell.status == "does"} == {
        "advertising",
        "marketing",
    }
