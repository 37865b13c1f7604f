"""policy_labels answers each question of the hub from the practices of the policy's layer.

Set-based, so SQL (DuckDB over the frames): what each practice of the labelling layer
states in the hub's terms (its written values through the mapping rows), gathered per
policy, question and answer. A practice with a set of values for an attribute (several
rows) states each of them.
"""

import pandas as pd

from privacy_labels.contract.layers import CONSOLIDATED
from privacy_labels.contract.scheme_set import SchemeSet, answers
from privacy_labels.quality.checks import PART, Check, Found
from privacy_labels.quality.derived import (
    LAYER_FACTS,
    NO_ANNOTATIONS,
    STATUS_OF_POLARITY,
    layer_problem,
    mapping_rows,
)
from privacy_labels.quality.sql import over

_PAIRS = """
    owners AS (
        SELECT policy_id, list(DISTINCT annotator) AS own, min(scheme) AS scheme
        FROM annotations GROUP BY policy_id),
    expected_keys AS (SELECT DISTINCT policy_id, question, answer FROM policies, answers),
    found_keys AS (SELECT DISTINCT policy_id, question, answer FROM policy_labels)
"""
_UNPAIRED = f"""
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
_SUPPORTED = f"""
    WITH {_PAIRS},
    layer_of AS (SELECT policy_id, min(layer) AS layer FROM policy_labels GROUP BY policy_id),
    stated AS (  -- what each practice of its policy's labelling layer states in hub terms
        SELECT DISTINCT p.practice_id, p.policy_id, h.hub_category AS category,
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
    SELECT * FROM checked
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


def _status(is_annotated: bool, has_negative: bool, has_positive: bool) -> str:
    """The status the polarities of an answer's practices give it."""
    if not is_annotated:
        return NO_ANNOTATIONS
    polarity = frozenset([True] * has_negative + [False] * has_positive)
    return STATUS_OF_POLARITY.get(polarity, "mixed")


def _rows(frames, schemes: SchemeSet) -> Found:
    """Each policy_labels row: its practice_ids are exactly the policy's labelling practices
    that give the answer in the hub's terms, and its status follows from their polarity
    (does / does_not / mixed / silent)."""
    names = ("policy_labels", "policies", "practices", "attribute_values", "annotations")
    with over({**{n: frames[n] for n in names}, **_question_tables(schemes)}) as sql:
        sql.execute("SET VARIABLE polarity = ?", [schemes.hub.questions.polarity])
        unpaired = sql.execute(_UNPAIRED).fetchall()
        unsound = sql.execute(_UNSOUND).fetchall()
        unsound_ids = {row[0] for row in unsound}
        mismatched = []
        for row in sql.execute(_SUPPORTED).fetchall():
            policy_id, _, _, status, scheme, own_scheme, is_annotated, given, ids = row[:9]
            want = _status(is_annotated, *row[9:])
            if policy_id not in unsound_ids and (given, status, scheme) != (ids, want, own_scheme):
                mismatched.append((*row[:9], want))
        claimed = sorted({i for row in mismatched for i in set(row[7]) - set(row[8])})
        known = (
            sql.execute(
                "SELECT list(practice_id) FROM practices WHERE list_contains(?, practice_id)",
                [claimed],
            ).fetchone()[0]
            or []
        )
    failed = [f"{p} {q}={a}: {problem}" for p, q, a, problem in unpaired]
    failed += [f"{policy_id}: {layer_problem(*facts)}" for policy_id, *facts in unsound]
    for policy_id, question, answer, status, scheme, own_scheme, _, given, ids, want in mismatched:
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
    return len(frames["policy_labels"]), failed


CHECK = Check(
    "labels_match_practices",
    "policy_labels",
    "one row per question and answer; n_annotators, layer, scheme, status, practice_ids",
    ("policy_labels", "policies", "practices", "attribute_values", "annotations"),
    PART,
    _rows,
)
