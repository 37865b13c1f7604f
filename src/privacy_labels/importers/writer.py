"""The one writer of an imported raw corpus: every importer yields its policies' files and
this writes them, in order, into a staging folder moved into place only when complete.

    write_raw_corpus(out, "import app350", {"APP-350 folder": root}, files, report)
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from privacy_labels._files import claim_output, dump_json, owned_output

REPORT = "import-report.json"


def write_raw_corpus(
    out: Path,
    command: str,
    inputs: dict[str, Path],
    files: Iterable[tuple[str, str]],
    report: dict,
) -> None:
    """Write `files` ((path in the raw corpus, text) pairs, consumed lazily) and the import
    report into `out`, which is refused before any work unless it is empty, absent or this
    command's own earlier output. `report` is read after the files: an importer may fill it
    while they are made."""
    claim_output(out, command, inputs)
    with owned_output(out, command, inputs) as staging:
        for relative, text in files:
            path = staging / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "w", encoding="utf-8", newline="\n") as f:
                f.write(text)
        (staging / REPORT).write_text(dump_json(report), encoding="utf-8")
