"""Every policy has one split, the one its id hashes to (its group's id when it has one, so
the language versions of one policy share a split)."""

import pandas as pd

from privacy_labels.contract.views import split_of
from privacy_labels.quality.checks import PART, Check, Found
from privacy_labels.quality.frames import as_list, is_missing


def _rows(frames, schemes) -> Found:
    splits = frames["splits"].set_index("policy_id")["split"]
    policies = frames["policies"]
    policy_ids = pd.Index(policies["policy_id"])
    group_of = dict(zip(policy_ids, as_list(policies["policy_group_id"]), strict=True))
    expected = {
        p: split_of(p, None if is_missing(group_of.get(p)) else group_of[p]) for p in splits.index
    }
    failed = [
        f"{policy_id}: in only one of policies and splits"
        for policy_id in policy_ids.symmetric_difference(splits.index)
    ] + [
        f"{policy_id}: split is {split}, expected {expected[policy_id]}"
        for policy_id, split in splits.items()
        if split != expected[policy_id]
    ]
    return len(splits), failed


CHECK = Check("split_matches_seeded_hash", "splits", "split", ("splits", "policies"), PART, _rows)
