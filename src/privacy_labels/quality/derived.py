"""The derived views checked: each recomputed from its tables and the build's schemes.

segment_labels, splits, policy_labels and mapped_values hold what their tables imply.
Each rule is recomputed here independently of contract/views.py and
contract/policy_labels.py on purpose (from whole columns, the schemes' label sets and
mapping rows read as data, not the build's Practice rows or `Scheme.map_practice`), so
that a bug in the build's rule cannot pass the check of its own output.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from privacy_labels.contract.layers import CONSOLIDATED
from privacy_labels.contract.scheme_set import SchemeSet, answers
from privacy_labels.contract.views import split_of
from privacy_labels.quality.frames import as_list, is_missing
from privacy_labels.quality.result import CheckResult, outcome

_NONE: frozenset[str] = frozenset()
# A policy-label status from the polarities of the practices that give its answer.
_STATUS_OF_POLARITY = {
    frozenset(): "not_stated",
    frozenset({False}): "does",
    frozenset({True}): "does_not",
}
NO_ANNOTATIONS = "not_annotated"  # every answer of a policy without annotation documents
EXACT = "exact"  # a hub value's own mapping kind


def view_checks(frames: dict[str, pd.DataFrame], schemes: SchemeSet) -> list[CheckResult]:
    """Every derived view against what its tables and schemes imply."""
    layers = _layers(frames)
    splits = frames["splits"].set_index("policy_id")["split"]
    policy_ids = pd.Index(frames["policies"]["policy_id"])
    group_of = dict(zip(policy_ids, as_list(frames["policies"]["policy_group_id"]), strict=True))
    expected = {
        p: split_of(p, None if is_missing(group_of.get(p)) else group_of[p]) for p in splits.index
    }
    failed = [
        f"{policy_id}: in only one of policies and splits"
        for policy_id in policy_ids.symmetric_difference(splits.index)
    ] + [
        f"{policy_id}: split is {split}, expected {expected[policy_id]}"
        for policy_id, split in splits.items()
        if split != expected[policy_id]
    ]
    return [
        _segment_labels_check(frames, schemes, layers),
        outcome("splits", "split_matches_seeded_hash", "split", len(splits), failed),
        _text_in_one_split(frames["policies"], splits),
        _policy_labels_check(frames, schemes, layers),
        _mapped_values_check(frames, schemes),
    ]


@dataclass(frozen=True)
class _Layers:
    """Each policy's annotators and scheme, from the annotations table, to check a view's
    layer against (the layer rule of contract/views.py, stated again on purpose)."""

    annotators: dict[str, set[str]]
    scheme_of: dict[str, str]

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
    annotations = frames["annotations"]
    annotators: dict[str, set[str]] = {}
    scheme_of: dict[str, str] = {}
    for policy_id, annotator, scheme in zip(
        as_list(annotations["policy_id"]),
        as_list(annotations["annotator"]),
        as_list(annotations["scheme"]),
        strict=True,
    ):
        annotators.setdefault(policy_id, set()).add(annotator)
        scheme_of.setdefault(policy_id, scheme)
    return _Layers(annotators, scheme_of)


def _published(
    frames: dict[str, pd.DataFrame], written_only: bool
) -> dict[str, dict[str, set[str]]]:
    """practice_id -> attribute -> its values (several for a value set), as published (or
    only as its annotator wrote)."""
    values = frames["attribute_values"]
    if written_only:
        values = values[values["is_annotated"].astype(bool)]
    found: dict[str, dict[str, set[str]]] = {}
    for practice_id, attribute, value in zip(
        as_list(values["practice_id"]),
        as_list(values["attribute"]),
        as_list(values["value"]),
        strict=True,
    ):
        found.setdefault(practice_id, {}).setdefault(attribute, set()).add(value)
    return found


def _segment_labels_check(frames, schemes: SchemeSet, layers: _Layers) -> CheckResult:
    """Each segment of an annotated policy has one row per label of its scheme's first label
    set, counting the annotators whose practice there matches the label (its category, and
    each attribute the label names among the values it allows, defaults filled in)."""
    published = _published(frames, written_only=False)
    practices = frames["practices"]
    labels_of: dict[tuple[str, str], list] = {}  # (scheme, category) -> its labels
    for s in schemes:
        for label in s.label_sets.get(s.first_label_set, ()):
            labels_of.setdefault((s.id, label.category), []).append(label)
    given: dict[tuple, set[str]] = {}  # (policy, segment, label) -> annotators
    for practice_id, policy_id, segment_id, annotator, scheme_id, category in zip(
        *(as_list(practices[c]) for c in ("practice_id", "policy_id", "segment_id")),
        as_list(practices["annotator"]),
        as_list(practices["scheme"]),
        as_list(practices["category"]),
        strict=True,
    ):
        values = published.get(practice_id, {})
        # (a scheme outside the build has no labels here: the places expectation names it)
        for label in labels_of.get((scheme_id, category), ()):
            if all(values.get(a, _NONE) & set(allowed) for a, allowed in label.attributes.items()):
                given.setdefault((policy_id, segment_id, label.id), set()).add(annotator)
    labels = frames["segment_labels"]
    segments = frames["segments"]
    expected_keys = set()
    for policy_id, segment_id in zip(
        as_list(segments["policy_id"]), as_list(segments["segment_id"]), strict=True
    ):
        s = schemes.get(layers.scheme_of.get(policy_id, ""))
        if s is not None and s.first_label_set is not None:
            expected_keys |= {
                (policy_id, segment_id, s.id, label.id) for label in s.label_sets[s.first_label_set]
            }
    key = ["policy_id", "segment_id", "scheme", "label"]
    columns = {c: as_list(labels[c]) for c in labels.columns}
    found_keys = list(zip(*(columns[c] for c in key), strict=True))
    failed = list(
        dict.fromkeys(
            f"{p} segment {g}: labeled, but the policy has no annotations"
            if p not in layers.annotators
            else f"{p} segment {g}: {label} ({s}) "
            + ("missing" if (p, g, s, label) in expected_keys else "is no label of its scheme")
            for p, g, s, label in sorted(expected_keys.symmetric_difference(found_keys), key=str)
        )
    )
    for i, (policy_id, segment_id, scheme_id, label) in enumerate(found_keys):
        if (policy_id, segment_id, scheme_id, label) not in expected_keys:
            continue
        where = f"{policy_id} segment {segment_id}"
        layer = None if is_missing(columns["layer"][i]) else columns["layer"][i]
        n_all = columns["n_annotators"][i]
        problem = layers.problem(policy_id, layer, n_all)
        if problem:
            failed.append(f"{where}: {problem}")
            continue
        who = given.get((policy_id, segment_id, label), _NONE)
        n = len(who - {CONSOLIDATED})
        is_more = 2 * n > n_all
        share = n / n_all if n_all else None
        has = is_more if layer is None else layer in who
        found = (
            columns["n_labeled"][i],
            columns["is_majority"][i],
            None if is_missing(columns["share_labeled"][i]) else columns["share_labeled"][i],
            columns["has_label"][i],
        )
        if found != (n, is_more, share, has):
            failed.append(
                f"{where}: {label} expected {n} annotator(s), share {share}, "
                f"majority {is_more}, label {has}"
            )
    return outcome(
        "segment_labels",
        "labels_match_practices",
        "one row per label; n_annotators, layer, n_labeled, share_labeled, is_majority, has_label",
        len(labels),
        failed,
    )


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


def _in_hub(schemes: SchemeSet) -> dict[tuple, list[tuple[str, str, str, str]]]:
    """(scheme, category, attribute, value) -> the hub's (category, attribute, value, kind)
    it stands for, from the mapping rows as data; a hub value stands for itself."""
    hub = schemes.hub
    found: dict[tuple, list[tuple[str, str, str, str]]] = {}
    for c, a in hub.slots:
        for v in a.values:
            found[hub.id, c.id, a.id, v.id] = [(c.id, a.id, v.id, EXACT)]
    for s in schemes:
        if s.mapping is None or s.mapping.scheme != hub.id:
            continue
        target_of = {
            r.source.category: r.targets[0].category
            for r in s.mapping.rows
            if r.source.attribute is None and r.targets
        }
        for r in s.mapping.rows:
            place = r.source
            if place.value is None or place.category not in target_of:
                continue
            found[s.id, place.category, place.attribute, place.value] = [
                (target_of[place.category], t.attribute, t.value, r.kind)
                for t in r.targets
                if t.attribute is not None and t.value is not None
            ]
    return found


def _mapped_values_check(frames, schemes: SchemeSet) -> CheckResult:
    """Each published value is in mapped_values as the hub values its mapping row names."""
    in_hub = _in_hub(schemes)
    practices = frames["practices"].set_index("practice_id")
    values = frames["attribute_values"]
    expected: dict[tuple, set] = {}
    for practice_id, scheme_id, category, attribute, value in zip(
        *(as_list(values[c]) for c in ("practice_id", "scheme", "category", "attribute", "value")),
        strict=True,
    ):
        for hub_category, hub_attribute, hub_value, kind in in_hub.get(
            (scheme_id, category, attribute, value), ()
        ):
            key = (practice_id, hub_attribute, hub_value)
            expected.setdefault(key, set()).add((scheme_id, hub_category, kind))
    mapped = frames["mapped_values"]
    columns = {c: as_list(mapped[c]) for c in mapped.columns}
    found_keys = list(
        zip(columns["practice_id"], columns["attribute"], columns["value"], strict=True)
    )
    failed = [
        f"{practice_id} {attribute}={value}: "
        + ("missing" if (practice_id, attribute, value) in expected else "no value maps there")
        for practice_id, attribute, value in sorted(expected.keys() ^ set(found_keys), key=str)
    ]
    policy_of = dict(zip(practices.index, as_list(practices["policy_id"]), strict=True))
    for i, key in enumerate(found_keys):
        if key not in expected:
            continue
        row = (columns["scheme"][i], columns["category"][i], columns["mapping_kind"][i])
        if row not in expected[key] or columns["policy_id"][i] != policy_of.get(key[0]):
            failed.append(
                f"{key[0]} {key[1]}={key[2]}: scheme, category, mapping_kind or policy_id "
                f"is {(*row, columns['policy_id'][i])}, expected one of {sorted(expected[key])}"
            )
    return outcome(
        "mapped_values",
        "values_match_mapping",
        "practice_id, attribute, value ← attribute_values through the schemes' mappings",
        len(mapped),
        failed,
    )


def _policy_labels_check(frames, schemes: SchemeSet, layers: _Layers) -> CheckResult:
    """Each policy_labels row: its practice_ids are exactly the policy's labelling practices
    that give the answer in the hub's terms, and its status follows from their polarity
    (does / does_not / mixed / silent)."""
    hub = schemes.hub
    questions = hub.questions
    in_hub = _in_hub(schemes)
    practices = frames["practices"].set_index("practice_id")
    labels = frames["policy_labels"]
    columns = {c: as_list(labels[c]) for c in labels.columns}
    rows = list(zip(columns["policy_id"], columns["question"], columns["answer"], strict=True))
    policy_ids = as_list(frames["policies"]["policy_id"])
    expected_keys = {
        (p, q.id, v.id) for p in policy_ids for q in questions.questions for v in answers(hub, q)
    }
    failed = [
        f"{p} {q}={a}: " + ("missing" if (p, q, a) in expected_keys else "no such answer")
        for p, q, a in sorted(expected_keys.symmetric_difference(rows), key=str)
    ]
    layer_of, unsound = {}, set()
    for i, (policy_id, _, _) in enumerate(rows):
        layer = None if is_missing(columns["layer"][i]) else columns["layer"][i]
        if layer_of.setdefault(policy_id, layer) != layer or policy_id in unsound:
            continue
        problem = layers.problem(policy_id, layer, columns["n_annotators"][i])
        if problem:
            failed.append(f"{policy_id}: {problem}")
            unsound.add(policy_id)
    # What each labelling practice states in the hub's terms, from what its annotator wrote.
    own = {
        c: dict(zip(as_list(practices.index.to_series()), as_list(practices[c]), strict=True))
        for c in ("policy_id", "annotator", "scheme", "category")
    }
    stated: dict[str, dict[tuple[str, str], set[str]]] = {}  # practice -> (cat, attr) -> values
    for practice_id, values in _published(frames, written_only=True).items():
        annotator = own["annotator"].get(practice_id)
        layer = layer_of.get(own["policy_id"].get(practice_id))
        if annotator != layer if layer is not None else annotator in (None, CONSOLIDATED):
            continue  # not a practice of the policy's labelling layer
        for attribute, written in values.items():
            for value in written:
                key = (own["scheme"][practice_id], own["category"][practice_id], attribute, value)
                for category, hub_attribute, hub_value, _ in in_hub.get(key, ()):
                    found = stated.setdefault(practice_id, {})
                    found.setdefault((category, hub_attribute), set()).add(hub_value)
    negative = {
        p
        for p, found in stated.items()
        if any("does_not" in v for (_, a), v in found.items() if a == questions.polarity)
    }
    supporting: dict[tuple[str, str, str], set[str]] = {}
    for q in questions.questions:
        for practice_id, found in stated.items():
            for slot in q.slots:
                for value in found.get(slot, ()):
                    key = (own["policy_id"][practice_id], q.id, value)
                    supporting.setdefault(key, set()).add(practice_id)
    negatable = {q.id: q.is_negatable for q in questions.questions}
    for i, (policy_id, question_id, answer) in enumerate(rows):
        if policy_id in unsound or (policy_id, question_id, answer) not in expected_keys:
            continue
        where = f"{policy_id} {question_id}={answer}"
        ids = supporting.get((policy_id, question_id, answer), _NONE)
        given = columns["practice_ids"][i]
        given = set() if is_missing(given) else set(given.split(" "))
        polarity = frozenset(negatable[question_id] and p in negative for p in ids)
        want = (
            _STATUS_OF_POLARITY.get(polarity, "mixed")
            if policy_id in layers.annotators
            else NO_ANNOTATIONS
        )
        scheme = None if is_missing(columns["scheme"][i]) else columns["scheme"][i]
        if given != ids:
            unknown = sorted(given - set(practices.index))
            failed.append(
                f"{where}: unknown practice(s) {' '.join(unknown)}"
                if unknown
                else f"{where}: practice_ids expected {' '.join(sorted(ids)) or 'none'}"
            )
        elif columns["status"][i] != want:
            failed.append(f"{where}: is {columns['status'][i]}, expected {want}")
        elif scheme != layers.scheme_of.get(policy_id):
            failed.append(
                f"{where}: scheme is {scheme}, expected {layers.scheme_of.get(policy_id)}"
            )
    return outcome(
        "policy_labels",
        "labels_match_practices",
        "one row per question and answer; n_annotators, layer, scheme, status, practice_ids",
        len(labels),
        failed,
    )
