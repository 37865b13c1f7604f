"""Predictions files: a model's labels for segments, with scores (`schema/predictions.schema.json`).

    from privacy_labels.outputs.predictions import read_predictions
    predictions = read_predictions(Path("predictions.json"), schemes)  # raises InvalidInputs

A file names its scheme and one of the scheme's label sets (`label_sets.json`); a file
without a scheme is from before files named one, and its labels are OPP-115's.
It is validated like an annotation document: every problem at once, each with the file,
the JSON path and a hint. Beyond the schema: a segment listed twice, a label given twice
in a segment, a policy without its text's sha256, and labels outside the file's label set
(the hint names the set of the scheme that has it, e.g. Other's types in opp115's 12).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from privacy_labels._json import dump_json
from privacy_labels.contract.schema import PREDICTIONS, load_schema, schema_path
from privacy_labels.contract.scheme_set import SchemeSet
from privacy_labels.contract.schemes import Label, Scheme
from privacy_labels.contract.versions import unnamed_scheme
from privacy_labels.errors import PrivacyLabelsError
from privacy_labels.raw.conformance import conforms, decider_problems, explained_errors
from privacy_labels.raw.jsonio import read_json
from privacy_labels.raw.problems import InvalidInputs, Problem, closest, json_path


class UnknownLabelSet(PrivacyLabelsError):
    """No label set of that id in the scheme; the message lists its sets."""


def label_set_of(s: Scheme, label_set: str | None = None) -> tuple[str, tuple[Label, ...]]:
    """A label set of scheme `s` by id (its first when None): the id and its labels, in order."""
    chosen = s.first_label_set if label_set is None else label_set
    if chosen not in s.label_sets:
        raise UnknownLabelSet(
            f"scheme {s.id} has no label set {label_set!r}; its label sets are "
            + (", ".join(s.label_sets) or "none")
        )
    return chosen, s.label_sets[chosen]


def labels_of(s: Scheme, label_set: str | None = None) -> list[str]:
    """The labels of a label set of `s` (its first when None), in the set's order."""
    return [label.id for label in label_set_of(s, label_set)[1]]


def implied(label: Label, targets: tuple[Label, ...]) -> list[str]:
    """The labels of `targets` (another label set of the scheme) that a practice with
    `label` always has: Other of one type (opp115's 12) is Other (its 10)."""
    return [
        t.id
        for t in targets
        if t.category == label.category
        and all(
            a in label.attributes and set(label.attributes[a]) <= set(allowed)
            for a, allowed in t.attributes.items()
        )
    ]


def predictions_scheme(doc: dict, schemes: SchemeSet) -> Scheme | None:
    """The scheme a predictions file names (one from before files named one: the one
    scheme there was), if it is one of `schemes`."""
    ref = doc.get("scheme") or unnamed_scheme()
    found = schemes.get(ref.get("id")) if isinstance(ref, dict) else None
    return found if found is not None and found.version == ref.get("version") else None


def predictions_schema_path() -> Path:
    return schema_path(PREDICTIONS)


def predictions_schema() -> dict:
    return load_schema(PREDICTIONS)


@dataclass(frozen=True)
class Predictions:
    """A validated predictions file: labels with scores, by (policy_id, segment_id)."""

    file: str
    model: str
    scheme: Scheme
    label_set: str
    policies: dict[str, str]  # policy_id -> text_sha256
    segments: dict[tuple[str, int], dict[str, float]]  # -> {label: score}
    where: dict[tuple[str, int], str]  # -> JSON path of the segment's entry


def _label_problem(file: str, where: str, name: str, s: Scheme, label_set: str) -> Problem:
    allowed = labels_of(s, label_set)
    elsewhere = [other for other in s.label_sets if name in labels_of(s, other)]
    if elsewhere:
        hint = (
            f"it is a label of the {' and '.join(elsewhere)}-label set: set label_set to it, "
            "or use this set's labels"
        )
    elif closest(name, allowed):
        hint = f"did you mean {closest(name, allowed)!r}?"
    else:
        hint = f"use one of: {', '.join(allowed)}"
    return Problem(file, where, f"{name!r} is not a label of {s.id}'s {label_set}-label set", hint)


def _choices(error, doc: object, schemes: SchemeSet) -> list[str]:
    """What a value refused by the schema could have been: an enum's values, or a label of
    the file's label set (a display name such as `Data Security` is no id)."""
    if error.validator == "enum":
        return list(error.validator_value)
    if list(error.absolute_path)[-1:] == ["label"] and isinstance(doc, dict):
        s = predictions_scheme(doc, schemes)
        if s is not None and doc.get("label_set") in s.label_sets:
            return labels_of(s, doc["label_set"])
    return []


