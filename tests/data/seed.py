"""The seed corpus within the committed tables, selected by its layers' names.

A contributor who grows the corpus (README, "Growing the corpus": their own policy and
annotation layer) rebuilds data/labeled; the data tests that hold the seed corpus to its
figures and guidelines check these rows only, so the contributor's rows leave their verdict
unchanged. Tests of the contract every row keeps (keys, spans, labels) read all rows.
"""

from __future__ import annotations

import pandas as pd

from privacy_labels.raw.corpus import RawCorpus

# The seed's layers: the first, the blind second and their adjudication.
SEED_LAYERS = ("claude", "claude-blind", "consolidated")


def seed_policy_ids(raw: RawCorpus) -> list[str]:
    """The policies of a raw corpus that every seed layer annotates."""
    return [
        policy_id
        for policy_id in raw.policy_ids()
        if all(raw.annotation_path(policy_id, layer).is_file() for layer in SEED_LAYERS)
    ]


def seed_only(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The tables' rows of the seed: its policies, and of those only the seed layers'
    annotations, practices, attribute values and mapped values.
    """
    annotations = frames["annotations"]
    policy_ids = set(annotations[annotations.annotator.isin(SEED_LAYERS)].policy_id)
    of_practices = ("attribute_values", "mapped_values")  # the rows of the practices kept
    selected = {}
    for name, frame in frames.items():
        if name in of_practices:
            continue
        keep = frame.policy_id.isin(policy_ids)
        if "annotator" in frame:
            keep &= frame.annotator.isin(SEED_LAYERS)
        selected[name] = frame[keep]
    for name in of_practices:
        rows = frames[name]
        selected[name] = rows[rows.practice_id.isin(selected["practices"].practice_id)]
    return selected
