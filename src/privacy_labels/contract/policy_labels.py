"""Policy-level privacy labels: the answers a policy gives, each backed by the practices that state it.

The `policy_labels` table has one row per policy. For each question (what the
first party collects, for which purposes, what it shares, with whom, ...) and
each possible answer, a taxonomy value, it holds two columns:

- `<question>_<value>`: `does` when some practice states it, `does_not` when
  practices state only the opposite (OPP-115's `Does Not`, as in "we do not
  sell your contact information"), `mixed` when practices state both,
  `not_stated` when the policy is silent, and `not_annotated` in every cell of
  a policy without annotation documents (nobody has read it yet, so it states
  nothing either way). Silence is never read as a denial.
  Only what is collected or shared, with whom and why, can be denied: a choice
  stated within a denial ("not without your consent") is still offered.
- `<question>_<value>_practice_ids`: the supporting practices, space-separated
  and sorted; empty when not stated.

The practices are those of the policy's labelling layer (column `layer`: by
default the consolidated layer when the policy has one, see views.py); without
one, all annotators' practices count: a cell is `does` if any annotator found
the statement, and its practice_ids say who (practice ids name their annotator).
`grid()` crosses two questions' answers for the per-policy report
(information type × purpose, information type × recipient), by the same rules.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass

from privacy_labels.contract.schema import Value, taxonomy

NOT_ANNOTATED = "not_annotated"
STATUSES = ("does", "does_not", "mixed", "not_stated", NOT_ANNOTATED)
POLARITY = "does_does_not"  # the attribute that turns a collection or sharing practice negative


@dataclass(frozen=True)
class Question:
    id: str
    title: str
    slots: tuple[tuple[str, str], ...]  # (category, attribute) whose values answer it
    # Whether a practice's `does_not` denies the answer: true for what is collected or
    # shared and why; not for a choice offered within a denial ("not without your consent").
    is_negatable: bool = False

    @functools.cached_property
    def values(self) -> list[Value]:
        """The possible answers: the slots' values, in taxonomy order."""
        tax = taxonomy()
        values = [v for c, a in self.slots for v in tax.category(c).attribute(a).values]
        return list({v.id: v for v in values}.values())

    @functools.cached_property
    def attributes_in(self) -> dict[str, tuple[str, ...]]:
        """category -> the attributes whose values answer the question."""
        return {c: tuple(a for c2, a in self.slots if c2 == c) for c, _ in self.slots}


FIRST_PARTY, THIRD_PARTY = "first_party_collection_use", "third_party_sharing_collection"
QUESTIONS: tuple[Question, ...] = (
    Question(
        "collected",
        "Information collected by the first party",
        ((FIRST_PARTY, "personal_information_type"),),
        is_negatable=True,
    ),
    Question(
        "collected_for",
        "Why the first party collects or uses it",
        ((FIRST_PARTY, "purpose"),),
        is_negatable=True,
    ),
    Question(
        "shared",
        "Information shared with or collected by third parties",
        ((THIRD_PARTY, "personal_information_type"),),
        is_negatable=True,
    ),
    Question(
        "shared_with",
        "Third parties that receive or collect it",
        ((THIRD_PARTY, "third_party_entity"),),
        is_negatable=True,
    ),
    Question(
        "shared_for",
        "Why third parties receive or collect it",
        ((THIRD_PARTY, "purpose"),),
        is_negatable=True,
    ),
    Question(
        "choice",
        "Choices offered",
        (
            ("user_choice_control", "choice_type"),
            (FIRST_PARTY, "choice_type"),
            (THIRD_PARTY, "choice_type"),
        ),
    ),
    Question(
        "access", "Access, edit and deletion", (("user_access_edit_and_deletion", "access_type"),)
    ),
    Question("retention", "How long it is kept", (("data_retention", "retention_period"),)),
    Question("security", "Security measures", (("data_security", "security_measure"),)),
    Question(
        "audience",
        "Special audiences",
        (("international_and_specific_audiences", "audience_type"),),
    ),
    Question(
        "change_notice",
        "How policy changes are announced",
        (("policy_change", "notification_type"),),
    ),
    Question("do_not_track", "Do Not Track", (("do_not_track", "do_not_track_policy"),)),
)


def question(question_id: str) -> Question:
    return next(q for q in QUESTIONS if q.id == question_id)


def cell_column(question_id: str, value_id: str) -> str:
    return f"{question_id}_{value_id}"


