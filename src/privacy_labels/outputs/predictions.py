"""Predictions files: a model's labels for segments, with scores (`schema/predictions.schema.json`).

    from privacy_labels.outputs.predictions import read_predictions
    predictions = read_predictions(Path("predictions.json"))  # raises InvalidInputs

A file is validated like an annotation document: every problem at once, each with
the file, the JSON path and a hint. Beyond the schema: a segment listed twice, a
label given twice in a segment, a policy without its text's sha256, and labels
of the other label set (a bare `other` in a 12-label file, Other's types in a
10-label file).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from privacy_labels._files import dump_json
from privacy_labels.contract.schema import PREDICTIONS, load_schema, schema_path, taxonomy
from privacy_labels.raw.conformance import conforms, decider_problems, explained_errors
from privacy_labels.raw.jsonio import read_json
from privacy_labels.raw.problems import InvalidInputs, Problem, closest, json_path

OTHER = "other"
OTHER_TYPE = "other_type"
# Other's types that are labels of the 12-label set; its fourth type, `other`, is none.
OTHER_TYPES_12 = ("introductory_generic", "practice_not_covered", "privacy_contact_information")
LABEL_SETS = ("10", "12")


def labels_of(label_set: str) -> list[str]:
    """The labels of a label set, in the taxonomy's order."""
    categories = taxonomy().category_ids
    if label_set == "10":
        return categories
    return [c for c in categories if c != OTHER] + list(OTHER_TYPES_12)


def predictions_schema_path() -> Path:
    return schema_path(PREDICTIONS)


def predictions_schema() -> dict:
    return load_schema(PREDICTIONS)


@dataclass(frozen=True)
class Predictions:
    """A validated predictions file: labels with scores, by (policy_id, segment_id)."""

    file: str
    model: str
    label_set: str
    policies: dict[str, str]  # policy_id -> text_sha256
    segments: dict[tuple[str, int], dict[str, float]]  # -> {label: score}
    where: dict[tuple[str, int], str]  # -> JSON path of the segment's entry


def predictions_problems(doc: object, file: str) -> list[Problem]:
    """Every problem of a predictions document, in file order."""
    if not conforms(PREDICTIONS, doc):
        problems = []
        for error in explained_errors(PREDICTIONS, doc):
            hint = ""
            if error.validator == "enum" and isinstance(error.instance, str):
                guess = closest(error.instance, list(error.validator_value))
                hint = f"did you mean {guess!r}?" if guess else ""
            problems.append(Problem(file, json_path(error.absolute_path), error.message, hint))
        # Refused with no error the explainer can name: the decider's own words.
        return problems or list(decider_problems(PREDICTIONS, file, doc))
    problems = []
    label_set = doc["label_set"]
    allowed = set(labels_of(label_set))
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
                    Problem(
                        file,
                        f"{here}.labels[{j}].label",
                        f"{name!r} is not a label of the {label_set}-label set",
                        "Other is split into its three types in the 12-label set"
                        if name == OTHER
                        else "Other's types are labels of the 12-label set only; "
                        "use 'other' or set label_set to '12'",
                    )
                )
    return problems


def read_predictions(path: Path) -> Predictions:
    """Read and validate a predictions file; raises InvalidInputs with every problem."""
    doc, problem = read_json(path)
    if problem:
        raise InvalidInputs([problem])
    problems = predictions_problems(doc, str(path))
    if problems:
        raise InvalidInputs(problems)
    segments, where = {}, {}
    for i, segment in enumerate(doc["segments"]):
        key = (segment["policy_id"], segment["segment_id"])
        segments[key] = {label["label"]: label["score"] for label in segment["labels"]}
        where[key] = f"$.segments[{i}]"
    return Predictions(
        str(path), doc["model"], doc["label_set"], dict(doc["policies"]), segments, where
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
        and doc.get("label_set") in LABEL_SETS
    )


def predictions_document(
    model: str,
    label_set: str,
    threshold: float,
    policies: dict[str, str],
    segments: list[tuple[str, int, list[tuple[str, float]]]],
) -> str:
    """A predictions file's text: segments and labels sorted, scores rounded to 6 places,
    so that the same predictions give the same bytes.
    """
    from privacy_labels.contract.schema import schema_version

    doc = {
        "schema_version": schema_version(),
        "model": model,
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
