"""The input rules, each written once, as generators of problems.

Each rule yields a Problem per fault and nothing for valid input, lazily, so it
runs in two modes: `validate` takes every problem (raw/validate.py), `build`
takes the first and stops there (raw/inputs.py, with `first`). A valid input
builds no message in either mode.

JSON Schema decides structure (raw/conformance.py) and the label rules check labels
against the document's scheme (raw/labels.py); the rules here add what a schema
cannot: the text and its sha256, segments in order inside it, the files' places in
the layout, one scheme for the layers of a policy, practice ids unique and of the
form <policy_id>-<annotator>-<NNN>, segments that exist, spans inside their
segment and equal to the text there.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from privacy_labels._files import sha256_bytes
from privacy_labels.contract.scheme_set import SchemeSet
from privacy_labels.contract.versions import added_since, known_versions, version_problem
from privacy_labels.raw.conformance import schema_problems
from privacy_labels.raw.corpus import is_slug
from privacy_labels.raw.documents import practice_id as own_practice_id
from privacy_labels.raw.documents import practice_number
from privacy_labels.raw.jsonio import MAX_FREE_TEXT_CHARS, char_at, line_column, too_long_fields
from privacy_labels.raw.labels import label_problems
from privacy_labels.raw.problems import Problem, json_path

T = TypeVar("T")


def first(problems: Iterable[T]) -> T | None:
    """The first problem a rule finds, or None; the rest are never looked for."""
    return next(iter(problems), None)


# -- one document --------------------------------------------------------------------


def too_long_problems(file: str, doc: object, kind: str) -> Iterator[Problem]:
    for parts, length in too_long_fields(doc, kind):
        yield Problem(
            file,
            json_path(parts),
            f"{parts[-1]} is {length:,} characters long, more than the "
            f"{MAX_FREE_TEXT_CHARS:,} a free-text field may have",
            "shorten it; keep long notes in a file of their own",
        )


def whole_number_problems(
    file: str, here: list, obj: dict, keys: tuple[str, ...]
) -> tuple[bool, list[Problem]]:
    """Offsets and ids written with a fraction, as 39.0: JSON Schema counts them as
    integers, but they cannot index a text. Returns (found, problems): `found` is true
    for any number with a fraction, the schema naming those that are not whole.
    """
    found = [k for k in keys if isinstance(obj.get(k), float)]
    problems = [
        Problem(
            file,
            json_path([*here, key]),
            f"expected an integer, got a number ({json.dumps(obj[key])})",
            "write it as a JSON integer, without a decimal point",
        )
        for key in found
        if obj[key].is_integer()
    ]
    return bool(found), problems


def versioned_schema_problems(kind: str, file: str, doc: object) -> Iterator[Problem]:
    """The schema's problems of a document of `kind` ("annotation" or "policy"), and its
    schema_version's: an older version is one problem naming `migrate` and what the later
    versions added, instead of one "missing" problem per field they added; a field missing
    at the current version is told what it means and which version added it."""
    version = doc.get("schema_version") if isinstance(doc, dict) else None
    problem = version_problem(version, kind, file) if isinstance(version, str) else None
    if problem is not None:  # a missing or mistyped version is the schema's to report
        yield Problem(file, "$.schema_version", *problem)
    later = added_since(version, kind) if version in known_versions() else []
    every_added = {a.field: a for a in added_since(known_versions()[0], kind)}
    for problem in schema_problems(kind, file, doc):
        field = problem.path.removeprefix("$.")
        if problem.message != f"required field {field!r} is missing":
            yield problem
        elif field in every_added and field not in {a.field for a in later}:
            added = every_added[field]
            yield replace(
                problem, hint=f"add it: {added.description} (added in schema {added.version})"
            )
        elif field not in every_added:
            yield problem


def sidecar_problems(file: str, doc: object, policy_id: str) -> Iterator[Problem]:
    """A sidecar on its own: free-text lengths, the schema, its policy_id and file name.
    Past a schema problem nothing else is looked at (the text needs a sound sidecar)."""
    yield from too_long_problems(file, doc, "policy")
    schema = list(versioned_schema_problems("policy", file, doc))
    if schema:
        yield from schema
        return
    if doc["policy_id"] != policy_id:
        yield Problem(
            file,
            "$.policy_id",
            f"policy_id {doc['policy_id']!r} differs from the file name",
            f"name the files {doc['policy_id']}.json/.txt or set policy_id to {policy_id!r}",
        )


def annotation_problems(
    file: str, doc: object, place: Path | None, schemes: SchemeSet
) -> Iterator[Problem]:
    """An annotation document on its own: the schema, its labels against the scheme it names
    (one of `schemes`), free-text lengths and, when it is at `place` in a raw corpus, its
    folder and file name."""
    yield from versioned_schema_problems("annotation", file, doc)
    yield from label_problems(file, doc, schemes)
    yield from too_long_problems(file, doc, "annotation")
    if place is not None and is_sound(doc):
        if place.parent.name != doc["policy_id"]:
            yield Problem(
                file,
                "$.policy_id",
                f"policy_id {doc['policy_id']!r} differs from its folder {place.parent.name!r}",
                "move the file into the folder of its policy",
            )
        if isinstance(doc.get("annotator"), str) and place.stem != doc["annotator"]:
            yield Problem(
                file,
                "$.annotator",
                f"annotator {doc['annotator']!r} differs from the file name {place.name!r}",
                f"name the file {doc['annotator']}.json",
            )


def scheme_id_of(doc: object) -> str | None:
    """The id of the scheme a document names, if it names one."""
    ref = doc.get("scheme") if isinstance(doc, dict) else None
    scheme_id = ref.get("id") if isinstance(ref, dict) else None
    return scheme_id if isinstance(scheme_id, str) else None


def one_scheme_problem(
    file: str, doc: object, seen: dict[str, tuple[str, str]]
) -> Iterator[Problem]:
    """The layers of one policy are in one scheme: they are compared, voted on and
    adjudicated against each other. `seen` maps each policy met so far to the scheme of
    its first document and that document's file."""
    scheme_id = scheme_id_of(doc)
    if scheme_id is None or not is_sound(doc):
        return
    first_scheme, first_file = seen.setdefault(doc["policy_id"], (scheme_id, file))
    if first_scheme != scheme_id:
        yield Problem(
            file,
            "$.scheme.id",
            f"scheme {scheme_id!r} differs from the scheme of the policy's other layers "
            f"({first_scheme!r} in {first_file}); the layers of a policy are compared and "
            "adjudicated against each other, so they share one scheme",
            f"annotate the policy in {first_scheme}, or keep the layers of another scheme in "
            "a corpus of their own",
        )


