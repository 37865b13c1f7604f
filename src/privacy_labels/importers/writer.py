"""What every corpus importer shares: its facts (`source.json` beside it), its error, the
text of a policy built from its segments (and a text found in it loosely), its sidecar
and annotation documents with what every imported corpus fills alike, a policy's files in
the raw layout, and the one writer of the raw corpus, which writes them in order into a
staging folder moved into place only when complete.

    SOURCE = read_source(__file__)
    text, segments = join_segments(texts, "\\n\\n", "\\n")
    sidecar = imported_sidecar(SOURCE, "annotations/policy_2.yml", text, policy_id=..., ...)
    document = imported_document(SOURCE, sidecar, "app350", method=..., ...)
    write_raw_corpus(out, "import app350", {"APP-350 folder": root}, files, report)
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from privacy_labels._files import claim_output, owned_output, sha256_bytes
from privacy_labels._json import dump_json
from privacy_labels.contract.schemes import scheme
from privacy_labels.errors import PrivacyLabelsError
from privacy_labels.raw.corpus import RawCorpus
from privacy_labels.raw.documents import annotation_document, policy_sidecar

REPORT = "import-report.json"


class SourceError(PrivacyLabelsError):
    """A corpus folder cannot be imported; the message names the file, the place and the fix."""


def read_source(module_file: str) -> dict:
    """The facts of a corpus (layout, names, citation, known problems): the `source.json`
    beside the importer's module `module_file`."""
    return json.loads((Path(module_file).parent / "source.json").read_text(encoding="utf-8"))


def slug(name: str) -> str:
    """`105_amazon.com` → `105-amazon-com`: a source's name as part of a policy id."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def numeric_order(path: Path) -> tuple[int, str]:
    """A sort key putting `policy_2` before `policy_10` and `2_x` before `10_y`: the number
    in the file's name (its first run of digits), then the name."""
    number = re.search(r"[0-9]+", path.stem)
    return (int(number.group()) if number else -1, path.name)


# What a policy text may not hold (raw/rules.py) and a source's segment may: a CR (of a
# Windows or old Mac line end) is a line end; a byte-order mark inside the text (U+FEFF,
# the web's zero-width no-break space) and NUL are no text. Replaced in each segment
# before the policy's text is built, so every offset is of the text written.
NOT_WRITABLE = (("\r\n", "\n"), ("\r", "\n"), ("\ufeff", ""), ("\x00", ""))


def writable(segment: str) -> str:
    """`segment` with what a policy text may not hold replaced (see NOT_WRITABLE)."""
    for bad, replacement in NOT_WRITABLE:
        segment = segment.replace(bad, replacement)
    return segment


def holds_text(segment: str) -> bool:
    """Whether a source's segment can be one here: a segment empty or of whitespace only
    cannot hold evidence, so an importer keeps it out of the policy's segments (the others
    keep their order) and lists it in the import report with what was dropped with it."""
    return bool(segment.strip())


def kept_out(policy_id: str, file: str, segment_id: int, **dropped: int) -> dict:
    """The import report's entry for a segment kept out (see holds_text): the policy, the
    source file, the segment's id in the source, and how many of each label went with it."""
    return {"policy_id": policy_id, "file": file, "segment_id": segment_id, **dropped}


def kept_out_note(kept: list, n_segments: int) -> str:
    """The sidecar's note where segments were kept out (see holds_text): the source's ids
    of the segments `kept`, in order, out of its `n_segments`; nothing where none was."""
    if len(kept) == n_segments:
        return ""
    return (
        "Segments that hold no text are kept out (listed in import-report.json); the "
        f"segments here are the source's segments {', '.join(map(str, kept))}, in order. "
    )


def loose_pattern(text: str) -> re.Pattern | None:
    """A pattern for `text` that lets any whitespace stand for any whitespace; None where
    `text` has no words."""
    words = text.split()
    return re.compile(r"\s+".join(map(re.escape, words))) if words else None


def join_segments(texts: list[str], joiner: str, end: str) -> tuple[str, list[dict]]:
    """A policy's text from its segments' texts, each followed by `joiner` but the last,
    which is followed by `end`; and each segment's {"start", "end"} offsets in it."""
    offsets, position = [], 0
    for text in texts:
        offsets.append({"start": position, "end": position + len(text)})
        position += len(text) + len(joiner)
    return joiner.join(texts) + end, offsets


def imported_sidecar(source: dict, relative: str, text: str, **fields) -> dict:
    """The sidecar of a policy imported from `relative` (its file in the corpus) with `text`:
    the corpus and its license, the text's sha256, no redactions, and what the corpus does
    not record (legal entity, service names, URL, dates) empty unless `fields` give it."""
    unrecorded = {
        "legal_entity": None,
        "service_names": [],
        "url": None,
        "retrieved_date": None,
        "effective_date": None,
    }
    return policy_sidecar(
        **unrecorded | fields,
        source=f"{source['corpus']}, {relative}",
        license=source["license"],
        text_sha256=sha256_bytes(text.encode("utf-8")),
        redactions=[],
    )


def imported_document(source: dict, sidecar: dict, annotator: str, **fields) -> dict:
    """An annotation document of the policy of `sidecar`, in the corpus's scheme and
    guidelines, dated by the corpus (its files give no dates); `fields` give the method,
    the provenance and the practices."""
    return annotation_document(
        policy_id=sidecar["policy_id"],
        annotator=annotator,
        scheme=scheme(source["scheme"]).ref,
        text_sha256=sidecar["text_sha256"],
        annotated_date=source["dated"],
        guidelines_version=source["guidelines_version"],
        **fields,
    )


def policy_files(
    policy_id: str, text: str, sidecar: dict, documents: Iterable[tuple[str, dict]]
) -> Iterator[tuple[str, str]]:
    """A policy's files in the raw layout: its text, its sidecar and an annotation document
    per (annotator, document), as (path in the raw corpus, text) pairs."""
    corpus = RawCorpus(Path())
    yield corpus.text_path(policy_id).as_posix(), text
    yield corpus.sidecar_path(policy_id).as_posix(), dump_json(sidecar)
    for annotator, document in documents:
        yield corpus.annotation_path(policy_id, annotator).as_posix(), dump_json(document)


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
    files = iter(files)
    # A generator is closed before the staging folder is removed, so one that runs a pool
    # of workers stops it first, whatever stopped the writing.
    with (
        owned_output(out, command, inputs) as staging,
        contextlib.closing(files) if hasattr(files, "close") else contextlib.nullcontext(),
    ):
        for relative, text in files:
            path = staging / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "w", encoding="utf-8", newline="\n") as f:
                f.write(text)
        (staging / REPORT).write_text(dump_json(report), encoding="utf-8")
