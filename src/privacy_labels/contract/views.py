"""Derived views for machine learning, built with the tables from any corpus.

- `segment_labels`: one row per segment of an annotated policy and label of its
  scheme's first label set (OPP-115: its 10 categories; MAPP: its 9; APP-350: its
  58 practices), with how many of the policy's annotators gave the label in the
  segment (`n_labeled`: a practice of theirs there matches it), their share
  (`share_labeled`), whether that is a majority, more than half of them
  (`is_majority`), and the segment's label in the policy's labelling layer
  (`has_label`). A practice matches a label by its category and values as the
  tables publish them (defaults filled in). The segment-classification task of
  OPP-115 papers, ready to train on: `load("segment_labels", wide=True,
  scheme="opp115")` gives one row per segment and a column per label. A policy
  without annotation documents has no rows: its segments are unlabeled, not
  negative. The text stays in `segments`.

Annotators, here and in `policy_labels`, are the policy's annotation layers
but the consolidated one, which `adjudicate` makes from them and which never
counts as a vote. The **labelling layer** of a policy (column `layer`) is the
one `build --layer ANNOTATOR` names; by default the consolidated layer when
the policy has one; otherwise none (null), and the labels are the majority
of all annotators (`has_label` = `is_majority`; in `policy_labels`, every
annotator's practices).
- `mapped_values`: every attribute value in the hub's terms, through its scheme's
  mapping rows (as `Scheme.map_practice` reads them), one row per hub value it
  stands for, with the kind of the mapping (`exact` within the hub): the
  cross-corpus view, in OPP-115 terms.
- `splits`: policy-level train/validation/test assignments (`contract/splits.py`: this
  `default` split and the field's named splits). Whole policies go to one part, so no
  policy's wording leaks from training into evaluation.
  A policy's default part depends on its id only (a seeded hash), so it never moves
  when the corpus grows: `u = int(sha256(SPLIT_SEED + ":" + policy_id)[:16], 16) / 16**16`,
  train if `u < 0.8`, validation if `u < 0.9`, else test. The language versions of one
  policy (one `policy_group_id`, e.g. MAPP's English and German policy of an app, some of
  them the same text) go together: the hash is then of the group id.
"""

from __future__ import annotations

import hashlib

from privacy_labels.contract.layers import CONSOLIDATED, independent
from privacy_labels.contract.policy_labels import Practice
from privacy_labels.contract.schemes import Given, Place, Scheme, values_of

EXACT = "exact"  # the mapping kind of a hub practice's own values

SPLIT_SEED = "privacy-labels-splits-v1"
# Cumulative bounds, in order: the first split whose bound exceeds u.
SPLIT_RATIOS = {"train": 0.8, "validation": 0.1, "test": 0.1}
SPLITS = tuple(SPLIT_RATIOS)


def split_of(policy_id: str, policy_group_id: str | None = None) -> str:
    """The split of a policy, by its group when it has one: see the module docstring."""
    digest = hashlib.sha256(f"{SPLIT_SEED}:{policy_group_id or policy_id}".encode()).hexdigest()
    u = int(digest[:16], 16) / 16**16
    bound = 0.0
    for split, ratio in SPLIT_RATIOS.items():
        bound += ratio
        if u < bound:
            return split
    return SPLITS[-1]  # u is below 1, but float sums of ratios may fall short of it


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


def is_majority(n_labeled: int, n_annotators: int) -> bool:
    """More than half of the annotators: 2 of 3, 1 of 1, 3 of 4."""
    return 2 * n_labeled > n_annotators


def segment_label_rows(
    policy_id: str,
    segments: list[dict],
    practices: list[Practice],
    annotators: list[str],
    scheme: Scheme,
    layer: str | None = None,
) -> list[dict]:
    """The `segment_labels` rows of one policy, from its `segments` rows, its practices
    (written in `scheme`), its annotators (every layer) and its labelling layer; none when
    it has no annotators, whose every label would otherwise read as "not here", or when
    the scheme has no label set.
    """
    label_set = scheme.first_label_set
    if not annotators or label_set is None:
        return []
    labeled: dict[tuple[int, str], set[str]] = {}
    for practice in practices:
        published = {**scheme.defaults(practice.category), **practice.values}
        for label in scheme.labels(label_set, practice.category, published):
            labeled.setdefault((practice.segment_id, label), set()).add(practice.annotator)
    voters = set(independent(annotators))
    n_annotators = len(voters)
    rows = []
    for segment in segments:
        segment_id = segment["segment_id"]
        for label in scheme.label_sets[label_set]:
            given = labeled.get((segment_id, label.id), set())
            n = len(given & voters)
            rows.append(
                {
                    "policy_id": policy_id,
                    "segment_id": segment_id,
                    "scheme": scheme.id,
                    "label_set": label_set,
                    "label": label.id,
                    "n_annotators": n_annotators,
                    "layer": layer,
                    "n_labeled": n,
                    "share_labeled": share(n, n_annotators),
                    "is_majority": is_majority(n, n_annotators),
                    "has_label": is_majority(n, n_annotators) if layer is None else layer in given,
                }
            )
    return rows


def mapped_value_rows(
    policy_id: str, practice_id: str, category: str, values: dict[str, Given], scheme: Scheme
) -> list[dict]:
    """The `mapped_values` rows of one practice: each of its published values (`values`,
    defaults filled in) as the hub values it stands for, with the kind of its mapping; a
    value without a counterpart, or a practice whose category has none, gives no row."""
    if scheme.mapping is None:  # the hub itself
        target = category
        mapped = [(a, v, EXACT) for a, given in values.items() for v in values_of(given)]
    else:
        target, _ = scheme.map_practice(category, {})
        mapped = []
        for attribute, given in values.items():
            for value in values_of(given):
                row = scheme.mapping.row(Place(category, attribute, value))
                targets = row.targets if row else ()
                mapped += [(t.attribute, t.value, row.kind) for t in targets if t.value is not None]
    if target is None:
        return []
    rows = {}
    for attribute, value, kind in mapped:
        rows.setdefault(
            (attribute, value),
            {
                "practice_id": practice_id,
                "policy_id": policy_id,
                "scheme": scheme.id,
                "category": target,
                "attribute": attribute,
                "value": value,
                "mapping_kind": kind,
            },
        )
    return list(rows.values())
