"""A candidate layer against the layers people made, beside those people among themselves.

    privacy-labels agreement data/labeled --candidate claude-blind [--format json]

How close a layer (a model's, say) comes to human annotators means little
without how close the annotators come to each other. Over the policies that
have the candidate layer, the reference layers are the policy's layers made by
a person (`annotations.annotator_kind == "person"`, the candidate excepted),
and two sets of pairs are compared:

- **among the annotators**: every pair of a policy's reference layers;
- **candidate vs annotators**: the candidate against each reference layer
  (the reference as A, the candidate as B).

A pair of layers in a policy is compared as `agreement` compares one
(`privacy_labels.outputs.layer_pairs`), over the scheme's categories: its
(segment, category) labels give TP = |A∩B|, FP = |B-A|, FN = |A-B|, and the
practices of each label both give are matched by attribute overlap and their
equal and compared slots counted; per category, per attribute and over all.

**Pooled.** Every figure is the figure of counts summed over all (pair,
policy): F1 = 2 ΣTP / (2 ΣTP + ΣFP + ΣFN), attribute-value agreement =
Σ equal slots / Σ compared slots. It is not a mean of per-pair or per-policy
ratios: a policy with more segments, or a pair with more practices, weighs
more. Among the annotators, which layer of a pair is A is arbitrary (the
first id in sorted order), so only the F1, symmetric, is given there with its
counts; the candidate also has precision and recall.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

from privacy_labels.contract.layers import by_label
from privacy_labels.outputs.layer_pairs import Comparison, Slots
from privacy_labels.outputs.metrics import Counts, figure
from privacy_labels.outputs.policy_layers import (
    AgreementError,
    PolicyLayers,
    compared_scheme,
    read_layers,
)
from privacy_labels.store import read_rows

PERSON = "person"  # the annotator_kind of a reference layer


@dataclass(frozen=True)
class PolicyCalibration:
    policy_id: str
    references: list[str]
    among_annotators: Comparison
    candidate_vs_annotators: Comparison


@dataclass(frozen=True)
class Calibration:
    """The candidate against the people's layers, over the policies that have the candidate."""

    candidate: str
    n_policies_without_references: int  # policies with the candidate but no person's layer
    policies: list[PolicyCalibration]
    among_annotators: Comparison
    candidate_vs_annotators: Comparison

    @property
    def references(self) -> list[str]:
        return sorted({r for p in self.policies for r in p.references})

    def to_dict(self) -> dict:
        return {
            "candidate": self.candidate,
            "pooling": "counts summed over every (pair of layers, policy)",
            "n_policies": len(self.policies),
            "n_policies_without_references": self.n_policies_without_references,
            "references": self.references,
            "among_annotators": self.among_annotators.to_dict(is_directed=False),
            "candidate_vs_annotators": self.candidate_vs_annotators.to_dict(is_directed=True),
            "policies": [
                {
                    "policy_id": p.policy_id,
                    "references": p.references,
                    "among_annotators": _summary(p.among_annotators),
                    "candidate_vs_annotators": _summary(p.candidate_vs_annotators),
                }
                for p in self.policies
            ],
        }


def _summary(comparison: Comparison) -> dict:
    counts, slots = comparison.label_counts(), comparison.slot_counts()
    return {
        "n_pairs": comparison.n_pairs,
        "f1": counts.f1,
        "attribute_agreement": slots.agreement,
        "n_equal_slots": slots.n_equal,
        "n_compared_slots": slots.n_compared,
    }


def read_kinds(folder: Path) -> dict[tuple[str, str], str]:
    """(policy_id, annotator) -> annotator_kind, from the `annotations` table."""
    columns = ["policy_id", "annotator", "annotator_kind"]
    return {
        (row["policy_id"], row["annotator"]): row["annotator_kind"]
        for row in read_rows(folder, "annotations", columns=columns)
    }


def candidate_agreement(folder: Path, candidate: str) -> Calibration:
    """The layer `candidate` of the build in `folder` against its people's layers."""
    folder = Path(folder)
    return calibration_of(read_layers(folder), read_kinds(folder), candidate, where=str(folder))


