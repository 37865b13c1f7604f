"""Adjudication: every disagreement of two layers listed once, decided once, and the
consolidated layer built from the decisions; on the synthetic corpus of tests/layered.py."""

from __future__ import annotations

import json

import pytest

import privacy_labels as pl
from tests.conftest import read_json
from tests.layered import GUIDELINES, two_layer_corpus, write_json

# The four disagreements tests/layered.py puts between alice (base) and bob, in log order.
EXPECTED = [
    {
        "kind": "attribute",
        "segment_id": 0,
        "category": "first_party_collection_use",
        "attribute": "purpose",
        "practice_ids": {"alice": "example-alice-002", "bob": "example-bob-002"},
        "readings": {"alice": "marketing", "bob": "advertising"},
    },
    {
        "kind": "label",
        "segment_id": 0,
        "category": "user_choice_control",
        "readings": {"alice": True, "bob": False},
    },
    {
        "kind": "label",
        "segment_id": 1,
        "category": "first_party_collection_use",
        "readings": {"alice": False, "bob": True},
    },
    {
        "kind": "practice",
        "segment_id": 1,
        "category": "third_party_sharing_collection",
        "practice_ids": {"alice": "example-alice-005"},
        "readings": {"alice": True, "bob": False},
    },
]
# Keep bob's purpose and alice's choice label, drop bob's extra label, keep alice-005.
DECISIONS = ["advertising", True, False, True]


@pytest.fixture
def raw(tmp_path):
    return two_layer_corpus(tmp_path)


def _decide(raw, decisions=DECISIONS, **header) -> dict:
    path = raw / "adjudication" / "example.json"
    log = read_json(path)
    log |= {"adjudicator": "the test suite", "adjudicated_date": "2026-12-01", **header}
    for entry, decision in zip(log["entries"], decisions, strict=True):
        entry |= {"decision": decision, "rule": "text", "note": "as the text says"}
    write_json(path, log)
    return log


def test_without_a_log_a_template_lists_each_disagreement_once(raw, run):
    code, out, _ = run("adjudicate", "--raw", raw)
    assert code == 1, "undecided disagreements are not a success"
    assert "wrote" in out and "4 disagreement(s) to decide" in out
    log = read_json(raw / "adjudication" / "example.json")
    assert log["layers"] == ["alice", "bob"] and log["policy_id"] == "example"
    assert log["entries"] == EXPECTED
    assert not (raw / "annotations" / "example" / "consolidated.json").exists()
    # A second run leaves the log alone and names what is still open.
    before = (raw / "adjudication" / "example.json").read_bytes()
    code, out, _ = run("adjudicate", "--raw", raw, "--format", "json")
    result = json.loads(out)["policies"][0]
    assert code == 1 and result["status"] == "open" and result["open"] == EXPECTED
    assert (raw / "adjudication" / "example.json").read_bytes() == before


def test_a_complete_log_gives_the_consolidated_layer(raw, run):
    run("adjudicate", "--raw", raw)
    _decide(raw, model="claude-test-model")
    code, out, err = run("adjudicate", "--raw", raw)
    assert code == 0, err
    assert "consolidated" in out
    path = raw / "annotations" / "example" / "consolidated.json"
    doc = read_json(path)
    assert doc["annotator"] == "consolidated" and doc["annotated_date"] == "2026-12-01"
    assert doc["guidelines_version"] == GUIDELINES
    assert doc["provenance"]["annotator_kind"] == "adjudication"
    assert doc["provenance"]["model"] == "claude-test-model"
    assert doc["provenance"]["is_blind"] is False
    assert "adjudication/example.json" in doc["provenance"]["process"]
    sources = [p["source_id"] for p in doc["practices"]]
    # alice's practices, paired ones and alice-003 (label kept) and -005 (practice kept);
    # bob's extra label (bob-008) dropped.
    assert sorted(sources) == [f"example-alice-00{i}" for i in range(1, 8)]
    by_source = {p["source_id"]: p for p in doc["practices"]}
    assert by_source["example-alice-002"]["attributes"]["purpose"] == {"value": "advertising"}
    # Where the layers agree, alice's value and span.
    alice = read_json(raw / "annotations" / "example" / "alice.json")
    assert by_source["example-alice-001"]["attributes"] == alice["practices"][0]["attributes"]
    assert [p["practice_id"] for p in doc["practices"]] == [
        f"example-consolidated-{i:03d}" for i in range(1, 8)
    ]
    code, out, _ = run("validate", path, "--raw", raw)
    assert code == 0, out
    # Again: nothing to do; --check agrees.
    code, out, _ = run("adjudicate", "--raw", raw)
    assert code == 0 and "unchanged" in out
    assert run("adjudicate", "--raw", raw, "--check")[0] == 0


