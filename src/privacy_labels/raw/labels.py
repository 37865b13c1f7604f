"""The label rules: each practice of an annotation document against the scheme it names.

A document says which scheme it is written in (`"scheme": {"id": "mapp", "version":
"1.0.0"}`); the annotation schema checks only the shape of its labels (ids are
slugs), and these rules check them against that scheme's data: the category is one
of the scheme's, each attribute belongs to the category, each value (each value of a
value set) to the attribute, and every required attribute is there; a value set holds
what its source gives, so it may lack one. Each problem names the scheme, hints the
closest label, and, when another scheme of the corpus has the label,
names that scheme: a MAPP document that forgot to say so reads

    attribute 'legal_basis' is not allowed for category 'first_party_collection_use'
    in scheme opp115 1.0.0
        hint: the document says scheme opp115 — did you mean mapp? ...

Like the other rules (raw/rules.py) they yield nothing for valid input, lazily.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

from privacy_labels.contract.scheme_set import SchemeSet
from privacy_labels.contract.schemes import Scheme
from privacy_labels.raw.problems import Problem, closest, did_you_mean, json_path

UNSPECIFIED = "unspecified"  # the value a required attribute takes when the text does not say


def named_scheme(doc: object, schemes: SchemeSet) -> Scheme | None:
    """The scheme a document names, if it is one of `schemes`."""
    ref = doc.get("scheme") if isinstance(doc, dict) else None
    scheme_id = ref.get("id") if isinstance(ref, dict) else None
    return schemes.get(scheme_id) if isinstance(scheme_id, str) else None


@functools.cache
def _slots(s: Scheme) -> dict[str, dict[str, frozenset[str]]]:
    """category -> attribute -> its values, for lookups in the inner loop."""
    return {c.id: {a.id: frozenset(a.value_ids) for a in c.attributes} for c in s.categories}


@functools.cache
def _required(s: Scheme) -> dict[str, tuple[str, ...]]:
    return {c.id: tuple(a.id for a in c.attributes if a.is_required) for c in s.categories}


def label_problems(file: str, doc: object, schemes: SchemeSet) -> Iterator[Problem]:
    """The document's scheme and every label of its practices against that scheme. Parts
    of the wrong shape are the schema's to report and are passed over here."""
    if not isinstance(doc, dict):
        return
    ref = doc.get("scheme")
    if not isinstance(ref, dict) or not isinstance(ref.get("id"), str):
        return
    s = schemes.get(ref["id"])
    if s is None:
        guess = closest(ref["id"], schemes.ids)
        yield Problem(
            file,
            "$.scheme.id",
            f"unknown scheme {ref['id']!r}; the schemes are {', '.join(schemes.ids)}",
            f"did you mean {guess!r}?"
            if guess
            else "name one of them, or add the scheme's folder to the corpus's schemes/",
        )
        return
    if isinstance(ref.get("version"), str) and ref["version"] != s.version:
        yield Problem(
            file,
            "$.scheme.version",
            f"scheme {s.id} {ref['version']} is not the version read here ({s})",
            f"check the labels against docs/schemes/{s.id}.md and set the version to {s.version!r}",
        )
    practices = doc.get("practices")
    if not isinstance(practices, list):
        return
    slots, required = _slots(s), _required(s)
    for i, practice in enumerate(practices):
        if not isinstance(practice, dict):
            continue
        category, attributes = practice.get("category"), practice.get("attributes")
        if not isinstance(category, str):
            continue
        allowed = slots.get(category)
        if allowed is None:
            yield _unknown_category(file, i, category, s, schemes)
            continue
        if not isinstance(attributes, dict):
            continue
        for attribute, chosen in attributes.items():
            values = allowed.get(attribute)
            if values is None:
                yield _unknown_attribute(file, i, category, attribute, s, schemes)
                continue
            for value, path in chosen_values(chosen):
                if isinstance(value, str) and value not in values:
                    yield _unknown_value(file, i, category, attribute, value, path, s, schemes)
        if practice.get("is_value_set") is True:
            continue  # a source's value set holds what it gives: no required attribute added
        absent = [a for a in required[category] if a not in attributes]
        if not absent:
            continue
        # An attribute given under a misspelt name is named as unknown, with its hint, not
        # also as missing. (Looked for only when one is absent: it costs a valid document.)
        misspelt = {closest(given, required[category]) for given in attributes}
        for missing in absent:
            if missing not in misspelt:
                yield _missing(file, i, category, missing, s)


def chosen_values(chosen: object) -> list[tuple[object, list]]:
    """Each value an attribute holds, with its path below the attribute: the one
    `{"value": v}` of a practice, or each of a value set's `{"values": [...]}`."""
    if not isinstance(chosen, dict):
        return []
    if isinstance(chosen.get("values"), list):
        return [(v, ["values", k]) for k, v in enumerate(chosen["values"])]
    return [(chosen.get("value"), ["value"])]


def _in_scheme(s: Scheme) -> str:
    return f"in scheme {s}"


def _other_schemes(s: Scheme, schemes: SchemeSet, has) -> str | None:
    """A hint naming the other schemes that have the label, if any do."""
    others = [o for o in schemes if o.id != s.id and has(o)]
    if not others:
        return None
    names = " or ".join(o.id for o in others)
    return (
        f"the document says scheme {s.id} — did you mean {names}? "
        f'(set "scheme" to {{"id": "{others[0].id}", "version": "{others[0].version}"}})'
    )


def _unknown_category(file, i, category, s, schemes) -> Problem:
    return Problem(
        file,
        json_path(["practices", i, "category"]),
        f"unknown category {category!r} {_in_scheme(s)}",
        _other_schemes(s, schemes, lambda o: o.category(category) is not None)
        or did_you_mean(category, s.category_ids),
    )


def _unknown_attribute(file, i, category, attribute, s, schemes) -> Problem:
    def has(o: Scheme) -> bool:
        c = o.category(category)
        return c is not None and c.attribute(attribute) is not None

    return Problem(
        file,
        json_path(["practices", i, "attributes", attribute]),
        f"attribute {attribute!r} is not allowed for category {category!r} {_in_scheme(s)}",
        _other_schemes(s, schemes, has)
        or did_you_mean(attribute, s.category(category).attribute_ids),
    )


def _unknown_value(file, i, category, attribute, value, path, s, schemes) -> Problem:
    def has(o: Scheme) -> bool:
        c = o.category(category)
        a = c.attribute(attribute) if c is not None else None
        return a is not None and a.value(value) is not None

    return Problem(
        file,
        json_path(["practices", i, "attributes", attribute, *path]),
        f"value {value!r} is not allowed for attribute {attribute!r} of category "
        f"{category!r} {_in_scheme(s)}",
        _other_schemes(s, schemes, has)
        or did_you_mean(value, s.category(category).attribute(attribute).value_ids),
    )


def _missing(file, i, category, attribute, s) -> Problem:
    values = s.category(category).attribute(attribute).value_ids
    return Problem(
        file,
        json_path(["practices", i, "attributes", attribute]),
        f"required attribute {attribute!r} of category {category!r} {_in_scheme(s)} is missing",
        'add it; use {"value": "unspecified"} when the text does not say'
        if UNSPECIFIED in values
        else f"add it: one of {', '.join(values)}",
    )