def calibration_of(
    corpus: dict[str, PolicyLayers],
    kinds: dict[tuple[str, str], str],
    candidate: str,
    *,
    where: str = "the corpus",
) -> Calibration:
    """See the module docstring; `corpus` as `read_layers` gives it, `kinds` as `read_kinds`."""
    with_candidate = [p for p in corpus.values() if candidate in p.layers]
    if not with_candidate:
        layers = sorted({a for p in corpus.values() for a in p.layers})
        raise AgreementError(
            f"{where}: no policy has the layer {candidate!r}; "
            f"give one of: {', '.join(layers) or 'none (no annotations)'}"
        )
    scheme = compared_scheme({p.policy_id: p for p in with_candidate}, None, where)
    policies, without = [], 0
    categories = scheme.category_ids
    among, versus = Comparison(scheme, categories), Comparison(scheme, categories)
    for policy in with_candidate:
        references = sorted(
            a
            for a in policy.layers
            if a != candidate and kinds.get((policy.policy_id, a)) == PERSON
        )
        if not references:
            without += 1
            continue
        grouped = {a: by_label(policy.layers[a]) for a in [*references, candidate]}
        policy_among, policy_versus = Comparison(scheme, categories), Comparison(scheme, categories)
        for a, b in itertools.combinations(references, 2):
            policy_among.add_pair(grouped[a], grouped[b])
        for reference in references:
            policy_versus.add_pair(grouped[reference], grouped[candidate])
        among += policy_among
        versus += policy_versus
        policies.append(
            PolicyCalibration(policy.policy_id, references, policy_among, policy_versus)
        )
    if not policies:
        raise AgreementError(
            f"{where}: no policy with the layer {candidate!r} has a layer made by a person "
            "(annotator_kind person) to compare it with; add people's layers to those policies"
        )
    return Calibration(candidate, without, policies, among, versus)


def table(result: Calibration) -> str:
    """The pooled figures side by side, for the terminal."""
    among, versus = result.among_annotators, result.candidate_vs_annotators
    name = f"{result.candidate} vs annotators"
    lines = [
        f"{result.candidate} against the layers made by people: {len(result.policies)} "
        f"policies, {len(result.references)} annotators ({', '.join(result.references)})"
        + (
            f"; {result.n_policies_without_references} policies without a person's layer left out"
            if result.n_policies_without_references
            else ""
        ),
        f"pooled: counts summed over every (pair, policy), {among.n_pairs} pairs among the "
        f"annotators, {versus.n_pairs} of {result.candidate} with an annotator",
        "counts: F1 as 2·TP of 2·TP+FP+FN; attribute values as equal of compared slots of "
        "matched practices",
        "",
        f"{'':<38} {'among the annotators':>22} | {name:>22}",
    ]

    def row(label: str, mine: tuple[float | None, int, int], theirs: tuple) -> str:
        def cell(value: float | None, part: int, whole: int) -> str:
            return f"{figure(value):>6} {f'{part:,} of {whole:,}':>15}"

        return f"{label:<38} {cell(*mine)} | {cell(*theirs)}"

    def f1(counts: Counts) -> tuple[float | None, int, int]:
        return counts.f1, 2 * counts.tp, 2 * counts.tp + counts.fp + counts.fn

    def slots(s: Slots) -> tuple[float | None, int, int]:
        return s.agreement, s.n_equal, s.n_compared

    every = versus.label_counts()
    lines += [
        row("segment-category F1", f1(among.label_counts()), f1(every)),
        f"{'  precision, recall':<38} {'':>22} | "
        f"{figure(every.precision):>6} {figure(every.recall):>15}",
        row("attribute-value agreement", slots(among.slot_counts()), slots(versus.slot_counts())),
        f"{'  matched practices (unmatched)':<38} "
        f"{f'{among.n_matched:,} ({among.n_unmatched:,})':>22} | "
        f"{f'{versus.n_matched:,} ({versus.n_unmatched:,})':>22}",
        "",
        "F1 per category",
    ]
    categories = among.label_ids
    lines += [
        row(f"  {c}", f1(among.label_counts(c)), f1(versus.label_counts(c))) for c in categories
    ]
    lines += ["", "attribute-value agreement per category"]
    lines += [
        row(f"  {c}", slots(among.slot_counts(c)), slots(versus.slot_counts(c))) for c in categories
    ]
    lines += ["", "attribute-value agreement per attribute"]
    lines += [
        row(
            f"  {a}",
            slots(among.attributes.get(a, Slots())),
            slots(versus.attributes.get(a, Slots())),
        )
        for a in among.scheme.attribute_ids
        if a in among.attributes or a in versus.attributes
    ]
    return "\n".join(lines)
