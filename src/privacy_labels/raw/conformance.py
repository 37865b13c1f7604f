"""Conformance to the JSON Schemas: one engine decides, the other explains.

jsonschema-rs (compiled) decides whether a document conforms, for `validate` and
`build` alike. Only a document it refuses goes to jsonschema, whose errors carry
what a message needs (the keyword, the subschema), and is described in plain
words with a hint. The schemas check the shape of labels only (ids are slugs): a
label is checked against its document's scheme by the label rules
(raw/labels.py), which name a malformed label too, with the closest one. The explainer reads patterns as ECMA-262 does, as
the decider does: `$` matches only at the very end (Python's `re` also lets it
match before a final newline). Should the explainer still find nothing where
the decider refuses, the decider's own messages are reported, so a refused
document never goes unexplained (tests/unit/raw/test_inputs.py). Predictions files
(outputs/predictions.py) are decided and explained by the same two engines.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache

import jsonschema_rs
from jsonschema import Draft202012Validator, FormatChecker, ValidationError
from jsonschema.validators import extend

from privacy_labels.contract.schema import SCHEMA_NAMES, load_schema, registry
from privacy_labels.raw.corpus import slug_schema
from privacy_labels.raw.problems import Problem, closest, did_you_mean, json_path

# The formats both engines check, whatever optional packages are installed. "uri" is
# checked by neither.
CHECKED_FORMATS = ("date",)


@cache
def _decider(name: str) -> jsonschema_rs.Validator:
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


def conforms(name: str, doc: object) -> bool:
    """Whether `doc` conforms to the schema `name` (the one verdict on conformance)."""
    try:
        return _decider(name).is_valid(doc)
    except (ValueError, OverflowError):  # a value the compiled validator cannot take
        return False


@cache
def ecma_regex(pattern: str) -> re.Pattern:
    """`pattern` with each `$` outside a character class matching only at the very end."""
    out, i, in_class = [], 0, False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if char == "[":
            in_class = True
        elif char == "]":
            in_class = False
        out.append(r"(?![\s\S])" if char == "$" and not in_class else char)
        i += 1
    return re.compile("".join(out))


def _pattern(validator, pattern, instance, schema):
    if validator.is_type(instance, "string") and not ecma_regex(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


_Explainer = extend(Draft202012Validator, {"pattern": _pattern})


@cache
def explainer(name: str) -> Draft202012Validator:
    """The jsonschema validator that names each error of a document the decider refused."""
    return _Explainer(
        load_schema(name), registry=registry(), format_checker=FormatChecker(CHECKED_FORMATS)
    )


def explained_errors(name: str, doc: object) -> list[ValidationError]:
    """The explainer's errors of a document the decider refuses, in path order; none for a
    document that conforms."""
    if conforms(name, doc):
        return []
    return sorted(explainer(name).iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))


def schema_problems(name: str, file: str, doc: object) -> Iterator[Problem]:
    """Nothing if `doc` conforms to schema `name`; else at least one problem, in path order."""
    if conforms(name, doc):
        return
    errors = explained_errors(name, doc)
    problems = [p for e in errors if not _is_label(name, e) for p in _schema_problems(file, e)]
    if problems or any(_is_label(name, e) for e in errors):
        yield from problems
    else:
        yield from decider_problems(name, file, doc)


def _is_label(name: str, error: ValidationError) -> bool:
    """A label that is no slug: the label rules name it, with the closest label."""
    path = list(error.absolute_path)
    return (
        name == "annotation"
        and error.validator == "pattern"
        and path[:1] == ["practices"]
        and (
            path[-1:] == ["category"]
            or path[-1:] == ["value"]
            or (path[-1:] == ["attributes"] and "propertyNames" in error.absolute_schema_path)
        )
    )


def decider_problems(name: str, file: str, doc: object) -> Iterator[Problem]:
    """The decider's own words, where the explainer finds no fault."""
    try:
        errors = list(_decider(name).iter_errors(doc))
    except (ValueError, OverflowError) as error:
        yield Problem(file, "", f"cannot be checked against the schema: {error}", "fix the value")
        return
    for error in errors:
        yield Problem(file, json_path(error.instance_path), error.message, "fix it to the schema")


def _schema_problems(file: str, error: ValidationError) -> list[Problem]:
    """Turn a JSON Schema error into messages in plain words, with hints."""
    path = list(error.absolute_path)
    where = json_path(path)
    instance = error.instance
    if (
        error.validator == "pattern"
        and error.validator_value != slug_schema()["pattern"]  # slugs have their own words
        and isinstance(instance, str)
        and instance.lower() != instance
        and ecma_regex(error.validator_value).search(instance.lower())
    ):
        return [
            Problem(
                file,
                where,
                f"{path[-1] if path else 'value'} is written in uppercase",
                f"write it in lowercase: {instance.lower()}",
            )
        ]
    if error.validator == "pattern" and error.schema.get("pattern") == slug_schema()["pattern"]:
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
