"""The label views hold what their policy's practices give, recomputed from the tables.

- `segment_labels`: for each segment, what its practices give each label of the scheme's
  first label set. A practice gives a label when each attribute the label names has a value
  among those it allows; conditions are counted per attribute, so a practice with a set of
  values for an attribute (several rows) meets one when any of them is allowed.
- `policy_labels`: each question of the hub answered from the practices of the policy's
  labelling layer, what each states in the hub's terms (its written values through the
  mapping rows), gathered per policy, question and answer.

Both are set-based, so SQL (DuckDB over the Parquet files), under one name and the layer
rule stated once (`derived.LAYER_FACTS`).
"""

import pandas as pd

from privacy_labels.contract.layers import CONSOLIDATED
from privacy_labels.contract.scheme_set import SchemeSet, answers
from privacy_labels.quality.checks import CORPUS, Check, Found
from privacy_labels.quality.derived import (
    LAYER_FACTS,
    NO_ANNOTATIONS,
    STATUS_OF_POLARITY,
    layer_problem,
    mapping_rows,
)
from privacy_labels.quality.sql import beside

NAME = "labels_match_practices"
# Each annotated policy's annotators and scheme (the layer rule's facts).
_OWNERS = """owners AS (
        SELECT policy_id, list(DISTINCT annotator) AS own, min(scheme) AS scheme
        FROM annotations GROUP BY policy_id)"""

_GIVEN = f"""
    {_OWNERS},
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
_SEGMENT_UNPAIRED = f"""
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


def _segment_rows(sql, schemes: SchemeSet) -> Found:
    """Each segment of an annotated policy has one row per label of its scheme's first label
    set, counting the annotators whose practice there matches the label (its category, and
    each attribute the label names among the values it allows, defaults filled in)."""
    with beside(sql, _label_tables(schemes)) as cursor:
        unpaired = cursor.execute(_SEGMENT_UNPAIRED).fetchall()
        miscounted = cursor.execute(_MISCOUNTED).fetchall()
        (n_rows,) = cursor.execute("SELECT count(*) FROM segment_labels").fetchone()
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
    return n_rows, failed


_PAIRS = f"""
    {_OWNERS},
    expected_keys AS (SELECT DISTINCT policy_id, question, answer FROM policies, answers),
    found_keys AS (SELECT DISTINCT policy_id, question, answer FROM policy_labels)
"""
_POLICY_UNPAIRED = f"""
    WITH {_PAIRS}
    SELECT *, 'missing' FROM (FROM expected_keys EXCEPT FROM found_keys)
    UNION ALL
    SELECT *, 'no such answer' FROM (FROM found_keys EXCEPT FROM expected_keys)
    ORDER BY ALL
"""
# Each policy's first row whose layer breaks the layer rule: its rows are not checked further.
_UNSOUND = f"""
    WITH {_PAIRS},
    facts AS (
        SELECT f.policy_id, f.layer, f.n_annotators, {LAYER_FACTS}
        FROM policy_labels f LEFT JOIN owners o USING (policy_id))
    SELECT DISTINCT ON (policy_id) *
    FROM facts
    WHERE n_annotators IS DISTINCT FROM n_expected OR hides_consolidated OR is_foreign_layer
    ORDER BY policy_id, layer NULLS FIRST
"""
# The status the polarities of an answer's practices give it.
_WANT = f"""
    CASE WHEN NOT is_annotated THEN '{NO_ANNOTATIONS}'
         WHEN has_negative AND has_positive THEN 'mixed'
         WHEN has_negative THEN '{STATUS_OF_POLARITY[frozenset({True})]}'
         WHEN has_positive THEN '{STATUS_OF_POLARITY[frozenset({False})]}'
         ELSE '{STATUS_OF_POLARITY[frozenset()]}' END
"""
# Each row of an expected key whose practice_ids, status or scheme is not what the practices
# of its policy's labelling layer give, with what they give.
_SUPPORTED = f"""
    WITH {_PAIRS},
    layer_of AS (SELECT policy_id, min(layer) AS layer FROM policy_labels GROUP BY policy_id),
    stated AS (  -- what each practice of its policy's labelling layer states in hub terms
        -- (a place twice, through two written values, counts once below: no DISTINCT here)
        SELECT p.practice_id, p.policy_id, h.hub_category AS category,
               h.hub_attribute AS attribute, h.hub_value AS value
        FROM practices p
        LEFT JOIN layer_of l USING (policy_id)
        JOIN attribute_values v USING (practice_id)
        JOIN hub h ON (h.scheme, h.category, h.attribute, h.value)
                    = (p.scheme, p.category, v.attribute, v.value)
        WHERE v.is_annotated
          AND CASE WHEN l.layer IS NULL THEN p.annotator <> '{CONSOLIDATED}'
                   ELSE p.annotator = l.layer END),
    negative AS (
        SELECT DISTINCT practice_id FROM stated
        WHERE (attribute, value) = (getvariable('polarity'), 'does_not')),
    supporting AS (
        SELECT s.policy_id, q.question, s.value AS answer,
               list(DISTINCT s.practice_id ORDER BY s.practice_id) AS ids,
               bool_or(q.is_negatable AND n.practice_id IS NOT NULL) AS has_negative,
               bool_or(NOT (q.is_negatable AND n.practice_id IS NOT NULL)) AS has_positive
        FROM stated s
        JOIN slots q USING (category, attribute)
        LEFT JOIN negative n USING (practice_id)
        GROUP BY ALL),
    checked AS (
        SELECT f.policy_id, f.question, f.answer, f.status, f.scheme, o.scheme AS own_scheme,
               o.policy_id IS NOT NULL AS is_annotated,
               list_sort(list_distinct(coalesce(string_split(f.practice_ids, ' '), [])))
                   AS given,
               coalesce(s.ids, []) AS ids,
               coalesce(s.has_negative, false) AS has_negative,
               coalesce(s.has_positive, false) AS has_positive
        FROM policy_labels f
        SEMI JOIN expected_keys k ON (k.policy_id, k.question, k.answer)
                                   = (f.policy_id, f.question, f.answer)
        LEFT JOIN owners o USING (policy_id)
        LEFT JOIN supporting s ON (s.policy_id, s.question, s.answer)
                                = (f.policy_id, f.question, f.answer))
    SELECT policy_id, question, answer, status, scheme, own_scheme, given, ids, {_WANT} AS want
    FROM checked
    WHERE given <> ids OR status IS DISTINCT FROM want OR scheme IS DISTINCT FROM own_scheme
    ORDER BY policy_id, question, answer
"""


