"""Policy-level privacy labels: the answers a policy gives, each backed by the practices that state it.

The questions are the hub's (`schema/schemes/opp115/questions.json`: what the
first party collects, for which purposes, what it shares, with whom, ...), and
every practice answers them in the hub's terms: a practice of another scheme is
mapped onto the hub first (`Scheme.map_practice`: APP-350's third-party GPS
location becomes OPP-115's third-party sharing of location; MAPP's merged
"advertising or marketing" answers both advertising and marketing). So one
question reads the same over every corpus.

The `policy_labels` table has one row per policy, question and possible answer
(a value of the hub's slots that answer it), with the answer's status:

- `does` when some practice states it, `does_not` when practices state only the
  opposite (the polarity attribute's `does_not`, as in "we do not sell your
  contact information"), `mixed` when practices state both, `not_stated` when
  the policy is silent, and `not_annotated` for a policy without annotation
  documents (nobody has read it yet, so it states nothing either way). Silence
  is never read as a denial. Only questions the data marks negatable (what is
  collected or shared, with whom and why) can be denied: a choice stated within
  a denial ("not without your consent") is still offered.
- `practice_ids`: the supporting practices, space-separated and sorted; null
  when none.

The practices are those of the policy's labelling layer (column `layer`: by
default the consolidated layer when the policy has one, see views.py); without
one, all annotators' practices count: an answer is `does` if any annotator found
the statement, and its practice_ids say who (practice ids name their annotator).
The values read are those the annotators wrote: a default the tables fill in
answers no question. `grid()` crosses two questions' answers for the per-policy
report (information type × purpose, information type × recipient), by the same rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from privacy_labels.contract.scheme_set import answers
from privacy_labels.contract.schemes import Given, Question, Scheme

# The rule's outcomes, in the order the hub's questions.json lists them (a test keeps them so).
DOES, DOES_NOT, MIXED, NOT_STATED, NOT_ANNOTATED = (
    "does",
    "does_not",
    "mixed",
    "not_stated",
    "not_annotated",
)
STATUSES = (DOES, DOES_NOT, MIXED, NOT_STATED, NOT_ANNOTATED)


@dataclass(frozen=True)
class Practice:
    """A practice as its annotator wrote it, in its own scheme."""

    practice_id: str
    category: str
    values: dict[str, Given]  # attribute -> value (a value set's values), as written
    segment_id: int | None = None
    annotator: str | None = None


@dataclass(frozen=True)
class Stated:
    """What a practice states in the hub's terms: its category there (None without a
    counterpart) and, per attribute, the values it stands for (several for a merged value)."""

    practice_id: str
    category: str | None
    values: dict[str, tuple[str, ...]]
    is_negative: bool

    def answers(self, q: Question) -> list[str]:
        return [v for a in slots_in(q).get(self.category, ()) for v in self.values.get(a, ())]


def slots_in(q: Question) -> dict[str, tuple[str, ...]]:
    """category -> the attributes whose values answer the question."""
    return {c: tuple(a for c2, a in q.slots if c2 == c) for c, _ in q.slots}


def stated(practices: Iterable[Practice], scheme: Scheme, hub: Scheme) -> list[Stated]:
    """Practices of `scheme` in the hub's terms, each with its polarity there."""
    polarity = hub.questions.polarity
    found = []
    for p in practices:
        category, values = scheme.map_practice(p.category, p.values)
        is_negative = DOES_NOT in values.get(polarity, ())
        found.append(Stated(p.practice_id, category, values, is_negative))
    return found


def practices_from_rows(
    practice_rows: Iterable[dict], value_rows: Iterable[dict]
) -> list[Practice]:
    """Practices from rows of the `practices` and `attribute_values` tables, with the values
    their annotators wrote: a default the tables fill in answers no question. A value
    set's rows (one per value) come together again as a tuple."""
    values: dict[str, dict[str, list[str]]] = {}
    for row in value_rows:
        if not row.get("is_annotated", True):
            continue
        values.setdefault(row["practice_id"], {}).setdefault(row["attribute"], []).append(
            row["value"]
        )

    def given(p: dict) -> dict[str, Given]:
        written = values.get(p["practice_id"], {})
        if p.get("is_value_set"):
            return {a: tuple(v) for a, v in written.items()}
        return {a: v[-1] for a, v in written.items()}

    return [
        Practice(p["practice_id"], p["category"], given(p), p.get("segment_id"), p.get("annotator"))
        for p in practice_rows
    ]


