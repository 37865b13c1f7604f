"""Several label schemes as one: those a corpus may use, a build or a release holds.

    >>> from privacy_labels.contract.scheme_set import package_schemes
    >>> package_schemes().ids
    ['opp115', 'app350', 'mapp']
    >>> package_schemes().label_ids("scheme")
    ['opp115', 'app350', 'mapp']

Every label list a table column has (`SchemeSet.label_ids`) and every place a row's labels
may name (`SchemeSet.keys`) comes from a set of schemes, read from where the tables are:
a build's or a release's own `schemes/` folder, never the installed package's.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from privacy_labels._files import package_data
from privacy_labels.contract.schemes import (
    Question,
    Scheme,
    SchemeError,
    Value,
    read_scheme,
    scheme,
    schemes,
)


@cache
def package_schemes() -> SchemeSet:
    """Every scheme of the package."""
    return SchemeSet.of(scheme(i) for i in schemes())


def read_schemes(folder: Path) -> SchemeSet:
    """The schemes in `folder` (a build's or release's `schemes/`, a corpus's), one a sub-folder."""
    return SchemeSet.of(read_scheme(Path(folder) / i) for i in schemes(folder))


@cache
def mapping_kinds() -> tuple[str, ...]:
    """How a mapping row relates its source to its targets, as scheme.schema.json lists them."""
    doc = json.loads((package_data("schema", "schema") / "scheme.schema.json").read_bytes())
    return tuple(
        doc["$defs"]["mapping"]["properties"]["rows"]["items"]["properties"]["kind"]["enum"]
    )


# The label lists a table column may have over a set of schemes (see SchemeSet.label_ids);
# `split` is the views' own.
LABEL_KINDS = (
    "scheme",
    "category",
    "attribute",
    "value",
    "label_set",
    "label",
    "question",
    "answer",
    "status",
    "mapping_kind",
)


@dataclass(frozen=True)
class SchemeSet:
    """Several schemes: those a corpus may use, a build or a release holds. In order: the hub
    first, then the others by id; a label list over them (`label_ids`) is the union of theirs
    in that order, each scheme's labels in its own order."""

    schemes: tuple[Scheme, ...]

    @classmethod
    def of(cls, found) -> SchemeSet:
        unique = {s.id: s for s in found}
        return cls(tuple(sorted(unique.values(), key=lambda s: (not s.is_hub, s.id))))

    @property
    def ids(self) -> list[str]:
        return [s.id for s in self.schemes]

    def get(self, scheme_id: str) -> Scheme | None:
        return next((s for s in self.schemes if s.id == scheme_id), None)

    def __getitem__(self, scheme_id: str) -> Scheme:
        found = self.get(scheme_id)
        if found is None:
            raise SchemeError(
                f"unknown scheme {scheme_id!r}; the schemes are {', '.join(self.ids)}"
            )
        return found

    def __iter__(self):
        return iter(self.schemes)

    def __len__(self) -> int:
        return len(self.schemes)

    @property
    def hub(self) -> Scheme:
        """The scheme the others map onto, whose questions the policy labels answer."""
        found = [s for s in self.schemes if s.is_hub]
        if len(found) != 1:
            raise SchemeError(
                f"the schemes {', '.join(self.ids)} hold {len(found)} hubs, not one; "
                "a build needs exactly one scheme with relation kind hub (opp115)"
            )
        return found[0]

    def closure(self, scheme_ids) -> SchemeSet:
        """The schemes named, with the hub and every scheme they extend or map onto."""
        wanted, pending = {self.hub.id}, list(scheme_ids)
        while pending:
            s = self[pending.pop()]
            if s.id not in wanted:
                wanted.add(s.id)
                pending += [s.relation["scheme"]] if "scheme" in s.relation else []
        return SchemeSet.of(s for s in self.schemes if s.id in wanted)

    def _union(self, per_scheme) -> list[str]:
        return list(dict.fromkeys(i for s in self.schemes for i in per_scheme(s)))

    @functools.cached_property
    def _label_lists(self) -> dict[str, list[str]]:
        hub = self.hub
        questions = hub.questions.questions if hub.questions else ()
        return {
            "scheme": self.ids,
            "category": self._union(lambda s: s.category_ids),
            "attribute": self._union(lambda s: s.attribute_ids),
            "value": self._union(lambda s: s.value_ids),
            "label_set": self._union(lambda s: [s.first_label_set] if s.first_label_set else []),
            "label": self._union(
                lambda s: [label.id for label in s.label_sets.get(s.first_label_set, ())]
            ),
            "question": [q.id for q in questions],
            "answer": list(dict.fromkeys(v.id for q in questions for v in answers(hub, q))),
            "status": list(hub.questions.statuses) if hub.questions else [],
            "mapping_kind": list(mapping_kinds()),
        }

    def label_ids(self, kind: str) -> list[str]:
        """The ordered labels of a column of `kind` (one of LABEL_KINDS) over these schemes."""
        return self._label_lists[kind]

    @functools.cached_property
    def _keys(self) -> dict[tuple[str, ...], frozenset[str]]:
        """Each combination of label columns that must name one place of one scheme, with
        every place it may name, as `/`-joined keys (the gate expects them; see `keys`)."""
        hub = self.hub
        every: dict[tuple[str, ...], list[str]] = {}
        for s in self.schemes:
            every.setdefault(("scheme", "scheme_version"), []).append(f"{s.id}/{s.version}")
            every.setdefault(("scheme", "category"), []).extend(
                f"{s.id}/{c}" for c in s.category_ids
            )
            every.setdefault(("scheme", "category", "attribute"), []).extend(
                f"{s.id}/{c.id}/{a.id}" for c, a in s.slots
            )
            every.setdefault(("scheme", "category", "attribute", "value"), []).extend(
                f"{s.id}/{c.id}/{a.id}/{v.id}" for c, a in s.slots for v in a.values
            )
            every.setdefault(("scheme", "label_set", "label"), []).extend(
                f"{s.id}/{set_id}/{label.id}"
                for set_id in [s.first_label_set]
                if set_id
                for label in s.label_sets[set_id]
            )
        every[("category", "attribute", "value")] = [
            f"{c.id}/{a.id}/{v.id}" for c, a in hub.slots for v in a.values
        ]
        every[("question", "answer")] = [
            f"{q.id}/{v.id}"
            for q in (hub.questions.questions if hub.questions else ())
            for v in answers(hub, q)
        ]
        return {kinds: frozenset(keys) for kinds, keys in every.items()}

    def keys(self, kinds: tuple[str, ...]) -> frozenset[str]:
        """The `/`-joined places a row's labels of `kinds` may name: e.g. for (scheme,
        category, attribute), `mapp/first_party_collection_use/legal_basis`. Without `scheme`,
        places of the hub."""
        return self._keys[kinds]


def answers(hub: Scheme, question: Question) -> list[Value]:
    """The possible answers to one of the hub's questions: its slots' values, in the
    scheme's order."""
    values = [v for c, a in question.slots for v in hub.category(c).attribute(a).values]
    return list({v.id: v for v in values}.values())
