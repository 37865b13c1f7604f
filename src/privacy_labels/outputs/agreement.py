"""Inter-annotator agreement between annotation layers, per category, per policy and over the corpus.

    privacy-labels agreement data/labeled [--layers claude,claude-blind] [--annotators 3] [--format json]

The layers compared are the policies' annotators, the `consolidated` layer
excepted (it is made from the others). With `--layers`, the policies that have
every one of them; otherwise the policies with n annotators, by default the
most common n (ties to the larger). Only the policies of one scheme are
compared (`--scheme`, needed when the tables hold several), over the labels of
its first label set (OPP-115: its 10 categories; APP-350: its 58 practices):
items are the segments of those policies, and an annotator says yes to
(segment, label) when a practice of its in the segment has the label (for a
set of categories, a practice of that category).

**Kappa, per category, segment level.** With two layers named the same in
every policy (a fixed pair a, b), Cohen's kappa; otherwise Fleiss' kappa.
For N items:

    Cohen   p_o = (both yes + both no) / N       observed agreement
            p_a, p_b = yes / N of a and of b
            P_e = p_a p_b + (1 - p_a)(1 - p_b)    agreement expected by chance
    Fleiss  with n raters and y_i yes-votes on item i:
            P_i = (y_i² + (n - y_i)² - n) / (n (n - 1)),  p_o = mean of P_i
            p = Σ y_i / (N n),  P_e = p² + (1 - p)²
    kappa = (p_o - P_e) / (1 - P_e)               undefined (null) when P_e = 1

**Pairwise F1, segment level.** Each layer is a set of (policy, segment,
category) triples. For layers A (reference) and B (candidate): precision
|A∩B| / |B|, recall |A∩B| / |A|, and F1 = 2 |A∩B| / (|A| + |B|), the
micro-F1, symmetric in A and B; per category, the triples of that category.
With more than two layers, the F1 pools every pair of a policy's layers:
2 Σ |A∩B| / Σ (|A| + |B|). `score` counts the same way (`outputs.metrics`).

**Attribute-value agreement on matched practices.** For each label (segment,
label) that both layers of a pair give, their practices are matched by
attribute overlap (`privacy_labels.contract.layers`: min(m, n) pairs maximising the
equal slots); over the matched pairs, agreement = equal slots / compared
slots, where a pair's compared slots are the attributes of the category. Values
are compared in their published form, the tables' (`is_annotated` or not): an
attribute an annotator left out holds the scheme's default (`does`,
`unspecified`) in every layer and corpus, so leaving a default out and writing
it agree. Practices left unmatched are counted apart.

Everything is computed per policy and for the corpus (sums over its policies,
so a corpus figure is not an average of policy figures). It reads the tables
`annotations`, `segments`, `practices` and `attribute_values` of a build.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from privacy_labels.contract.layers import CONSOLIDATED, LayerPractice
from privacy_labels.contract.schemes import Scheme
from privacy_labels.contract.views import is_majority
from privacy_labels.outputs.layer_pairs import Comparison, Grouped
from privacy_labels.outputs.metrics import figure
from privacy_labels.outputs.policy_layers import (
    AgreementError,
    PolicyLayers,
    compared_scheme,
    read_layers,
)


def fleiss_kappa(yes_votes: Sequence[int], n_raters: int) -> float | None:
    """Fleiss' kappa of one yes/no label; None when chance agreement is perfect (P_e = 1)."""
    if n_raters < 2:
        raise AgreementError(f"kappa needs at least 2 raters per item, not {n_raters}")
    tally = _KappaTally()
    for y in yes_votes:
        tally.add([True] * y + [False] * (n_raters - y))
    return tally.fleiss()


def cohen_kappa(a: Sequence[bool], b: Sequence[bool]) -> float | None:
    """Cohen's kappa of two raters' yes/no on the same items; None when P_e = 1."""
    tally = _KappaTally()
    for pair in zip(a, b, strict=True):
        tally.add(list(pair))
    return tally.cohen()


