"""Validate annotation documents and policy sidecars, reporting every problem at once.

    privacy-labels validate data/raw                      # the whole corpus
    privacy-labels validate my-annotation.json --raw data/raw

JSON Schema checks structure and labels; the checks here add what a schema
cannot: the policy and segment exist, offsets lie inside them, the span text
equals the policy text, the text has not changed since it was annotated, and
ids are unique. Each problem names the file, the JSON path and a fix.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import json
import json.decoder
import json.scanner
import os
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path

import jsonschema_rs
import numpy as np
from jsonschema import Draft202012Validator, FormatChecker, ValidationError

from privacy_labels._files import parse_json, sha256_bytes, without_cycle_collector
from privacy_labels._parallel import map_in_order
from privacy_labels.contract.schema import SCHEMA_NAMES, load_schema, registry, taxonomy
from privacy_labels.raw.corpus import DEFAULT_RAW, SLUG_SCHEMA, RawCorpus, is_slug


@dataclass(frozen=True)
class Problem:
    file: str
    path: str  # JSON path such as $.practices[3].category, or "line 4, column 9"
    message: str
    hint: str = ""

    def __str__(self) -> str:
        place = f"{self.file}: {self.path}" if self.path else self.file
        return f"{place}: {self.message}" + (f"\n    hint: {self.hint}" if self.hint else "")

    def to_dict(self) -> dict:
        return asdict(self)


def json_path(parts: Iterable[object]) -> str:
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts)


def closest(given: object, choices: list[str]) -> str | None:
    """The closest valid id to a misspelt or display-name label, if any is close."""
    if not isinstance(given, str):
        return None
    as_id = re.sub(r"[^a-z0-9]+", "_", given.lower().replace("'", "")).strip("_")
    if as_id in choices:
        return as_id
    match = difflib.get_close_matches(as_id, choices, n=1, cutoff=0.6)
    return match[0] if match else None


def did_you_mean(given: object, choices: list[str]) -> str:
    best = closest(given, choices)
    if best:
        return f"did you mean {best!r}?"
    return "choose one of: " + ", ".join(choices)


# The formats both validators check, whatever optional packages are installed: the
# quick check must accept exactly what this one does. "uri" is checked by neither.
CHECKED_FORMATS = ("date",)


# Limits on what a document may be, so that a hostile or broken file costs bounded memory
# and time and gets one clear problem (README, "Limits"). The largest OPP-115-shaped
# document seen, 78 MB, is well inside them.
MAX_DOCUMENT_BYTES = 256 << 20
MAX_JSON_DEPTH = 100  # annotation documents and sidecars nest 6 levels deep
MAX_FREE_TEXT_CHARS = 10_000  # method, organisation, source, url, license, notes, ...
# The free-text fields of each kind of document: (JSON path below the root or a practice).
_FREE_TEXT = {
    "annotation": (("schema_version",), ("method",)),
    "practice": (("source_id",),),
    "policy": tuple(
        (name,)
        for name in (
            "schema_version",
            "organisation",
            "source",
            "url",
            "license",
            "normalisation",
            "notes",
        )
    ),
}


def too_long_fields(doc: object, kind: str) -> list[tuple[list, int]]:
    """(JSON path, length) of each free-text field of `doc` longer than MAX_FREE_TEXT_CHARS."""
    found = []
    if not isinstance(doc, dict):
        return found
    for (name,) in _FREE_TEXT[kind]:
        value = doc.get(name)
        if isinstance(value, str) and len(value) > MAX_FREE_TEXT_CHARS:
            found.append(([name], len(value)))
    if kind == "annotation" and isinstance(doc.get("practices"), list):
        for i, practice in enumerate(doc["practices"]):
            for path, length in too_long_fields(practice, "practice"):
                found.append((["practices", i, *path], length))
    return found


_ESCAPE = re.compile(r"\\.", re.DOTALL)


def _depth_fault(text: str) -> int | None:
    """Where `text` first nests deeper than MAX_JSON_DEPTH, if it does (brackets in strings
    do not count).

    Counted with numpy over the positions of quotes and brackets, not walked in Python:
    a deep document must not exhaust the stack, nor a large one take long.
    """
    plain = _ESCAPE.sub("__", text).encode("utf-8")  # no escaped quote is left
    codes = np.frombuffer(plain, dtype=np.uint8)
    quotes = np.flatnonzero(codes == ord('"'))
    opening = (codes == ord("[")) | (codes == ord("{"))
    brackets = np.flatnonzero(opening | (codes == ord("]")) | (codes == ord("}")))
    brackets = brackets[np.searchsorted(quotes, brackets) % 2 == 0]  # outside strings
    depth = np.cumsum(np.where(opening[brackets], 1, -1))
    too_deep = np.flatnonzero(depth > MAX_JSON_DEPTH)
    if not too_deep.size:
        return None
    return len(plain[: brackets[too_deep[0]]].decode("utf-8"))


@cache
def _schema_validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(
        load_schema(name), registry=registry(), format_checker=FormatChecker(CHECKED_FORMATS)
    )


def read_json(path: Path) -> tuple[object, Problem | None]:
    """Read a JSON file strictly; a file that cannot be read gives one clear problem."""
    name = str(path)
    if path.is_dir():
        return None, Problem(
            name,
            "",
            "is a folder where a JSON file is expected",
            "remove the folder or point to a file",
        )
    try:
        size = path.stat().st_size
        if size > MAX_DOCUMENT_BYTES:
            return None, Problem(
                name,
                "",
                f"file is {size:,} bytes, more than the {MAX_DOCUMENT_BYTES:,} a document may have",
                "split it: one annotation document per policy and annotator",
            )
        data = path.read_bytes()
    except OSError as error:
        return None, Problem(
            name, "", f"cannot be read: {error.strerror}", "check the file and its permissions"
        )
    if not data.strip():
        return None, Problem(name, "", "file is empty", "write a JSON document into it")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, Problem(name, "", "file is UTF-16, not UTF-8", "save it as UTF-8")
    if data.startswith(b"\xef\xbb\xbf"):
        return None, Problem(
            name, "", "file starts with a byte-order mark", "save it as UTF-8 without BOM"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        return None, Problem(
            name,
            _line_column(data.decode("utf-8", errors="replace"), _char_at(data, error.start)),
            f"byte {error.start} (0x{data[error.start]:02x}) is not UTF-8",
            "save the file as UTF-8",
        )
    if "\x00" in text:
        return None, Problem(
            name,
            _line_column(text, text.index("\x00")),
            "file contains a NUL byte",
            "remove it; a file full of NUL bytes is UTF-16: save it as UTF-8",
        )
    deep = _depth_fault(text) if text.count("[") + text.count("{") > MAX_JSON_DEPTH else None
    if deep is not None:
        return None, Problem(
            name,
            _line_column(text, deep),
            f"JSON nests deeper than {MAX_JSON_DEPTH} levels",
            "an annotation document or sidecar nests a few levels: check the brackets",
        )
    try:
        doc = parse_json(text)
    except RecursionError:  # not reached after the depth check; kept as a guard
        return None, Problem(
            name, "", f"JSON nests deeper than {MAX_JSON_DEPTH} levels", "check the brackets"
        )
    except json.JSONDecodeError as error:
        message, hint = _syntax_fault(text, error.pos, error.msg)
        return None, Problem(name, _line_column(text, error.pos), message, hint)
    except ValueError:  # a duplicate key or a NaN/Infinity, which json does not place
        position, message, hint = _strictness_fault(text)
        return None, Problem(name, _line_column(text, position), message, hint)
    try:
        json.dumps(doc, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:  # an escape that decodes to half a character
        escape = re.search(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}", text)
        return None, Problem(
            name,
            _line_column(text, escape.start() if escape else 0),
            f"{escape.group() if escape else 'an escape'} is half of a UTF-16 surrogate pair, "
            "not a character; UTF-8 cannot hold it",
            "write the character itself, or both halves of its pair",
        )
    return doc, None


def _char_at(data: bytes, byte: int) -> int:
    """The character index of a byte offset in undecodable bytes (bad bytes count as one)."""
    return len(data[:byte].decode("utf-8", errors="replace"))


def _line_column(text: str, position: int) -> str:
    line = text.count("\n", 0, position) + 1
    return f"line {line}, column {position - (text.rfind(chr(10), 0, position) + 1) + 1}"


def _syntax_fault(text: str, position: int, json_message: str) -> tuple[str, str]:
    """Name the common syntax faults in words that do not depend on the Python version."""
    before = text[:position].rstrip()
    if not text[position:].strip():
        return (
            "malformed JSON: the file ends inside the document (truncated?)",
            "restore the missing end of the file; close every bracket and brace",
        )
    if text[position] == "," and before.endswith((",", "{", "[")):
        return "malformed JSON: a comma with no item before it", "remove the extra comma"
    if text.startswith(("//", "/*"), position):
        return "malformed JSON: comments are not allowed", "remove the comment"
    if before.endswith(",") and text[position] in "]}":
        return (
            f"malformed JSON: trailing comma before {text[position]!r}",
            "remove the comma after the last item",
        )
    return (
        f"malformed JSON: {json_message}",
        "fix the JSON syntax at that place (a missing bracket, quote or comma?)",
    )


def _strictness_fault(text: str) -> tuple[int, str, str]:
    """The place of the first repeated key or NaN/Infinity in JSON that parses otherwise."""
    scan = json.scanner.py_make_scanner(json.JSONDecoder())
    blank = re.compile(r"[ \t\n\r]*")

    def skip(i: int) -> int:
        return blank.match(text, i).end()

    def walk(i: int) -> int:  # parses the value at i and returns where it ends
        i = skip(i)
        if text[i] in "{[":
            closing, seen = "}" if text[i] == "{" else "]", set()
            i = skip(i + 1)
            while text[i] != closing:
                if closing == "}":
                    key, after = json.decoder.scanstring(text, i + 1)
                    if key in seen:
                        raise _Found(
                            i,
                            f"duplicate key {key!r} in one object",
                            "keep each key once per object: JSON readers silently keep only the last",
                        )
                    seen.add(key)
                    i = skip(after) + 1  # past the colon
                i = skip(walk(i))
                if text[i] == ",":
                    i = skip(i + 1)
            return i + 1
        for constant in ("NaN", "Infinity", "-Infinity"):
            if text.startswith(constant, i):
                raise _Found(i, f"{constant} is not valid JSON", "use a number or null")
        return scan(text, i)[1]

    try:
        walk(0)
    except _Found as found:
        return found.args
    return 0, "malformed JSON", "fix the JSON syntax"  # not reached for text parse_json refused


class _Found(Exception):
    """Where _strictness_fault found the fault."""


def _schema_problems(file: str, doc: object, error: ValidationError) -> list[Problem]:
    """Turn a JSON Schema error into messages in the taxonomy's words, with hints."""
    path = list(error.absolute_path)
    where = json_path(path)
    instance = error.instance
    if error.validator == "enum" and path[-1:] == ["category"]:
        return [
            Problem(
                file,
                where,
                f"unknown category {instance!r}",
                did_you_mean(instance, taxonomy().category_ids),
            )
        ]
    category = _category_at(doc, path)
    if error.validator == "oneOf" and path[-1:] == ["value"] and "attributes" in path:
        attribute = path[-2]
        choices = [s["const"] for s in error.validator_value]
        return [
            Problem(
                file,
                where,
                f"value {instance!r} is not allowed for attribute {attribute!r} of category {category!r}",
                did_you_mean(instance, choices),
            )
        ]
    if error.validator == "additionalProperties" and path[-1:] == ["attributes"]:
        allowed = list(error.schema["properties"])
        return [
            Problem(
                file,
                json_path([*path, extra]),
                f"attribute {extra!r} is not allowed for category {category!r}",
                did_you_mean(extra, allowed),
            )
            for extra in sorted(set(instance) - set(allowed))
        ]
    if error.validator == "required" and path[-1:] == ["attributes"]:
        # jsonschema raises one error per missing attribute, all alike: list every
        # missing one here and let _schema_errors merge the repeats. One given
        # under a misspelt name is reported once, as that unknown attribute.
        allowed = error.schema.get("properties", {})
        misspelt = {
            closest(given, error.validator_value) for given in instance if given not in allowed
        }
        return [
            Problem(
                file,
                json_path([*path, missing]),
                f"required attribute {missing!r} of category {category!r} is missing",
                'add it; use {"value": "unspecified"} when the text does not say',
            )
            for missing in error.validator_value
            if missing not in instance and missing not in misspelt
        ]
    if error.validator == "pattern" and error.schema.get("pattern") == SLUG_SCHEMA["pattern"]:
        return [
            Problem(
                file,
                where,
                f"{instance!r} is not a lowercase slug",
                "use a-z, 0-9 and single '-' or '_' between them",
            )
        ]
    if error.validator == "additionalProperties" and isinstance(instance, dict):
        allowed = list(error.schema.get("properties", {}))
        return [
            Problem(
                file,
                json_path([*path, extra]),
                f"unknown field {extra!r}",
                f"remove it, or {did_you_mean(extra, allowed)}"
                if closest(extra, allowed)
                else "remove it; allowed fields: " + ", ".join(allowed),
            )
            for extra in sorted(set(instance) - set(allowed))
        ]
    if error.validator == "required" and isinstance(instance, dict):
        return [
            Problem(
                file,
                json_path([*path, missing]),
                f"required field {missing!r} is missing",
                "add it",
            )
            for missing in error.validator_value
            if missing not in instance
        ]
    if error.validator == "type":
        expected = error.validator_value
        expected = " or ".join(expected) if isinstance(expected, list) else expected
        return [
            Problem(
                file,
                where,
                f"expected {_a(expected)}, got {_a(_json_type(instance))}"
                + ("" if isinstance(instance, (dict, list)) else f" ({json.dumps(instance)})"),
                f"write it as a JSON {expected}",
            )
        ]
    if (
        error.validator == "not"
        and isinstance(instance, dict)
        and list(error.validator_value) == ["required"]
    ):
        # The schema forbids these fields in this case (e.g. provenance.model unless a
        # model made the document).
        return [
            Problem(
                file,
                json_path([*path, field]),
                f"field {field!r} does not belong here"
                + (
                    f" (annotator_kind is {instance['annotator_kind']!r})"
                    if "annotator_kind" in instance
                    else ""
                ),
                "remove it" + (", or set annotator_kind to 'model'" if field == "model" else ""),
            )
            for field in error.validator_value["required"]
            if field in instance
        ]
    if error.validator == "dependentRequired" and isinstance(instance, dict):
        missing = {
            needed
            for given, needs in error.validator_value.items()
            if given in instance
            for needed in needs
            if needed not in instance
        }
        return [
            Problem(
                file,
                json_path([*path, field]),
                f"{field} is missing",
                "a span needs span_start, span_end and span_text together",
            )
            for field in sorted(missing)
        ]
    if error.validator == "maxLength":
        return [
            Problem(
                file,
                where,
                f"{path[-1] if path else 'value'} is {len(instance)} characters long, "
                f"more than the {error.validator_value} allowed",
                "shorten it",
            )
        ]
    if error.validator == "minimum":
        if isinstance(instance, float) and not instance.is_integer():
            return []  # not an integer: the type error says so, once
        return [
            Problem(
                file,
                where,
                f"{instance} is less than the minimum of {error.validator_value}",
                "offsets and segment ids count from 0",
            )
        ]
    return [Problem(file, where, error.message)]


