"""The crosswalk in schema/crosswalk.json: complete over its attributes, well-formed, documented."""

from __future__ import annotations

import re

import pytest

from privacy_labels.contract.crosswalk import (
    MATCHES,
    TARGETS,
    Target,
    attributes,
    crosswalk,
)
from privacy_labels.contract.schemes import scheme
from privacy_labels.outputs.docs import generated_docs

APPLE_DATA_TYPES = {
    "Contact Info",
    "Health & Fitness",
    "Financial Info",
    "Location",
    "Sensitive Info",
    "Contacts",
    "User Content",
    "Browsing History",
    "Search History",
    "Identifiers",
    "Purchases",
    "Usage Data",
    "Diagnostics",
    "Body",
    "Surroundings",
    "Other Data",
}
APPLE_PURPOSES = {
    "Third-Party Advertising",
    "Developer's Advertising or Marketing",
    "Analytics",
    "Product Personalization",
    "App Functionality",
    "Other Purposes",
}
CONCEPT_NAME = re.compile(r"[A-Za-z][A-Za-z0-9-]*")


def _targets():
    return [(m, t, m.target(t)) for m in crosswalk().mappings for t in TARGETS]


@pytest.mark.parametrize("attribute", attributes())
def test_covers_every_value_of_the_attribute_once_in_taxonomy_order(attribute):
    mapped = [m.value for m in crosswalk().for_attribute(attribute)]
    assert mapped == [v.id for v in scheme("opp115").values_of(attribute)]


def test_maps_only_the_crosswalk_attributes_in_their_order():
    mapped = [m.attribute for m in crosswalk().mappings]
    assert list(dict.fromkeys(mapped)) == list(attributes())
    assert mapped == sorted(mapped, key=attributes().index)


def test_match_is_valid_and_concepts_are_empty_exactly_when_none():
    for mapping, target, t in _targets():
        where = (mapping.attribute, mapping.value, target)
        assert t.match in MATCHES, where
        assert (t.match == "none") == (not t.concepts), where
        assert len(set(t.concepts)) == len(t.concepts), where


def test_approximate_and_missing_mappings_say_why():
    for mapping, target, t in _targets():
        if t.match != "exact":
            assert t.note.strip(), (mapping.attribute, mapping.value, target)


def test_dpv_concepts_use_a_declared_prefix():
    cw = crosswalk()
    for mapping in cw.mappings:
        for concept in mapping.dpv.concepts:
            prefix, _, name = concept.partition(":")
            assert prefix in cw.prefixes and CONCEPT_NAME.fullmatch(name), concept
            assert cw.iri(concept) == cw.prefixes[prefix] + name


def test_apple_concepts_are_apple_data_types_or_purposes():
    for mapping in crosswalk().mappings:
        for concept in mapping.apple.concepts:
            if mapping.attribute == "purpose":
                assert concept in APPLE_PURPOSES, concept
            else:
                kind, sep, subtype = concept.partition(": ")  # "Identifiers: Device ID"
                assert kind in APPLE_DATA_TYPES and (not sep or subtype.strip()), concept


def test_lookup_returns_the_target_and_refuses_unknown_keys():
    cw = crosswalk()
    contact = cw.mapping("personal_information_type", "contact", "apple")
    assert isinstance(contact, Target)
    assert (contact.match, contact.concepts) == ("exact", ("Contact Info",))
    assert cw.mapping("purpose", "advertising", "dpv").concepts == ("dpv:Advertising",)
    with pytest.raises(KeyError):
        cw.mapping("purpose", "no_such_value", "dpv")
    with pytest.raises(KeyError):
        cw.mapping("purpose", "advertising", "no_such_target")
    with pytest.raises(ValueError):
        cw.iri("foaf:Person")


def test_crosswalk_page_is_generated_with_the_other_docs():
    # test_schema.py::test_generated_docs_match_the_schema checks every generated page for drift.
    page = generated_docs()["crosswalk.md"]
    for mapping in crosswalk().mappings:
        assert f"| `{mapping.value}` |" in page
