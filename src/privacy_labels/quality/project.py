"""Project checks: rules across rows or tables that no single expectation states.

Required attributes and filled-in defaults per practice, policy text hashes, lengths
and segment counts, span columns set together, and the derived views (segment labels,
splits, policy labels) recomputed from their tables. They run on tables whose columns, types and
non-null values the suites found as the contract says.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from privacy_labels._files import sha256_bytes
from privacy_labels.contract.layers import CONSOLIDATED
from privacy_labels.contract.policy_labels import POLARITY, QUESTIONS, cell_column, evidence_column
from privacy_labels.contract.schema import taxonomy
from privacy_labels.contract.tables import TABLES
from privacy_labels.contract.views import (
    count_column,
    label_column,
    majority_column,
    share_column,
    split_of,
)
from privacy_labels.quality.frames import as_list, is_missing
from privacy_labels.quality.result import CheckResult, outcome


def project_checks(frames: dict[str, pd.DataFrame]) -> list[CheckResult]:
    policies, segments = frames["policies"], frames["segments"]
    practices, values = frames["practices"], frames["attribute_values"]
    results = []

    def per_policy(check: str, target: str, expected: Callable[[pd.Series], object]):
        failed = [
            f"{row.policy_id}: {target} is {row[target]}, expected {expected(row)}"
            for _, row in policies.iterrows()
            if pd.isna(row.text) or row[target] != expected(row)
        ]
        results.append(outcome("policies", check, target, len(policies), failed))

    n_segments = segments.groupby("policy_id").size()
    per_policy(
        "text_sha256_matches_text", "text_sha256", lambda r: sha256_bytes(str(r.text).encode())
    )
    per_policy("n_chars_matches_text", "n_chars", lambda r: len(str(r.text)))
    per_policy(
        "n_segments_matches_segments", "n_segments", lambda r: int(n_segments.get(r.policy_id, 0))
    )

    slots = _slots()
    results.append(
        outcome(
            "practices+attribute_values",
            "required_attributes_present",
            "practice_id, category → attribute",
            len(practices),
            _missing(practices, values, slots[slots["default"].isna()]),
        )
    )
    results.append(_defaults_check(practices, values, slots))

    for spec in TABLES:
        for span in spec.spans:
            columns = frames[spec.name][[span.start, span.end, span.text]]
            n_set = columns.notna().sum(axis=1)
            partial = frames[spec.name][(n_set > 0) & (n_set < 3)]
            failed = [
                ", ".join(f"{k}={row[k]}" for k in spec.primary_key)
                for _, row in partial.iterrows()
            ]
            results.append(
                outcome(
                    spec.name,
                    "span_columns_set_together",
                    f"{span.start}, {span.end}, {span.text}",
                    len(columns),
                    failed,
                )
            )
    results += view_checks(frames)
    return results


def _slots() -> pd.DataFrame:
    """The taxonomy's (category, attribute) slots with their defaults (null when required)."""
    return pd.DataFrame(
        [(c.id, a.id, a.default) for c, a in taxonomy().slots],
        columns=["category", "attribute", "default"],
    ).astype(pd.StringDtype())


def _missing(practices: pd.DataFrame, values: pd.DataFrame, slots: pd.DataFrame) -> list[str]:
    """The practices lacking a row for some attribute of their category among `slots`."""
    present = values[["practice_id", "attribute"]].dropna().drop_duplicates().assign(found=True)
    expected = (
        practices[["practice_id", "category"]]
        .dropna()
        .merge(slots[["category", "attribute"]], on="category")
    )
    missing = expected.merge(present, how="left", on=["practice_id", "attribute"])
    missing = missing[missing["found"].isna()]
    return [
        f"{practice_id} ({category}): no {', '.join(group['attribute'])}"
        for (practice_id, category), group in missing.groupby(
            ["practice_id", "category"], sort=False
        )
    ]