def evidence_column(question_id: str, value_id: str) -> str:
    return f"{cell_column(question_id, value_id)}_practice_ids"


@dataclass(frozen=True)
class Practice:
    """What the labels need of a practice: its id, category and attribute values."""

    practice_id: str
    category: str
    values: dict[str, str]  # attribute -> value
    segment_id: int | None = None
    annotator: str | None = None

    @property
    def is_negative(self) -> bool:
        return self.values.get(POLARITY) == "does_not"

    def answers(self, q: Question) -> list[str]:
        return [self.values[a] for a in q.attributes_in.get(self.category, ()) if a in self.values]


def practices_from_rows(
    practice_rows: Iterable[dict], value_rows: Iterable[dict]
) -> list[Practice]:
    """Practices from rows of the `practices` and `attribute_values` tables, with the values
    their annotators wrote: a default the tables fill in answers no question."""
    values: dict[str, dict[str, str]] = {}
    for row in value_rows:
        if not row.get("is_annotated", True):
            continue
        values.setdefault(row["practice_id"], {})[row["attribute"]] = row["value"]
    return [
        Practice(p["practice_id"], p["category"], values.get(p["practice_id"], {}))
        for p in practice_rows
    ]


def status(supporting: Iterable[Practice], is_negatable: bool) -> str:
    """`does`, `does_not`, `mixed` or `not_stated`, from the practices that give an answer."""
    kinds = {is_negatable and p.is_negative for p in supporting}
    if not kinds:
        return "not_stated"
    if kinds == {True}:
        return "does_not"
    return "does" if kinds == {False} else "mixed"


@dataclass(frozen=True)
class Cell:
    status: str
    practice_ids: tuple[str, ...]


def _cell(found: list[Practice], is_negatable: bool) -> Cell:
    return Cell(status(found, is_negatable), tuple(sorted({p.practice_id for p in found})))


def _supporting(
    practices: Iterable[Practice], questions: Iterable[Question]
) -> dict[str, dict[str, list[Practice]]]:
    """question -> answer -> the practices that give it, in one pass over the practices."""
    supporting = {q.id: {v.id: [] for v in q.values} for q in questions}
    asked: dict[str, list[tuple[str, str]]] = {}  # category -> (question, attribute)
    for q in questions:
        for category, attributes in q.attributes_in.items():
            asked.setdefault(category, []).extend((q.id, a) for a in attributes)
    for practice in practices:
        for question_id, attribute in asked.get(practice.category, ()):
            value_id = practice.values.get(attribute)
            if value_id is not None:
                supporting[question_id][value_id].append(practice)
    return supporting


def cells(practices: Iterable[Practice], q: Question) -> dict[str, Cell]:
    """Every answer to one question: its status and supporting practices."""
    supporting = _supporting(practices, [q])[q.id]
    return {value_id: _cell(found, q.is_negatable) for value_id, found in supporting.items()}


def grid(
    practices: Iterable[Practice], rows: Question, columns: Question
) -> dict[tuple[str, str], Cell]:
    """Answers crossed: (row value, column value) → the practices that state both together."""
    supporting: dict[tuple[str, str], list[Practice]] = {
        (r.id, c.id): [] for r in rows.values for c in columns.values
    }
    for practice in practices:
        for row_value in practice.answers(rows):
            for column_value in practice.answers(columns):
                supporting[row_value, column_value].append(practice)
    is_negatable = rows.is_negatable or columns.is_negatable
    return {key: _cell(found, is_negatable) for key, found in supporting.items()}


def policy_label_row(
    policy_id: str, n_annotators: int, practices: list[Practice], layer: str | None = None
) -> dict:
    """The `policy_labels` row of one policy, from the practices of its labelling `layer`
    (all annotators' when None); every cell `not_annotated` when it has neither."""
    row: dict = {"policy_id": policy_id, "n_annotators": n_annotators, "layer": layer}
    is_annotated = n_annotators > 0 or layer is not None
    supporting = _supporting(practices, QUESTIONS)
    for q in QUESTIONS:
        for value_id, found in supporting[q.id].items():
            cell = _cell(found, q.is_negatable) if is_annotated else Cell(NOT_ANNOTATED, ())
            row[cell_column(q.id, value_id)] = cell.status
            row[evidence_column(q.id, value_id)] = " ".join(cell.practice_ids) or None
    return row
