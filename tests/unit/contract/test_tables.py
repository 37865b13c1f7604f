"""A column's constraints are the contract's, and each consumer states them as they are."""

from __future__ import annotations

from privacy_labels.contract.columns import Column
from privacy_labels.contract.scheme_set import package_schemes
from privacy_labels.contract.tables import table
from privacy_labels.outputs.docs import _constraints
from privacy_labels.quality.suites import _value_expectations, gx

SHARE = Column("share", "number", "A share.", True, minimum=0, maximum=1)
DIGEST = Column("digest", "string", "A digest.", pattern="[0-9a-f]{64}", is_unique=True)


SCHEMES = package_schemes()


def test_constraints_are_written_as_frictionless_reads_them():
    assert SHARE.constraints(SCHEMES) == {"required": False, "minimum": 0, "maximum": 1}
    assert DIGEST.constraints(SCHEMES) == {
        "required": True,
        "unique": True,
        "pattern": "[0-9a-f]{64}",
    }
    category = table("practices").column("category")
    assert category.constraints(SCHEMES)["enum"] == category.label_ids(SCHEMES)


def test_a_label_list_is_the_union_of_the_schemes_hub_first_then_by_id():
    """opp115's 10 categories in its order, then app350's 3 (first party, third party,
    single sign-on); MAPP's 9 are all opp115's ids, so none is added twice."""
    categories = table("practices").column("category").label_ids(SCHEMES)
    opp115, app350 = SCHEMES["opp115"], SCHEMES["app350"]
    assert SCHEMES.ids == ["opp115", "app350", "mapp"]
    assert categories == opp115.category_ids + app350.category_ids
    labels = table("segment_labels").column("label").label_ids(SCHEMES)
    assert len(labels) == 10 + 58 + 0  # MAPP's 9 category labels are opp115's ids


def test_the_gate_expects_a_pattern_in_full_and_uniqueness_beside_the_key():
    _, gxe = gx()
    regex, unique = _value_expectations(gxe, DIGEST, key=["policy_id"], schemes=SCHEMES)
    assert regex.regex == "^(?:[0-9a-f]{64})$" and regex.column == "digest"
    assert unique.column == "digest"
    # the key's expectation
    assert _value_expectations(gxe, DIGEST, key=["digest"], schemes=SCHEMES)[1:] == []


def test_the_docs_say_each_constraint():
    assert _constraints(SHARE) == "≥ 0, ≤ 1"
    assert _constraints(DIGEST) == "unique, matches `[0-9a-f]{64}`"
    assert _constraints(table("practices").column("category")) == (
        "one of the category ids of the build's schemes"
    )
    assert _constraints(table("policies").column("organisation")) == "—"
