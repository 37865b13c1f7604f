"""Two layers of a policy compared, the one way `agreement` and `agreement --candidate` do it.

A pair's (segment, label) labels give TP = |A∩B|, FP = |B-A|, FN = |A-B|
(`outputs.metrics`), A the reference and B the candidate; the practices of each
label both give are matched by attribute overlap and their equal and compared
slots counted (`contract.layers`); per label, per attribute and over all. The
counts add up pair by pair and policy by policy, so a pooled figure is the
figure of the summed counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from privacy_labels.contract.layers import LayerPractice, match
from privacy_labels.contract.layers import compare as compare_slots
from privacy_labels.contract.schemes import Scheme
from privacy_labels.outputs.metrics import Counts, compare, ratio

ALL = ""  # the key of the counts over every label
Grouped = dict[tuple[int, str], list[LayerPractice]]  # a layer's practices by (segment, label)


@dataclass(frozen=True)
class Slots:
    """Attribute slots of matched practices: how many compared, how many equal."""

    n_equal: int = 0
    n_compared: int = 0

    def __add__(self, other: Slots) -> Slots:
        return Slots(self.n_equal + other.n_equal, self.n_compared + other.n_compared)

    @property
    def agreement(self) -> float | None:
        return ratio(self.n_equal, self.n_compared)

    def to_dict(self) -> dict:
        return {
            "n_equal_slots": self.n_equal,
            "n_compared_slots": self.n_compared,
            "agreement": self.agreement,
        }


@dataclass
class Comparison:
    """Counts of pairs of layers of one scheme, added up pair by pair and policy by policy."""

    scheme: Scheme
    label_ids: list[str]  # the labels compared, in the scheme's order
    n_pairs: int = 0  # (pair, policy) compared
    labels: dict[str, Counts] = field(default_factory=dict)  # per label, and ALL
    slots: dict[str, Slots] = field(default_factory=dict)  # per label, and ALL
    attributes: dict[str, Slots] = field(default_factory=dict)
    n_matched: int = 0  # matched practice pairs
    n_unmatched: int = 0  # practices of a label both give, left without a partner

    def add_pair(self, reference: Grouped, candidate: Grouped) -> None:
        """Count one pair of a policy's layers, each grouped by (segment, label)."""
        self.n_pairs += 1
        for label_id in self.label_ids:
            ours = {label for label in reference if label[1] == label_id}
            theirs = {label for label in candidate if label[1] == label_id}
            self._add_labels(label_id, compare(ours, theirs))
            for label in sorted(ours & theirs):
                pairs = match(reference[label], candidate[label])
                self.n_matched += len(pairs)
                self.n_unmatched += len(reference[label]) + len(candidate[label]) - 2 * len(pairs)
                for p, q in pairs:
                    self._add_slots(label_id, Slots(*compare_slots(p, q)))
                    for attribute in p.slot_values.keys() | q.slot_values.keys():
                        equal = p.slot_values.get(attribute) == q.slot_values.get(attribute)
                        self.attributes[attribute] = self.attributes.get(
                            attribute, Slots()
                        ) + Slots(int(equal), 1)

    def _add_labels(self, label_id: str, counts: Counts) -> None:
        for key in (label_id, ALL):
            self.labels[key] = self.labels.get(key, Counts()) + counts

    def _add_slots(self, label_id: str, slots: Slots) -> None:
        for key in (label_id, ALL):
            self.slots[key] = self.slots.get(key, Slots()) + slots

    def __iadd__(self, other: Comparison) -> Comparison:
        self.n_pairs += other.n_pairs
        for key, counts in other.labels.items():
            self.labels[key] = self.labels.get(key, Counts()) + counts
        for key, slots in other.slots.items():
            self.slots[key] = self.slots.get(key, Slots()) + slots
        for attribute, slots in other.attributes.items():
            self.attributes[attribute] = self.attributes.get(attribute, Slots()) + slots
        self.n_matched += other.n_matched
        self.n_unmatched += other.n_unmatched
        return self

    def label_counts(self, key: str = ALL) -> Counts:
        return self.labels.get(key, Counts())

    def slot_counts(self, key: str = ALL) -> Slots:
        return self.slots.get(key, Slots())

    def attribute_slots(self) -> dict[str, Slots]:
        """Per attribute compared, in the scheme's order."""
        return {a: self.attributes[a] for a in self.scheme.attribute_ids if a in self.attributes}

    def to_dict(self, *, is_directed: bool) -> dict:
        """The figures with their counts; precision and recall only when A is the reference."""

        def labels(counts: Counts) -> dict:
            full = counts.to_dict()
            return full if is_directed else {k: full[k] for k in ("tp", "fp", "fn", "f1")}

        return {
            "n_pairs": self.n_pairs,
            "labels": labels(self.label_counts()),
            "attribute_values": {
                **self.slot_counts().to_dict(),
                "n_matched_practices": self.n_matched,
                "n_unmatched_practices": self.n_unmatched,
            },
            "categories": {
                c: {
                    "labels": labels(self.label_counts(c)),
                    "attribute_values": self.slot_counts(c).to_dict(),
                }
                for c in self.label_ids
            },
            "attributes": {a: s.to_dict() for a, s in self.attribute_slots().items()},
        }
