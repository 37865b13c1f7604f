"""A column's constraints are the contract's, and each consumer states them as they are."""

from __future__ import annotations

from privacy_labels.contract.columns import Column
from privacy_labels.contract.tables import table
from privacy_labels.outputs.docs import _constraints
from privacy_labels.quality.suites import _value_expectations, gx

SHARE = Column("share", "number", "A share.", True, minimum=0, maximum=1)
DIGEST = Column("digest", "string", "A digest.", pattern="[0-9a-f]{64}", is_unique=True)


def test_constraints_are_written_as_frictionless_reads_them():
    assert SHARE.constraints() == {"required": False, "minimum": 0, "maximum": 1}
    assert DIGEST.constraints() == {"required": True, "unique": True, "pattern": "[0-9a-f]{64}"}
    category = table("practices").column("category")
    assert category.constraints()["enum"] == category.label_ids()


def test_the_gate_expects_a_pattern_in_full_and_uniqueness_beside_the_key():
    _, gxe = gx()
    regex, unique = _value_expectations(gxe, DIGEST, key=["policy_id"])
    assert regex.regex == "^(?:[0-9a-f]{64})$" and regex.column == "digest"
    assert unique.column == "digest"
    assert _value_expectations(gxe, DIGEST, key=["digest"])[1:] == []  # the key's expectation


def test_the_docs_say_each_constraint():
    assert _constraints(SHARE) == "≥ 0, ≤ 1"
    assert _constraints(DIGEST) == "unique, matches `[0-9a-f]{64}`"
    assert _constraints(table("practices").column("category")) == "one of the category ids"
    assert _constraints(table("policies").column("organisation")) == "—"
