"""Score one annotation layer against another, or a model's predictions against a layer.

    privacy-labels score REFERENCE CANDIDATE [--labels 12] [--gold majority] [--split plue:test]

A layer is a folder of built tables (per policy, its labelling layer, the
consolidated one by default, as in `segment_labels`; else all its annotators but
the consolidated layer, by the gold rule), or an annotator id in
the tables of `--labeled`; the candidate may also be a predictions file
(`schema/predictions.schema.json`). Scores are over the segments both cover: a
layer covers every segment of the policies it annotated (an annotation document
of the policy), a predictions file the segments it lists.

Labels: a label set of the scheme scored (`--scheme`, needed when the tables hold
several; its label_sets.json). `--labels` names the set, by default the scheme's last,
the finest it defines. For opp115, `--labels 10`: its categories; `--labels 12`: the
nine categories other than Other, and Other's types introductory_generic,
practice_not_covered and privacy_contact_information (a practice of Other whose
type is `other` gives no label), as Polisis and PrivacyGLUE use. A practice has a
label when its category and published values match it (a value set, one of its
values). A segment has a
label in a layer of n annotators when a majority (more than n/2, `--gold
majority`) or any (`--gold any`) of the policy's annotators gave it; the same
rule makes the candidate's labels, which for one annotator or a model is simply
what it gave.

Figures, with TP, FP and FN counted over segments:

- per label: P = TP/(TP+FP), R = TP/(TP+FN), F1 = 2TP/(2TP+FP+FN), support =
  TP+FN; a 0/0 is undefined (null, printed n/a).
- micro: the same from TP, FP and FN summed over the labels.
- macro: the mean over the labels with support (undefined P counts as 0);
  labels without support are listed but not averaged.
- attribute values: on the (segment, category) pairs both layers label, the (attribute,
  value) pairs each gives there (same gold rule; as published, defaults filled; each value
  of a value set a pair), as TP/FP/FN.
- spans: per (segment, category), the word tokens (`\\w+`) the layer's evidence
  spans of that category overlap; TP/FP/FN over tokens.

Predictions files carry no attributes or spans: those two figures are then null.
The segment-level micro F1 of two single annotators is the pairwise F1 that
`agreement` prints: both count with `outputs.metrics`.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from privacy_labels.contract.schemes import Scheme
from privacy_labels.contract.splits import ALL
from privacy_labels.contract.views import is_labelling, is_majority
from privacy_labels.errors import PrivacyLabelsError
from privacy_labels.outputs.metrics import Counts, compare, figure, macro, micro
from privacy_labels.outputs.predictions import Predictions, implied, label_set_of, labels_of
from privacy_labels.outputs.selection import described
from privacy_labels.raw.problems import Problem
from privacy_labels.store import read_rows, schemes_of

GOLD_RULES = ("majority", "any")
TOKEN = re.compile(r"\w+")

Segment = tuple[str, int]  # (policy_id, segment_id)


class ScoreError(PrivacyLabelsError):
    """Scoring cannot go on; the message names the input and the fix."""

    def __init__(self, message: str, problems: list[Problem] | None = None):
        super().__init__(message)
        self.problems = problems or []


@dataclass
class Layer:
    """What one layer says per segment, with how many of its annotators said it."""

    name: str
    n_annotators: dict[str, int]  # policy_id -> annotators (1 for predictions)
    segments: set[Segment]  # covered
    text_sha256: dict[str, str]  # policy_id -> sha256 of the text
    labels: dict[Segment, Counter] = field(default_factory=dict)  # label -> annotators
    # (segment, category) -> {(attribute, value): annotators}; None for predictions
    values: dict[tuple[str, int, str], Counter] | None = None
    # (segment, category) -> {token start: annotators}; None for predictions
    tokens: dict[tuple[str, int, str], Counter] | None = None
    folder: Path | None = None  # the tables it comes from
    label_set: str | None = None  # a predictions file's label set
    scheme: Scheme | None = None  # the scheme of its labels


def _labelling_documents(folder: Path, documents: list[dict]) -> list[dict]:
    """Per policy, the documents its labels come from, as the tables' `policy_labels` say:
    its labelling layer (`layer`: the consolidated one by default, or the one `build --layer`
    named), else every annotator but the consolidated layer, which is never a vote."""
    rows = read_rows(folder, "policy_labels", columns=["policy_id", "layer"])
    layer_of = {row["policy_id"]: row["layer"] for row in rows}
    return [d for d in documents if is_labelling(d["annotator"], layer_of.get(d["policy_id"]))]


def scored_scheme(folder: Path, scheme: str | None = None) -> Scheme:
    """The scheme whose labels are scored: `scheme`, else the one the tables' annotations are
    in; ScoreError naming them when they are in several."""
    schemes = schemes_of(folder)
    held = sorted({row["scheme"] for row in read_rows(folder, "annotations", ["scheme"])})
    if scheme is None and len(held) > 1:
        raise ScoreError(
            f"{folder}: the annotations are in the schemes {', '.join(held)}; choose one with "
            "--scheme"
        )
    chosen = scheme or (held[0] if held else schemes.hub.id)
    if schemes.get(chosen) is None:
        raise ScoreError(
            f"{folder}: no scheme {chosen!r}; its schemes are {', '.join(schemes.ids)}"
        )
    return schemes[chosen]


def table_layer(
    folder: Path,
    annotator: str | None = None,
    *,
    with_details: bool = True,
    scheme: Scheme | None = None,
) -> Layer:
    """A layer from built tables, of the practices in `scheme` (by default the tables' one):
    their labels, or one annotator's. Their labels are, per policy, its labelling layer's
    (the `layer` of `policy_labels`), else the votes of all its annotators; a practice's labels
    those of every label set of the scheme it matches. Without details, only the labels
    (attribute values and span tokens are left as None).
    """
    folder = Path(folder)
    scheme = scheme or scored_scheme(folder)
    documents = read_rows(folder, "annotations", ["policy_id", "annotator", "scheme"])
    documents = [d for d in documents if d["scheme"] == scheme.id]
    if annotator is not None:
        documents = [d for d in documents if d["annotator"] == annotator]
        if not documents:
            known = sorted(
                {d["annotator"] for d in read_rows(folder, "annotations", ["annotator"])}
            )
            raise ScoreError(
                f"{folder}: no annotation by {annotator!r}; its annotators are: "
                + (", ".join(known) or "none")
            )
    else:
        documents = _labelling_documents(folder, documents)
    annotators = {(d["policy_id"], d["annotator"]) for d in documents}
    n_annotators = Counter(policy_id for policy_id, _ in annotators)
    policies = {
        row["policy_id"]: row
        for row in read_rows(
            folder, "policies", ["policy_id", "text_sha256", *(["text"] if with_details else [])]
        )
        if row["policy_id"] in n_annotators
    }
    bounds: dict[Segment, tuple[int, int]] = {
        (row["policy_id"], row["segment_id"]): (row["start"], row["end"])
        for row in read_rows(folder, "segments", ["policy_id", "segment_id", "start", "end"])
        if row["policy_id"] in n_annotators
    }
    practices = {
        row["practice_id"]: row
        for row in read_rows(
            folder, "practices", ["practice_id", "policy_id", "segment_id", "annotator", "category"]
        )
        if (row["policy_id"], row["annotator"]) in annotators
    }
    # What the labels match on: each attribute's values (several for a value set).
    published: dict[str, dict[str, tuple[str, ...]]] = defaultdict(dict)
    values: dict[tuple, set[str]] = defaultdict(set)  # item -> annotators who gave it
    spans: dict[str, list[tuple[int, int]]] = defaultdict(list)
    columns = ["practice_id", "attribute", "value", "span_start", "span_end"]
    matched = sorted(
        {a for labels in scheme.label_sets.values() for x in labels for a in x.attributes}
    )
    filters = None if with_details else [("attribute", "in", matched)]
    # Labels of categories alone (mapp's) match on no attribute: then none is read.
    needed = with_details or matched
    for row in read_rows(folder, "attribute_values", columns, filters) if needed else []:
        practice = practices.get(row["practice_id"])
        if practice is None:
            continue
        given = published[row["practice_id"]]
        given[row["attribute"]] = (*given.get(row["attribute"], ()), row["value"])
        key = (practice["policy_id"], practice["segment_id"], practice["category"])
        values[(*key, row["attribute"], row["value"])].add(practice["annotator"])
        if row["span_start"] is not None:
            spans[row["practice_id"]].append((row["span_start"], row["span_end"]))

    token_starts, token_ends = {}, {}
    for segment, (start, end) in bounds.items() if with_details else ():
        text = policies[segment[0]]["text"]
        found = [(m.start(), m.end()) for m in TOKEN.finditer(text, start, end)]
        token_starts[segment] = [s for s, _ in found]
        token_ends[segment] = [e for _, e in found]

    labels: dict[tuple, set[str]] = defaultdict(set)
    tokens: dict[tuple, set[str]] = defaultdict(set)
    for practice_id, practice in practices.items():
        segment = (practice["policy_id"], practice["segment_id"])
        category = practice["category"]
        given = {
            label
            for label_set in scheme.label_sets
            for label in scheme.labels(label_set, category, published[practice_id])
        }
        for label in given:
            labels[(*segment, label)].add(practice["annotator"])
        starts, ends = token_starts.get(segment, []), token_ends.get(segment, [])
        for span_start, span_end in spans.get(practice_id, ()):
            # tokens that overlap the span: ending after its start, starting before its end
            for k in range(bisect_right(ends, span_start), bisect_left(starts, span_end)):
                tokens[(*segment, category, starts[k])].add(practice["annotator"])

    layer = Layer(
        str(folder) if annotator is None else f"{annotator} in {folder}",
        dict(n_annotators),
        set(bounds),
        {p: row["text_sha256"] for p, row in policies.items()},
        folder=folder,
        scheme=scheme,
    )
    for (policy_id, segment_id, label), who in labels.items():
        layer.labels.setdefault((policy_id, segment_id), Counter())[label] = len(who)
    if not with_details:
        return layer
    layer.values, layer.tokens = defaultdict(Counter), defaultdict(Counter)
    for (policy_id, segment_id, category, attribute, value), who in values.items():
        layer.values[policy_id, segment_id, category][attribute, value] = len(who)
    for (policy_id, segment_id, category, start), who in tokens.items():
        layer.tokens[policy_id, segment_id, category][start] = len(who)
    return layer


def predictions_layer(predictions: Predictions) -> Layer:
    """A layer from a checked predictions file: one annotator, the model. A label gives the
    labels of the scheme's other sets it implies (Other of a type is Other)."""
    s = predictions.scheme
    layer = Layer(
        predictions.file,
        dict.fromkeys(predictions.policies, 1),
        set(predictions.segments),
        dict(predictions.policies),
        label_set=predictions.label_set,
        scheme=s,
    )
    own = {label.id: label for label in label_set_of(s, predictions.label_set)[1]}
    for segment, labels in predictions.segments.items():
        given = set(labels)
        for label in labels:
            for other in s.label_sets.values():
                given.update(implied(own[label], other))
        layer.labels[segment] = Counter(dict.fromkeys(given, 1))
    return layer


def require_same_texts(reference: Layer, candidate: Layer, predictions: Predictions | None) -> None:
    """A predictions file must be about the reference's texts and segments."""
    if predictions is None:
        return
    problems = []
    for policy_id, sha256 in sorted(predictions.policies.items()):
        if policy_id in reference.text_sha256 and reference.text_sha256[policy_id] != sha256:
            problems.append(
                Problem(
                    predictions.file,
                    f"$.policies.{policy_id}",
                    f"predictions were made on another text of {policy_id} than {reference.name}'s",
                    "predict again from the raw corpus the reference was built from",
                )
            )
    for segment, where in predictions.where.items():
        if segment[0] in reference.n_annotators and segment not in reference.segments:
            problems.append(
                Problem(
                    predictions.file,
                    where + ".segment_id",
                    f"{segment[0]} has no segment {segment[1]} in {reference.name}",
                    "predict again from the raw corpus the reference was built from",
                )
            )
    if problems:
        raise ScoreError(f"{len(problems)} problem(s) in {predictions.file}", problems)


def kept(counts: Counter, n_annotators: int, gold: str) -> set:
    """The items of a counter that the gold rule keeps, for a policy of n annotators."""
    if gold == "any":
        return {item for item, n in counts.items() if n > 0}
    return {item for item, n in counts.items() if is_majority(n, n_annotators)}


@dataclass(frozen=True)
class Score:
    reference: str
    candidate: str
    label_set: str
    gold: str
    split: str  # NAME:PART, or all
    language: str | None  # of the policies scored; None: any
    n_policies: int
    n_segments: int
    labels: dict[str, Counts]
    attributes: dict[str, Counts] | None  # per attribute, on matched (segment, category)
    n_matched_pairs: int | None
    spans: dict[str, Counts] | None  # tokens, per category

    @property
    def micro(self) -> Counts:
        return micro(self.labels.values())

    @property
    def macro(self) -> dict:
        return macro(self.labels.values())

    def to_dict(self) -> dict:
        def total(per: dict[str, Counts] | None) -> dict | None:
            return None if per is None else micro(per.values()).to_dict()

        return {
            "reference": self.reference,
            "candidate": self.candidate,
            "label_set": self.label_set,
            "gold": self.gold,
            "split": self.split,
            "language": self.language,
            "n_policies": self.n_policies,
            "n_segments": self.n_segments,
            "labels": [{"label": k, **c.to_dict()} for k, c in self.labels.items()],
            "micro": self.micro.to_dict(),
            "macro": self.macro,
            "attribute_values": None
            if self.attributes is None
            else {
                "n_matched_pairs": self.n_matched_pairs,
                "micro": total(self.attributes),
                "attributes": [{"attribute": k, **c.to_dict()} for k, c in self.attributes.items()],
            },
            "span_tokens": None
            if self.spans is None
            else {
                "micro": total(self.spans),
                "categories": [{"category": k, **c.to_dict()} for k, c in self.spans.items()],
            },
        }


def default_label_set(s: Scheme) -> str:
    """The label set scored when none is named: the scheme's last, the finest it defines."""
    if not s.label_sets:
        raise ScoreError(f"scheme {s.id} has no label set to score")
    return list(s.label_sets)[-1]


def score(
    reference: Layer,
    candidate: Layer,
    *,
    scheme: Scheme,
    label_set: str | None = None,
    gold: str = "majority",
    split: str = ALL,
    language: str | None = None,
    chosen: set[str] | None = None,
) -> Score:
    """Score `candidate` against `reference` over the segments both cover of the policies
    `chosen` (by default all; `split` and `language` say which, see `outputs/selection.py`),
    on a label set of `scheme` (by default its last)."""
    label_set = label_set or default_label_set(scheme)
    wanted = labels_of(scheme, label_set)  # UnknownLabelSet names the scheme's sets
    if gold not in GOLD_RULES:
        raise ValueError(f"unknown gold rule: {gold}")
    for layer in (reference, candidate):
        if layer.scheme is not None and layer.scheme != scheme:
            raise ScoreError(
                f"{layer.name} is in scheme {layer.scheme}, not {scheme}; score layers of one scheme"
            )
        given_set = layer.label_set
        if given_set not in (None, label_set) and not all(
            implied(label, scheme.label_sets[label_set]) for label in scheme.label_sets[given_set]
        ):
            raise ScoreError(
                f"{layer.name} has {given_set}-label predictions, whose labels do not all give "
                f"labels of the {label_set}-label set; score them with --labels {given_set}"
            )
    segments = reference.segments & candidate.segments
    if chosen is not None:
        segments = {s for s in segments if s[0] in chosen}
    if not segments:
        where = "" if chosen is None else f" in {described(split, language)}"
        hint = " (with few policies a part may hold none of theirs: try --split all)"
        raise ScoreError(
            f"no segment{where} is covered by both {reference.name} and {candidate.name}"
            + (hint if where else "")
        )
    per_label = dict.fromkeys(wanted, Counts())
    for segment in sorted(segments):
        gold_labels = kept(
            reference.labels.get(segment, Counter()), reference.n_annotators[segment[0]], gold
        )
        given = kept(
            candidate.labels.get(segment, Counter()), candidate.n_annotators[segment[0]], gold
        )
        for label in wanted:
            per_label[label] += compare(
                {label} & gold_labels,
                {label} & given,
            )

    attributes = spans = None
    n_matched = None
    categories = scheme.category_ids
    if reference.values is not None and candidate.values is not None:
        attributes, n_matched = {}, 0
        for segment in sorted(segments):
            n_ref, n_cand = reference.n_annotators[segment[0]], candidate.n_annotators[segment[0]]
            ref_categories = kept(reference.labels.get(segment, Counter()), n_ref, gold)
            cand_categories = kept(candidate.labels.get(segment, Counter()), n_cand, gold)
            for category in categories:
                if category not in ref_categories or category not in cand_categories:
                    continue
                n_matched += 1
                key = (*segment, category)
                ref_values = kept(reference.values.get(key, Counter()), n_ref, gold)
                cand_values = kept(candidate.values.get(key, Counter()), n_cand, gold)
                for attribute in {a for a, _ in ref_values | cand_values}:
                    counts = compare(
                        {v for v in ref_values if v[0] == attribute},
                        {v for v in cand_values if v[0] == attribute},
                    )
                    attributes[attribute] = attributes.get(attribute, Counts()) + counts
        order = {a: i for i, a in enumerate(scheme.attribute_ids)}
        attributes = dict(sorted(attributes.items(), key=lambda item: order[item[0]]))
    if reference.tokens is not None and candidate.tokens is not None:
        spans = dict.fromkeys(categories, Counts())
        for segment in sorted(segments):
            n_ref, n_cand = reference.n_annotators[segment[0]], candidate.n_annotators[segment[0]]
            for category in categories:
                key = (*segment, category)
                spans[category] += compare(
                    kept(reference.tokens.get(key, Counter()), n_ref, gold),
                    kept(candidate.tokens.get(key, Counter()), n_cand, gold),
                )
    return Score(
        reference.name,
        candidate.name,
        label_set,
        gold,
        split,
        language,
        len({p for p, _ in segments}),
        len(segments),
        per_label,
        attributes,
        n_matched,
        spans,
    )


def _row(name: str, c: Counts) -> str:
    return (
        f"{name:<38} {figure(c.precision):>6} {figure(c.recall):>6} {figure(c.f1):>6} "
        f"{c.support:>8,} {c.predicted:>9,}"
    )


def table(result: Score) -> str:
    """The result as plain text, for the terminal."""
    lines = [
        f"{result.candidate} against {result.reference}",
        f"{result.label_set} labels, gold: {result.gold}, split: {result.split}"
        + (f", language: {result.language}" if result.language else "")
        + "; "
        f"{result.n_segments:,} segments of {result.n_policies:,} "
        + ("policy" if result.n_policies == 1 else "policies"),
        "",
        f"{'label':<38} {'P':>6} {'R':>6} {'F1':>6} {'support':>8} {'predicted':>9}",
    ]
    means = result.macro
    lines += [_row(label, c) for label, c in [*result.labels.items(), ("micro", result.micro)]]
    lines.append(
        f"{'macro (' + str(means['n_labels']) + ' labels with support)':<38} "
        f"{figure(means['precision']):>6} {figure(means['recall']):>6} {figure(means['f1']):>6}"
    )
    if any(c.f1 is None or c.precision is None for c in result.labels.values()):
        lines.append("(n/a: 0/0, the label is in neither layer, or P of a label never given)")
    lines.append("")
    for what, per, absent in (
        (
            f"attribute values on {result.n_matched_pairs or 0:,} matched (segment, category) "
            "pairs",
            result.attributes,
            "attribute values: n/a (the candidate has none)",
        ),
        ("span tokens", result.spans, "span tokens: n/a (the candidate has no spans)"),
    ):
        if per is None:
            lines.append(absent)
        else:
            total = micro(per.values())
            lines.append(
                f"{what}: P {figure(total.precision)}  R {figure(total.recall)}  "
                f"F1 {figure(total.f1)}"
            )
    return "\n".join(lines)


def annotator_layers(folder: Path) -> dict[str, Layer]:
    """One label-only layer per annotator of the tables in `folder`, read in one pass:
    for pairwise agreement, which scores them against each other with `score`.
    """
    folder = Path(folder)
    annotated: dict[str, set[str]] = defaultdict(set)
    for row in read_rows(folder, "annotations", ["policy_id", "annotator"]):
        annotated[row["annotator"]].add(row["policy_id"])
    segments: dict[str, set[Segment]] = defaultdict(set)
    for row in read_rows(folder, "segments", ["policy_id", "segment_id"]):
        segments[row["policy_id"]].add((row["policy_id"], row["segment_id"]))
    layers = {
        annotator: Layer(
            annotator,
            dict.fromkeys(policies, 1),
            set().union(*(segments[p] for p in policies)),
            {},
        )
        for annotator, policies in sorted(annotated.items())
    }
    for row in read_rows(folder, "practices", ["policy_id", "segment_id", "annotator", "category"]):
        labels = layers[row["annotator"]].labels.setdefault(
            (row["policy_id"], row["segment_id"]), Counter()
        )
        labels[row["category"]] = 1
    return layers