def test_the_decision_picks_the_span_of_the_layer_that_gave_the_value(raw, run):
    bob_path = raw / "annotations" / "example" / "bob.json"
    bob = read_json(bob_path)
    span = {"span_start": 67, "span_end": 93, "span_text": "when you create an account"}
    bob["practices"][1]["attributes"]["purpose"] |= span
    write_json(bob_path, bob)
    run("adjudicate", "--raw", raw)
    _decide(raw)
    assert run("adjudicate", "--raw", raw)[0] == 0
    doc = read_json(raw / "annotations" / "example" / "consolidated.json")
    second = next(p for p in doc["practices"] if p["source_id"] == "example-alice-002")
    assert second["attributes"]["purpose"] == {"value": "advertising", **span}


def test_the_consolidated_layer_is_built_with_the_others_and_labels_by_default(raw, run, tmp_path):
    run("adjudicate", "--raw", raw)
    _decide(raw)
    run("adjudicate", "--raw", raw)
    code, _, err = run("build", "--quiet", "--raw", raw, "--out", tmp_path / "labeled")
    assert code == 0, err
    practices = pl.load("practices", tmp_path / "labeled")
    assert set(practices["annotator"]) == {"alice", "bob", "consolidated"}
    labels = pl.load("segment_labels", tmp_path / "labeled", wide=True).set_index("segment_id")
    assert (labels["layer"] == "consolidated").all() and (labels["n_annotators"] == 2).all()
    # (1, first_party_collection_use): bob alone, dropped by the decision.
    assert labels.loc[1, "n_first_party_collection_use"] == 1
    assert labels.loc[1, "share_first_party_collection_use"] == 0.5
    assert not labels.loc[1, "has_first_party_collection_use"]
    # (0, user_choice_control): alice alone, kept; not a majority of two.
    assert labels.loc[0, "has_user_choice_control"]
    assert not labels.loc[0, "is_majority_user_choice_control"]
    policy = pl.load("policy_labels", tmp_path / "labeled").set_index(["question", "answer"])
    assert (policy["layer"] == "consolidated").all() and (policy["n_annotators"] == 2).all()
    assert policy.loc[("collected_for", "advertising"), "status"] == "does"
    assert (
        policy.loc[("collected_for", "advertising"), "practice_ids"] == "example-consolidated-002"
    )
    assert policy.loc[("collected_for", "marketing"), "status"] == "not_stated"
    assert policy.loc[("shared", "financial"), "status"] == "not_stated"
    # Any layer on request; a layer a policy lacks is refused.
    code, _, err = run(
        "build", "--quiet", "--raw", raw, "--out", tmp_path / "bob", "--layer", "bob"
    )
    assert code == 0, err
    bob = pl.load("segment_labels", tmp_path / "bob", wide=True).set_index("segment_id")
    assert (bob["layer"] == "bob").all() and bob.loc[1, "has_first_party_collection_use"]
    bob_labels = pl.load("policy_labels", tmp_path / "bob").set_index(["question", "answer"])
    assert bob_labels.loc[("collected_for", "marketing"), "status"] == "not_stated"
    code, _, err = run("build", "--raw", raw, "--out", tmp_path / "carol", "--layer", "carol")
    assert code == 1 and "has no layer 'carol'" in err
    assert not (tmp_path / "carol").exists()


def _problems(run, raw) -> str:
    code, _, err = run("adjudicate", "--raw", raw)
    assert code == 1
    return err


def test_an_undecided_disagreement_is_refused(raw, run):
    run("adjudicate", "--raw", raw)
    log = _decide(raw)
    del log["entries"][2]["decision"], log["entries"][2]["rule"]
    write_json(raw / "adjudication" / "example.json", log)
    assert "1 of 4 disagreement(s) have no decision" in _problems(run, raw)
    del log["entries"][2]
    write_json(raw / "adjudication" / "example.json", log)
    assert "1 of 4 disagreement(s) have no decision" in _problems(run, raw)
    assert not (raw / "annotations" / "example" / "consolidated.json").exists()


