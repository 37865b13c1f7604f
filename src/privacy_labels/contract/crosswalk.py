"""The crosswalk in `schema/crosswalk.json`: the hub's values mapped to other vocabularies.

For each value of the hub scheme's (OPP-115's) attributes that answer its policy-label
questions (`attributes()`), the closest concepts of the Apple App
Store privacy label (`apple`: data types and purposes) and of W3C DPV 2.x (`dpv`: `dpv:`
and `pd:` concepts), with how close they are: `exact`, `approximate` (the note says why)
or `none`. The generated page is docs/crosswalk.md.

    >>> from privacy_labels.contract.crosswalk import crosswalk
    >>> crosswalk().mapping("purpose", "advertising", "dpv").concepts
    ('dpv:Advertising',)
    >>> crosswalk().iri("dpv:Advertising")
    'https://w3id.org/dpv#Advertising'
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from privacy_labels._files import package_data
from privacy_labels._json import parse_json
from privacy_labels.contract.scheme_set import package_schemes
from privacy_labels.contract.schemes import Scheme


def hub() -> Scheme:
    """The scheme whose values the crosswalk maps: the package's hub, OPP-115."""
    return package_schemes().hub


@cache
def attributes() -> tuple[str, ...]:
    """The hub's attributes whose values answer its policy-label questions, mapped here."""
    return tuple(dict.fromkeys(a for q in hub().questions.questions for _, a in q.slots))


TARGETS = ("apple", "dpv")
MATCHES = ("exact", "approximate", "none")


def crosswalk_path() -> Path:
    return package_data("schema", "schema") / "crosswalk.json"


@dataclass(frozen=True)
class Target:
    """How one value maps to one target vocabulary."""

    match: str
    concepts: tuple[str, ...]
    note: str


@dataclass(frozen=True)
class Mapping:
    attribute: str
    value: str
    apple: Target
    dpv: Target

    def target(self, target: str) -> Target:
        if target not in TARGETS:
            raise KeyError(f"unknown target {target!r}; expected one of {', '.join(TARGETS)}")
        return getattr(self, target)


@dataclass(frozen=True)
class Crosswalk:
    version: str
    target_names: dict[str, str]
    target_urls: dict[str, str]
    prefixes: dict[str, str]
    sources: tuple[str, ...]
    mappings: tuple[Mapping, ...]

    def mapping(self, attribute: str, value: str, target: str) -> Target:
        found = next(
            (m for m in self.mappings if (m.attribute, m.value) == (attribute, value)), None
        )
        if found is None:
            raise KeyError(f"no crosswalk mapping for {attribute}={value}")
        return found.target(target)

    def for_attribute(self, attribute: str) -> list[Mapping]:
        return [m for m in self.mappings if m.attribute == attribute]

    def iri(self, concept: str) -> str:
        """The full IRI of a prefixed DPV concept such as `pd:Contact`."""
        prefix, _, name = concept.partition(":")
        if prefix not in self.prefixes or not name:
            raise ValueError(
                f"{concept!r} does not use a declared prefix ({', '.join(self.prefixes)})"
            )
        return self.prefixes[prefix] + name


def _target(spec: dict) -> Target:
    return Target(spec["match"], tuple(spec["concepts"]), spec["note"])


@cache
def crosswalk() -> Crosswalk:
    """The crosswalk as read from `schema/crosswalk.json`."""
    doc = parse_json(crosswalk_path().read_text(encoding="utf-8"))
    targets = doc["targets"]
    return Crosswalk(
        version=doc["crosswalk_version"],
        target_names={t: targets[t]["name"] for t in TARGETS},
        target_urls={t: targets[t]["url"] for t in TARGETS},
        prefixes=dict(targets["dpv"]["prefixes"]),
        sources=tuple(doc.get("sources", ())),
        mappings=tuple(
            Mapping(m["attribute"], m["value"], _target(m["apple"]), _target(m["dpv"]))
            for m in doc["mappings"]
        ),
    )
