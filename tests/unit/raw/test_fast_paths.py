"""What keeps a valid corpus fast: the rules build no message and look for no hint on
valid input, and the fast JSON decoder refuses what the strict one refuses."""

from __future__ import annotations

import json

from privacy_labels.contract.scheme_set import package_schemes
from privacy_labels.raw import labels
from tests.conftest import FIXTURE_RAW


def _valid_document() -> dict:
    return json.loads((FIXTURE_RAW / "annotations" / "example" / "alice.json").read_text())


def test_a_valid_document_looks_for_no_closest_label(monkeypatch):
    """The closest label is a hint for a problem: a valid practice never pays for it."""

    def no_hint_wanted(*args, **kwargs):
        raise AssertionError("closest() called for a valid document")

    monkeypatch.setattr(labels, "closest", no_hint_wanted)
    assert list(labels.label_problems("alice.json", _valid_document(), package_schemes())) == []


def test_a_misspelt_required_attribute_is_unknown_not_also_missing():
    doc = _valid_document()
    practice = next(p for p in doc["practices"] if "personal_information_type" in p["attributes"])
    practice["attributes"]["personal_informaton_type"] = practice["attributes"].pop(
        "personal_information_type"
    )
    messages = [p.message for p in labels.label_problems("a.json", doc, package_schemes())]
    assert any("personal_informaton_type" in m for m in messages)
    assert not any("missing" in m for m in messages)