def _a(json_type: str) -> str:
    return ("an " if json_type[0] in "aeiou" else "a ") + json_type


def _json_type(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if value is None:
        return "null"
    return {dict: "object", list: "array", str: "string", int: "integer", float: "number"}[
        type(value)
    ]


def _category_at(doc: object, path: list) -> object:
    """The category of the practice at `path`, for messages."""
    if path[:1] == ["practices"] and len(path) > 1:
        practice = doc["practices"][path[1]]
        return practice.get("category") if isinstance(practice, dict) else None
    return None


def _is_span(chosen: object) -> bool:
    """A value whose span fields are all present and well-typed (the schema reports the rest)."""
    return (
        isinstance(chosen, dict)
        and all(type(chosen.get(k)) is int for k in ("span_start", "span_end"))
        and chosen["span_start"] >= 0
        and isinstance(chosen.get("span_text"), str)
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


@dataclass
class Validator:
    """Collects problems over many files; remembers ids to catch duplicates across files."""

    default_raw: Path = DEFAULT_RAW
    problems: list[Problem] = field(default_factory=list)
    n_files: int = 0
    n_practices: int = 0
    _practice_ids: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what was read besides the paths given
    # Problems reported so far: two checks that find the same fault report it once.
    _reported: set[Problem] = field(default_factory=set)
    # Symbolic links refused (pointing outside the corpus or nowhere): reported, not read.
    _refused_links: set[Path] = field(default_factory=set)
    # The last policy text read, with its sha256: a corpus is checked policy by
    # policy, so its sidecar and every annotation document share one read.
    _last_text: tuple[Path, tuple[str, str] | None] | None = None

    # -- entry points ------------------------------------------------------
    def check_paths(self, paths: Iterable[Path], *, workers: int = 1) -> list[Problem]:
        paths = list(paths)
        for path in paths:
            if path.is_symlink() and not path.exists():
                self._add(
                    str(path),
                    "",
                    f"is a symbolic link to {os.readlink(path)}, which does not exist",
                    "remove the link, or put the file itself in its place",
                )
            elif not path.exists():
                self._add(str(path), "", "no such file or folder", "check the path")
            elif (path / "policies").is_dir() and len(paths) == 1:
                self.check_corpus(RawCorpus(path), workers=workers)
            elif len(paths) == 1 and self._quick_inside_corpus(path, workers):
                pass  # valid, and checked as fast as a whole corpus
            elif path.is_dir():
                self._check_folder(path)
            else:
                self.check_file(path)
        return self.problems

    def _quick_inside_corpus(self, path: Path, workers: int) -> bool:
        """Whether `path`, a document or folder inside a raw corpus, passes the quick check
        of the policies it belongs to; a path it does not pass is explained as before.

        The quick check reads each policy whole (sidecar, text, every annotation
        document), as the checks across files need; `notes` says so.
        """
        found = _policies_of(path)
        if found is None:
            return False
        corpus, policy_ids = found
        counts = quick_check(corpus, workers=workers, policy_ids=policy_ids)
        if counts is None:
            return False
        self.n_files, self.n_practices = counts
        if path.is_file() or len(policy_ids) == 1:
            self.notes.append(
                f"read with the other files of policy {policy_ids[0]!r} in {corpus.root} "
                "(its sidecar, text and annotation documents), which the checks across files need"
            )
        return True

    def check_corpus(self, corpus: RawCorpus, *, workers: int = 1) -> list[Problem]:
        """Every sidecar, text and annotation document of a raw corpus.

        A valid corpus passes the quick check (in `workers` processes); only a
        corpus with a problem is read again, file by file, to explain each one.
        """
        if not self.n_files:  # ids seen in earlier files must be checked against these
            counts = quick_check(corpus, workers=workers)
            if counts is not None:
                self.n_files, self.n_practices = counts
                return self.problems
        return self.explain_corpus(corpus)

    def explain_corpus(self, corpus: RawCorpus) -> list[Problem]:
        """Every problem of a raw corpus, each with its file, place and fix."""
        if not corpus.policies_dir.is_dir():
            self._add(
                str(corpus.root),
                "",
                "has no policies/ folder",
                "point to a raw corpus: a folder with policies/ and annotations/",
            )
            return self.problems
        self._check_links(corpus)
        if corpus.policies_dir in self._refused_links:
            return self.problems
        for text in sorted(corpus.policies_dir.glob("*.txt")):
            if text in self._refused_links:
                continue
            if not corpus.sidecar_path(text.stem).exists():
                self._add(
                    str(text),
                    "",
                    "policy text has no sidecar",
                    f"add {text.stem}.json, e.g. with `privacy-labels add-policy`",
                )
        for sidecar in sorted(corpus.policies_dir.glob("*.json")):
            self.check_file(sidecar)
        for folder in sorted(corpus.annotations_dir.glob("*")):
            if folder in self._refused_links or corpus.annotations_dir in self._refused_links:
                continue
            if folder.is_dir() and not any(folder.glob("*.json")):
                self._add(
                    str(folder),
                    "",
                    "annotation folder holds no .json documents",
                    "remove the folder or add an annotation document",
                )
            for document in sorted(folder.glob("*")) if folder.is_dir() else [folder]:
                if document in self._refused_links:
                    continue
                if document.is_file() and document.suffix != ".json":
                    self._add(
                        str(document),
                        "",
                        "is not a .json file, so build would leave it out",
                        f"name it {document.stem}.json if it is an annotation document, "
                        "else move it out of annotations/",
                    )
                    continue
                self.check_file(document)
        return self.problems

    def _check_links(self, corpus: RawCorpus) -> None:
        """Refuse symbolic links that point outside the corpus or nowhere: build would
        otherwise read files no one put in the corpus, or fail on a missing one.
        """
        root = corpus.root.resolve()
        for folder, subfolders, files in os.walk(corpus.root):
            for name in sorted([*subfolders, *files]):
                path = Path(folder) / name
                if not path.is_symlink():
                    continue
                target = os.readlink(path)
                if not path.exists():
                    self._add(
                        str(path),
                        "",
                        f"is a symbolic link to {target}, which does not exist",
                        "remove the link, or put the file itself in its place",
                    )
                elif root != path.resolve() and root not in path.resolve().parents:
                    self._add(
                        str(path),
                        "",
                        f"is a symbolic link to {path.resolve()}, outside the corpus {corpus.root}",
                        "copy the file into the corpus instead of linking to it",
                    )
                else:
                    continue
                self._refused_links.add(path)

    def check_file(self, path: Path) -> None:
        self.n_files += 1
        if path in self._refused_links:
            return
        doc, problem = read_json(path)
        if problem:
            self._report(problem)
            return
        corpus = RawCorpus.containing(path) or RawCorpus(self.default_raw)
        if path.parent.name == "policies":
            self._check_sidecar(path, doc, corpus)
        else:
            self._check_annotation(path, doc, corpus)

    # -- internals ---------------------------------------------------------
    def _add(self, file: str, path: str, message: str, hint: str = "") -> None:
        self._report(Problem(file, path, message, hint))

    def _report(self, problem: Problem) -> None:
        if problem not in self._reported:
            self._reported.add(problem)
            self.problems.append(problem)

    def _check_folder(self, folder: Path) -> None:
        if (folder / "policies").is_dir():
            self.explain_corpus(RawCorpus(folder))
            return
        files = sorted(p for p in folder.rglob("*.json") if p.is_file())
        if not files:
            self._add(
                str(folder),
                "",
                "folder holds no .json files",
                "give annotation documents, sidecars or a raw corpus folder",
            )
        for file in files:
            self.check_file(file)

    def _schema_errors(self, name: str, file: str, doc: object) -> bool:
        errors = sorted(
            _schema_validator(name).iter_errors(doc), key=lambda e: list(map(str, e.absolute_path))
        )
        problems = [p for e in errors for p in _schema_problems(file, doc, e)]
        for problem in problems:  # in order, each once
            self._report(problem)
        return bool(errors)

    def _check_sidecar(self, path: Path, doc: object, corpus: RawCorpus) -> None:
        file = str(path)
        self._too_long(file, doc, "policy")
        if self._schema_errors("policy", file, doc):
            return
        if doc["policy_id"] != path.stem:
            self._add(
                file,
                "$.policy_id",
                f"policy_id {doc['policy_id']!r} differs from the file name",
                f"name the files {doc['policy_id']}.json/.txt or set policy_id to {path.stem!r}",
            )
        policy_text = self._policy_text(corpus, path.stem, file)
        if policy_text is None:
            return
        text, text_sha256 = policy_text
        if text_sha256 != doc["text_sha256"]:
            self._add(
                file,
                "$.text_sha256",
                "does not match the sha256 of the policy text",
                "the text was edited: restore it, or re-annotate and update the sha256",
            )
        previous_end = 0
        for i, segment in enumerate(doc["segments"]):
            if self._whole_numbers(file, ["segments", i], segment, ("start", "end")):
                continue
            start, end = segment["start"], segment["end"]
            if not previous_end <= start < end <= len(text):
                self._add(
                    file,
                    json_path(["segments", i]),
                    f"segment [{start}, {end}) is not in order inside the text "
                    f"(previous segment ends at {previous_end}, text has {len(text)} characters)",
                    "segments must be non-empty, non-overlapping and in text order",
                )
            previous_end = max(previous_end, end)

    def _policy_text(self, corpus: RawCorpus, policy_id: str, file: str) -> tuple[str, str] | None:
        """The policy's text and its sha256, or None (reported once) if it is unusable."""
        path = corpus.text_path(policy_id)
        if self._last_text is None or self._last_text[0] != path:
            self._last_text = (path, self._read_policy_text(path, file))
        return self._last_text[1]

    def _read_policy_text(self, path: Path, file: str) -> tuple[str, str] | None:
        if path in self._refused_links:
            return None  # reported as a link
        if not path.is_file():
            self._add(
                file,
                "",
                f"policy text {path} is missing",
                "add the policy's .txt beside its sidecar",
            )
            return None
        data = path.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            place = _line_column(
                data.decode("utf-8", errors="replace"), _char_at(data, error.start)
            )
            self._add(
                str(path),
                place,
                f"byte {error.start} (0x{data[error.start]:02x}) is not UTF-8",
                "save the policy text as UTF-8",
            )
            return None
        for bad, message, fix in (
            ("\ufeff", "policy text starts with a byte-order mark", "save it as UTF-8 without BOM"),
            (
                "\r",
                "policy text has CR or CRLF line ends",
                "convert them to LF: offsets count one character per line end",
            ),
            ("\x00", "policy text contains a NUL character", "remove it"),
        ):
            if bad in text:
                self._add(str(path), _line_column(text, text.index(bad)), message, fix)
                return None
        return text, sha256_bytes(data)

    def _check_annotation(self, path: Path, doc: object, corpus: RawCorpus) -> None:
        file = str(path)
        self._schema_errors("annotation", file, doc)
        self._too_long(file, doc, "annotation")
        # Go on past schema errors wherever the document is sound enough to check
        # against the policy, so that every problem is reported in one run.
        if not isinstance(doc, dict) or not all(
            isinstance(doc.get(k), t) for k, t in (("policy_id", str), ("practices", list))
        ):
            return
        policy_id = doc["policy_id"]
        if RawCorpus.containing(path):
            self._check_place_in_layout(path, doc)
        if not is_slug(policy_id):
            return  # reported by the schema
        sidecar_path = corpus.sidecar_path(policy_id)
        if sidecar_path in self._refused_links:
            return  # reported as a link
        if not sidecar_path.is_file():
            self._add(
                file,
                "$.policy_id",
                f"policy {policy_id!r} does not exist in {corpus.root}",
                "add the policy first (privacy-labels add-policy), or fix the id",
            )
            return
        sidecar, problem = read_json(sidecar_path)
        if problem or not _schema_validator("policy").is_valid(sidecar):
            self._add(
                file,
                "$.policy_id",
                f"the sidecar of policy {policy_id!r} is invalid",
                f"run `privacy-labels validate {sidecar_path}` and fix it first",
            )
            return
        policy_text = self._policy_text(corpus, policy_id, file)
        if policy_text is None:
            return
        text, text_sha256 = policy_text
        if "text_sha256" in doc and doc["text_sha256"] != text_sha256:
            self._add(
                file,
                "$.text_sha256",
                f"the policy text {corpus.text_path(policy_id)} changed since this document was annotated",
                "its offsets may point at other words: re-check every span, then update text_sha256",
            )
            return
        segments = sidecar.get("segments", [])
        for i, practice in enumerate(doc["practices"]):
            if isinstance(practice, dict):
                self._check_practice(file, ["practices", i], practice, policy_id, text, segments)

    def _check_place_in_layout(self, path: Path, doc: dict) -> None:
        file = str(path)
        if path.parent.name != doc["policy_id"]:
            self._add(
                file,
                "$.policy_id",
                f"policy_id {doc['policy_id']!r} differs from its folder {path.parent.name!r}",
                "move the file into the folder of its policy",
            )
        if isinstance(doc.get("annotator"), str) and path.stem != doc["annotator"]:
            self._add(
                file,
                "$.annotator",
                f"annotator {doc['annotator']!r} differs from the file name {path.name!r}",
                f"name the file {doc['annotator']}.json",
            )

    def _check_practice(self, file, here, practice, policy_id, text, segments) -> None:
        self.n_practices += 1
        practice_id = practice.get("practice_id")
        if isinstance(practice_id, str):
            if practice_id in self._practice_ids:
                self._add(
                    file,
                    json_path([*here, "practice_id"]),
                    f"practice_id {practice_id!r} is used already at {self._practice_ids[practice_id]}",
                    "give every practice its own id, e.g. <policy_id>-<annotator>-<number>",
                )
            else:
                self._practice_ids[practice_id] = f"{file} {json_path(here)}"
        segment_id = practice.get("segment_id")
        attributes = practice.get("attributes")
        for attribute, chosen in attributes.items() if isinstance(attributes, dict) else ():
            if isinstance(chosen, dict):
                self._whole_numbers(
                    file, [*here, "attributes", attribute], chosen, ("span_start", "span_end")
                )
        if self._whole_numbers(file, here, practice, ("segment_id",)):
            return
        if not isinstance(segment_id, int) or isinstance(segment_id, bool) or segment_id < 0:
            return
        if segment_id >= len(segments):
            self._add(
                file,
                json_path([*here, "segment_id"]),
                f"policy {policy_id!r} has no segment {segment_id}",
                f"segment ids run from 0 to {len(segments) - 1}",
            )
            return
        segment = segments[segment_id]
        spans = {
            attribute: chosen
            for attribute, chosen in (attributes.items() if isinstance(attributes, dict) else ())
            if _is_span(chosen)
        }
        home = _segment_holding_all(spans.values(), segments)
        if home is not None and home != segment_id:
            # Every span lies in one other segment: the segment_id is what is wrong.
            self._add(
                file,
                json_path([*here, "segment_id"]),
                f"the practice's spans all lie in segment {home}, not in segment {segment_id}",
                f"set segment_id to {home}",
            )
            return
        for attribute, chosen in spans.items():
            self._check_span(
                file,
                [*here, "attributes", attribute],
                chosen,
                text,
                segment_id,
                segment["start"],
                segment["end"],
            )

    def _too_long(self, file: str, doc: object, kind: str) -> None:
        for parts, length in too_long_fields(doc, kind):
            self._add(
                file,
                json_path(parts),
                f"{parts[-1]} is {length:,} characters long, more than the "
                f"{MAX_FREE_TEXT_CHARS:,} a free-text field may have",
                "shorten it; keep long notes in a file of their own",
            )

    def _whole_numbers(self, file: str, here: list, obj: dict, keys: tuple[str, ...]) -> bool:
        """Report offsets and ids written with a fraction, as 39.0: JSON Schema counts
        them as integers, but they cannot index a text. True if there were any.
        """
        found = [k for k in keys if isinstance(obj.get(k), float)]
        for key in (k for k in found if obj[k].is_integer()):  # the schema names the others
            self._add(
                file,
                json_path([*here, key]),
                f"expected an integer, got a number ({json.dumps(obj[key])})",
                "write it as a JSON integer, without a decimal point",
            )
        return bool(found)

    def _check_span(self, file, parts, chosen, text, segment_id, seg_start, seg_end) -> None:
        start, end, span_text = chosen["span_start"], chosen["span_end"], chosen["span_text"]
        if not start < end:
            self._add(
                file,
                json_path([*parts, "span_end"]),
                f"span_end {end} is not after span_start {start}",
                "span_end is exclusive: span_end = span_start + len(span_text)",
            )
        elif end > len(text):
            self._add(
                file,
                json_path([*parts, "span_end"]),
                f"span [{start}, {end}) runs past the end of the policy text ({len(text)} characters)",
                "offsets are character offsets into the full policy text",
            )
        elif not seg_start <= start < end <= seg_end:
            self._add(
                file,
                json_path([*parts, "span_start"]),
                f"span [{start}, {end}) lies outside segment {segment_id} [{seg_start}, {seg_end})",
                "choose evidence inside the practice's segment, or fix segment_id",
            )
        elif text[start:end] != span_text:
            found = text.find(span_text, seg_start, seg_end)
            hint = (
                f"the text is at [{found}, {found + len(span_text)})"
                if found >= 0
                else f"the policy text there reads {text[start:end]!r}"
            )
            self._add(
                file,
                json_path([*parts, "span_text"]),
                "span_text differs from the policy text at [span_start, span_end)",
                hint,
            )


# -- the quick check -----------------------------------------------------------
# Most corpora are valid. For them a compiled schema validator (jsonschema-rs)
# and the plain checks below decide in one pass, policy by policy, without
# building a single message. A corpus with any problem goes through Validator,
# which explains every problem. Both accept exactly the same inputs
# (tests/unit/test_quick_check.py).


class _Refused(Exception):
    """The quick check found a problem; Validator will say which."""


@dataclass(frozen=True)
class PolicyInputs:
    """A policy's inputs, read once and found valid: what build needs of them."""

    policy_id: str
    sidecar: dict
    text: str
    documents: list[dict]  # annotation documents, in file-name order
    sha256: dict[str, str]  # each file read (path relative to the corpus) -> sha256


@cache
def _compiled_schema(name: str) -> jsonschema_rs.Validator:
    schemas = jsonschema_rs.Registry(
        [(load_schema(n)["$id"], load_schema(n)) for n in SCHEMA_NAMES]
    )
    unchecked = {"uri", "email", "hostname", "ipv4", "ipv6", "uuid", "regex"} - set(CHECKED_FORMATS)
    return jsonschema_rs.Draft202012Validator(
        load_schema(name),
        registry=schemas,
        validate_formats=True,
        formats=dict.fromkeys(unchecked, lambda _: True),
    )


def _conforms(name: str, doc: object) -> bool:
    try:
        return _compiled_schema(name).is_valid(doc)
    except (ValueError, OverflowError):  # e.g. an integer too large for the compiled validator
        return False


def plain_policy_ids(corpus: RawCorpus) -> list[str] | None:
    """The corpus's policy ids if its folders hold nothing unexpected, else None.

    Expected: a sidecar for every text, and under annotations/ only folders of
    existing policies, each with at least one document and nothing but `.json` files.
    """
    try:
        if corpus.policies_dir.is_symlink() or corpus.annotations_dir.is_symlink():
            return None  # Validator decides on links
        entries = list(os.scandir(corpus.policies_dir))
        folders = os.listdir(corpus.annotations_dir) if corpus.annotations_dir.exists() else []
    except OSError:
        return None
    if any(entry.is_symlink() for entry in entries):
        return None
    policy_files = [entry.name for entry in entries]
    ids = {name[:-5] for name in policy_files if name.endswith(".json")}
    if any(name[:-4] not in ids for name in policy_files if name.endswith(".txt")):
        return None
    for name in folders:
        folder = corpus.annotations_dir / name
        if name not in ids or folder.is_symlink() or not folder.is_dir():
            return None
        documents = list(os.scandir(folder))
        if not documents or not all(
            d.name.endswith(".json") and d.is_file(follow_symlinks=False) for d in documents
        ):
            return None
    return sorted(ids)


def read_valid_policy(
    corpus: RawCorpus, policy_id: str, *, check: bool = True
) -> PolicyInputs | None:
    """A policy's sidecar, text and annotation documents if all are valid, else None.

    Practice ids are checked within the policy only; `repeats_any` checks them
    across policies. `check=False` reads inputs Validator has passed, unchecked.
    """
    try:
        return _read_policy(corpus, policy_id, check)
    except (_Refused, OSError, ValueError, KeyError, TypeError, IndexError, RecursionError):
        if not check:
            raise
        return None


def _read_policy(corpus: RawCorpus, policy_id: str, check: bool) -> PolicyInputs:
    sha256: dict[str, str] = {}

    def read(path: Path) -> bytes:
        data = path.read_bytes()
        sha256[path.relative_to(corpus.root).as_posix()] = sha256_bytes(data)
        return data

    def read_json_file(path: Path) -> object:
        require(path.stat().st_size <= MAX_DOCUMENT_BYTES)
        data = read(path)
        require(not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")))
        text = data.decode("utf-8")
        require("\x00" not in text)
        return parse_json(text)

    def require(condition: bool) -> None:
        if check and not condition:
            raise _Refused

    sidecar = read_json_file(corpus.sidecar_path(policy_id))
    require(check and _conforms("policy", sidecar) and sidecar["policy_id"] == policy_id)
    require(not too_long_fields(sidecar, "policy"))
    text_path = corpus.text_path(policy_id)
    text = read(text_path).decode("utf-8")
    require(not any(bad in text for bad in ("\ufeff", "\r", "\x00")))
    text_sha256 = sha256[text_path.relative_to(corpus.root).as_posix()]
    require(sidecar["text_sha256"] == text_sha256)
    segments = [(s["start"], s["end"]) for s in sidecar["segments"]]
    previous_end = 0
    for start, end in segments:
        require(type(start) is int and type(end) is int)
        require(previous_end <= start < end <= len(text))
        previous_end = end
    documents = []
    practice_ids: set[str] = set()
    for path in corpus.annotation_paths(policy_id):
        doc = read_json_file(path)
        require(check and _conforms("annotation", doc))
        require(not too_long_fields(doc, "annotation"))
        require(doc["policy_id"] == policy_id and doc["annotator"] == path.stem)
        require(doc["text_sha256"] == text_sha256)
        for practice in doc["practices"]:
            require(practice["practice_id"] not in practice_ids)
            practice_ids.add(practice["practice_id"])
            segment_id = practice["segment_id"]
            require(type(segment_id) is int and segment_id < len(segments))
            seg_start, seg_end = segments[segment_id]
            for chosen in practice["attributes"].values():
                if "span_start" in chosen:  # the schema requires span_end and span_text with it
                    start, end = chosen["span_start"], chosen["span_end"]
                    require(type(start) is int and type(end) is int)
                    require(seg_start <= start < end <= seg_end)
                    require(text[start:end] == chosen["span_text"])
        documents.append(doc)
    return PolicyInputs(policy_id, sidecar, text, documents, sha256)


def practice_keys(practice_ids: Iterable[str]) -> np.ndarray:
    """64-bit digests of practice ids: a corpus-wide uniqueness check in 8 bytes per id."""
    return np.array(
        [
            int.from_bytes(hashlib.blake2b(i.encode(), digest_size=8).digest(), "little")
            for i in practice_ids
        ],
        dtype=np.uint64,
    )


def repeats_any(keys: list[np.ndarray]) -> bool:
    """Whether two practices may share an id. A digest collision, vanishingly rare,
    only sends the corpus through Validator, which compares the ids themselves.
    """
    merged = np.sort(np.concatenate(keys)) if keys else np.array([], dtype=np.uint64)
    return bool((merged[1:] == merged[:-1]).any())


@dataclass(frozen=True)
class _Counts:
    is_valid: bool
    n_files: int = 0
    n_practices: int = 0
    keys: np.ndarray | None = None


@without_cycle_collector
def _quick_check_policies(root: str, policy_ids: list[str]) -> _Counts:
    corpus = RawCorpus(Path(root))
    n_files = n_practices = 0
    keys = []
    for policy_id in policy_ids:
        inputs = read_valid_policy(corpus, policy_id)
        if inputs is None:
            return _Counts(False)
        n_files += 1 + len(inputs.documents)
        ids = [p["practice_id"] for doc in inputs.documents for p in doc["practices"]]
        n_practices += len(ids)
        keys.append(practice_keys(ids))
    return _Counts(True, n_files, n_practices, np.concatenate(keys) if keys else None)


POLICIES_PER_CHUNK = 25


def chunked(items: list, size: int = POLICIES_PER_CHUNK) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _policies_of(path: Path) -> tuple[RawCorpus, list[str]] | None:
    """The corpus and policies a document or folder inside a plain raw corpus belongs to."""
    if path.is_file() and path.suffix == ".json":
        corpus = RawCorpus.containing(path)
        policy_id = path.stem if path.parent.name == "policies" else path.parent.name
    elif path.is_dir() and path.name in ("policies", "annotations"):
        corpus, policy_id = RawCorpus(path.parent), None
    elif path.is_dir() and path.parent.name == "annotations":
        corpus, policy_id = RawCorpus(path.parent.parent), path.name
    else:
        return None
    if corpus is None or not corpus.policies_dir.is_dir():
        return None
    plain = plain_policy_ids(corpus)
    if plain is None or (policy_id is not None and policy_id not in plain):
        return None
    if policy_id is not None and corpus.sidecar_path(policy_id).is_symlink():
        return None
    return corpus, plain if policy_id is None else [policy_id]


def quick_check(
    corpus: RawCorpus,
    *,
    workers: int = 1,
    scheduler: str | None = None,
    policy_ids: list[str] | None = None,
) -> tuple[int, int] | None:
    """(files, practices) checked if the whole corpus (or its `policy_ids`) is valid, else None."""
    if policy_ids is None:
        policy_ids = plain_policy_ids(corpus)
    if policy_ids is None:
        return None
    n_files = n_practices = 0
    keys = []
    work = functools.partial(_quick_check_policies, str(corpus.root))
    chunks = chunked(policy_ids)
    for counts in map_in_order(
        work, chunks, workers=min(workers, len(chunks)), scheduler=scheduler
    ):
        if not counts.is_valid:
            return None
        n_files += counts.n_files
        n_practices += counts.n_practices
        keys += [] if counts.keys is None else [counts.keys]
    return None if repeats_any(keys) else (n_files, n_practices)
