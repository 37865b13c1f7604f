"""Annotation layers of one policy, compared: labels, and practices matched by their attributes.

Each annotation document is a layer: one annotator's practices in one policy.
`agreement` and `adjudicate` compare layers with the definitions here, so the
two always speak of the same disagreements.

- A **label** is a (segment_id, category) pair: the layer has at least one
  practice of that category in that segment.
- A practice's **slot values** are its attribute values with its scheme's
  defaults filled in, as the `attribute_values` table publishes them: an absent
  `does_does_not` is `does`, any other absent optional attribute `unspecified`.
  So a layer that leaves a default out and one that writes it agree.
- Two practices of the same label **compare** over the attributes that either
  of them has a value for (with the defaults, every attribute of the category):
  a slot is *equal* when both have the same value. A value set (MAPP's
  segment-level labels, `is_value_set`) is one practice of its label, and its
  slot is equal only to the same set of values: sets are equal or unequal, never
  partly so.
- The practices two layers give one label are **matched** one to one,
  min(m, n) pairs, to maximise the equal slots summed over the pairs, and
  among those, to minimise the unequal ones (Hungarian algorithm). Both sums
  are then unique, whichever optimal pairing is found; the pairing itself is
  deterministic for the same inputs (practices in practice_id order).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass

from privacy_labels.contract.schemes import Given, Scheme

# The annotator id of the layer `adjudicate` writes; it is never counted as an annotator's vote.
CONSOLIDATED = "consolidated"

Label = tuple[int, str]  # (segment_id, category)


@dataclass(frozen=True)
class LayerPractice:
    """What comparing layers needs of a practice."""

    practice_id: str
    segment_id: int
    category: str
    values: dict[str, Given]  # attribute -> value (a value set's values), as written
    scheme: Scheme  # the scheme it is written in

    @property
    def label(self) -> Label:
        return (self.segment_id, self.category)

    @functools.cached_property
    def slot_values(self) -> dict[str, str | frozenset[str]]:
        """The attribute values with the scheme's defaults for absent attributes; a value
        set's values as a frozenset, so that two sets compare as sets."""
        return {
            **self.scheme.defaults(self.category),
            **{a: v if isinstance(v, str) else frozenset(v) for a, v in self.values.items()},
        }


def independent(annotators: Iterable[str]) -> list[str]:
    """The annotators whose layers are votes: all but the consolidated layer, sorted."""
    return sorted(a for a in annotators if a != CONSOLIDATED)


def by_label(practices: Iterable[LayerPractice]) -> dict[Label, list[LayerPractice]]:
    """A layer's practices grouped by label, each group in practice_id order."""
    grouped: dict[Label, list[LayerPractice]] = {}
    for practice in sorted(practices, key=lambda p: p.practice_id):
        grouped.setdefault(practice.label, []).append(practice)
    return grouped


def differing(p: LayerPractice, q: LayerPractice) -> list[str]:
    """The compared attributes whose values differ, in the scheme's order."""
    a, b = p.slot_values, q.slot_values
    order = p.scheme.category(p.category).attribute_ids
    return [x for x in order if (x in a or x in b) and a.get(x) != b.get(x)]


def compare(p: LayerPractice, q: LayerPractice) -> tuple[int, int]:
    """(equal slots, compared slots) of two practices of one label."""
    a, b = p.slot_values, q.slot_values
    compared = a.keys() | b.keys()
    return sum(a.get(x) == b.get(x) for x in compared), len(compared)


def match(
    ours: list[LayerPractice], theirs: list[LayerPractice]
) -> list[tuple[LayerPractice, LayerPractice]]:
    """Pair two layers' practices of one label: see the module docstring."""
    if not ours or not theirs:
        return []
    flipped = len(ours) > len(theirs)
    rows, columns = (theirs, ours) if flipped else (ours, theirs)
    scores = [[compare(r, c) for c in columns] for r in rows]
    # One more equal slot outweighs any number of unequal ones (at most this many in all).
    weight = len(rows) * max(n for row in scores for _, n in row) + 1
    cost = [[-(equal * weight - (n - equal)) for equal, n in row] for row in scores]
    pairs = [(rows[i], columns[j]) for i, j in enumerate(assignment(cost))]
    return [(q, p) for p, q in pairs] if flipped else pairs


def assignment(cost: list[list[int]]) -> list[int]:
    """The column of each row, all distinct, at the least total cost (rows ≤ columns).

    The Hungarian algorithm with potentials (Kuhn–Munkres, O(rows² · columns)).
    """
    n, m = len(cost), len(cost[0])
    if n > m:
        raise ValueError("assignment needs no more rows than columns")
    infinity = float("inf")
    u, v = [0] * (n + 1), [0] * (m + 1)
    row_of = [0] * (m + 1)  # 1-based row assigned to each column; column 0 is a sentinel
    way = [0] * (m + 1)
    for i in range(1, n + 1):
        row_of[0], j0 = i, 0
        least = [infinity] * (m + 1)
        used = [False] * (m + 1)
        while True:
            used[j0] = True
            i0, delta, j1 = row_of[j0], infinity, 0
            for j in range(1, m + 1):
                if not used[j]:
                    reduced = cost[i0 - 1][j - 1] - u[i0] - v[j]
                    if reduced < least[j]:
                        least[j], way[j] = reduced, j0
                    if least[j] < delta:
                        delta, j1 = least[j], j
            for j in range(m + 1):
                if used[j]:
                    u[row_of[j]] += delta
                    v[j] -= delta
                else:
                    least[j] -= delta
            j0 = j1
            if row_of[j0] == 0:
                break
        while j0:
            j1 = way[j0]
            row_of[j0] = row_of[j1]
            j0 = j1
    column_of = [-1] * n
    for j in range(1, m + 1):
        if row_of[j]:
            column_of[row_of[j] - 1] = j - 1
    return column_of