def _defaults_check(
    practices: pd.DataFrame, values: pd.DataFrame, slots: pd.DataFrame
) -> CheckResult:
    """One meaning per value: every optional attribute of a practice's category has a row,
    and a row its annotator did not write (is_annotated false) holds the scheme's default,
    without a span, so a default reads the same whichever layer or corpus it came from."""
    failed = _missing(practices, values, slots[slots["default"].notna()])
    defaulted = values[~values["is_annotated"].astype(bool)].merge(
        slots, how="left", on=["category", "attribute"]
    )
    has_span = defaulted[["span_start", "span_end", "span_text"]].notna().any(axis=1)
    for practice_id, attribute, value, default, spanned in zip(
        as_list(defaulted["practice_id"]),
        as_list(defaulted["attribute"]),
        as_list(defaulted["value"]),
        as_list(defaulted["default"]),
        as_list(has_span),
        strict=True,
    ):
        where = f"{practice_id} {attribute}: not annotated"
        if is_missing(default):
            failed.append(f"{where}, but required (it has no default)")
        elif value != default:
            failed.append(f"{where}, {value}, expected the default {default}")
        elif spanned:
            failed.append(f"{where}, but has a span")
    return outcome(
        "practices+attribute_values",
        "defaults_not_annotated",
        "practice_id, category → attribute; is_annotated false → default value, no span",
        len(values),
        failed,
    )


def view_checks(frames: dict[str, pd.DataFrame]) -> list[CheckResult]:
    """The derived views hold what their tables imply, recomputed here independently of
    contract/views.py on purpose (from whole columns, not the build's rows), so that a bug in
    the build's rule cannot pass the check of its own output."""
    key = ["policy_id", "segment_id"]
    labels = frames["segment_labels"].set_index(key)
    segments = frames["segments"].set_index(key)
    practices = frames["practices"]
    voting = practices[practices["annotator"] != CONSOLIDATED]
    annotators = voting.groupby([*key, "category"], observed=True)["annotator"].nunique().to_dict()
    given = set(
        zip(
            as_list(practices["policy_id"]),
            as_list(practices["segment_id"]),
            as_list(practices["category"]),
            as_list(practices["annotator"]),
            strict=True,
        )
    )
    layers = _layers(frames)
    # An unannotated policy's segments have no labels to give: no rows, never all False.
    labelable = segments.index[segments.index.get_level_values(0).isin(layers.annotators)]
    failed = [
        f"{policy_id} segment {segment_id}: "
        + (
            "in only one of segments and segment_labels"
            if policy_id in layers.annotators
            else "labeled, but the policy has no annotations"
        )
        for policy_id, segment_id in labelable.symmetric_difference(labels.index)
    ]
    both = labels.loc[labels.index.isin(segments.index)]
    segment_texts = dict(zip(segments.index, as_list(segments["text"]), strict=True))
    category_ids = taxonomy().category_ids
    unchecked = {share_column(c) for c in category_ids} | {"layer"}
    # Whole columns as Python lists, compared in one plain loop: a dict per row and a
    # lookup per cell took 60 µs a segment, the largest project check at 10×.
    has_nulls = both[[c for c in both.columns if c not in unchecked]].isna().any(axis=1).tolist()
    texts, layer_of = as_list(both["text"]), as_list(both["layer"])
    n_annotators = as_list(both["n_annotators"])
    found_of = {
        c: list(
            zip(
                as_list(both[count_column(c)]),
                as_list(both[majority_column(c)]),
                [None if is_missing(v) else v for v in as_list(both[share_column(c)])],
                as_list(both[label_column(c)]),
                strict=True,
            )
        )
        for c in category_ids
    }
    for i, (policy_id, segment_id) in enumerate(both.index):
        where = f"{policy_id} segment {segment_id}"
        if has_nulls[i]:
            failed.append(f"{where}: has nulls")  # named by the not-null expectations
            continue
        if texts[i] != segment_texts[policy_id, segment_id]:
            failed.append(f"{where}: text differs from segments.text")
        layer = None if is_missing(layer_of[i]) else layer_of[i]
        n_all = n_annotators[i]
        problem = layers.problem(policy_id, layer, n_all)
        if problem:
            failed.append(f"{where}: {problem}")
            continue
        for category_id in category_ids:
            n = annotators.get((policy_id, segment_id, category_id), 0)
            is_more = 2 * n > n_all
            share = n / n_all if n_all else None
            label = (
                is_more if layer is None else (policy_id, segment_id, category_id, layer) in given
            )
            if found_of[category_id][i] != (n, is_more, share, label):
                failed.append(
                    f"{where}: {category_id} expected {n} annotator(s), share {share}, "
                    f"majority {is_more}, label {label}"
                )
    results = [
        outcome(
            "segment_labels",
            "labels_match_practices",
            "n_annotators, layer, n_*, share_*, is_majority_*, has_*, text",
            len(labels),
            failed,
        )
    ]
    splits = frames["splits"].set_index("policy_id")["split"]
    policy_ids = pd.Index(frames["policies"]["policy_id"])
    failed = [
        f"{policy_id}: in only one of policies and splits"
        for policy_id in policy_ids.symmetric_difference(splits.index)
    ] + [
        f"{policy_id}: split is {split}, expected {split_of(policy_id)}"
        for policy_id, split in splits.items()
        if split != split_of(policy_id)
    ]
    results.append(outcome("splits", "split_matches_seeded_hash", "split", len(splits), failed))
    results.append(_text_in_one_split(frames["policies"], splits))
    results.append(_policy_labels_check(frames))
    return results


