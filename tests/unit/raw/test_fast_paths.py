"""What keeps a valid corpus fast: the rules build no message and look for no hint on
valid input, and the fast JSON decoder refuses what the strict one refuses."""

from __future__ import annotations

import json

import pytest

from privacy_labels._json import parse_json
from privacy_labels.contract.scheme_set import package_schemes
from privacy_labels.raw import labels
from privacy_labels.raw.jsonio import parse_document, parse_strict
from tests.conftest import FIXTURE_RAW, FIXTURES


def _valid_document() -> dict:
    return json.loads((FIXTURE_RAW / "annotations" / "example" / "alice.json").read_text())


def test_a_valid_document_looks_for_no_closest_label(monkeypatch):
    """The closest label is a hint for a problem: a valid practice never pays for it."""

    def no_hint_wanted(*args, **kwargs):
        raise AssertionError("closest() called for a valid document")

    monkeypatch.setattr(labels, "closest", no_hint_wanted)
    assert list(labels.label_problems("alice.json", _valid_document(), package_schemes())) == []


def test_a_misspelt_required_attribute_is_unknown_not_also_missing():
    doc = _valid_document()
    practice = next(p for p in doc["practices"] if "personal_information_type" in p["attributes"])
    practice["attributes"]["personal_informaton_type"] = practice["attributes"].pop(
        "personal_information_type"
    )
    messages = [p.message for p in labels.label_problems("a.json", doc, package_schemes())]
    assert any("personal_informaton_type" in m for m in messages)
    assert not any("missing" in m for m in messages)


# Texts where a fast decoder may part from json: repeated keys (nested, or with their colon
# made up for by an escaped one), numbers past 64 bits, constants, surrogates, depth.
TRICKY = [
    '{"a": 1, "a": 2}',
    '{"x": [{"b": {"c": 1, "c": 1}}]}',
    '{"a": "x\\u003ay", "a": "x\\u003ay"}',
    '{"a": "x\\u003Ay", "a": "x\\u003Ay"}',
    '{"a": "1:2", "b": {"c": ":", "d": "::"}}',
    '{"n": 18446744073709551616}',
    '{"n": 123456789012345678901234567890}',
    '{"n": 1e400}',
    '{"n": NaN}',
    '{"n": -Infinity}',
    '{"s": "\\ud800"}',
    '{"s": "\\ud83d\\ude00", "t": "\\u0000"}',
    '{"n": -0, "f": -0.0, "g": 39.0, "h": 0.1}',
    "[" * 2000 + "]" * 2000,
    '{"a": 1,}',
    '{"a": 1} {"b": 2}',
]


def _verdict(parse, *args) -> tuple[str, object]:
    try:
        return "parsed", parse(*args)
    except (ValueError, RecursionError) as error:
        return "refused", type(error).__name__


@pytest.mark.parametrize("text", TRICKY)
def test_the_fast_decoder_gives_the_strict_verdict(text):
    fast = _verdict(parse_strict, text.encode(), text)
    strict = _verdict(parse_json, text)
    assert fast == strict
    if fast[0] == "parsed":  # the same types too: an integer stays an integer
        assert repr(fast[1]) == repr(strict[1])


@pytest.mark.parametrize(
    "path", sorted(FIXTURES.glob("*/*.json")), ids=lambda p: f"{p.parent.name}/{p.name}"
)
def test_the_fast_decoder_gives_the_strict_verdict_on_every_fixture(path):
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pytest.skip("not UTF-8: refused before any parser")
    assert _verdict(parse_strict, data, text) == _verdict(parse_json, text)


def test_a_repeated_key_beside_an_escaped_colon_is_refused_with_its_place():
    """The colon count alone would pass it: the escaped colon makes up for the key's."""
    text = '{"a": "x\\u003ay",\n "a": "x\\u003ay"}'
    doc, problem = parse_document("doc.json", text.encode())
    assert doc is None
    assert (problem.path, problem.message) == (
        "line 2, column 2",
        "duplicate key 'a' in one object",
    )
