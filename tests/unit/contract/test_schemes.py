"""The opp115 scheme is the taxonomy of the last release, with defaults, questions and label
sets as data."""

from __future__ import annotations

import json

import pytest

from privacy_labels.contract import policy_labels
from privacy_labels.contract.schemes import SchemeError, read_scheme, scheme
from privacy_labels.importers.opp115.source import Labels
from privacy_labels.outputs.predictions import labels_of
from tests.conftest import REPO

# The taxonomy as the releases before schemes shipped it (their schema/ copies).
RELEASED_TAXONOMY = REPO / "releases" / "0.2.0" / "schema" / "taxonomy.schema.json"


def released_taxonomy() -> list[tuple]:
    """(category, name, description, attribute, name, description, required, default, values)
    of every slot of the released taxonomy, values as (id, name, description)."""
    doc = json.loads(RELEASED_TAXONOMY.read_text(encoding="utf-8"))
    slots = []
    for category_id in doc["properties"]["category"]["enum"]:
        definition = doc["$defs"][category_id]
        attributes = definition["properties"]["attributes"]
        for attribute_id, spec in attributes["properties"].items():
            slots.append(
                (
                    (category_id, definition["title"], definition["description"]),
                    (attribute_id, spec["title"], spec["description"]),
                    attribute_id in attributes["required"],
                    spec.get("default", {}).get("value"),
                    [
                        (v["const"], v["title"], v["description"])
                        for v in spec["properties"]["value"]["oneOf"]
                    ],
                )
            )
    return slots


def described(item) -> tuple:
    return (item.id, item.name, item.description)


def test_opp115_is_the_released_taxonomy_id_for_id_name_for_name_description_for_description():
    """Unchanged in meaning: every category, slot and value of the taxonomy the releases
    0.1.0 and 0.2.0 were labelled in, in its order, with its names and descriptions; only
    the defaults of optional attributes are new (`unspecified`, published since 0.2.0)."""
    ours = [
        (
            described(c),
            described(a),
            a.is_required,
            a.default,
            [described(v) for v in a.values],
        )
        for c, a in scheme("opp115").slots
    ]
    theirs = released_taxonomy()
    assert [s[:3] + s[4:] for s in ours] == [s[:3] + s[4:] for s in theirs]
    for ours_slot, released in zip(ours, theirs, strict=True):
        # 0.2.0 had does_does_not's default; the others it left out, now `unspecified`
        assert ours_slot[3] == (released[3] or ("unspecified" if not released[2] else None))


def test_opp115_defaults_are_does_and_unspecified_and_required_attributes_have_none():
    for category, attribute in scheme("opp115").slots:
        if attribute.is_required:
            expected = None
        else:
            expected = "does" if attribute.id == "does_does_not" else "unspecified"
        assert attribute.default == expected, (category.id, attribute.id)
        assert expected is None or attribute.value(expected) is not None


def test_the_policy_label_rule_speaks_of_the_statuses_the_hub_lists():
    assert scheme("opp115").questions.statuses == policy_labels.STATUSES


TEN = [
    "first_party_collection_use",
    "third_party_sharing_collection",
    "user_choice_control",
    "user_access_edit_and_deletion",
    "data_retention",
    "data_security",
    "policy_change",
    "do_not_track",
    "international_and_specific_audiences",
    "other",
]
TWELVE = [
    *TEN[:-1],
    "introductory_generic",
    "practice_not_covered",
    "privacy_contact_information",
]


@pytest.mark.parametrize(("label_set", "expected"), [("10", TEN), ("12", TWELVE)])
def test_opp115_label_sets_are_the_benchmarks_in_order(label_set, expected):
    assert labels_of(scheme("opp115"), label_set) == expected


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
    opp115 = scheme("opp115")
    labels = Labels(opp115)
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
