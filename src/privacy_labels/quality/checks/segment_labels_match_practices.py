"""segment_labels holds, for each segment, what its practices give each label of the scheme."""

from privacy_labels.contract.layers import CONSOLIDATED
from privacy_labels.contract.scheme_set import SchemeSet
from privacy_labels.quality.checks import PART, Check, Found
from privacy_labels.quality.derived import NONE, layers_of, published
from privacy_labels.quality.frames import as_list, is_missing


def _rows(frames, schemes: SchemeSet) -> Found:
    """Each segment of an annotated policy has one row per label of its scheme's first label
    set, counting the annotators whose practice there matches the label (its category, and
    each attribute the label names among the values it allows, defaults filled in)."""
    layers = layers_of(frames)
    published_values = published(frames, written_only=False)
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
        values = published_values.get(practice_id, {})
        # (a scheme outside the build has no labels here: the places expectation names it)
        for label in labels_of.get((scheme_id, category), ()):
            # a value set meets a label when one of its values is allowed
            if all(values.get(a, set()) & set(allowed) for a, allowed in label.attributes.items()):
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
        who = given.get((policy_id, segment_id, label), NONE)
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
    return len(labels), failed


CHECK = Check(
    "labels_match_practices",
    "segment_labels",
    "one row per label; n_annotators, layer, n_labeled, share_labeled, is_majority, has_label",
    ("segment_labels", "segments", "practices", "attribute_values", "annotations"),
    PART,
    _rows,
)