def _question_tables(schemes: SchemeSet) -> dict[str, pd.DataFrame]:
    """The hub's questions: each answer it allows, and the slots whose values answer it."""
    hub = schemes.hub
    questions = hub.questions.questions
    return {
        "answers": pd.DataFrame(
            [(q.id, v.id) for q in questions for v in answers(hub, q)],
            columns=["question", "answer"],
        ),
        "slots": pd.DataFrame(
            [(q.id, c, a, q.is_negatable) for q in questions for c, a in q.slots],
            columns=["question", "category", "attribute", "is_negatable"],
        ),
        "hub": mapping_rows(schemes),
    }


def _policy_rows(sql, schemes: SchemeSet) -> Found:
    """Each policy_labels row: its practice_ids are exactly the policy's labelling practices
    that give the answer in the hub's terms, and its status follows from their polarity
    (does / does_not / mixed / silent)."""
    with beside(sql, _question_tables(schemes)) as cursor:
        cursor.execute("SET VARIABLE polarity = ?", [schemes.hub.questions.polarity])
        unpaired = cursor.execute(_POLICY_UNPAIRED).fetchall()
        unsound = cursor.execute(_UNSOUND).fetchall()
        unsound_ids = {row[0] for row in unsound}
        mismatched = [
            row for row in cursor.execute(_SUPPORTED).fetchall() if row[0] not in unsound_ids
        ]
        claimed = sorted({i for row in mismatched for i in set(row[6]) - set(row[7])})
        known = (
            cursor.execute(
                "SELECT list(practice_id) FROM practices WHERE list_contains(?, practice_id)",
                [claimed],
            ).fetchone()[0]
            or []
        )
        (n_rows,) = cursor.execute("SELECT count(*) FROM policy_labels").fetchone()
    failed = [f"{p} {q}={a}: {problem}" for p, q, a, problem in unpaired]
    failed += [f"{policy_id}: {layer_problem(*facts)}" for policy_id, *facts in unsound]
    for policy_id, question, answer, status, scheme, own_scheme, given, ids, want in mismatched:
        where = f"{policy_id} {question}={answer}"
        unknown = sorted(set(given) - set(ids) - set(known))
        if given != ids:
            failed.append(
                f"{where}: unknown practice(s) {' '.join(unknown)}"
                if unknown
                else f"{where}: practice_ids expected {' '.join(ids) or 'none'}"
            )
        elif status != want:
            failed.append(f"{where}: is {status}, expected {want}")
        else:
            failed.append(f"{where}: scheme is {scheme}, expected {own_scheme}")
    return n_rows, failed


def _check(view: str, target: str, rows, *parents: str) -> Check:
    return Check(
        NAME,
        view,
        target,
        (view, *parents, "practices", "attribute_values", "annotations"),
        CORPUS,
        rows,
    )


CHECKS = [
    _check(
        "segment_labels",
        "one row per label; n_annotators, layer, n_labeled, share_labeled, is_majority, has_label",
        _segment_rows,
        "segments",
    ),
    _check(
        "policy_labels",
        "one row per question and answer; n_annotators, layer, scheme, status, practice_ids",
        _policy_rows,
        "policies",
    ),
]