def status(supporting: Iterable[Stated], is_negatable: bool) -> str:
    """`does`, `does_not`, `mixed` or `not_stated`, from the practices that give an answer."""
    kinds = {is_negatable and p.is_negative for p in supporting}
    if not kinds:
        return NOT_STATED
    if kinds == {True}:
        return DOES_NOT
    return DOES if kinds == {False} else MIXED


@dataclass(frozen=True)
class Cell:
    status: str
    practice_ids: tuple[str, ...]


def _cell(found: list[Stated], is_negatable: bool) -> Cell:
    return Cell(status(found, is_negatable), tuple(sorted({p.practice_id for p in found})))


def _supporting(
    practices: Iterable[Stated], hub: Scheme, questions: Iterable[Question]
) -> dict[str, dict[str, list[Stated]]]:
    """question -> answer -> the practices that give it, in one pass over the practices."""
    questions = list(questions)
    supporting = {q.id: {v.id: [] for v in answers(hub, q)} for q in questions}
    asked: dict[str, list[tuple[str, str]]] = {}  # category -> (question, attribute)
    for q in questions:
        for category, attributes in slots_in(q).items():
            asked.setdefault(category, []).extend((q.id, a) for a in attributes)
    for practice in practices:
        for question_id, attribute in asked.get(practice.category, ()):
            for value_id in practice.values.get(attribute, ()):
                supporting[question_id][value_id].append(practice)
    return supporting


def cells(practices: Iterable[Stated], hub: Scheme, q: Question) -> dict[str, Cell]:
    """Every answer to one question: its status and supporting practices."""
    supporting = _supporting(practices, hub, [q])[q.id]
    return {value_id: _cell(found, q.is_negatable) for value_id, found in supporting.items()}


def grid(
    practices: Iterable[Stated], hub: Scheme, rows: Question, columns: Question
) -> dict[tuple[str, str], Cell]:
    """Answers crossed: (row value, column value) → the practices that state both together."""
    supporting: dict[tuple[str, str], list[Stated]] = {
        (r.id, c.id): [] for r in answers(hub, rows) for c in answers(hub, columns)
    }
    for practice in practices:
        for row_value in practice.answers(rows):
            for column_value in practice.answers(columns):
                supporting[row_value, column_value].append(practice)
    is_negatable = rows.is_negatable or columns.is_negatable
    return {key: _cell(found, is_negatable) for key, found in supporting.items()}


def question(hub: Scheme, question_id: str) -> Question:
    return next(q for q in hub.questions.questions if q.id == question_id)


def policy_label_rows(
    policy_id: str,
    scheme: str | None,
    n_annotators: int,
    practices: list[Stated],
    hub: Scheme,
    layer: str | None = None,
) -> list[dict]:
    """The `policy_labels` rows of one policy, from the practices of its labelling `layer`
    (all annotators' when None) written in `scheme`, in the hub's terms; every answer
    `not_annotated` when it has no annotators."""
    is_annotated = n_annotators > 0 or layer is not None
    supporting = _supporting(practices, hub, hub.questions.questions)
    rows = []
    for q in hub.questions.questions:
        for value_id, found in supporting[q.id].items():
            cell = _cell(found, q.is_negatable) if is_annotated else Cell(NOT_ANNOTATED, ())
            rows.append(
                {
                    "policy_id": policy_id,
                    "scheme": scheme,
                    "n_annotators": n_annotators,
                    "layer": layer,
                    "question": q.id,
                    "answer": value_id,
                    "status": cell.status,
                    "practice_ids": " ".join(cell.practice_ids) or None,
                }
            )
    return rows
