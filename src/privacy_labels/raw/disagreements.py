"""Two annotation layers of a policy compared: the labels they agree on, their paired
practices, and every disagreement (raw/adjudicate.py states the rule).

    comparison = compare_layers(("alice", "bob"), {"alice": [...], "bob": [...]})
"""

from __future__ import annotations

from dataclasses import dataclass

from privacy_labels.contract.layers import LayerPractice, by_label, differing, match
from privacy_labels.contract.schema import taxonomy


@dataclass(frozen=True)
class Disagreement:
    """One place where two layers differ, with what each says."""

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
class Comparison:
    """Two layers of a policy, compared: what they agree on and where they differ."""

    layers: tuple[str, str]
    # label -> the pairs of (base, other) practices of an agreed label
    pairs: dict[tuple[int, str], list[tuple[LayerPractice, LayerPractice]]]
    # label -> layer -> its practices, for every label either layer gives
    practices: dict[tuple[int, str], dict[str, list[LayerPractice]]]
    disagreements: list[Disagreement]


def _order(label: tuple[int, str]) -> tuple[int, int]:
    return label[0], taxonomy().category_ids.index(label[1])


def compare_layers(
    layers: tuple[str, str], practices: dict[str, list[LayerPractice]]
) -> Comparison:
    """Every disagreement between two layers' practices (the rule: raw/adjudicate.py's docstring)."""
    base, other = layers
    grouped = {name: by_label(practices[name]) for name in layers}
    labels = sorted(grouped[base].keys() | grouped[other].keys(), key=_order)
    disagreements: list[Disagreement] = []
    pairs = {}
    for label in labels:
        segment_id, category = label
        ours, theirs = grouped[base].get(label, []), grouped[other].get(label, [])
        if not ours or not theirs:
            disagreements.append(
                Disagreement("label", segment_id, category, {base: bool(ours), other: bool(theirs)})
            )
            continue
        pairs[label] = matched = match(ours, theirs)
        paired = {p.practice_id for pair in matched for p in pair}
        for name, own in ((base, ours), (other, theirs)):
            for practice in own:
                if practice.practice_id not in paired:
                    disagreements.append(
                        Disagreement(
                            "practice",
                            segment_id,
                            category,
                            {base: name == base, other: name == other},
                            practice_ids={name: practice.practice_id},
                        )
                    )
        for p, q in matched:
            for attribute in differing(p, q):
                disagreements.append(
                    Disagreement(
                        "attribute",
                        segment_id,
                        category,
                        {
                            base: p.slot_values.get(attribute),
                            other: q.slot_values.get(attribute),
                        },
                        attribute=attribute,
                        practice_ids={base: p.practice_id, other: q.practice_id},
                    )
                )
    return Comparison(
        layers,
        pairs,
        {label: {n: grouped[n].get(label, []) for n in layers} for label in labels},
        disagreements,
    )
