"""Derived views for machine learning, built with the tables from any corpus.

- `segment_labels`: one row per segment of a policy, with its text and, for
  every category, how many of the policy's annotators labeled a practice of
  that category in the segment (`n_<category>`), their share
  (`share_<category>`), whether that is a majority, more than half of them
  (`is_majority_<category>`), and the segment's label in the policy's
  labelling layer (`has_<category>`). This is the segment-classification task
  of OPP-115 papers, ready to train on. A policy without annotation documents
  has no rows: its segments are unlabeled, not negative.

Annotators, here and in `policy_labels`, are the policy's annotation layers
but the consolidated one, which `adjudicate` makes from them and which never
counts as a vote. The **labelling layer** of a policy (column `layer`) is the
one `build --layer ANNOTATOR` names; by default the consolidated layer when
the policy has one; otherwise none (null), and the labels are the majority
of all annotators (`has_` = `is_majority_`; in `policy_labels`, every
annotator's practices).
- `splits`: a policy-level train/validation/test assignment. Whole policies go
  to one split, so no policy's wording leaks from training into evaluation.
  A policy's split depends on its id only (a seeded hash), so it never moves
  when the corpus grows: `u = int(sha256(SPLIT_SEED + ":" + policy_id)[:16], 16) / 16**16`,
  train if `u < 0.8`, validation if `u < 0.9`, else test.
"""

from __future__ import annotations

import hashlib

from privacy_labels.contract.layers import CONSOLIDATED, independent
from privacy_labels.contract.policy_labels import Practice
from privacy_labels.contract.schema import taxonomy

SPLIT_SEED = "privacy-labels-splits-v1"
# Cumulative bounds, in order: the first split whose bound exceeds u.
SPLIT_RATIOS = {"train": 0.8, "validation": 0.1, "test": 0.1}
SPLITS = tuple(SPLIT_RATIOS)


def split_of(policy_id: str) -> str:
    """The split of a policy: see the module docstring."""
    digest = hashlib.sha256(f"{SPLIT_SEED}:{policy_id}".encode()).hexdigest()
    u = int(digest[:16], 16) / 16**16
    bound = 0.0
    for split, ratio in SPLIT_RATIOS.items():
        bound += ratio
        if u < bound:
            return split
    return SPLITS[-1]  # u is below 1, but float sums of ratios may fall short of it


def count_column(category_id: str) -> str:
    return f"n_{category_id}"


def share_column(category_id: str) -> str:
    return f"share_{category_id}"


def label_column(category_id: str) -> str:
    return f"has_{category_id}"


def labelling_layer(annotators: list[str], requested: str | None = None) -> str | None:
    """The layer a policy's labels come from: see the module docstring."""
    if requested is not None:
        return requested
    return CONSOLIDATED if CONSOLIDATED in annotators else None


def is_labelling(annotator: str, layer: str | None) -> bool:
    """Whether an annotator's practices make a policy's labels, for its labelling layer
    `layer`: that layer's alone, else every annotator's but the consolidated layer's,
    which is never a vote."""
    return annotator == layer if layer is not None else annotator != CONSOLIDATED


def share(n_labeled: int, n_annotators: int) -> float | None:
    return n_labeled / n_annotators if n_annotators else None


def majority_column(category_id: str) -> str:
    return f"is_majority_{category_id}"


def is_majority(n_labeled: int, n_annotators: int) -> bool:
    """More than half of the annotators: 2 of 3, 1 of 1, 3 of 4."""
    return 2 * n_labeled > n_annotators


def segment_label_rows(
    policy_id: str,
    segments: list[dict],
    practices: list[Practice],
    annotators: list[str],
    layer: str | None = None,
) -> list[dict]:
    """The `segment_labels` rows of one policy, from its `segments` rows, its
    practices, its annotators (every layer) and its labelling layer; none when it
    has no annotators, whose every label would otherwise read as "not here".
    """
    if not annotators:
        return []
    labeled: dict[tuple[int, str], set[str]] = {}
    for practice in practices:
        key = (practice.segment_id, practice.category)
        labeled.setdefault(key, set()).add(practice.annotator)
    voters = set(independent(annotators))
    n_annotators = len(voters)
    rows = []
    for segment in segments:
        segment_id = segment["segment_id"]
        row = {
            "policy_id": policy_id,
            "segment_id": segment_id,
            "n_annotators": n_annotators,
            "layer": layer,
            "text": segment["text"],
        }
        for category_id in taxonomy().category_ids:
            given = labeled.get((segment_id, category_id), set())
            n = len(given & voters)
            row[count_column(category_id)] = n
            row[share_column(category_id)] = share(n, n_annotators)
            row[majority_column(category_id)] = is_majority(n, n_annotators)
            row[label_column(category_id)] = (
                is_majority(n, n_annotators) if layer is None else layer in given
            )
        rows.append(row)
    return rows
