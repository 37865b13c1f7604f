"""The annotation layers of a policy compared: the labels and values a majority gives, their
practices grouped across the layers, and every disagreement (raw/adjudicate.py states the rule).

    comparison = compare_layers(("alice", "bob"), {"alice": [...], "bob": [...]})
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from privacy_labels.contract.layers import LayerPractice, by_label, match
from privacy_labels.contract.schemes import Scheme
from privacy_labels.contract.views import is_majority


@dataclass(frozen=True)
class Disagreement:
    """One place where the layers differ, with what each says."""

    kind: str
    segment_id: int
    category: str
    readings: dict[str, bool | str | None]
    attribute: str | None = None
    practice_ids: dict[str, str] | None = None

    @property
    def key(self) -> tuple:
        ids = tuple(sorted((self.practice_ids or {}).items()))
        return (self.kind, self.segment_id, self.category, self.attribute, ids)

    def entry(self) -> dict:
        """The log entry of this disagreement, without a decision."""
        entry: dict = {"kind": self.kind, "segment_id": self.segment_id, "category": self.category}
        if self.attribute is not None:
            entry["attribute"] = self.attribute
        if self.practice_ids is not None:
            entry["practice_ids"] = self.practice_ids
        entry["readings"] = self.readings
        return entry


@dataclass(frozen=True)
class Group:
    """Practices of one label that the layers give as one practice: the anchor (of the first
    layer, in layer order, that has one) and the practices matched to it in later layers."""

    members: dict[str, LayerPractice]  # layer -> practice, in layer order
    is_kept: bool  # more than half of the layers give it

    @property
    def anchor(self) -> LayerPractice:
        return next(iter(self.members.values()))

    @property
    def practice_ids(self) -> dict[str, str]:
        return {name: p.practice_id for name, p in self.members.items()}


@dataclass(frozen=True)
class Comparison:
    """The layers of a policy, compared: what a majority gives and where they differ."""

    layers: tuple[str, ...]
    scheme: Scheme  # the layers' one scheme
    # label -> layer -> its practices, for every label any layer gives
    practices: dict[tuple[int, str], dict[str, list[LayerPractice]]]
    # label -> its practices grouped across the layers, for every label a majority gives
    groups: dict[tuple[int, str], list[Group]]
    # (label, anchor practice_id) -> attribute -> the value more than half of the layers give
    majority_values: dict[tuple, dict[str, str | None]]
    disagreements: list[Disagreement]

    def is_majority(self, n: int) -> bool:
        """Whether `n` layers are more than half of them: the tables' majority rule."""
        return is_majority(n, len(self.layers))


def _groups(by_layer: dict[str, list[LayerPractice]], n_layers: int) -> list[Group]:
    """The label's practices grouped: each layer's practices not yet grouped anchor a group
    each and are matched one to one with each later layer's (contract.layers.match); groups
    in the order their anchors were matched with the next layer, then the unmatched ones."""
    layers = list(by_layer)
    remaining = {name: list(by_layer[name]) for name in layers}
    groups: list[Group] = []
    for i, name in enumerate(layers):
        anchors = remaining[name]
        members = {p.practice_id: {name: p} for p in anchors}
        order: list[str] | None = None
        for later in layers[i + 1 :]:
            pairs = match(anchors, remaining[later])
            if order is None:
                order = [p.practice_id for p, _ in pairs]
            for p, q in pairs:
                members[p.practice_id][later] = q
            taken = {q.practice_id for _, q in pairs}
            remaining[later] = [q for q in remaining[later] if q.practice_id not in taken]
        first = order or []
        ids = first + [p.practice_id for p in anchors if p.practice_id not in first]
        groups += [Group(members[i], 2 * len(members[i]) > n_layers) for i in ids]
    return groups


def compare_layers(
    layers: tuple[str, ...], practices: dict[str, list[LayerPractice]], scheme: Scheme
) -> Comparison:
    """Every disagreement between the layers' practices, all written in `scheme` (the rule:
    raw/adjudicate.py's docstring)."""
    n = len(layers)
    grouped = {name: by_label(practices[name]) for name in layers}
    order = scheme.category_ids
    labels = sorted(
        set().union(*(g.keys() for g in grouped.values())),
        key=lambda label: (label[0], order.index(label[1])),
    )
    disagreements: list[Disagreement] = []
    all_groups, majority_values = {}, {}
    for label in labels:
        segment_id, category = label
        by_layer = {name: grouped[name].get(label, []) for name in layers}
        if 2 * sum(bool(own) for own in by_layer.values()) <= n:
            readings = {name: bool(own) for name, own in by_layer.items()}
            disagreements.append(Disagreement("label", segment_id, category, readings))
            continue
        all_groups[label] = groups = _groups(by_layer, n)
        for group in groups:
            if not group.is_kept:
                disagreements.append(
                    Disagreement(
                        "practice",
                        segment_id,
                        category,
                        {name: name in group.members for name in layers},
                        practice_ids=group.practice_ids,
                    )
                )
        for group in groups:
            if not group.is_kept:
                continue
            values = majority_values[label, group.anchor.practice_id] = {}
            for attribute in scheme.category(category).attribute_ids:
                readings = {name: p.slot_values.get(attribute) for name, p in group.members.items()}
                if len(set(readings.values())) == 1:
                    continue  # no one differs (or no one gives the attribute)
                counts = Counter(readings.values())
                value, count = counts.most_common(1)[0]
                if 2 * count > n:
                    values[attribute] = value
                    continue
                disagreements.append(
                    Disagreement(
                        "attribute",
                        segment_id,
                        category,
                        readings,
                        attribute=attribute,
                        practice_ids=group.practice_ids,
                    )
                )
    return Comparison(
        tuple(layers),
        scheme,
        {label: {n: grouped[n].get(label, []) for n in layers} for label in labels},
        all_groups,
        majority_values,
        disagreements,
    )
