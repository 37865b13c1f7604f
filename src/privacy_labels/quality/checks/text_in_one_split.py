"""No text in two parts of one split (by `text_sha256`; within each language for a split
read one language at a time, MAPP's)."""

from privacy_labels.contract.splits import named_splits
from privacy_labels.quality.checks import PART, Check, Found
from privacy_labels.quality.frames import parts_of, rows_of


def _rows(frames, schemes) -> Found:
    """No text in two parts of one split: splits are per policy id, so one text added under
    two ids could be trained on and evaluated on."""
    policies = frames["policies"]
    splits = frames["splits"]
    part_of = parts_of(splits)
    texts = list(rows_of(policies, ("policy_id", "text_sha256", "language")))
    failed = []
    for name in sorted({name for _, name in part_of}):
        # MAPP's byte-identical German and English files may be in two parts of its split,
        # which is read one language at a time.
        apart = name in named_splits() and named_splits()[name].languages_apart
        ids_of: dict[tuple, list[str]] = {}
        for policy_id, text_sha256, language in texts:
            if (policy_id, name) in part_of:
                key = (text_sha256, language if apart else None)
                ids_of.setdefault(key, []).append(policy_id)
        for (text_sha256, _), policy_ids in ids_of.items():
            in_split = {p: part_of[p, name] for p in sorted(policy_ids)}
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