def predictions_problems(doc: object, file: str, schemes: SchemeSet) -> list[Problem]:
    """Every problem of a predictions document, its labels those of one of `schemes`, in
    file order."""
    if not conforms(PREDICTIONS, doc):
        problems = []
        for error in explained_errors(PREDICTIONS, doc):
            guess = closest(error.instance, _choices(error, doc, schemes))
            hint = f"did you mean {guess!r}?" if guess else ""
            problems.append(Problem(file, json_path(error.absolute_path), error.message, hint))
        # Refused with no error the explainer can name: the decider's own words.
        return problems or list(decider_problems(PREDICTIONS, file, doc))
    s = predictions_scheme(doc, schemes)
    if s is None:
        return [
            Problem(
                file,
                "$.scheme",
                f"scheme {(doc.get('scheme') or unnamed_scheme())['id']} is not one of the "
                f"schemes here ({', '.join(str(s) for s in schemes)})",
                "predict again with a model of one of them",
            )
        ]
    label_set = doc["label_set"]
    if label_set not in s.label_sets:
        return [
            Problem(
                file,
                "$.label_set",
                f"scheme {s} has no label set {label_set!r}",
                f"use one of: {', '.join(s.label_sets) or 'none'}",
            )
        ]
    problems = []
    allowed = set(labels_of(s, label_set))
    seen: dict[tuple[str, int], str] = {}
    for i, segment in enumerate(doc["segments"]):
        here = f"$.segments[{i}]"
        key = (segment["policy_id"], segment["segment_id"])
        if key in seen:
            problems.append(
                Problem(
                    file, here, f"segment {key[1]} of {key[0]} is listed twice", f"see {seen[key]}"
                )
            )
        seen.setdefault(key, here)
        if key[0] not in doc["policies"]:
            problems.append(
                Problem(
                    file,
                    here + ".policy_id",
                    f"policy {key[0]!r} has no text sha256 in $.policies",
                    "add the sha256 of the policy text the segment comes from",
                )
            )
        given: set[str] = set()
        for j, label in enumerate(segment["labels"]):
            name = label["label"]
            if name in given:
                problems.append(
                    Problem(file, f"{here}.labels[{j}]", f"label {name!r} is given twice")
                )
            given.add(name)
            if name not in allowed:
                problems.append(
                    _label_problem(file, f"{here}.labels[{j}].label", name, s, label_set)
                )
    return problems


def read_predictions(path: Path, schemes: SchemeSet) -> Predictions:
    """Read and validate a predictions file, its labels those of one of `schemes`; raises
    InvalidInputs with every problem."""
    doc, problem = read_json(path)
    if problem:
        raise InvalidInputs([problem])
    problems = predictions_problems(doc, str(path), schemes)
    if problems:
        raise InvalidInputs(problems)
    segments, where = {}, {}
    for i, segment in enumerate(doc["segments"]):
        key = (segment["policy_id"], segment["segment_id"])
        segments[key] = {label["label"]: label["score"] for label in segment["labels"]}
        where[key] = f"$.segments[{i}]"
    return Predictions(
        str(path),
        doc["model"],
        predictions_scheme(doc, schemes),
        doc["label_set"],
        dict(doc["policies"]),
        segments,
        where,
    )


def is_predictions_file(path: Path) -> bool:
    """Whether `path` holds a predictions file (one we may replace with another): a JSON
    object with the format's fields and no others."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    schema = predictions_schema()
    return (
        isinstance(doc, dict)
        and set(schema["required"]) <= set(doc) <= set(schema["properties"])
        and isinstance(doc.get("label_set"), str)
    )


def predictions_document(
    model: str,
    scheme: dict[str, str],
    label_set: str,
    threshold: float,
    policies: dict[str, str],
    segments: list[tuple[str, int, list[tuple[str, float]]]],
) -> str:
    """A predictions file's text, its labels of `label_set` of `scheme` (`Scheme.ref`):
    segments and labels sorted, scores rounded to 6 places, so that the same predictions
    give the same bytes.
    """
    doc = {
        "schema_version": predictions_schema()["schema_version"],
        "model": model,
        "scheme": dict(scheme),
        "label_set": label_set,
        "threshold": threshold,
        "policies": dict(sorted(policies.items())),
        "segments": [
            {
                "policy_id": policy_id,
                "segment_id": segment_id,
                "labels": [
                    {"label": label, "score": round(float(score), 6)} for label, score in labels
                ],
            }
            for policy_id, segment_id, labels in sorted(segments, key=lambda s: (s[0], s[1]))
        ],
    }
    return dump_json(doc)