def _text_in_one_split(policies: pd.DataFrame, splits: pd.Series) -> CheckResult:
    """No text in two splits: splits are per policy id, so one text added under two ids
    could be trained on and evaluated on."""
    ids_of: dict[str, list[str]] = {}
    for policy_id, text_sha256 in zip(
        as_list(policies["policy_id"]), as_list(policies["text_sha256"]), strict=True
    ):
        ids_of.setdefault(text_sha256, []).append(policy_id)
    failed = []
    for text_sha256, policy_ids in ids_of.items():
        in_split = {policy_id: splits.get(policy_id) for policy_id in sorted(policy_ids)}
        if len(set(in_split.values())) > 1:
            shown = ", ".join(f"{policy_id} ({split})" for policy_id, split in in_split.items())
            failed.append(f"text_sha256 {text_sha256[:12]}: one text in {shown}")
    return outcome(
        "policies+splits", "text_in_one_split", "text_sha256, split", len(policies), failed
    )


@dataclass(frozen=True)
class _Layers:
    """Each policy's annotators, from the annotations table, to check a view's layer against
    (the layer rule of contract/views.py, stated again on purpose, as view_checks says)."""

    annotators: dict[str, set[str]]

    def problem(self, policy_id: str, layer: str | None, n_annotators: int) -> str | None:
        own = self.annotators.get(policy_id, set())
        expected = len(own - {CONSOLIDATED})
        if n_annotators != expected:
            return f"n_annotators: is {n_annotators}, expected {expected}"
        if layer is None and CONSOLIDATED in own:
            return f"layer is null, but the policy has a {CONSOLIDATED} layer"
        if layer is not None and layer not in own:
            return f"layer {layer!r} is not an annotator of the policy"
        return None


def _layers(frames: dict[str, pd.DataFrame]) -> _Layers:
    annotators: dict[str, set[str]] = {}
    for policy_id, annotator in zip(
        frames["annotations"]["policy_id"], frames["annotations"]["annotator"], strict=True
    ):
        annotators.setdefault(policy_id, set()).add(annotator)
    return _Layers(annotators)


_NONE: frozenset[str] = frozenset()
# The policy-label rule again, formulated on purpose apart from contract.policy_labels (which
# build uses): from whole columns and sets of polarities, not from the build's Practice rows,
# so a bug in the build's rule cannot pass the check of its own output.
# A policy_labels cell's status from the polarities of the practices that give its answer.
_STATUS_OF_POLARITY = {
    frozenset(): "not_stated",
    frozenset({False}): "does",
    frozenset({True}): "does_not",
}
NO_ANNOTATIONS = "not_annotated"  # every cell of a policy without annotation documents


