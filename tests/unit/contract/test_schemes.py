"""The opp115 scheme is today's taxonomy, with defaults, questions and label sets as data."""

from __future__ import annotations

import pytest

from privacy_labels.contract import policy_labels
from privacy_labels.contract.schema import taxonomy
from privacy_labels.contract.schemes import SchemeError, read_scheme, scheme
from privacy_labels.importers.opp115_source import Labels
from privacy_labels.outputs.predictions import labels_of


def described(items):
    return [(i.id, i.name, i.description) for i in items]


def test_opp115_is_the_taxonomy_id_for_id_name_for_name_description_for_description():
    opp115, tax = scheme("opp115"), taxonomy()
    assert described(opp115.categories) == described(tax.categories)
    for ours, theirs in zip(opp115.slots, tax.slots, strict=True):
        assert (ours[0].id, *described([ours[1]])) == (theirs[0].id, *described([theirs[1]]))
        assert ours[1].is_required == theirs[1].is_required
        assert ours[1].default == theirs[1].default, (ours[0].id, ours[1].id)
        assert described(ours[1].values) == described(theirs[1].values)
    assert (opp115.attribute_ids, opp115.value_ids) == (tax.attribute_ids, tax.value_ids)


def test_opp115_defaults_are_does_and_unspecified_and_required_attributes_have_none():
    for category, attribute in scheme("opp115").slots:
        if attribute.is_required:
            expected = None
        else:
            expected = "does" if attribute.id == "does_does_not" else "unspecified"
        assert attribute.default == expected, (category.id, attribute.id)
        assert expected is None or attribute.value(expected) is not None


def test_opp115_questions_equal_the_policy_label_constants():
    questions = scheme("opp115").questions
    assert questions.polarity == policy_labels.POLARITY
    assert questions.statuses == policy_labels.STATUSES
    as_data = [(q.id, q.names["en"], q.slots, q.is_negatable) for q in questions.questions]
    in_code = [(q.id, q.title, q.slots, q.is_negatable) for q in policy_labels.QUESTIONS]
    assert as_data == in_code


@pytest.mark.parametrize("label_set", ["10", "12"])
def test_opp115_label_sets_are_todays_in_order(label_set):
    assert [label.id for label in scheme("opp115").label_sets[label_set]] == labels_of(label_set)


@pytest.mark.parametrize(
    ("category", "values", "ten", "twelve"),
    [
        ("data_retention", {"retention_period": "limited"}, ["data_retention"], ["data_retention"]),
        ("other", {"other_type": "introductory_generic"}, ["other"], ["introductory_generic"]),
        (
            "other",
            {"other_type": "privacy_contact_information"},
            ["other"],
            ["privacy_contact_information"],
        ),
        ("other", {"other_type": "other"}, ["other"], []),  # Other's fourth type is no label of 12
    ],
)
def test_opp115_label_sets_give_a_practice_todays_labels(category, values, ten, twelve):
    opp115 = scheme("opp115")
    assert opp115.labels("10", category, values) == ten
    assert opp115.labels("12", category, values) == twelve


def test_opp115_source_names_are_the_names_the_importer_finds():
    labels, opp115 = Labels(), scheme("opp115")
    for category in opp115.categories:
        (name,) = category.source_names
        found = labels.category(name)
        assert found.id == category.id
        for attribute in category.attributes:
            (attribute_name,) = attribute.source_names
            found_attribute = labels.attribute(found, attribute_name)
            assert found_attribute.id == attribute.id
            for value in attribute.values:
                assert [labels.value(found, found_attribute, n) for n in value.source_names] == [
                    value.id
                ]


def test_the_hub_maps_a_practice_onto_itself():
    practice = {"purpose": "advertising", "does_does_not": "does_not"}
    assert scheme("opp115").map_practice("first_party_collection_use", practice) == (
        "first_party_collection_use",
        {"purpose": ("advertising",), "does_does_not": ("does_not",)},
    )


def test_display_names_fall_back_to_english():
    opp115 = scheme("opp115")
    assert opp115.display_name("category", "do_not_track", "de") == "Do Not Track"
    assert opp115.display_name("value", "advertising", "de") == "Werbung"
    assert opp115.display_name("value", "advertising", "fr") == "Advertising"
    with pytest.raises(KeyError):
        opp115.display_name("value", "no_such_value")


def test_an_unknown_scheme_or_a_folder_without_one_is_named(tmp_path):
    with pytest.raises(SchemeError, match="unknown scheme 'opp116'; the schemes are app350"):
        scheme("opp116")
    with pytest.raises(SchemeError, match=r"scheme\.json: missing"):
        read_scheme(tmp_path)
    (tmp_path / "scheme.json").write_text('{"id": "x"}', encoding="utf-8")
    with pytest.raises(SchemeError, match=r"not a scheme .*scheme\.schema\.json"):
        read_scheme(tmp_path)
