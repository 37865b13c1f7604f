"""The schema: the JSON Schema documents in `schema/` and the taxonomy they define.

Everything that depends on labels (validation, table dtypes, generated docs)
reads them from here, so `schema/` stays the single source of truth.

    >>> from privacy_labels.contract.schema import taxonomy
    >>> taxonomy().category("data_retention").name
    'Data Retention'
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from referencing import Registry, Resource

from privacy_labels._files import package_data

SCHEMA_NAMES = ("annotation", "policy", "taxonomy", "adjudication")
# The schema of predictions files: an output's, not the corpus's (not in SCHEMA_NAMES, whose
# files a build's manifest records).
PREDICTIONS = "predictions"


def schema_path(name: str) -> Path:
    return package_data("schema", "schema") / f"{name}.schema.json"


@cache
def load_schema(name: str) -> dict:
    """One schema document by short name: `annotation`, `policy`, `taxonomy`, `adjudication`
    or `predictions`."""
    if name not in (*SCHEMA_NAMES, PREDICTIONS):
        raise ValueError(
            f"unknown schema {name!r}; expected one of {', '.join((*SCHEMA_NAMES, PREDICTIONS))}"
        )
    return json.loads(schema_path(name).read_text(encoding="utf-8"))


@cache
def registry() -> Registry:
    """A registry resolving the schemas' `$id`s and their relative `$ref`s to each other."""
    resources = [
        (load_schema(name)["$id"], Resource.from_contents(load_schema(name)))
        for name in SCHEMA_NAMES
    ]
    return Registry().with_resources(resources)


def schema_version() -> str:
    return load_schema("taxonomy")["schema_version"]


# The version of docs/guidelines.md that new annotation documents follow by default;
# a test keeps it equal to the version the guidelines state.
GUIDELINES_VERSION = "2.0.0"


@dataclass(frozen=True)
class Value:
    id: str
    name: str
    description: str


@dataclass(frozen=True)
class Attribute:
    """An attribute as it appears in one category (a category–attribute slot)."""

    id: str
    name: str
    description: str
    is_required: bool
    default: str | None
    values: tuple[Value, ...]

    def value(self, value_id: str) -> Value | None:
        return next((v for v in self.values if v.id == value_id), None)

    @property
    def value_ids(self) -> list[str]:
        return [v.id for v in self.values]


@dataclass(frozen=True)
class Category:
    id: str
    name: str
    description: str
    attributes: tuple[Attribute, ...]

    def attribute(self, attribute_id: str) -> Attribute | None:
        return next((a for a in self.attributes if a.id == attribute_id), None)

    @property
    def attribute_ids(self) -> list[str]:
        return [a.id for a in self.attributes]


@dataclass(frozen=True)
class Taxonomy:
    categories: tuple[Category, ...]

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

    def values_of(self, attribute_id: str) -> list[Value]:
        """An attribute's values over every slot that has it, in order of first appearance."""
        values = [v for _, a in self.slots if a.id == attribute_id for v in a.values]
        return list({v.id: v for v in values}.values())

    def attribute_name(self, attribute_id: str) -> str:
        return next(a.name for _, a in self.slots if a.id == attribute_id)


@cache
def taxonomy() -> Taxonomy:
    """The taxonomy as read from `schema/taxonomy.schema.json`."""
    doc = load_schema("taxonomy")
    categories = []
    for category_id in doc["properties"]["category"]["enum"]:
        definition = doc["$defs"][category_id]
        slots = definition["properties"]["attributes"]
        attributes = tuple(
            Attribute(
                id=attribute_id,
                name=spec["title"],
                description=spec["description"],
                is_required=attribute_id in slots["required"],
                default=spec.get("default", {}).get("value"),
                values=tuple(
                    Value(v["const"], v["title"], v["description"])
                    for v in spec["properties"]["value"]["oneOf"]
                ),
            )
            for attribute_id, spec in slots["properties"].items()
        )
        categories.append(
            Category(category_id, definition["title"], definition["description"], attributes)
        )
    return Taxonomy(tuple(categories))
