"""Precision, recall and F1 from counts, and the one way figures are printed.

`score` (a candidate against a reference), `agreement` (pairwise F1 between
annotators) and the report count the same thing: for a reference set A and a
candidate set B, TP = |A∩B|, FP = |B-A|, FN = |A-B|. Then

    P = TP/(TP+FP)   R = TP/(TP+FN)   F1 = 2TP/(2TP+FP+FN) = 2|A∩B| / (|A|+|B|)

and a 0/0 is undefined (None). Counts add up, so a micro figure is the figure of
the summed counts, and agreement's pooled pairwise F1 is the F1 of the counts
summed over every pair of a policy's layers. Macro figures are means over the
labels with support, an undefined precision counting as 0.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

DECIMALS = 3


def ratio(numerator: float, denominator: float) -> float | None:
    """numerator / denominator; None (undefined) when the denominator is 0."""
    return numerator / denominator if denominator else None


@dataclass(frozen=True)
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def support(self) -> int:
        return self.tp + self.fn

    @property
    def predicted(self) -> int:
        return self.tp + self.fp

    @property
    def precision(self) -> float | None:
        return ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float | None:
        return ratio(self.tp, self.tp + self.fn)

    @property
    def f1(self) -> float | None:
        return ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn)

    def scores(self) -> dict:
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1}

    def to_dict(self) -> dict:
        return {**asdict(self), "support": self.support, **self.scores()}


def compare(reference: set, candidate: set) -> Counts:
    """The counts of a candidate set against a reference set."""
    return Counts(
        len(reference & candidate), len(candidate - reference), len(reference - candidate)
    )


def micro(counts: Iterable[Counts]) -> Counts:
    """The counts summed: their figures are the micro figures."""
    return sum(counts, Counts())


def macro(counts: Iterable[Counts]) -> dict:
    """Means over the labels with support; an undefined precision counts as 0."""
    supported = [c for c in counts if c.support]
    if not supported:
        return {"precision": None, "recall": None, "f1": None, "n_labels": 0}

    def mean(values: Iterable[float | None]) -> float:
        return sum(v or 0.0 for v in values) / len(supported)

    return {
        "precision": mean(c.precision for c in supported),
        "recall": mean(c.recall for c in supported),
        "f1": mean(c.f1 for c in supported),
        "n_labels": len(supported),
    }


def figure(value: float | None, undefined: str = "n/a") -> str:
    """A figure as every text output prints it: three decimals, never "-0.000" (a
    kappa a hair below zero reads 0.000), `undefined` for None."""
    if value is None:
        return undefined
    return f"{round(value, DECIMALS) + 0.0:.{DECIMALS}f}"
