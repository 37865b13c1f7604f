"""Each policy's `n_segments` is the number of its rows in `segments`."""

from privacy_labels.quality.checks import PART, Check
from privacy_labels.quality.frames import policies_whose


def _rows(frames, schemes):
    policies = frames["policies"]
    n_segments = frames["segments"].groupby("policy_id").size()
    expected = lambda row: int(n_segments.get(row.policy_id, 0))  # noqa: E731
    return len(policies), policies_whose(policies, "n_segments", expected)


CHECK = Check(
    "n_segments_matches_segments",
    "policies",
    "n_segments",
    ("policies", "segments"),
    PART,
    _rows,
)
