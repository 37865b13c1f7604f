"""Label schemes: the one reader of `schema/schemes/<scheme_id>/`, folders of data.

A scheme is a folder: `scheme.json` (categories, attributes, values, names per
language, defaults), `label_sets.json`, `questions.json` (the hub's policy-label
questions) and `mapping.json` (rows onto the scheme it extends or maps onto).
Schemes are found, never listed: a new folder is a new scheme. A corpus, a build and a
release carry their own scheme folders, which `read_scheme(folder)` reads the same way;
`SchemeSet` is several of them (a corpus's, a build's), and every label list a table
column has comes from one.

    >>> from privacy_labels.contract.schemes import scheme
    >>> scheme("mapp").display_name("value", "advertising_or_marketing", "de")
    'Werbung oder Marketing'
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from privacy_labels._files import package_data
from privacy_labels.errors import PrivacyLabelsError

ENGLISH = "en"
FILES = ("scheme", "label_sets", "questions", "mapping")
HUB = "hub"  # the relation of the scheme every other maps onto (OPP-115's)


class SchemeError(PrivacyLabelsError):
    """A scheme folder is missing or unreadable; the message names the file and the fix."""


def schemes_folder() -> Path:
    return package_data("schema", "schema") / "schemes"


def in_language(names: dict[str, str], language: str) -> str:
    """The text in `language` (a BCP 47 tag: `de-AT` reads `de`), else in English."""
    return names.get(language) or names.get(language.split("-")[0]) or names[ENGLISH]


@dataclass(frozen=True)
class _Named:
    """What every category, attribute and value of a scheme has: its id, its names and
    descriptions by language (`name` and `description` in English, as `contract/schema.py`'s
    items have them) and the names a source corpus gives it."""

    id: str
    names: dict[str, str]
    descriptions: dict[str, str]
    source_names: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.names[ENGLISH]

    @property
    def description(self) -> str:
        return self.descriptions[ENGLISH]


@dataclass(frozen=True)
class Value(_Named):
    """A value an attribute may take."""


@dataclass(frozen=True)
class Attribute(_Named):
    """An attribute as it appears in one category (a category–attribute slot)."""

    is_required: bool
    default: str | None
    values: tuple[Value, ...]

    def value(self, value_id: str) -> Value | None:
        return next((v for v in self.values if v.id == value_id), None)

    @property
    def value_ids(self) -> list[str]:
        return [v.id for v in self.values]


@dataclass(frozen=True)
class Category(_Named):
    attributes: tuple[Attribute, ...]
    notes: str = ""

    def attribute(self, attribute_id: str) -> Attribute | None:
        return next((a for a in self.attributes if a.id == attribute_id), None)

    @property
    def attribute_ids(self) -> list[str]:
        return [a.id for a in self.attributes]


# An attribute's value as written: one value id, or the value ids of a value set (a
# segment-level set a source like MAPP gives for a category, `is_value_set`).
Given = str | tuple[str, ...]


def values_of(given: str | Iterable[str] | None) -> tuple[str, ...]:
    """The value ids `given` holds: itself alone, each of a value set, none for None."""
    if given is None:
        return ()
    return (given,) if isinstance(given, str) else tuple(given)


def written(chosen: dict) -> Given:
    """What an attribute of a document's practice holds: its `value`, or the `values` of a
    value set as a tuple."""
    return tuple(chosen["values"]) if "values" in chosen else chosen["value"]


@dataclass(frozen=True)
class Label:
    """A label of a label set: a practice has it when its category is `category` and each
    attribute in `attributes` has one of the values listed."""

    id: str
    names: dict[str, str]
    category: str
    attributes: dict[str, tuple[str, ...]]

    def matches(self, category: str, values: dict[str, Given]) -> bool:
        """A value set has the label when one of its values has it."""
        return category == self.category and all(
            any(v in allowed for v in values_of(values.get(a)))
            for a, allowed in self.attributes.items()
        )


@dataclass(frozen=True)
class Question:
    id: str
    names: dict[str, str]
    slots: tuple[tuple[str, str], ...]  # (category, attribute) whose values answer it
    is_negatable: bool


@dataclass(frozen=True)
class Questions:
    polarity: str  # the attribute whose `does_not` makes a practice negative
    statuses: tuple[str, ...]
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Place:
    """A category, one of its attributes, or a value of that attribute."""

    category: str
    attribute: str | None = None
    value: str | None = None


@dataclass(frozen=True)
class MappingRow:
    source: Place
    targets: tuple[Place, ...]
    kind: str  # exact, broader, narrower, merged or none
    note: str


@dataclass(frozen=True)
class Mapping:
    scheme: str
    version: str
    rows: tuple[MappingRow, ...]

    def row(self, place: Place) -> MappingRow | None:
        return next((r for r in self.rows if r.source == place), None)


@dataclass(frozen=True, eq=False)
class Scheme:
    id: str
    version: str
    title: str
    description: str
    citation: str
    languages: tuple[str, ...]
    relation: dict[str, str]  # kind: hub, extends or maps_onto; scheme and version for the latter
    categories: tuple[Category, ...]
    label_sets: dict[str, tuple[Label, ...]]
    questions: Questions | None
    mapping: Mapping | None
    notes: str = ""
    files: dict[str, str] = field(default_factory=dict)  # file name -> sha256: its identity
    folder: Path | None = None  # where it was read from

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Scheme) and self.key == other.key

    def __hash__(self) -> int:
        return hash(self.key)

    @functools.cached_property
    def key(self) -> tuple:
        """What makes two schemes the same: id, version and the bytes of their files (kept:
        the build's inner loop looks schemes up by it)."""
        return (self.id, self.version, tuple(sorted(self.files.items())))

    @property
    def ref(self) -> dict[str, str]:
        """How a document names the scheme: `{"id": ..., "version": ...}`."""
        return {"id": self.id, "version": self.version}

    def __str__(self) -> str:
        return f"{self.id} {self.version}"

    def category(self, category_id: str) -> Category | None:
        return next((c for c in self.categories if c.id == category_id), None)

    @property
    def category_ids(self) -> list[str]:
        return [c.id for c in self.categories]

    @property
    def slots(self) -> list[tuple[Category, Attribute]]:
        return [(c, a) for c in self.categories for a in c.attributes]

    @property
    def attribute_ids(self) -> list[str]:
        """Every attribute id, in order of first appearance."""
        return list(dict.fromkeys(a.id for _, a in self.slots))

    @property
    def value_ids(self) -> list[str]:
        """Every value id of every slot, in order of first appearance."""
        return list(dict.fromkeys(v.id for _, a in self.slots for v in a.values))

    @property
    def is_hub(self) -> bool:
        return self.relation["kind"] == HUB

    def values_of(self, attribute_id: str) -> list[Value]:
        """An attribute's values over every slot that has it, in order of first appearance."""
        values = [v for _, a in self.slots if a.id == attribute_id for v in a.values]
        return list({v.id: v for v in values}.values())

    def defaults(self, category_id: str) -> dict[str, str]:
        """The defaults of a category's optional attributes: what the tables publish for an
        attribute its annotator left out."""
        return _defaults(self, category_id)

    @property
    def first_label_set(self) -> str | None:
        """The id of the scheme's first label set (its segment labels), if it has any."""
        return next(iter(self.label_sets), None)

    def display_name(self, kind: str, item_id: str, language: str = ENGLISH) -> str:
        """The name of a `category`, `attribute` or `value` in `language`, else in English.
        An attribute's or a value's first appearance names it."""
        items = {
            "category": self.categories,
            "attribute": [a for _, a in self.slots],
            "value": [v for _, a in self.slots for v in a.values],
        }
        if kind not in items:
            raise ValueError(f"kind must be category, attribute or value, not {kind!r}")
        found = next((i for i in items[kind] if i.id == item_id), None)
        if found is None:
            raise KeyError(f"{self.id} has no {kind} {item_id!r}")
        return in_language(found.names, language)

    def labels(self, label_set: str, category: str, values: dict[str, Given]) -> list[str]:
        """The labels of `label_set` that a practice (category, attribute -> value) has."""
        return [label.id for label in self.label_sets[label_set] if label.matches(category, values)]

    def map_practice(
        self, category: str, values: dict[str, Given]
    ) -> tuple[str | None, dict[str, tuple[str, ...]]]:
        """A practice in the terms of the scheme this one maps onto (the hub: itself).

        Returns the target category (None when it has no counterpart) and, per target
        attribute, the values the practice's values stand for: one for an exact, broader
        or narrower row, several for a merged one. Values without a counterpart drop out.
        """
        if self.mapping is None:
            return category, {a: values_of(v) for a, v in values.items()}
        row = self.mapping.row(Place(category))
        target = row.targets[0].category if row and row.targets else None
        mapped: dict[str, tuple[str, ...]] = {}
        for attribute, given in values.items():
            for value in values_of(given):
                row = self.mapping.row(Place(category, attribute, value))
                for place in row.targets if row else ():
                    mapped[place.attribute] = (*mapped.get(place.attribute, ()), place.value)
        return target, mapped


@functools.cache
def _defaults(s: Scheme, category_id: str) -> dict[str, str]:
    return {a.id: a.default for a in s.category(category_id).attributes if a.default}


# -- Reading ------------------------------------------------------------------------------


def _read(folder: Path, name: str, *, required: bool) -> dict | None:
    path = folder / f"{name}.json"
    if not path.is_file():
        if required:
            raise SchemeError(f"{path}: missing; a scheme folder needs scheme.json")
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as e:
        raise SchemeError(f"{path}: not readable JSON ({e}); restore the file") from None


def _named(doc: dict) -> dict:
    """The fields of `_Named` from a category's, attribute's or value's entry."""
    return {
        "id": doc["id"],
        "names": doc["names"],
        "descriptions": doc["descriptions"],
        "source_names": tuple(doc["source_names"]),
    }


def _value(doc: dict) -> Value:
    return Value(**_named(doc))


def _attribute(doc: dict) -> Attribute:
    values = tuple(map(_value, doc["values"]))
    return Attribute(
        **_named(doc), is_required=doc["is_required"], default=doc["default"], values=values
    )


def _category(doc: dict) -> Category:
    attributes = tuple(map(_attribute, doc["attributes"]))
    return Category(**_named(doc), attributes=attributes, notes=doc.get("notes", ""))


def _label(doc: dict) -> Label:
    match = doc["match"]
    attributes = {
        a: (v,) if isinstance(v, str) else tuple(v) for a, v in match.get("attributes", {}).items()
    }
    return Label(doc["id"], doc["names"], match["category"], attributes)


def _place(doc: dict) -> Place:
    return Place(doc["category"], doc.get("attribute"), doc.get("value"))


def _questions(doc: dict | None) -> Questions | None:
    if doc is None:
        return None
    questions = tuple(
        Question(
            q["id"],
            q["names"],
            tuple((s["category"], s["attribute"]) for s in q["slots"]),
            q["is_negatable"],
        )
        for q in doc["questions"]
    )
    return Questions(doc["polarity"], tuple(doc["statuses"]), questions)


def _mapping(doc: dict | None) -> Mapping | None:
    if doc is None:
        return None
    rows = tuple(
        MappingRow(_place(r["from"]), tuple(map(_place, r["to"])), r["kind"], r["note"])
        for r in doc["rows"]
    )
    return Mapping(doc["scheme"], doc["version"], rows)


def read_scheme(folder: Path) -> Scheme:
    """A scheme from its folder, wherever it is (the package's, a release's, a test's)."""
    folder = Path(folder)
    doc = _read(folder, "scheme", required=True)
    files = {
        f"{name}.json": hashlib.sha256((folder / f"{name}.json").read_bytes()).hexdigest()
        for name in FILES
        if (folder / f"{name}.json").is_file()
    }
    label_sets = _read(folder, "label_sets", required=False) or {"label_sets": []}
    try:
        return Scheme(
            id=doc["id"],
            version=doc["version"],
            title=doc["title"],
            description=doc["description"],
            citation=doc["citation"],
            languages=tuple(doc["languages"]),
            relation=dict(doc["relation"]),
            categories=tuple(map(_category, doc["categories"])),
            label_sets={s["id"]: tuple(map(_label, s["labels"])) for s in label_sets["label_sets"]},
            questions=_questions(_read(folder, "questions", required=False)),
            mapping=_mapping(_read(folder, "mapping", required=False)),
            notes=doc.get("notes", ""),
            files=files,
            folder=folder,
        )
    except (KeyError, TypeError, AttributeError) as e:
        raise SchemeError(
            f"{folder}: not a scheme ({type(e).__name__}: {e}); "
            "check its files against schema/scheme.schema.json"
        ) from None


def schemes(folder: Path | None = None) -> list[str]:
    """The ids of the schemes in `folder` (the package's by default): its sub-folders
    that hold a scheme.json, sorted."""
    root = schemes_folder() if folder is None else Path(folder)
    return sorted(p.parent.name for p in root.glob("*/scheme.json"))


@cache
def scheme(scheme_id: str) -> Scheme:
    """One of the package's schemes by id."""
    if scheme_id not in schemes():
        raise SchemeError(
            f"unknown scheme {scheme_id!r}; the schemes are {', '.join(schemes())} "
            f"(folders of {schemes_folder()})"
        )
    return read_scheme(schemes_folder() / scheme_id)
