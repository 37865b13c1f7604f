"""segment_labels holds, for each segment, what its practices give each label of the scheme.

Set-based, so SQL (DuckDB over the frames, nothing recomputed row by row in Python): a
practice gives a label when each attribute the label names has a value among those it
allows. A label's conditions are counted per attribute, so a practice with a set of values
for an attribute (several rows) meets the condition when any of them is allowed.
"""

import pandas as pd

from privacy_labels.contract.layers import CONSOLIDATED
from privacy_labels.contract.scheme_set import SchemeSet
from privacy_labels.quality.checks import PART, Check, Found
from privacy_labels.quality.derived import LAYER_FACTS, layer_problem
from privacy_labels.quality.sql import over

_GIVEN = f"""
    owners AS (  -- each annotated policy's annotators and scheme (the layer rule's facts)
        SELECT policy_id, list(DISTINCT annotator) AS own, min(scheme) AS scheme
        FROM annotations GROUP BY policy_id),
    met AS (  -- the attributes of each label of its category a practice's values meet
        SELECT p.practice_id, c.label, count(DISTINCT c.attribute) AS n_met
        FROM practices p
        JOIN attribute_values v USING (practice_id)
        JOIN conditions c ON (c.scheme, c.category, c.attribute, c.value)
                           = (p.scheme, p.category, v.attribute, v.value)
        GROUP BY ALL),
    given AS (  -- who gave each label on each segment
        SELECT p.policy_id, p.segment_id, l.label, list(DISTINCT p.annotator) AS who,
               count(DISTINCT p.annotator) FILTER (p.annotator <> '{CONSOLIDATED}') AS n
        FROM practices p
        JOIN labels l ON (l.scheme, l.category) = (p.scheme, p.category)
        LEFT JOIN met m ON (m.practice_id, m.label) = (p.practice_id, l.label)
        WHERE coalesce(m.n_met, 0) = l.n_attributes
        GROUP BY ALL),
    expected_keys AS (
        SELECT DISTINCT s.policy_id, s.segment_id, o.scheme, l.label
        FROM segments s JOIN owners o USING (policy_id) JOIN labels l USING (scheme)),
    found_keys AS (SELECT DISTINCT policy_id, segment_id, scheme, label FROM segment_labels)
"""
_UNPAIRED = f"""
    WITH {_GIVEN},
    unpaired AS (
        SELECT *, true AS is_missing FROM (FROM expected_keys EXCEPT FROM found_keys)
        UNION ALL
        SELECT *, false FROM (FROM found_keys EXCEPT FROM expected_keys))
    SELECT u.policy_id, u.segment_id, u.scheme, u.label, u.is_missing, o.policy_id IS NULL
    FROM unpaired u LEFT JOIN owners o USING (policy_id)
    ORDER BY ALL
"""
# Each expected row: its layer's problem, else what it should hold where it holds other.
_MISCOUNTED = f"""
    WITH {_GIVEN},
    recounted AS (
        SELECT f.*, {LAYER_FACTS}, coalesce(g.n, 0) AS n,
               2 * coalesce(g.n, 0) > f.n_annotators AS is_more,
               CASE WHEN f.n_annotators <> 0 THEN coalesce(g.n, 0) / f.n_annotators END
                   AS share,
               CASE WHEN f.layer IS NULL THEN 2 * coalesce(g.n, 0) > f.n_annotators
                    ELSE coalesce(list_contains(g.who, f.layer), false) END AS has
        FROM segment_labels f
        SEMI JOIN expected_keys k ON (k.policy_id, k.segment_id, k.scheme, k.label)
                                   = (f.policy_id, f.segment_id, f.scheme, f.label)
        JOIN owners o USING (policy_id)
        LEFT JOIN given g ON (g.policy_id, g.segment_id, g.label)
                           = (f.policy_id, f.segment_id, f.label))
    SELECT policy_id, segment_id, label, layer, n_annotators, n_expected,
           hides_consolidated, is_foreign_layer, n, share, is_more, has
    FROM recounted
    WHERE n_annotators IS DISTINCT FROM n_expected OR hides_consolidated OR is_foreign_layer
       OR (n_labeled, share_labeled, is_majority, has_label)
          IS DISTINCT FROM (n, share, is_more, has)
    ORDER BY policy_id, segment_id, label
"""


def _label_tables(schemes: SchemeSet) -> dict[str, pd.DataFrame]:
    """Each scheme's labels of its first label set, and the values each allows per attribute."""
    labels, conditions = [], []
    for s in schemes:
        for label in s.label_sets.get(s.first_label_set, ()):
            labels.append((s.id, label.category, label.id, len(label.attributes)))
            conditions += [
                (s.id, label.category, label.id, attribute, value)
                for attribute, allowed in label.attributes.items()
                for value in allowed
            ]
    return {
        "labels": pd.DataFrame(labels, columns=["scheme", "category", "label", "n_attributes"]),
        "conditions": pd.DataFrame(
            conditions, columns=["scheme", "category", "label", "attribute", "value"]
        ),
    }


def _rows(frames, schemes: SchemeSet) -> Found:
    """Each segment of an annotated policy has one row per label of its scheme's first label
    set, counting the annotators whose practice there matches the label (its category, and
    each attribute the label names among the values it allows, defaults filled in)."""
    names = ("segment_labels", "segments", "practices", "attribute_values", "annotations")
    with over({**{n: frames[n] for n in names}, **_label_tables(schemes)}) as sql:
        unpaired = sql.execute(_UNPAIRED).fetchall()
        miscounted = sql.execute(_MISCOUNTED).fetchall()
    failed = list(
        dict.fromkeys(
            f"{p} segment {g}: labeled, but the policy has no annotations"
            if is_unannotated
            else f"{p} segment {g}: {label} ({s}) "
            + ("missing" if is_missing else "is no label of its scheme")
            for p, g, s, label, is_missing, is_unannotated in unpaired
        )
    )
    for row in miscounted:
        policy_id, segment_id, label = row[:3]
        n, share, is_more, has = row[8:]
        where = f"{policy_id} segment {segment_id}"
        problem = layer_problem(*row[3:8])
        failed.append(
            f"{where}: {problem}"
            if problem
            else f"{where}: {label} expected {n} annotator(s), share {share}, "
            f"majority {is_more}, label {has}"
        )
    return len(frames["segment_labels"]), failed


CHECK = Check(
    "labels_match_practices",
    "segment_labels",
    "one row per label; n_annotators, layer, n_labeled, share_labeled, is_majority, has_label",
    ("segment_labels", "segments", "practices", "attribute_values", "annotations"),
    PART,
    _rows,
)