def test_two_decisions_for_one_disagreement_are_refused(raw, run):
    run("adjudicate", "--raw", raw)
    log = _decide(raw)
    log["entries"].append({**log["entries"][1], "decision": False})
    write_json(raw / "adjudication" / "example.json", log)
    err = _problems(run, raw)
    assert "$.entries[4]: a second entry for the disagreement of $.entries[1]" in err


def test_a_decision_that_matches_no_disagreement_is_refused(raw, run):
    run("adjudicate", "--raw", raw)
    log = _decide(raw)
    log["entries"].append({**log["entries"][1], "segment_id": 2})
    write_json(raw / "adjudication" / "example.json", log)
    assert "$.entries[4]: matches no disagreement" in _problems(run, raw)


def test_a_decision_made_on_other_readings_is_stale(raw, run):
    run("adjudicate", "--raw", raw)
    _decide(raw)
    bob_path = raw / "annotations" / "example" / "bob.json"
    bob = read_json(bob_path)
    bob["practices"][1]["attributes"]["purpose"] = {"value": "analytics_research"}
    write_json(bob_path, bob)
    err = _problems(run, raw)
    assert "$.entries[0].readings: stale: the layers now read" in err
    assert '"analytics_research"' in err


def test_a_decision_outside_the_slot_is_refused_with_a_hint(raw, run):
    run("adjudicate", "--raw", raw)
    _decide(raw, decisions=["advertisment", True, False, "yes"])
    err = _problems(run, raw)
    assert "$.entries[0].decision" in err and "did you mean 'advertising'?" in err
    assert "$.entries[3].decision: a practice decision is true or false" in err


def test_the_log_is_checked_against_its_schema_with_json_paths(raw, run):
    run("adjudicate", "--raw", raw)
    log = _decide(raw)
    log["entries"][0]["rule"] = "gut feeling"
    log["entries"][1]["decison"] = True
    write_json(raw / "adjudication" / "example.json", log)
    err = _problems(run, raw)
    assert "example.json: $.entries[0].rule" in err
    assert "$.entries[1].decison: unknown field 'decison'" in err


def test_who_decided_and_when_are_needed(raw, run):
    run("adjudicate", "--raw", raw)
    log = _decide(raw)
    del log["adjudicator"]
    write_json(raw / "adjudication" / "example.json", log)
    assert "$.adjudicator: required field 'adjudicator' is missing" in _problems(run, raw)


def test_guidelines_version_comes_from_the_layers_or_the_log(raw, run):
    # Every layer names its guidelines_version (schema 1.1.0); these two name different ones.
    alice_path = raw / "annotations" / "example" / "alice.json"
    alice = read_json(alice_path)
    alice["guidelines_version"] = "0.9"
    write_json(alice_path, alice)
    run("adjudicate", "--raw", raw)
    _decide(raw)
    assert "$.guidelines_version: the layers alice and bob do not name one" in _problems(run, raw)
    _decide(raw, guidelines_version="2.0")
    assert run("adjudicate", "--raw", raw)[0] == 0
    assert (
        read_json(raw / "annotations" / "example" / "consolidated.json")["guidelines_version"]
        == "2.0"
    )


def test_a_consolidated_file_it_did_not_write_is_left_alone(raw, run):
    run("adjudicate", "--raw", raw)
    _decide(raw)
    path = raw / "annotations" / "example" / "consolidated.json"
    bob = read_json(raw / "annotations" / "example" / "bob.json")
    write_json(path, {**bob, "annotator": "consolidated"})
    before = path.read_bytes()
    # Three layers now: the log names the two to adjudicate.
    assert "not written by adjudicate" in _problems(run, raw)
    assert path.read_bytes() == before


def test_check_writes_nothing_and_fails_on_a_stale_or_missing_layer(raw, run):
    code, _, err = run("adjudicate", "--raw", raw, "--check")
    assert code == 1 and "no adjudication log" in err
    assert not (raw / "adjudication").exists()
    run("adjudicate", "--raw", raw)
    _decide(raw)
    code, _, err = run("adjudicate", "--raw", raw, "--check")
    assert code == 1 and "consolidated.json is missing" in err
    run("adjudicate", "--raw", raw)
    _decide(raw, adjudicated_date="2026-12-02")
    code, _, err = run("adjudicate", "--raw", raw, "--check")
    assert code == 1 and "not what the layers and the log give now" in err


