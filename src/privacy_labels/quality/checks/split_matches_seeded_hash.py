"""Every policy has the splits rows its facts give: in `default` the part its id hashes to
(its group's id when it has one, so the language versions of one policy share it), in each
named split of `schema/splits/` the part its list or rule gives, and none in validation or
test when it contains synthetic text."""

from privacy_labels.contract.splits import split_rows
from privacy_labels.quality.checks import PART, Check, Found
from privacy_labels.quality.frames import parts_of, rows_of

# The policies columns a policy's splits depend on.
FACTS = ("policy_id", "policy_group_id", "source_split", "contains_synthetic")


def _rows(frames, schemes) -> Found:
    found = parts_of(frames["splits"])
    expected = {
        (row["policy_id"], row["split_name"]): row["part"]
        for facts in rows_of(frames["policies"], FACTS)
        for row in split_rows(dict(zip(FACTS, facts, strict=True)))
    }
    failed = [
        f"{policy_id}: {name} split is {found.get((policy_id, name), 'absent')}, "
        f"expected {expected.get((policy_id, name), 'absent')}"
        for policy_id, name in sorted(found.keys() | expected.keys())
        if found.get((policy_id, name)) != expected.get((policy_id, name))
    ]
    return len(frames["splits"]), failed


CHECK = Check(
    "split_matches_seeded_hash",
    "splits",
    "split_name, part",
    ("splits", "policies"),
    PART,
    _rows,
)
