"""Inter-annotator agreement per category, at the segment level, from a labeled folder.

    privacy-labels agreement data/labeled [--annotators 3] [--format json]

Each segment is an item and each of the policy's annotators says, per category,
yes (labeled at least one practice of that category in the segment) or no.
Fleiss' kappa needs the same number of raters n for every item, so only policies
with n annotators take part: by default the most common n, ties to the larger.
For a category, with N items and y_i yes-votes on item i:

    P_i   = (y_i² + (n - y_i)² - n) / (n (n - 1))      agreement on item i
    P̄     = mean of P_i
    p     = Σ y_i / (N n)                             share of yes-votes
    P_e   = p² + (1 - p)²                             agreement expected by chance
    kappa = (P̄ - P_e) / (1 - P_e)                     undefined when P_e = 1

It reads `segment_labels`, so it needs nothing but the built tables. With
`practices`, it also gives each pair of annotators' segment-level F1 over the
10 categories on the policies both annotated: micro F1 = 2TP / (2TP + FP + FN),
symmetric in the two, computed by `score` (the same as `privacy-labels score A B
--labels 10`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyarrow.parquet as pq

from privacy_labels.schema import taxonomy
from privacy_labels.views import count_column, is_majority


class AgreementError(Exception):
    """Agreement cannot be computed; the message says why."""


def fleiss_kappa(yes_votes: Sequence[int], n_raters: int) -> float | None:
    """Fleiss' kappa of one yes/no label; None when chance agreement is perfect (P_e = 1)."""
    if n_raters < 2:
        raise AgreementError(f"kappa needs at least 2 raters per item, not {n_raters}")
    if not yes_votes:
        return None
    n, n_items = n_raters, len(yes_votes)
    p_bar = sum((y * y + (n - y) ** 2 - n) / (n * (n - 1)) for y in yes_votes) / n_items
    p_yes = sum(yes_votes) / (n_items * n)
    p_e = p_yes**2 + (1 - p_yes) ** 2
    return None if p_e == 1 else (p_bar - p_e) / (1 - p_e)


@dataclass(frozen=True)
class CategoryAgreement:
    category: str
    kappa: float | None
    n_at_least_one: int  # segments labeled by at least one annotator
    n_majority: int  # ... by more than half of them
    n_all: int  # ... by every one


@dataclass(frozen=True)
class PairwiseF1:
    annotator_a: str
    annotator_b: str
    n_policies: int  # annotated by both
    n_segments: int
    f1: float | None  # segment-level micro F1 over the 10 categories; None when neither labels


@dataclass(frozen=True)
class Agreement:
    n_annotators: int
    n_policies: int
    n_segments: int
    n_policies_left_out: int  # policies with another number of annotators
    categories: list[CategoryAgreement]
    pairwise: list[PairwiseF1] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def agreement(folder: Path, n_annotators: int | None = None) -> Agreement:
    """Per-category agreement over the policies of `folder` that have `n_annotators` annotators."""
    path = folder / "segment_labels.parquet"
    if not path.is_file():
        raise AgreementError(f"{path}: missing; build the tables first with `privacy-labels build`")
    labels = pq.read_table(path).to_pandas()
    per_policy = labels.groupby("policy_id")["n_annotators"].first()
    if n_annotators is None:
        frequency = per_policy.value_counts()
        n_annotators = int(max(frequency.index, key=lambda n: (frequency[n], n)))
    if n_annotators < 2:
        raise AgreementError(
            f"{folder}: policies have {n_annotators} annotator(s); agreement needs at least 2"
        )
    included = per_policy.index[per_policy == n_annotators]
    if included.empty:
        found = ", ".join(map(str, sorted(per_policy.unique())))
        raise AgreementError(f"{folder}: no policy has {n_annotators} annotators (found: {found})")
    items = labels[labels["policy_id"].isin(included)]
    categories = []
    for category_id in taxonomy().category_ids:
        votes = items[count_column(category_id)].astype(int).tolist()
        categories.append(
            CategoryAgreement(
                category_id,
                fleiss_kappa(votes, n_annotators),
                sum(v > 0 for v in votes),
                sum(is_majority(v, n_annotators) for v in votes),
                sum(v == n_annotators for v in votes),
            )
        )
    return Agreement(
        n_annotators,
        len(included),
        len(items),
        len(per_policy) - len(included),
        categories,
        pairwise_f1(folder),
    )


def pairwise_f1(folder: Path) -> list[PairwiseF1]:
    """Segment-level F1 of every pair of annotators who annotated a policy in common."""
    from itertools import combinations

    from privacy_labels.score import annotator_layers, score

    layers = annotator_layers(folder)
    pairs = []
    for a, b in combinations(layers, 2):
        common = layers[a].segments & layers[b].segments
        if not common:
            continue
        result = score(layers[a], layers[b], label_set="10", gold="any")
        pairs.append(PairwiseF1(a, b, result.n_policies, result.n_segments, result.micro.f1))
    return pairs


def table(result: Agreement) -> str:
    """A plain-text table of the result, for the terminal."""
    lines = [
        f"Fleiss' kappa per category, segment level: {result.n_policies} policies with "
        f"{result.n_annotators} annotators, {result.n_segments:,} segments"
        + (
            f" ({result.n_policies_left_out} policies with other annotator counts left out)"
            if result.n_policies_left_out
            else ""
        ),
        "",
        f"{'category':<38} {'kappa':>6} {'≥1':>7} {'majority':>9} {'all':>7}",
    ]
    for c in result.categories:
        kappa = "n/a" if c.kappa is None else f"{round(c.kappa, 3) + 0.0:.3f}"  # no "-0.000"
        lines.append(
            f"{c.category:<38} {kappa:>6} {c.n_at_least_one:>7,} {c.n_majority:>9,} {c.n_all:>7,}"
        )
    if result.pairwise:
        lines += [
            "",
            "pairwise segment-level F1 (10 categories, micro), on the policies both annotated:",
        ]
        for pair in result.pairwise:
            f1 = "n/a" if pair.f1 is None else f"{pair.f1:.3f}"
            lines.append(
                f"{pair.annotator_a + ' / ' + pair.annotator_b:<38} {f1:>6} "
                f"({pair.n_segments:,} segment{'s' * (pair.n_segments != 1)} of "
                f"{pair.n_policies} polic{'ies' if pair.n_policies != 1 else 'y'})"
            )
    return "\n".join(lines)
