"""Reading JSON documents strictly, within limits, with a clear problem for each fault.

    doc, problem = read_json(Path("data/raw/annotations/acme/alice.json"))

A file that cannot be a document (a folder, too large, not UTF-8, a NUL byte,
nesting beyond the limit, malformed or non-strict JSON, half a surrogate pair)
gives one problem naming the file, the line and column where it can, and the fix.
Every reader of annotation documents and sidecars goes through here.
"""

from __future__ import annotations

import json
import json.decoder
import json.scanner
import re
from pathlib import Path

import numpy as np
import orjson

from privacy_labels._json import parse_json
from privacy_labels.raw.problems import Problem

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


def read_json(path: Path) -> tuple[object, Problem | None]:
    """Read a JSON file strictly; a file that cannot be read gives one clear problem."""
    data, problem = read_document_bytes(path)
    if problem:
        return None, problem
    return parse_document(str(path), data)


def read_document_bytes(path: Path) -> tuple[bytes, Problem | None]:
    """The bytes of a document file, unless it is a folder, too large or unreadable."""
    name = str(path)
    if path.is_dir():
        return b"", Problem(
            name,
            "",
            "is a folder where a JSON file is expected",
            "remove the folder or point to a file",
        )
    try:
        size = path.stat().st_size
        if size > MAX_DOCUMENT_BYTES:
            return b"", Problem(
                name,
                "",
                f"file is {size:,} bytes, more than the {MAX_DOCUMENT_BYTES:,} a document may have",
                "split it: one annotation document per policy and annotator",
            )
        return path.read_bytes(), None
    except OSError as error:
        return b"", Problem(
            name, "", f"cannot be read: {error.strerror}", "check the file and its permissions"
        )


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def parse_document(
    name: str, data: bytes, *, limit_depth: bool = True
) -> tuple[object, Problem | None]:
    """The JSON document in `data` (read from the file `name`), or the problem with it.

    `limit_depth=False` leaves out the nesting limit, for a reader that then requires
    the document to conform to a schema: no conforming document nests deeper than a
    few levels, and the size limit bounds the parse. The limit is there to name the
    fault; it costs a third of the parse.
    """
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
            line_column(data.decode("utf-8", errors="replace"), char_at(data, error.start)),
            f"byte {error.start} (0x{data[error.start]:02x}) is not UTF-8",
            "save the file as UTF-8",
        )
    if "\x00" in text:
        return None, Problem(
            name,
            line_column(text, text.index("\x00")),
            "file contains a NUL byte",
            "remove it; a file full of NUL bytes is UTF-16: save it as UTF-8",
        )
    deep = (
        _depth_fault(text)
        if limit_depth and text.count("[") + text.count("{") > MAX_JSON_DEPTH
        else None
    )
    if deep is not None:
        return None, Problem(
            name,
            line_column(text, deep),
            f"JSON nests deeper than {MAX_JSON_DEPTH} levels",
            "an annotation document or sidecar nests a few levels: check the brackets",
        )
    try:
        doc = parse_strict(data, text)
    except RecursionError:  # past the depth check, or without it
        return None, Problem(
            name, "", f"JSON nests deeper than {MAX_JSON_DEPTH} levels", "check the brackets"
        )
    except json.JSONDecodeError as error:
        message, hint = _syntax_fault(text, error.pos, error.msg)
        return None, Problem(name, line_column(text, error.pos), message, hint)
    except ValueError:  # a duplicate key or a NaN/Infinity, which json does not place
        position, message, hint = _strictness_fault(text)
        return None, Problem(name, line_column(text, position), message, hint)
    # Only an escape can make half a surrogate pair (decoded UTF-8 holds none): look
    # for one before encoding the whole document again.
    escape = _SURROGATE_ESCAPE.search(text)
    if escape:
        try:
            json.dumps(doc, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            return None, Problem(
                name,
                line_column(text, escape.start()),
                f"{escape.group()} is half of a UTF-16 surrogate pair, "
                "not a character; UTF-8 cannot hold it",
                "write the character itself, or both halves of its pair",
            )
    return doc, None


# Digits mapped to "0", every other byte to a space: a run of 20 zeros after translating is
# a number orjson would read as a float (past 2**64), where json reads an integer.
_DIGITS = bytes(ord("0") if chr(b).isdigit() and b < 128 else ord(" ") for b in range(256))
_LONG_NUMBER = b"0" * 20
# How \u003a and \u003A, a colon written as an escape, begin (so do the escapes of the
# digits and of ;<=>?, rarely written so: one search serves).
_ESCAPED_COLON = b"\\u003"


def parse_strict(data: bytes, text: str) -> object:
    """parse_json(text), the strict verdict, faster on a valid document.

    orjson (C) parses the bytes, refusing what JSON refuses (NaN, Infinity, comments,
    trailing commas), but it keeps the last of two equal keys silently. The parsed
    document, written again, has one colon per key it kept, and the strings' own: so
    the file has more colons than that only if a key was dropped. Where that count
    cannot vouch (a colon written as \\u003a; a number too long for orjson to read as
    json does) or orjson refuses, json decides and names the fault, as before.
    """
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError:
        return parse_json(text)
    if (
        data.count(b":") != orjson.dumps(doc).count(b":")
        or _ESCAPED_COLON in data
        or _LONG_NUMBER in data.translate(_DIGITS)
    ):
        return parse_json(text)
    return doc


def char_at(data: bytes, byte: int) -> int:
    """The character index of a byte offset in undecodable bytes (bad bytes count as one)."""
    return len(data[:byte].decode("utf-8", errors="replace"))


def line_column(text: str, position: int) -> str:
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
