"""Every policy has one split, the one its id hashes to."""

import pandas as pd

from privacy_labels.contract.views import split_of
from privacy_labels.quality.checks import PART, Check, Found


def _rows(frames, schemes) -> Found:
    splits = frames["splits"].set_index("policy_id")["split"]
    policy_ids = pd.Index(frames["policies"]["policy_id"])
    failed = [
        f"{policy_id}: in only one of policies and splits"
        for policy_id in policy_ids.symmetric_difference(splits.index)
    ] + [
        f"{policy_id}: split is {split}, expected {split_of(policy_id)}"
        for policy_id, split in splits.items()
        if split != split_of(policy_id)
    ]
    return len(splits), failed


CHECK = Check("split_matches_seeded_hash", "splits", "split", ("splits", "policies"), PART, _rows)
