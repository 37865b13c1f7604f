"""Each policy's `n_chars` is the length of its text."""

from privacy_labels.quality.checks import PART, Check
from privacy_labels.quality.frames import policies_whose


def _rows(frames, schemes):
    policies = frames["policies"]
    return len(policies), policies_whose(policies, "n_chars", lambda row: len(str(row.text)))


CHECK = Check("n_chars_matches_text", "policies", "n_chars", ("policies",), PART, _rows)
