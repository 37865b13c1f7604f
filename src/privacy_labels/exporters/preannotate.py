"""Pre-annotation: a model's predicted categories as Label Studio predictions.

    privacy-labels export label-studio --out DIR --predictions PREDICTIONS.json

Each predicted label of a segment becomes a region over the whole segment,
labeled with the label's category and carrying the model's score, with the value
the label names chosen for each attribute it names (a type of Other, opp115's
12-label set, is a region of Other with that type chosen). The predictions'
scheme must be the tasks'. Everything else (the
attributes, the exact evidence spans) is left to the annotator, so an accepted
suggestion does not validate until the annotator completes it: importing the
finished export goes through validation as usual.
"""

from __future__ import annotations

from pathlib import Path

from privacy_labels.contract.scheme_set import SchemeSet
from privacy_labels.exporters.label_studio_interface import (
    CATEGORY,
    SCHEME,
    TEXT,
    Offsets,
    slot_control,
)
from privacy_labels.outputs.predictions import Predictions, label_set_of
from privacy_labels.raw.problems import InvalidInputs, Problem

# Label Studio keeps a prediction's model_version as a short text.
MODEL_VERSION_LENGTH = 200


def problems_against_corpus(predictions: Predictions, sidecars: dict[str, dict]) -> list[Problem]:
    """Problems of predictions about the corpus's policies: another text, or no such segment."""
    problems = []
    for policy_id, sha256 in sorted(predictions.policies.items()):
        sidecar = sidecars.get(policy_id)
        if sidecar is not None and sidecar["text_sha256"] != sha256:
            problems.append(
                Problem(
                    predictions.file,
                    f"$.policies.{policy_id}",
                    f"predictions were made on another text of {policy_id}",
                    "predict again from this raw corpus",
                )
            )
    for (policy_id, segment_id), where in predictions.where.items():
        sidecar = sidecars.get(policy_id)
        if sidecar is not None and segment_id >= len(sidecar["segments"]):
            problems.append(
                Problem(
                    predictions.file,
                    where + ".segment_id",
                    f"{policy_id} has {len(sidecar['segments'])} segments, no segment {segment_id}",
                    "predict again from this raw corpus",
                )
            )
    return problems


def model_prediction(
    predictions: Predictions, policy_id: str, text: str, sidecar: dict
) -> dict | None:
    """The Label Studio prediction of one task, or None when the model labeled none of it."""
    offsets = Offsets(text)
    labels_by_id = {
        label.id: label for label in label_set_of(predictions.scheme, predictions.label_set)[1]
    }
    results, scores = [], []
    for (predicted_policy, segment_id), labels in sorted(predictions.segments.items()):
        if predicted_policy != policy_id:
            continue
        segment = sidecar["segments"][segment_id]
        region = {
            "start": offsets.theirs(segment["start"]),
            "end": offsets.theirs(segment["end"]),
        }
        for label_id, score in labels.items():
            region_id = f"m{len(scores)}"
            label = labels_by_id[label_id]
            value = {**region, "text": text[segment["start"] : segment["end"]]}
            results.append(
                {
                    "id": region_id,
                    "from_name": CATEGORY,
                    "to_name": TEXT,
                    "type": "labels",
                    "score": score,
                    "value": {**value, "labels": [label.category]},
                }
            )
            for attribute, allowed in label.attributes.items():
                if len(allowed) == 1:  # the value the label names; else the annotator's choice
                    results.append(
                        {
                            "id": region_id,
                            "from_name": slot_control(label.category, attribute),
                            "to_name": TEXT,
                            "type": "choices",
                            "value": {**region, "choices": list(allowed)},
                        }
                    )
            scores.append(score)
    if not results:
        return None
    return {
        "model_version": predictions.model[:MODEL_VERSION_LENGTH],
        "score": round(sum(scores) / len(scores), 6),
        "result": results,
    }


def add_model_predictions(
    tasks: list[dict], predictions_path: Path, sidecars: dict, schemes: SchemeSet
) -> int:
    """Add the model's suggestions to the tasks of its scheme; the number of suggested
    regions. Raises InvalidInputs when the file is invalid or about other texts."""
    from privacy_labels.outputs.predictions import read_predictions

    predictions = read_predictions(predictions_path, schemes)
    problems = problems_against_corpus(predictions, sidecars)
    predicted = {policy_id for policy_id, _ in predictions.segments}
    problems += [
        Problem(
            predictions.file,
            "$.scheme",
            f"the predictions are in scheme {predictions.scheme}, the task of "
            f"{task['data']['policy_id']} in {task['data'][SCHEME]['id']}",
            "predict with a model of the policy's scheme",
        )
        for task in tasks
        if task["data"]["policy_id"] in predicted and task["data"][SCHEME] != predictions.scheme.ref
    ]
    if problems:
        raise InvalidInputs(problems)
    n_regions = 0
    for task in tasks:
        policy_id = task["data"]["policy_id"]
        prediction = model_prediction(
            predictions, policy_id, task["data"][TEXT], sidecars[policy_id]
        )
        if prediction is not None:
            task["predictions"].append(prediction)
            n_regions += sum(r["type"] == "labels" for r in prediction["result"])
    return n_regions
