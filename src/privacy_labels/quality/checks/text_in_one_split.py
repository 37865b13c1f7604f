"""No text in two splits (by `text_sha256`)."""

from privacy_labels.quality.checks import PART, Check, Found
from privacy_labels.quality.frames import as_list


def _rows(frames, schemes) -> Found:
    """No text in two splits: splits are per policy id, so one text added under two ids
    could be trained on and evaluated on."""
    policies = frames["policies"]
    splits = frames["splits"].set_index("policy_id")["split"]
    ids_of: dict[str, list[str]] = {}
    for policy_id, text_sha256 in zip(
        as_list(policies["policy_id"]), as_list(policies["text_sha256"]), strict=True
    ):
        ids_of.setdefault(text_sha256, []).append(policy_id)
    failed = []
    for text_sha256, policy_ids in ids_of.items():
        in_split = {policy_id: splits.get(policy_id) for policy_id in sorted(policy_ids)}
        if len(set(in_split.values())) > 1:
            shown = ", ".join(f"{policy_id} ({split})" for policy_id, split in in_split.items())
            failed.append(f"text_sha256 {text_sha256[:12]}: one text in {shown}")
    return len(policies), failed


CHECK = Check(
    "text_in_one_split",
    "policies+splits",
    "text_sha256, split",
    ("policies", "splits"),
    PART,
    _rows,
)
