"""Each policy's `text_sha256` is the sha256 of its text."""

from privacy_labels._files import sha256_bytes
from privacy_labels.quality.checks import PART, Check
from privacy_labels.quality.frames import policies_whose


def _rows(frames, schemes):
    policies = frames["policies"]
    expected = lambda row: sha256_bytes(str(row.text).encode())  # noqa: E731
    return len(policies), policies_whose(policies, "text_sha256", expected)


CHECK = Check("text_sha256_matches_text", "policies", "text_sha256", ("policies",), PART, _rows)