@dataclass
class _KappaTally:
    """The sums kappa needs, added up item by item (and policy by policy)."""

    n_items: int = 0
    n_raters: int = 0
    yes: int = 0
    agreeing_pairs: float = 0.0  # Σ P_i, for Fleiss
    agreed: int = 0  # items all raters answered alike, for Cohen
    first_yes: int = 0
    second_yes: int = 0

    def add(self, votes: list[bool]) -> None:
        n, y = len(votes), sum(votes)
        self.n_items += 1
        self.n_raters = n
        self.yes += y
        self.agreeing_pairs += (y * y + (n - y) ** 2 - n) / (n * (n - 1))
        self.agreed += y in (0, n)
        self.first_yes += votes[0]
        self.second_yes += votes[1]

    def __iadd__(self, other: _KappaTally) -> _KappaTally:
        for name in ("n_items", "yes", "agreeing_pairs", "agreed", "first_yes", "second_yes"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.n_raters = self.n_raters or other.n_raters
        return self

    def fleiss(self) -> float | None:
        if not self.n_items:
            return None
        p = self.yes / (self.n_items * self.n_raters)
        return _kappa(self.agreeing_pairs / self.n_items, p * p + (1 - p) ** 2)

    def cohen(self) -> float | None:
        if not self.n_items:
            return None
        p_a, p_b = self.first_yes / self.n_items, self.second_yes / self.n_items
        return _kappa(self.agreed / self.n_items, p_a * p_b + (1 - p_a) * (1 - p_b))


def _kappa(p_o: float, p_e: float) -> float | None:
    # P_e within rounding of 1 means every rater said the same on every item.
    return None if p_e >= 1 - 1e-12 else (p_o - p_e) / (1 - p_e)


@dataclass
class _Tally:
    """Additive counts of the votes on one label's segments; the pairs' counts are a
    `Comparison`."""

    kappa: _KappaTally = field(default_factory=_KappaTally)
    n_at_least_one: int = 0
    n_majority: int = 0
    n_all: int = 0

    def __iadd__(self, other: _Tally) -> _Tally:
        self.kappa += other.kappa
        self.n_at_least_one += other.n_at_least_one
        self.n_majority += other.n_majority
        self.n_all += other.n_all
        return self


@dataclass(frozen=True)
class CategoryAgreement:
    category: str  # a label of the scheme's first label set (OPP-115's: a category)
    kappa: float | None
    n_at_least_one: int  # segments labeled by at least one annotator
    n_majority: int  # ... by more than half of them
    n_all: int  # ... by every one
    f1: float | None  # pairwise segment-level F1 of this category
    attribute_agreement: float | None  # equal / compared slots of matched practices
    n_compared_slots: int


@dataclass(frozen=True)
class Figures:
    """Agreement over a set of policies."""

    n_policies: int
    n_segments: int
    f1: float | None  # micro-F1 over (policy, segment, category)
    attribute_agreement: float | None
    n_compared_slots: int
    n_equal_slots: int
    n_matched_practices: int
    n_unmatched_practices: int
    categories: list[CategoryAgreement]
    attributes: dict[str, dict]  # attribute -> {n_compared_slots, n_equal_slots, agreement}


@dataclass(frozen=True)
class PairAgreement:
    """Two named layers over the policies that have both: A the reference, B the candidate."""

    reference: str
    candidate: str
    n_policies: int
    precision: float | None
    recall: float | None
    f1: float | None
    attribute_agreement: float | None
    categories: dict[str, dict]  # category -> {precision, recall, f1}


@dataclass(frozen=True)
class PolicyAgreement:
    policy_id: str
    annotators: list[str]
    figures: Figures


@dataclass(frozen=True)
class Agreement(Figures):
    """The figures over every policy compared, with what was compared and how, and the
    figures of each pair of layers and of each policy."""

    scheme: str  # the scheme of the policies compared
    label_set: str  # its label set whose labels are compared
    statistic: str  # "cohen" or "fleiss"
    n_annotators: int
    layers: list[str] | None  # the fixed layers, when every policy has the same ones
    n_policies_left_out: int  # policies without the layers compared
    pairs: list[PairAgreement]
    policies: list[PolicyAgreement]

    def to_dict(self) -> dict:
        return asdict(self)


def agreement(
    folder: Path,
    n_annotators: int | None = None,
    layers: Sequence[str] | None = None,
    scheme: str | None = None,
) -> Agreement:
    """Agreement over the policies of the build in `folder`: see the module docstring."""
    return agreement_of(read_layers(folder), n_annotators, layers, scheme, where=str(folder))


def agreement_of(
    corpus: dict[str, PolicyLayers],
    n_annotators: int | None = None,
    layers: Sequence[str] | None = None,
    scheme: str | None = None,
    *,
    where: str = "the corpus",
) -> Agreement:
    """Agreement over policies' layers (see `read_layers`) of one scheme."""
    s = compared_scheme(corpus, scheme, where)
    n_all = len(corpus)
    corpus = {pid: p for pid, p in corpus.items() if p.scheme == s}
    if layers is not None:
        layers = list(dict.fromkeys(layers))
        if len(layers) < 2:
            raise AgreementError("--layers needs at least 2 annotators, e.g. claude,claude-blind")
        chosen = {pid: layers for pid, p in corpus.items() if all(a in p.layers for a in layers)}
        if not chosen:
            raise AgreementError(f"{where}: no policy has every layer of {', '.join(layers)}")
        n = len(layers)
    else:
        independent = {
            pid: sorted(a for a in p.layers if a != CONSOLIDATED) for pid, p in corpus.items()
        }
        counts = [len(a) for a in independent.values()]
        if not counts:
            raise AgreementError(f"{where}: no policy has annotations")
        if n_annotators is not None and n_annotators < 2:
            raise AgreementError(f"{n_annotators} annotators asked for; agreement needs at least 2")
        n = n_annotators or max(set(counts), key=lambda k: (counts.count(k), k))
        if n < 2:
            raise AgreementError(
                f"{where}: policies have {n} annotator(s); agreement needs at least 2"
            )
        chosen = {pid: a for pid, a in independent.items() if len(a) == n}
        if not chosen:
            found = ", ".join(map(str, sorted(set(counts))))
            raise AgreementError(f"{where}: no policy has {n} annotators (found: {found})")
    fixed = next(iter(chosen.values())) if len({tuple(a) for a in chosen.values()}) == 1 else None
    statistic = "cohen" if fixed is not None and n == 2 else "fleiss"

    total: dict[str, _Tally] = {}
    pooled = Comparison(s, _labels(s))
    pairs: dict[tuple[str, str], Comparison] = {}
    per_policy = []
    for policy_id, annotators in chosen.items():
        policy = corpus[policy_id]
        tallies, compared = _policy_tallies(policy, annotators, pairs, s)
        for category, tally in tallies.items():
            total.setdefault(category, _Tally())
            total[category] += tally
        pooled += compared
        per_policy.append(
            PolicyAgreement(
                policy_id,
                list(annotators),
                _figures(1, policy.n_segments, tallies, compared, statistic),
            )
        )
    corpus_figures = _figures(
        len(chosen),
        sum(corpus[pid].n_segments for pid in chosen),
        total,
        pooled,
        statistic,
    )
    return Agreement(
        scheme=s.id,
        label_set=s.first_label_set,
        statistic=statistic,
        n_annotators=n,
        layers=list(fixed) if fixed is not None else None,
        n_policies_left_out=n_all - len(chosen),
        pairs=[_pair(a, b, compared) for (a, b), compared in sorted(pairs.items())],
        policies=per_policy,
        **vars(corpus_figures),
    )


def _labels(s: Scheme) -> list[str]:
    return [label.id for label in s.label_sets[s.first_label_set]]


def _by_label(practices: list[LayerPractice], s: Scheme) -> Grouped:
    """A layer's practices grouped by (segment, label of the scheme's first label set), each
    group in practice_id order."""
    grouped: dict[tuple[int, str], list[LayerPractice]] = {}
    for practice in sorted(practices, key=lambda p: p.practice_id):
        for label in s.labels(s.first_label_set, practice.category, practice.slot_values):
            grouped.setdefault((practice.segment_id, label), []).append(practice)
    return grouped


def _policy_tallies(
    policy: PolicyLayers,
    annotators: list[str],
    pairs: dict[tuple[str, str], Comparison],
    s: Scheme,
) -> tuple[dict[str, _Tally], Comparison]:
    """Per label, the votes' tally of the policy; its pairs of layers compared,
    each pair also added to `pairs`."""
    label_ids = _labels(s)
    grouped = {a: _by_label(policy.layers[a], s) for a in annotators}
    tallies = {c: _Tally() for c in label_ids}
    n = len(annotators)
    for segment_id in range(policy.n_segments):
        for category in label_ids:
            votes = [(segment_id, category) in grouped[a] for a in annotators]
            tally, y = tallies[category], sum(votes)
            tally.kappa.add(votes)
            tally.n_at_least_one += y > 0
            tally.n_majority += is_majority(y, n)
            tally.n_all += y == n
    compared = Comparison(s, label_ids)
    for a, b in itertools.combinations(annotators, 2):
        pair = Comparison(s, label_ids)
        pair.add_pair(grouped[a], grouped[b])
        compared += pair
        pairs.setdefault((a, b), Comparison(s, label_ids))
        pairs[a, b] += pair
    return tallies, compared


def _figures(
    n_policies: int,
    n_segments: int,
    tallies: dict[str, _Tally],
    compared: Comparison,
    statistic: str,
) -> Figures:
    categories = []
    for category in compared.label_ids:
        t = tallies.get(category, _Tally())
        slots = compared.slot_counts(category)
        categories.append(
            CategoryAgreement(
                category,
                t.kappa.cohen() if statistic == "cohen" else t.kappa.fleiss(),
                t.n_at_least_one,
                t.n_majority,
                t.n_all,
                compared.label_counts(category).f1,
                slots.agreement,
                slots.n_compared,
            )
        )
    every = compared.slot_counts()
    return Figures(
        n_policies=n_policies,
        n_segments=n_segments,
        f1=compared.label_counts().f1,
        attribute_agreement=every.agreement,
        n_compared_slots=every.n_compared,
        n_equal_slots=every.n_equal,
        n_matched_practices=compared.n_matched,
        n_unmatched_practices=compared.n_unmatched,
        categories=categories,
        attributes={
            a: {
                "n_compared_slots": slots.n_compared,
                "n_equal_slots": slots.n_equal,
                "agreement": slots.agreement,
            }
            for a, slots in compared.attribute_slots().items()
        },
    )


def _pair(reference: str, candidate: str, compared: Comparison) -> PairAgreement:
    """Two named layers: A the reference, B the candidate, added up over their policies."""
    every = compared.label_counts()
    return PairAgreement(
        reference,
        candidate,
        compared.n_pairs,
        every.precision,
        every.recall,
        every.f1,
        compared.slot_counts().agreement,
        {c: compared.label_counts(c).scores() for c in compared.label_ids},
    )


def table(result: Agreement) -> str:
    """A plain-text report of the result, for the terminal."""
    name = {"cohen": "Cohen's", "fleiss": "Fleiss'"}[result.statistic]
    layers = f" ({', '.join(result.layers)})" if result.layers else ""
    lines = [
        f"{name} kappa per label of {result.scheme}'s {result.label_set}-label set, segment "
        f"level: {result.n_policies} policies with "
        f"{result.n_annotators} annotators{layers}, {result.n_segments:,} segments"
        + (
            f" ({result.n_policies_left_out} policies with other annotators left out)"
            if result.n_policies_left_out
            else ""
        ),
        "",
        f"{'label':<38} {'kappa':>6} {'≥1':>6} {'majority':>8} {'all':>6} {'F1':>6} {'attrs':>6}",
    ]
    for c in result.categories:
        lines.append(
            f"{c.category:<38} {figure(c.kappa):>6} {c.n_at_least_one:>6,} {c.n_majority:>8,} "
            f"{c.n_all:>6,} {figure(c.f1):>6} {figure(c.attribute_agreement):>6}"
        )
    lines += [
        "",
        f"pairwise segment-level F1 (micro): {figure(result.f1)}",
        f"attribute-value agreement on matched practices: {figure(result.attribute_agreement)} "
        f"({result.n_equal_slots:,} of {result.n_compared_slots:,} slots; "
        f"{result.n_matched_practices:,} matched pairs, "
        f"{result.n_unmatched_practices:,} practices unmatched)",
    ]
    if result.layers:
        for pair in result.pairs:
            lines.append(
                f"{pair.candidate} against {pair.reference}: precision {figure(pair.precision)}, "
                f"recall {figure(pair.recall)}, F1 {figure(pair.f1)}"
            )
    lines += ["", f"{'policy':<38} {'F1':>6} {'attrs':>6}  lowest kappa"]
    for policy in result.policies:
        f = policy.figures
        rated = [c for c in f.categories if c.kappa is not None]
        lowest = min(rated, key=lambda c: c.kappa, default=None)
        lines.append(
            f"{policy.policy_id:<38} {figure(f.f1):>6} {figure(f.attribute_agreement):>6}  "
            + (f"{lowest.category} {figure(lowest.kappa)}" if lowest else "n/a")
        )
    return "\n".join(lines)