def test_policies_without_two_layers_are_skipped_and_usage_errors_exit_2(raw, run, tmp_path):
    (raw / "annotations" / "example" / "bob.json").unlink()
    code, out, _ = run("adjudicate", "--raw", raw)
    assert code == 0 and "skipped: 1 layer(s) (alice)" in out
    assert run("adjudicate", "nosuchpolicy", "--raw", raw)[0] == 2
    assert run("adjudicate", "--raw", raw, "--layers", "alice")[0] == 2
    code, _, err = run("adjudicate", "--raw", raw, "--layers", "alice,bob,carol")
    assert code == 1 and "has no annotation by bob, carol" in err
    assert run("adjudicate", "--raw", tmp_path / "nothing")[0] == 2
    code, _, err = run("adjudicate", "--raw", raw, "--layers", "alice,bob")
    assert code == 1 and "has no annotation by bob" in err


def test_an_invalid_layer_is_named_before_anything_is_compared(raw, run):
    bob_path = raw / "annotations" / "example" / "bob.json"
    bob = read_json(bob_path)
    bob["practices"][0]["category"] = "first_party"
    write_json(bob_path, bob)
    err = _problems(run, raw)
    assert "bob.json: $.practices[0].category: unknown category" in err
    assert not (raw / "adjudication").exists()


def _carol(raw, purpose: str = "marketing") -> dict:
    """A third layer: alice's, with another purpose for alice-002's partner."""
    alice = read_json(raw / "annotations" / "example" / "alice.json")
    carol = json.loads(json.dumps(alice).replace("example-alice-", "example-carol-"))
    carol["annotator"] = "carol"
    carol["practices"][1]["attributes"]["purpose"] = {"value": purpose}
    write_json(raw / "annotations" / "example" / "carol.json", carol)
    return alice


def test_three_layers_keep_what_more_than_half_give(raw, run):
    alice = _carol(raw)
    code, out, _ = run("adjudicate", "--raw", raw)
    assert code == 1 and "1 disagreement(s) to decide" in out
    log = read_json(raw / "adjudication" / "example.json")
    assert log["layers"] == ["alice", "bob", "carol"]
    # alice and carol outvote bob's purpose, alice-005 and the missing choice label.
    assert log["entries"] == [
        {
            "kind": "label",
            "segment_id": 1,
            "category": "first_party_collection_use",
            "readings": {"alice": False, "bob": True, "carol": False},
        }
    ]
    _decide(raw, [False])
    code, _, err = run("adjudicate", "--raw", raw)
    assert code == 0, err
    consolidated = read_json(raw / "annotations" / "example" / "consolidated.json")
    assert {p["source_id"]: p["attributes"] for p in consolidated["practices"]} == {
        p["practice_id"]: p["attributes"] for p in alice["practices"]
    }
    assert "alice, bob and carol" in consolidated["provenance"]["process"]


def test_a_value_no_majority_gives_goes_to_the_log(raw, run):
    _carol(raw, purpose="analytics_research")
    run("adjudicate", "--raw", raw)
    [attribute, label] = read_json(raw / "adjudication" / "example.json")["entries"]
    assert attribute["readings"] == {
        "alice": "marketing",
        "bob": "advertising",
        "carol": "analytics_research",
    }
    assert attribute["practice_ids"] == {
        "alice": "example-alice-002",
        "bob": "example-bob-002",
        "carol": "example-carol-002",
    }
    assert label["kind"] == "label"
    _decide(raw, ["advertising", False])
    code, _, err = run("adjudicate", "--raw", raw)
    assert code == 0, err
    consolidated = read_json(raw / "annotations" / "example" / "consolidated.json")
    assert consolidated["practices"][1]["attributes"]["purpose"] == {"value": "advertising"}


def test_a_hand_edit_of_the_consolidated_layer_is_refused_never_lost(raw, run):
    run("adjudicate", "--raw", raw)
    _decide(raw)
    assert run("adjudicate", "--raw", raw)[0] == 0
    path = raw / "annotations" / "example" / "consolidated.json"
    # A changed decision is a change of the log's: the layer follows it.
    _decide(raw, ["marketing", True, False, True])
    assert run("adjudicate", "--raw", raw)[0] == 0
    edited = read_json(path)
    edited["practices"][0]["attributes"]["purpose"] = {"value": "legal_requirement"}
    write_json(path, edited)
    before = path.read_bytes()
    for check in ([], ["--check"]):
        code, _, err = run("adjudicate", "--raw", raw, *check)
        assert code == 1
        assert f"{path} was edited since adjudicate wrote it" in err
        assert f"put the change into {raw / 'adjudication' / 'example.json'}" in err
        assert path.read_bytes() == before
    path.unlink()
    assert run("adjudicate", "--raw", raw)[0] == 0


