"""What the checks of the derived views and attribute slots share, from tables and schemes.

The checks of segment_labels, policy_labels and mapped_values (`checks/`) recompute each
view from its tables with these; each rule is recomputed independently of contract/views.py and
contract/policy_labels.py on purpose (from whole columns, the schemes' label sets and
mapping rows read as data, not the build's Practice rows or `Scheme.map_practice`), so
that a bug in the build's rule cannot pass the check of its own output.
"""

from __future__ import annotations

import pandas as pd

from privacy_labels.contract.layers import CONSOLIDATED
from privacy_labels.contract.scheme_set import SchemeSet

# A policy-label status from the polarities of the practices that give its answer.
STATUS_OF_POLARITY = {
    frozenset(): "not_stated",
    frozenset({False}): "does",
    frozenset({True}): "does_not",
}
NO_ANNOTATIONS = "not_annotated"  # every answer of a policy without annotation documents
EXACT = "exact"  # a hub value's own mapping kind


def in_hub(schemes: SchemeSet) -> dict[tuple, list[tuple[str, str, str, str]]]:
    """(scheme, category, attribute, value) -> the hub's (category, attribute, value, kind)
    it stands for, from the mapping rows as data; a hub value stands for itself."""
    hub = schemes.hub
    found: dict[tuple, list[tuple[str, str, str, str]]] = {}
    for c, a in hub.slots:
        for v in a.values:
            found[hub.id, c.id, a.id, v.id] = [(c.id, a.id, v.id, EXACT)]
    for s in schemes:
        if s.mapping is None or s.mapping.scheme != hub.id:
            continue
        target_of = {
            r.source.category: r.targets[0].category
            for r in s.mapping.rows
            if r.source.attribute is None and r.targets
        }
        for r in s.mapping.rows:
            place = r.source
            if place.value is None or place.category not in target_of:
                continue
            found[s.id, place.category, place.attribute, place.value] = [
                (target_of[place.category], t.attribute, t.value, r.kind)
                for t in r.targets
                if t.attribute is not None and t.value is not None
            ]
    return found


def mapping_rows(schemes: SchemeSet) -> pd.DataFrame:
    """`in_hub` as a table: a scheme's place and each hub place it stands for."""
    return pd.DataFrame(
        [(*place, *target) for place, targets in in_hub(schemes).items() for target in targets],
        columns=[
            "scheme", "category", "attribute", "value",
            "hub_category", "hub_attribute", "hub_value", "kind",
        ],
    )  # fmt: skip


# The layer rule of contract/views.py, stated again on purpose, in SQL, over a view row `f` (layer, n_annotators) and
# its policy's annotators `o.own` (null for a policy without annotations): the facts
# `layer_problem` words.
LAYER_FACTS = f"""
    len(list_filter(coalesce(o.own, []), lambda a: a <> '{CONSOLIDATED}')) AS n_expected,
    f.layer IS NULL AND list_contains(coalesce(o.own, []), '{CONSOLIDATED}')
        AS hides_consolidated,
    f.layer IS NOT NULL AND NOT list_contains(coalesce(o.own, []), f.layer)
        AS is_foreign_layer
"""


def layer_problem(
    layer: str | None,
    n_annotators: int,
    n_expected: int,
    hides_consolidated: bool,
    is_foreign_layer: bool,
) -> str | None:
    """What breaks the layer rule, worded from the facts of `LAYER_FACTS` (or None)."""
    if n_annotators != n_expected:
        return f"n_annotators: is {n_annotators}, expected {n_expected}"
    if hides_consolidated:
        return f"layer is null, but the policy has a {CONSOLIDATED} layer"
    if is_foreign_layer:
        return f"layer {layer!r} is not an annotator of the policy"
    return None


def slots_of(schemes: SchemeSet) -> pd.DataFrame:
    """Every scheme's (category, attribute) slots in the scheme's order, whether required,
    and their defaults (null when required, or optional without one)."""
    return pd.DataFrame(
        [
            (s.id, c.id, a.id, a.default, a.is_required, position)
            for s in schemes
            for position, (c, a) in enumerate(s.slots)
        ],
        columns=["scheme", "category", "attribute", "default", "is_required", "position"],
    ).astype({"scheme": "string", "category": "string", "attribute": "string", "default": "string"})


# A 64-bit fingerprint of a row's key (`hash`) joins 8 bytes a row where the key's strings
# take some 60 (a practice id is about 33 characters): at 10× OPP-115 the strings' hash tables
# spilled beyond the gate's memory limit. A fault is missed only if its fingerprint equals
# another row's, about one chance in 10^13 at 10×; the rows found are named by their keys.
MISSING_ATTRIBUTES = """
    SELECT p.practice_id, p.category, string_agg(s.attribute, ', ' ORDER BY s.position)
    FROM practices p
    JOIN slots s USING (scheme, category)
    ANTI JOIN (SELECT DISTINCT hash(practice_id, attribute) AS key FROM attribute_values) v
        ON v.key = hash(p.practice_id, s.attribute)
    WHERE {which}
    GROUP BY ALL
    ORDER BY ALL
"""


def missing_attributes(sql, which: str) -> list[str]:
    """The practices lacking a row for some attribute of their category among the `slots`
    (a table beside `sql`'s) that meet `which` (SQL over `p`, the practice, and `s`, the slot)."""
    return [
        f"{practice_id} ({category}): no {attributes}"
        for practice_id, category, attributes in sql.execute(
            MISSING_ATTRIBUTES.format(which=which)
        ).fetchall()
    ]
