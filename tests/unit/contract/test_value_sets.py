"""Value sets (a source's segment-level labels, e.g. MAPP's): read wherever a practice's values
are read, as sets; and the language versions of one policy share a split."""

from __future__ import annotations

from privacy_labels.contract.layers import LayerPractice, compare
from privacy_labels.contract.policy_labels import practices_from_rows
from privacy_labels.contract.schemes import scheme
from privacy_labels.contract.views import mapped_values, split_of

FIRST_PARTY = "first_party_collection_use"


def _practice(practice_id: str, **values) -> LayerPractice:
    return LayerPractice(practice_id, 0, FIRST_PARTY, values, scheme("mapp"))


def test_two_value_sets_agree_on_an_attribute_only_when_they_are_the_same_set():
    both = _practice("a", personal_information_type=("contact", "financial"))
    same_in_another_order = _practice("b", personal_information_type=("financial", "contact"))
    fewer = _practice("c", personal_information_type=("contact",))
    # The written attribute and every one with a default (filled in) are compared.
    n = 1 + len(scheme("mapp").defaults(FIRST_PARTY))
    assert compare(both, same_in_another_order) == (n, n)
    assert compare(both, fewer) == (n - 1, n)


def test_a_value_set_has_a_label_when_one_of_its_values_has_it():
    s = scheme("opp115")  # its set "12" labels Other by its type
    both = {"other_type": ("introductory_generic", "privacy_contact_information")}
    assert s.labels("12", "other", both) == ["introductory_generic", "privacy_contact_information"]
    assert s.labels("12", "other", {"other_type": ("other",)}) == []
    assert s.labels("12", "other", {"other_type": "introductory_generic"}) == [
        "introductory_generic"
    ]


def test_each_value_of_a_set_is_mapped_onto_the_hub():
    s = scheme("mapp")
    mapped = mapped_values(FIRST_PARTY, {"personal_information_type": ("contact", "location")}, s)
    one_by_one = [
        hub_value
        for value in ("contact", "location")
        for hub_value in mapped_values(FIRST_PARTY, {"personal_information_type": value}, s)
    ]
    assert sorted(mapped) == sorted(one_by_one)
    assert len(mapped) == 2


def test_a_value_sets_rows_come_together_again_and_other_practices_keep_one_value():
    practices = [
        {"practice_id": "s", "category": FIRST_PARTY, "is_value_set": True},
        {"practice_id": "p", "category": FIRST_PARTY, "is_value_set": False},
    ]
    values = [
        {"practice_id": "s", "attribute": "purpose", "value": "basic_service_feature"},
        {"practice_id": "s", "attribute": "purpose", "value": "analytics_research"},
        {"practice_id": "p", "attribute": "purpose", "value": "analytics_research"},
    ]
    s, p = practices_from_rows(practices, values)
    assert s.values == {"purpose": ("basic_service_feature", "analytics_research")}
    assert p.values == {"purpose": "analytics_research"}


def test_the_language_versions_of_one_policy_share_a_split():
    # The two ids alone fall in different splits (validation, train): the group decides.
    english, german = "mapp-en-3-x", "mapp-de-3-x"
    assert split_of(english) != split_of(german)
    assert split_of(english, "mapp-3") == split_of(german, "mapp-3") == split_of("mapp-3")
    assert split_of(english, None) == split_of(english)
