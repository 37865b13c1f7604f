"""Strict JSON in, the project's one JSON style out: `parse_json` refuses duplicate keys,
NaN and Infinity; `dump_json` writes two-space indented UTF-8 with a final newline."""

from __future__ import annotations

import json


class DuplicateKeyError(ValueError):
    """A JSON object repeats a key; parsers keep the last one and silently lose data."""


def _refuse_duplicate_keys(pairs: list[tuple[str, object]]) -> dict:
    obj = dict(pairs)
    if len(obj) < len(pairs):  # the common case costs one comparison
        keys = [k for k, _ in pairs]
        repeated = sorted({k for k in keys if keys.count(k) > 1})
        raise DuplicateKeyError(f"duplicate key {repeated[0]!r}")
    return obj


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


def parse_json(text: str) -> object:
    """Parse strict JSON: no NaN or Infinity, no duplicate keys."""
    return json.loads(
        text, object_pairs_hook=_refuse_duplicate_keys, parse_constant=_refuse_constant
    )


def dump_json(data: object) -> str:
    """The one JSON style of the project: two-space indent, UTF-8 kept, final newline.

    The bytes are `json.dumps(data, indent=2, ensure_ascii=False)`'s. Python's encoder
    indents in pure Python, a generator per level; plain dicts, lists, strings, ints,
    bools and None are written here in one pass with its C string escaper instead
    (three times faster); anything else (NaN, a subclass, a non-string key, a cycle)
    goes to the standard encoder, which decides.
    """
    out: list[str] = []
    try:
        _write_json(data, out, "\n")
    except (_NotPlain, RecursionError):
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    out.append("\n")
    return "".join(out)


class _NotPlain(Exception):
    """A value the fast writer leaves to the standard encoder."""


# ensure_ascii=False escapes with this (the C version where Python has it).
_json_string = json.encoder.encode_basestring
_JSON_CONSTANTS = {True: "true", False: "false", None: "null"}


def _write_json(value: object, out: list[str], newline: str) -> None:
    """Append `value` to `out` as json.dumps(indent=2) would; `newline` is the line
    break and indent of the level `value` is on."""
    kind = type(value)
    if kind is str:
        out.append(_json_string(value))
    elif kind is dict:
        if not value:
            out.append("{}")
            return
        inner = newline + "  "
        separator = "{" + inner
        for key, item in value.items():
            if type(key) is not str:
                raise _NotPlain
            out.append(separator)
            out.append(_json_string(key))
            out.append(": ")
            item_kind = type(item)
            if item_kind is str:  # the common leaves inline: a call per value costs
                out.append(_json_string(item))
            elif item_kind is int:
                out.append(int.__repr__(item))
            else:
                _write_json(item, out, inner)
            separator = "," + inner
        out.append(newline + "}")
    elif kind is list or kind is tuple:
        if not value:
            out.append("[]")
            return
        inner = newline + "  "
        separator = "[" + inner
        for item in value:
            out.append(separator)
            _write_json(item, out, inner)
            separator = "," + inner
        out.append(newline + "]")
    elif kind is int:
        out.append(int.__repr__(value))
    elif kind is bool or value is None:
        out.append(_JSON_CONSTANTS[value])
    elif kind is float and value - value == 0:  # finite: NaN and infinities are the encoder's
        out.append(float.__repr__(value))
    else:
        raise _NotPlain
