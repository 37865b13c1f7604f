"""Add a policy to the raw corpus: normalise its text, segment it, write its sidecar.

    privacy-labels add-policy policy.txt --policy-id acme --organisation "Acme, Inc."

Segments are stored in the sidecar, so annotations keep pointing at the same
text even if the segmentation rule changes later.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

from privacy_labels._files import sha256_bytes, write_text_atomic
from privacy_labels._json import dump_json
from privacy_labels.errors import PrivacyLabelsError, UsageError
from privacy_labels.raw.corpus import RawCorpus, is_date, is_slug
from privacy_labels.raw.documents import policy_sidecar
from privacy_labels.raw.jsonio import line_column

NORMALISATION = (
    "Line ends converted to LF; leading and trailing whitespace removed from every line "
    "and from the text; runs of blank lines reduced to one; one final LF. Wording unchanged."
)

# A block whose lines run longer than this is prose written one paragraph per
# line, so each line is a paragraph; shorter lines (addresses, lists) stay together.
PROSE_LINE_CHARS = 200
# Paragraphs shorter than this (headings, labels, short list items) are joined
# to the next one, as OPP-115's segments keep a heading with the text it introduces.
MIN_SEGMENT_CHARS = 100
# A line starting with one of these is a list item, never a heading.
_LIST_ITEM = re.compile(r"[-*\u2022\u2013] ")
# A heading ends without sentence punctuation (a question ends with "?").
_SENTENCE_END = (".", "!", ";", ",", ":")
# The rule's version changes whenever segment_text would cut any text differently;
# docs/guidelines.md section 1 states the same rule for annotators.
SEGMENTATION = {
    "rule": "privacy-labels-paragraphs",
    "version": "2.0.0",
    "description": (
        "Paragraphs are runs of non-blank lines (each line, in a run with a line over "
        f"{PROSE_LINE_CHARS} characters). A heading (one line under {MIN_SEGMENT_CHARS} "
        "characters, not a list item, ending with '?' or without . ! ; , :) joins the "
        "paragraph after it; the paragraph after a question is its answer and closes the "
        f"segment however short. Other paragraphs under {MIN_SEGMENT_CHARS} characters join "
        "the next; a short tail joins the segment before it. See docs/guidelines.md, section 1."
    ),
}


class PolicyError(PrivacyLabelsError):
    """A policy cannot be added; the message says why and what to do."""


class PolicyUsageError(PolicyError, UsageError):
    """The command was given what it cannot add (an argument, not the text, is at fault)."""


def normalise_text(raw: str) -> str:
    """Normalise line ends and surrounding whitespace only; see NORMALISATION."""
    lines = [line.strip() for line in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
    return text + "\n"


def not_nfc_warning(text: str, source_file: Path) -> str | None:
    """One line warning that `text` is not in Unicode normal form NFC, naming the first place
    it is not, or None. The text is kept as given (normalising would change its sha256 and
    its words' offsets), so annotation tools must count its code points as stored."""
    if unicodedata.is_normalized("NFC", text):
        return None
    nfc = unicodedata.normalize("NFC", text)
    at = next((i for i, (a, b) in enumerate(zip(text, nfc, strict=False)) if a != b), len(nfc))
    return (
        f"warning: {source_file}: the text is not in Unicode normal form NFC (first at "
        f"{line_column(text, at)}); it is stored as given, so annotation offsets must count "
        "the code points of the text as stored (an 'é' may be one or two)"
    )


def _paragraphs(text: str) -> list[tuple[int, int]]:
    paragraphs = []
    for block in re.finditer(r"[^\n]+(?:\n[^\n]+)*", text):
        lines = list(re.finditer(r"[^\n]+", block.group()))
        if len(lines) > 1 and max(len(line.group()) for line in lines) > PROSE_LINE_CHARS:
            paragraphs += [(block.start() + ln.start(), block.start() + ln.end()) for ln in lines]
        else:
            paragraphs.append(block.span())
    return paragraphs


def _is_heading(paragraph: str) -> bool:
    return (
        "\n" not in paragraph
        and len(paragraph) < MIN_SEGMENT_CHARS
        and not _LIST_ITEM.match(paragraph)
        and (paragraph.endswith("?") or not paragraph.endswith(_SENTENCE_END))
    )


def segment_text(text: str) -> list[tuple[int, int]]:
    """Paragraph-like segments as (start, end) offsets, end exclusive, in text order.

    The rule is SEGMENTATION: headings and questions stay with the text that
    answers them, and a question's answer is never cut from it, however short.
    """
    segments: list[tuple[int, int]] = []
    pending_start = None
    after_question = False
    for start, end in _paragraphs(text):
        paragraph = text[start:end]
        is_answer = after_question
        is_heading = not is_answer and _is_heading(paragraph)
        after_question = is_heading and paragraph.endswith("?")
        start = start if pending_start is None else pending_start
        if is_heading or (not is_answer and end - start < MIN_SEGMENT_CHARS):
            pending_start = start
            continue
        segments.append((start, end))
        pending_start = None
    if pending_start is not None:  # a short tail joins the segment before it
        if segments:
            segments[-1] = (segments[-1][0], len(text.rstrip("\n")))
        else:
            segments.append((pending_start, len(text.rstrip("\n"))))
    return segments


def add_policy(
    corpus: RawCorpus,
    source_file: Path,
    policy_id: str,
    organisation: str,
    *,
    source: str | None = None,
    url: str | None = None,
    retrieved_date: str | None = None,
    effective_date: str | None = None,
    license: str,
    language: str = "en",
    notes: str | None = None,
    legal_entity: str | None = None,
    service_names: list[str] | tuple[str, ...] = (),
    redactions: dict[str, str] | None = None,
) -> dict:
    """Write `<policy_id>.txt` and its sidecar into the corpus; returns the sidecar.

    `redactions` maps each placeholder the text has in place of removed content
    to what it replaced; each must occur in the text. Everything is checked before
    anything is written, and the sidecar is checked as `validate` will check it:
    PolicyUsageError for arguments it cannot take (exit 2), PolicyError for a text
    it cannot take.
    """
    from privacy_labels.raw.conformance import conforms, explainer
    from privacy_labels.raw.jsonio import MAX_FREE_TEXT_CHARS

    if not is_slug(policy_id):
        raise PolicyUsageError(
            f"policy id {policy_id!r} is not a lowercase slug; use a-z, 0-9 and single '-' or '_'"
        )
    text_in_place = (
        corpus.text_path(policy_id).exists()
        and corpus.text_path(policy_id).resolve() == Path(source_file).resolve()
    )  # the text put in the corpus first, then added
    for existing in (corpus.sidecar_path(policy_id), corpus.text_path(policy_id)):
        if (existing.exists() or existing.is_symlink()) and not (
            text_in_place and existing == corpus.text_path(policy_id)
        ):
            raise PolicyUsageError(
                f"{existing}: policy {policy_id!r} exists already; "
                "its annotations point into its text, so choose another id"
            )
    for flag, value in (
        ("--organisation", organisation),
        ("--license", license),
        ("--source", source),
        ("--url", url),
        ("--notes", notes),
    ):
        if value is None and flag not in ("--organisation", "--license"):
            continue
        if not (value or "").strip():
            raise PolicyUsageError(f"{flag} is empty; give the {flag[2:]} in words")
        if len(value) > MAX_FREE_TEXT_CHARS:
            raise PolicyUsageError(
                f"{flag} is {len(value):,} characters long, more than the "
                f"{MAX_FREE_TEXT_CHARS:,} a free-text field may have"
            )
    for flag, value in (("--retrieved-date", retrieved_date), ("--effective-date", effective_date)):
        if value is not None and not is_date(value):
            raise PolicyUsageError(f"{flag} {value!r} is not a date; write it as YYYY-MM-DD")
    if source_file.is_dir():
        raise PolicyUsageError(f"{source_file}: is a folder; give the policy's text file")
    if not source_file.is_file():
        raise PolicyUsageError(f"{source_file}: no such file")
    try:
        raw = source_file.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise PolicyError(
            f"{source_file}: byte {error.start} is not UTF-8; convert the file to UTF-8 first"
        ) from None
    text = normalise_text(raw)
    if not text.strip():
        raise PolicyUsageError(f"{source_file}: holds no text (empty or only whitespace)")
    if "\x00" in text:
        raise PolicyError(f"{source_file}: contains a NUL character; remove it first")
    text_sha256 = sha256_bytes(text.encode("utf-8"))
    twin = _policy_with_text(corpus, text_sha256, policy_id)
    if twin is not None:
        raise PolicyError(
            f"{source_file}: has the same text as policy {twin!r} (once line ends and "
            "whitespace are normalised); one text under two ids could land in training and "
            f"in evaluation, so annotate {twin!r} instead"
        )
    redacted = []
    for placeholder, description in (redactions or {}).items():
        if not text.count(placeholder):
            raise PolicyError(
                f"{source_file}: redaction placeholder {placeholder!r} does not occur in the text; "
                "give it exactly as the text writes it"
            )
        redacted.append(
            {
                "placeholder": placeholder,
                "n_occurrences": text.count(placeholder),
                "description": description,
            }
        )
    sidecar = policy_sidecar(
        policy_id=policy_id,
        organisation=organisation,
        legal_entity=legal_entity,
        service_names=list(dict.fromkeys(service_names)),
        source=source or source_file.name,
        url=url,
        retrieved_date=retrieved_date,
        effective_date=effective_date,
        language=language,
        license=license,
        text_sha256=text_sha256,
        normalisation=NORMALISATION,
        notes=notes,
        redactions=redacted,
        segmentation=SEGMENTATION,
        segments=[{"start": s, "end": e} for s, e in segment_text(text)],
    )
    if not conforms("policy", sidecar):  # an argument the checks above let through
        errors = sorted(explainer("policy").iter_errors(sidecar), key=lambda e: e.path)
        place = ".".join(map(str, errors[0].absolute_path)) if errors else ""
        message = errors[0].message if errors else "does not conform to the policy schema"
        raise PolicyUsageError(f"{place or 'the sidecar'}: {message}; nothing was written")
    write_text_atomic(corpus.text_path(policy_id), text)
    write_text_atomic(corpus.sidecar_path(policy_id), dump_json(sidecar))
    return sidecar


def _policy_with_text(corpus: RawCorpus, text_sha256: str, policy_id: str) -> str | None:
    """Another policy of the corpus whose sidecar records this text's sha256, if any."""
    for other in corpus.policy_ids():
        try:
            sidecar = json.loads(corpus.sidecar_path(other).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            continue  # validate names a sidecar it cannot read; the gate still checks texts
        if (
            other != policy_id
            and isinstance(sidecar, dict)
            and sidecar.get("text_sha256") == text_sha256
        ):
            return other
    return None


def _home_segment(practice: dict, old: list[dict], new: list[tuple[int, int]]) -> int | None:
    """The new segment holding every span of the practice; without spans, the new
    segment that overlaps its old segment most."""
    spans = [
        (v["span_start"], v["span_end"])
        for v in practice["attributes"].values()
        if isinstance(v, dict) and "span_start" in v
    ]
    if spans:
        return next(
            (
                i
                for i, (start, end) in enumerate(new)
                if all(start <= s and e <= end for s, e in spans)
            ),
            None,
        )
    was = old[practice["segment_id"]]
    overlaps = [min(end, was["end"]) - max(start, was["start"]) for start, end in new]
    return max(range(len(new)), key=overlaps.__getitem__)


def _read_valid(path: Path) -> dict:
    """A sidecar or annotation document as JSON, or a PolicyError saying to validate first."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        segments_or_practices = data.get("segments", data.get("practices"))
        if not isinstance(segments_or_practices, list):
            raise ValueError("no segments or practices")
        return data
    except (OSError, UnicodeDecodeError, ValueError, AttributeError) as error:
        raise PolicyError(
            f"{path}: cannot read it ({error}); run `privacy-labels validate` and fix it first"
        ) from None


def resegment(corpus: RawCorpus, policy_id: str) -> dict:
    """Cut a policy's text again by the current SEGMENTATION and move its annotations.

    Spans never change: each practice's segment_id is re-derived as the new segment
    holding all of its spans. Nothing is written unless every practice has one.
    Returns a summary: segments before and after, practices moved.
    """
    sidecar_path = corpus.sidecar_path(policy_id)
    sidecar = _read_valid(sidecar_path)
    try:
        text = corpus.text_path(policy_id).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise PolicyError(
            f"{corpus.text_path(policy_id)}: cannot read the text ({error}); "
            "run `privacy-labels validate` first"
        ) from None
    old = sidecar["segments"]
    new = segment_text(text)
    documents = {}
    n_moved = 0
    for path in corpus.annotation_paths(policy_id):
        document = _read_valid(path)
        for practice in document["practices"]:
            home = _home_segment(practice, old, new)
            if home is None:
                raise PolicyError(
                    f"{path}: practice {practice['practice_id']} has spans in more than one "
                    "new segment; nothing was changed. Split the practice, or choose evidence "
                    "in one paragraph, and run resegment again"
                )
            n_moved += home != practice["segment_id"]
            practice["segment_id"] = home
        documents[path] = document
    # The sidecar keeps its key order, with the segmentation just before the segments.
    sidecar = {k: v for k, v in sidecar.items() if k not in ("segmentation", "segments")}
    sidecar["segmentation"] = SEGMENTATION
    sidecar["segments"] = [{"start": s, "end": e} for s, e in new]
    for path, document in documents.items():
        write_text_atomic(path, dump_json(document))
    write_text_atomic(sidecar_path, dump_json(sidecar))
    return {
        "policy_id": policy_id,
        "n_segments_before": len(old),
        "n_segments_after": len(new),
        "n_practices_moved": n_moved,
    }
