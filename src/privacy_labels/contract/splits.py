"""The dataset's splits, and choosing one part of one.

    rows = split_rows({"policy_id": "opp115-105-amazon-com"})  # its `splits` rows
    name, part = parse_selection("plue:test")                 # ("plue", "test")

- `default`: every policy, by the seeded hash of its id or group (`views.split_of`).
- The field's named splits are data, ids only (`schema/splits/<name>/split.json`, each with
  its paper and where its list was read from): a list of policy ids per part (`plue` and
  `policyqa` of OPP-115, PLUE's APP-350 split `app350-plue`), or a rule on a corpus's own
  split as its importer keeps it in the sidecar's `source_split` (`mapp`, `app350`). A
  named split has rows only for the policies it covers.

A policy's parts depend on the policy alone (its id, group, `source_split` and
`contains_synthetic`, as in its sidecar or `policies` row), so the build, the gate and
`baseline predict` on a raw corpus compute them alike. Synthetic text is never evaluated
on: a policy with `contains_synthetic` true has no row in the validation or test part of
any split (APP-350's synthetic training policies stay in train).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from privacy_labels._files import package_data
from privacy_labels.contract.views import SPLITS, split_of
from privacy_labels.errors import InvalidArgument

DEFAULT = "default"
EVALUATION_PARTS = ("validation", "test")
ALL = "all"  # a selection of every policy


@dataclass(frozen=True)
class NamedSplit:
    """A split of `schema/splits/`: its parts, and a policy's part by id list or by rule."""

    name: str
    parts: tuple[str, ...]
    members: Mapping[str, str] | None  # policy_id -> part, for a split given as lists
    prefix: str | None  # for a rule: the ids of the corpus's policies start so
    field: str | None  # for a rule: the sidecar field holding the corpus's own part
    source_parts: Mapping[str, str]  # for a rule: the corpus's name of a part -> the part
    # Its parts are read one language at a time: one text may be in two parts in two
    # languages (MAPP's byte-identical German and English files).
    languages_apart: bool

    def part_of(self, policy: Mapping) -> str | None:
        """The policy's part (`policy`: its sidecar or `policies` row), None when uncovered."""
        policy_id = policy["policy_id"]
        if self.members is not None:
            return self.members.get(policy_id)
        if not policy_id.startswith(self.prefix):
            return None
        return self.source_parts.get(policy.get(self.field))


def _read(document: dict) -> NamedSplit:
    named = document["parts_as_named"]
    lists = document.get("parts")
    rule = document.get("rule", {})
    return NamedSplit(
        document["split"],
        tuple(p for p in SPLITS if p in named),
        None if lists is None else {i: p for p, ids in lists.items() for i in ids.values()},
        rule.get("policy_id_prefix"),
        rule.get("field"),
        {source: part for part, source in named.items()},
        document.get("languages_apart", False),
    )


@functools.cache
def named_splits() -> dict[str, NamedSplit]:
    """The named splits the package ships, by name."""
    folder = package_data("schema", "schema") / "splits"
    found = [_read(json.loads(f.read_bytes())) for f in sorted(folder.glob("*/split.json"))]
    return {s.name: s for s in found}


def split_rows(policy: Mapping) -> list[dict]:
    """The `splits` rows of one policy (its sidecar or `policies` row), by split name."""
    policy_id = policy["policy_id"]
    parts = {DEFAULT: split_of(policy_id, policy.get("policy_group_id"))}
    for s in named_splits().values():
        part = s.part_of(policy)
        if part is not None:
            parts[s.name] = part
    is_synthetic = bool(policy.get("contains_synthetic"))  # None when unsaid
    return [
        {"policy_id": policy_id, "split_name": name, "part": part}
        for name, part in sorted(parts.items())
        if not (is_synthetic and part in EVALUATION_PARTS)
    ]


class UnknownSplit(InvalidArgument):
    """A split name, or a part of it, that the tables do not hold (a usage error, exit 2)."""


def parse_selection(selection: str) -> tuple[str, str] | None:
    """`NAME:PART` as (name, part); a bare part is the default split's (`test`:
    `default:test`), as before named splits; `all` is None, every policy."""
    if selection == ALL:
        return None
    name, _, part = selection.rpartition(":")
    if not part:
        raise UnknownSplit(f"split {selection!r}: give NAME:PART, e.g. plue:test, or a part")
    return name or DEFAULT, part


def held_splits(rows: Iterable[Mapping]) -> dict[str, list[str]]:
    """The splits that `splits` rows hold: name -> its parts, in order."""
    held: dict[str, set[str]] = {}
    for row in rows:
        held.setdefault(row["split_name"], set()).add(row["part"])
    return {name: [p for p in SPLITS if p in parts] for name, parts in sorted(held.items())}


def parts_of(name: str) -> tuple[str, ...]:
    """The parts a split has (`mapp`: train and test), whatever a corpus holds of them."""
    return named_splits()[name].parts if name in named_splits() else SPLITS


def selected(rows: Iterable[Mapping], selection: str) -> set[str] | None:
    """The policy ids of the part `selection` (NAME:PART, a bare part, or `all`: None) among
    `splits` rows; UnknownSplit, naming the splits the rows hold, for a split they hold no
    row of or a part the split does not have. A part it has may hold none of the rows."""
    chosen = parse_selection(selection)
    if chosen is None:
        return None
    rows = list(rows)
    held = held_splits(rows)
    name, part = chosen
    if name not in held or part not in parts_of(name):
        shown = "; ".join(f"{n}: {', '.join(parts)}" for n, parts in held.items()) or "none"
        raise UnknownSplit(
            f"split {selection!r}: the tables hold no {name}:{part}; their splits and parts "
            f"are {shown}"
        )
    return {r["policy_id"] for r in rows if (r["split_name"], r["part"]) == chosen}