def _policy_labels_check(frames: dict[str, pd.DataFrame]) -> CheckResult:
    """Each policy_labels cell: its practice_ids are exactly the policy's practices that give
    the answer, and its status follows from their polarity (does / does_not / mixed / silent)."""
    labels = frames["policy_labels"].set_index("policy_id")
    practices = frames["practices"].set_index("practice_id")
    values = frames["attribute_values"]
    negative = set(
        as_list(
            values.loc[
                (values["attribute"] == POLARITY) & (values["value"] == "does_not"),
                "practice_id",
            ]
        )
    )
    # What the annotators wrote: a default the tables fill in answers no question.
    written = values[values["is_annotated"].astype(bool)]
    answers = written.join(practices[["policy_id", "annotator"]], on="practice_id")
    policy_ids = pd.Index(frames["policies"]["policy_id"])
    failed = [
        f"{policy_id}: in only one of policies and policy_labels"
        for policy_id in policy_ids.symmetric_difference(labels.index)
    ]
    layers = _layers(frames)
    # One dict per row, from whole columns as lists: iterrows would convert all 220
    # Arrow-backed columns per cell, and to_dict converts them value by value.
    columns = {c: as_list(labels[c]) for c in labels.columns}
    records = [dict(zip(columns, row, strict=True)) for row in zip(*columns.values(), strict=True)]
    rows = list(zip(labels.index, records, strict=True))
    layer_of = {}
    unsound = set()  # a row whose layer or count is wrong: its cells are not compared
    for policy_id, row in rows:
        layer_of[policy_id] = None if pd.isna(row["layer"]) else row["layer"]
        problem = layers.problem(policy_id, layer_of[policy_id], row["n_annotators"])
        if problem:
            failed.append(f"{policy_id}: {problem}")
            unsound.add(policy_id)
    # The answers of each policy's layer (every annotator's where the layer is null), each
    # with one key per slot, compared as a set per question: a pair of comparisons per slot
    # and a lookup per answer took seconds at 10×.
    layer = answers["policy_id"].map(layer_of)
    answers = answers[layer.isna() | (answers["annotator"] == layer).fillna(False)]
    slot_of = answers["category"] + "/" + answers["attribute"]
    for q in QUESTIONS:
        in_slots = slot_of.isin([f"{category}/{attribute}" for category, attribute in q.slots])
        expected: dict[tuple[str, str], set[str]] = {}
        chosen = answers[in_slots]
        for policy_id, value, practice_id in zip(
            as_list(chosen["policy_id"]),
            as_list(chosen["value"]),
            as_list(chosen["practice_id"]),
            strict=True,
        ):
            expected.setdefault((policy_id, value), set()).add(practice_id)
        for v in q.values:
            status, evidence = cell_column(q.id, v.id), evidence_column(q.id, v.id)
            for policy_id, row in rows:
                if policy_id in unsound:
                    continue
                ids = expected.get((policy_id, v.id), _NONE)
                polarity = frozenset(
                    q.is_negatable and practice_id in negative for practice_id in ids
                )
                want = (
                    _STATUS_OF_POLARITY.get(polarity, "mixed")
                    if policy_id in layers.annotators
                    else NO_ANNOTATIONS
                )
                given = set() if is_missing(row[evidence]) else set(row[evidence].split(" "))
                if given != ids:
                    unknown = sorted(given - set(practices.index))
                    failed.append(
                        f"{policy_id}: unknown practice(s) {' '.join(unknown)} in {evidence}"
                        if unknown
                        else f"{policy_id} {evidence}: expected {' '.join(sorted(ids)) or 'none'}"
                    )
                elif row[status] != want:
                    failed.append(f"{policy_id} {status}: is {row[status]}, expected {want}")
    return outcome(
        "policy_labels",
        "labels_match_practices",
        "n_annotators, layer, <question>_<value>[_practice_ids]",
        len(labels),
        failed,
    )
