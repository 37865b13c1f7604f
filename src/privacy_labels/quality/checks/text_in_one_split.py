"""No text in two parts of one split (by `text_sha256`)."""

from privacy_labels.quality.checks import PART, Check, Found
from privacy_labels.quality.frames import as_list


def _rows(frames, schemes) -> Found:
    """No text in two parts of one split: splits are per policy id, so one text added under
    two ids could be trained on and evaluated on."""
    policies = frames["policies"]
    splits = frames["splits"]
    part_of = {
        (policy_id, name): part
        for policy_id, name, part in zip(
            *(as_list(splits[c]) for c in ("policy_id", "split_name", "part")), strict=True
        )
    }
    ids_of: dict[str, list[str]] = {}
    for policy_id, text_sha256 in zip(
        as_list(policies["policy_id"]), as_list(policies["text_sha256"]), strict=True
    ):
        ids_of.setdefault(text_sha256, []).append(policy_id)
    failed = []
    for name in sorted(set(as_list(splits["split_name"]))):
        for text_sha256, policy_ids in ids_of.items():
            in_split = {p: part_of[p, name] for p in sorted(policy_ids) if (p, name) in part_of}
            if len(set(in_split.values())) > 1:
                shown = ", ".join(f"{p} ({name}:{part})" for p, part in in_split.items())
                failed.append(f"text_sha256 {text_sha256[:12]}: one text in {shown}")
    return len(policies), failed


CHECK = Check(
    "text_in_one_split",
    "policies+splits",
    "text_sha256, split_name, part",
    ("policies", "splits"),
    PART,
    _rows,
)