def is_sound(doc: object) -> bool:
    """An annotation document sound enough to check against its policy, schema problems
    or not, so that every problem is reported in one run."""
    return isinstance(doc, dict) and all(
        isinstance(doc.get(k), t) for k, t in (("policy_id", str), ("practices", list))
    )


# -- the policy text ------------------------------------------------------------------


def read_policy_text(path: Path, file: str) -> tuple[tuple[str, str] | None, Problem | None]:
    """((text, sha256), None) for a usable policy text, else (None, the problem);
    `file` is the document that needs the text."""
    if not path.is_file():
        return None, Problem(
            file, "", f"policy text {path} is missing", "add the policy's .txt beside its sidecar"
        )
    try:
        data = path.read_bytes()
    except OSError as error:
        return None, Problem(
            str(path), "", f"cannot be read: {error.strerror}", "check the file and its permissions"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        place = line_column(data.decode("utf-8", errors="replace"), char_at(data, error.start))
        return None, Problem(
            str(path),
            place,
            f"byte {error.start} (0x{data[error.start]:02x}) is not UTF-8",
            "save the policy text as UTF-8",
        )
    for bad, message, fix in _BAD_IN_TEXT:
        if bad in text:
            return None, Problem(str(path), line_column(text, text.index(bad)), message, fix)
    return (text, sha256_bytes(data)), None


_BAD_IN_TEXT = (
    ("\ufeff", "policy text starts with a byte-order mark", "save it as UTF-8 without BOM"),
    (
        "\r",
        "policy text has CR or CRLF line ends",
        "convert them to LF: offsets count one character per line end",
    ),
    ("\x00", "policy text contains a NUL character", "remove it"),
)


def segment_problems(file: str, sidecar: dict, text: str, text_sha256: str) -> Iterator[Problem]:
    """A sound sidecar against its text: the sha256, and segments in order inside it."""
    if text_sha256 != sidecar["text_sha256"]:
        yield Problem(
            file,
            "$.text_sha256",
            "does not match the sha256 of the policy text",
            "the text was edited: restore it, or re-annotate and update the sha256",
        )
    previous_end = 0
    for i, segment in enumerate(sidecar["segments"]):
        has_fraction, problems = whole_number_problems(file, ["segments", i], segment, _BOUNDS)
        if has_fraction:
            yield from problems
            continue
        start, end = segment["start"], segment["end"]
        if not previous_end <= start < end <= len(text):
            yield Problem(
                file,
                json_path(["segments", i]),
                f"segment [{start}, {end}) is not in order inside the text "
                f"(previous segment ends at {previous_end}, text has {len(text)} characters)",
                "segments must be non-empty, non-overlapping and in text order",
            )
        previous_end = max(previous_end, end)


_BOUNDS = ("start", "end")
_SPAN_BOUNDS = ("span_start", "span_end")


# -- an annotation document against its policy ----------------------------------------


def practice_problems(
    file: str,
    doc: dict,
    text_path: Path,
    text: str,
    text_sha256: str,
    segments: list[dict],
    seen: dict[str, tuple[str, int]],
) -> Iterator[Problem]:
    """A sound annotation document against its policy's text and segments.

    `seen` maps each practice id met so far to its (file, index); a repeated one is
    a problem. Ill-typed values are the schema's to report and are passed over here.
    """
    # An uppercase sha256 of the same text is the schema's to name (in lowercase): the
    # text did not change.
    given_sha256 = doc.get("text_sha256", text_sha256)
    if isinstance(given_sha256, str) and given_sha256.lower() != text_sha256:
        yield Problem(
            file,
            "$.text_sha256",
            f"the policy text {text_path} changed since this document was annotated",
            "its offsets may point at other words: re-check every span, then update text_sha256",
        )
        return
    n_segments = len(segments)
    for i, practice in enumerate(doc["practices"]):
        if not isinstance(practice, dict):
            continue
        practice_id = practice.get("practice_id")
        if isinstance(practice_id, str):
            problem = _practice_id_problem(file, i, practice_id, doc)
            if problem:
                yield problem
            if practice_id in seen:
                at_file, at = seen[practice_id]
                yield Problem(
                    file,
                    json_path(["practices", i, "practice_id"]),
                    f"practice_id {practice_id!r} is used already at "
                    f"{at_file} {json_path(['practices', at])}",
                    "give every practice its own id, e.g. <policy_id>-<annotator>-<number>",
                )
            else:
                seen[practice_id] = (file, i)
        attributes = practice.get("attributes")
        attributes = attributes if isinstance(attributes, dict) else {}
        spans = {}
        for attribute, chosen in attributes.items():
            if not isinstance(chosen, dict):
                continue
            start = chosen.get("span_start")
            if type(start) is int and type(chosen.get("span_end")) is int:
                if start >= 0 and isinstance(chosen.get("span_text"), str):
                    spans[attribute] = chosen
            elif isinstance(start, float) or isinstance(chosen.get("span_end"), float):
                here = ["practices", i, "attributes", attribute]
                yield from whole_number_problems(file, here, chosen, _SPAN_BOUNDS)[1]
        segment_id = practice.get("segment_id")
        if type(segment_id) is not int:
            if isinstance(segment_id, float):
                yield from whole_number_problems(file, ["practices", i], practice, ("segment_id",))[
                    1
                ]
            continue
        if segment_id < 0:
            continue
        if segment_id >= n_segments:
            yield Problem(
                file,
                json_path(["practices", i, "segment_id"]),
                f"policy {doc['policy_id']!r} has no segment {segment_id}",
                f"segment ids run from 0 to {n_segments - 1}",
            )
            continue
        segment = segments[segment_id]
        seg_start, seg_end = segment["start"], segment["end"]
        if spans and not all(
            seg_start <= s["span_start"] < s["span_end"] <= seg_end for s in spans.values()
        ):
            home = _segment_holding_all(spans.values(), segments)
            if home is not None:
                # Every span lies in one other segment: the segment_id is what is wrong.
                yield Problem(
                    file,
                    json_path(["practices", i, "segment_id"]),
                    f"the practice's spans all lie in segment {home}, not in segment {segment_id}",
                    f"set segment_id to {home}",
                )
                continue
        for attribute, chosen in spans.items():
            problem = _span_problem(
                file, ["practices", i, "attributes", attribute], chosen, text, segment_id, segment
            )
            if problem:
                yield problem


def _practice_id_problem(file: str, i: int, given: str, doc: dict) -> Problem | None:
    """An id not of the form `<policy_id>-<annotator>-<NNN>`, which keeps ids unique in a
    corpus and tells whose a practice is. An id or annotator that is no slug is the
    schema's to report."""
    policy_id, annotator = doc["policy_id"], doc.get("annotator")
    if not (is_slug(given) and is_slug(annotator)):
        return None
    if practice_number(given, policy_id, annotator) is not None:
        return None
    expected = own_practice_id(policy_id, annotator, i + 1)
    return Problem(
        file,
        json_path(["practices", i, "practice_id"]),
        f"practice_id {given!r} is not of the form <policy_id>-<annotator>-<NNN>, "
        f"e.g. {expected!r}",
        f"rename it {expected!r} or give it another number (three or more digits) unused in "
        "the document; an id from another tool or corpus belongs in source_id",
    )


def _segment_holding_all(spans: Iterable[dict], segments: list[dict]) -> int | None:
    """The one segment that holds every span, if there are spans and one does."""
    spans = list(spans)
    for segment_id, segment in enumerate(segments):
        if spans and all(
            segment["start"] <= s["span_start"] < s["span_end"] <= segment["end"] for s in spans
        ):
            return segment_id
    return None


def _span_problem(file, parts, chosen, text, segment_id, segment) -> Problem | None:
    start, end, span_text = chosen["span_start"], chosen["span_end"], chosen["span_text"]
    seg_start, seg_end = segment["start"], segment["end"]
    if not start < end:
        return Problem(
            file,
            json_path([*parts, "span_end"]),
            f"span_end {end} is not after span_start {start}",
            "span_end is exclusive: span_end = span_start + len(span_text)",
        )
    if end > len(text):
        return Problem(
            file,
            json_path([*parts, "span_end"]),
            f"span [{start}, {end}) runs past the end of the policy text ({len(text)} characters)",
            "offsets are character offsets into the full policy text",
        )
    if not seg_start <= start < end <= seg_end:
        return Problem(
            file,
            json_path([*parts, "span_start"]),
            f"span [{start}, {end}) lies outside segment {segment_id} [{seg_start}, {seg_end})",
            "choose evidence inside the practice's segment, or fix segment_id",
        )
    if text[start:end] != span_text:
        problem = _normalisation_problem(file, parts, chosen, text, segment)
        if problem:
            return problem
        found = text.find(span_text, seg_start, seg_end)
        hint = (
            f"the text is at [{found}, {found + len(span_text)})"
            if found >= 0
            else f"the policy text there reads {text[start:end]!r}"
        )
        return Problem(
            file,
            json_path([*parts, "span_text"]),
            "span_text differs from the policy text at [span_start, span_end)",
            hint,
        )
    return None


def _normalisation_problem(file, parts, chosen, text, segment) -> Problem | None:
    """A span_text that is the text's words in another Unicode normal form ("é" as one code
    point or as "e" and a combining accent): it looks right but cannot match, and offsets
    count code points, so the span may be shifted as well."""
    start, end, span_text = chosen["span_start"], chosen["span_end"], chosen["span_text"]
    for form in ("NFC", "NFD"):
        as_text = unicodedata.normalize(form, span_text)
        if as_text == span_text:
            continue
        in_segment = (segment["start"], segment["end"])
        at = start if text.startswith(as_text, start) else text.find(as_text, *in_segment)
        if at < 0:
            continue
        there = (at, at + len(as_text))
        return Problem(
            file,
            json_path([*parts, "span_text"]),
            "span_text differs from the policy text only by Unicode normalisation: "
            f"the span is {_normal_form(span_text)}, the text {form}",
            "copy span_text from the text"
            + ("" if there == (start, end) else f" and set the span to [{there[0]}, {there[1]})"),
        )
    return None


def _normal_form(given: str) -> str:
    return next(
        (f for f in ("NFC", "NFD") if unicodedata.is_normalized(f, given)), "neither NFC nor NFD"
    )