def test_every_fault_of_a_log_is_reported_in_one_run(raw, run):
    run("adjudicate", "--raw", raw)
    log = _decide(raw)
    del log["adjudicator"]
    log["entries"][0]["rule"] = "gut feeling"  # against the schema
    log["entries"][1]["decision"] = "yes"  # a label decision is true or false
    log["entries"][2]["readings"]["bob"] = False  # stale
    write_json(raw / "adjudication" / "example.json", log)
    err = _problems(run, raw)
    assert "$.entries[0].rule" in err
    assert "$.entries[1].decision: a label decision is true or false" in err
    assert "$.entries[2].readings: stale" in err
    assert "$.adjudicator: required field 'adjudicator' is missing" in err


def test_a_template_is_refreshed_when_the_layers_change_and_open_entries_are_listed(raw, run):
    run("adjudicate", "--raw", raw)
    _carol(raw)  # a third layer after the template was written
    code, out, err = run("adjudicate", "--raw", raw)
    assert code == 1
    assert "refreshed" in out and "the layers changed since it was written" in out
    assert read_json(raw / "adjudication" / "example.json")["layers"] == ["alice", "bob", "carol"]
    code, _, err = run("adjudicate", "--raw", raw)
    assert code == 1 and "none of the 1 disagreement(s) has a decision" in err
    assert (
        "open: segment 1, first_party_collection_use, label (alice: false, bob: true, carol: false)"
    ) in err
    # A log with someone's work in it is never rewritten: its stale entries are reported.
    log = _decide(raw, [False])
    (raw / "annotations" / "example" / "carol.json").unlink()
    code, _, err = run("adjudicate", "--raw", raw)
    assert code == 1 and "no layer carol" in err
    assert read_json(raw / "adjudication" / "example.json") == log


def test_a_layer_the_decided_log_leaves_out_is_named(raw, run):
    run("adjudicate", "--raw", raw)
    _decide(raw)
    _carol(raw)
    code, out, _ = run("adjudicate", "--raw", raw)
    assert code == 0 and "not in the log's layers, so not consolidated: carol" in out


def _leave_out_user_type(raw, annotator: str) -> dict:
    """The layer's first practice (alice's -001 or its copy) without its user_type."""
    path = raw / "annotations" / "example" / f"{annotator}.json"
    layer = read_json(path)
    del layer["practices"][0]["attributes"]["user_type"]
    write_json(path, layer)
    return layer


def test_a_left_out_attribute_reads_as_its_default_and_a_null_reading_still_matches(raw, run):
    _leave_out_user_type(raw, "bob")
    written = read_json(raw / "annotations" / "example" / "alice.json")["practices"][0]
    run("adjudicate", "--raw", raw)
    path = raw / "adjudication" / "example.json"
    log = read_json(path)
    (entry,) = [e for e in log["entries"] if e.get("attribute") == "user_type"]
    assert entry["readings"] == {
        "alice": written["attributes"]["user_type"]["value"],
        "bob": "unspecified",  # the published form: the default of what bob left out
    }
    entry["readings"]["bob"] = None  # as logs written before the defaults were published
    write_json(path, log)
    decisions = [None if e is entry else DECISIONS[EXPECTED.index(e)] for e in log["entries"]]
    _decide(raw, decisions)
    code, _, err = run("adjudicate", "--raw", raw)
    assert code == 0, err
    consolidated = read_json(raw / "annotations" / "example" / "consolidated.json")
    assert "user_type" not in consolidated["practices"][0]["attributes"]  # null: left out


def test_a_default_more_than_half_leave_out_stays_left_out(raw, run):
    _carol(raw)
    _leave_out_user_type(raw, "bob")
    _leave_out_user_type(raw, "carol")
    run("adjudicate", "--raw", raw)
    _decide(raw, [False])
    code, _, err = run("adjudicate", "--raw", raw)
    assert code == 0, err
    consolidated = read_json(raw / "annotations" / "example" / "consolidated.json")
    # bob and carol outvote alice's user type by leaving it out: the consolidated layer
    # leaves it out too (guideline R3.4), rather than writing the default
    assert "user_type" not in consolidated["practices"][0]["attributes"]
