"""policy_labels answers each question of the hub from the practices of the policy's layer."""

from privacy_labels.contract.layers import CONSOLIDATED
from privacy_labels.contract.scheme_set import SchemeSet, answers
from privacy_labels.quality.checks import PART, Check, Found
from privacy_labels.quality.derived import (
    NO_ANNOTATIONS,
    NONE,
    STATUS_OF_POLARITY,
    in_hub,
    layers_of,
    published,
)
from privacy_labels.quality.frames import as_list, is_missing


def _rows(frames, schemes: SchemeSet) -> Found:
    """Each policy_labels row: its practice_ids are exactly the policy's labelling practices
    that give the answer in the hub's terms, and its status follows from their polarity
    (does / does_not / mixed / silent)."""
    layers = layers_of(frames)
    hub = schemes.hub
    questions = hub.questions
    hub_places = in_hub(schemes)
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
    for practice_id, values in published(frames, written_only=True).items():
        annotator = own["annotator"].get(practice_id)
        layer = layer_of.get(own["policy_id"].get(practice_id))
        if annotator != layer if layer is not None else annotator in (None, CONSOLIDATED):
            continue  # not a practice of the policy's labelling layer
        for attribute, written in values.items():
            for value in written:  # several for a value set
                key = (own["scheme"][practice_id], own["category"][practice_id], attribute, value)
                for category, hub_attribute, hub_value, _ in hub_places.get(key, ()):
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
        ids = supporting.get((policy_id, question_id, answer), NONE)
        given = columns["practice_ids"][i]
        given = set() if is_missing(given) else set(given.split(" "))
        polarity = frozenset(negatable[question_id] and p in negative for p in ids)
        want = (
            STATUS_OF_POLARITY.get(polarity, "mixed")
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
    return len(labels), failed


CHECK = Check(
    "labels_match_practices",
    "policy_labels",
    "one row per question and answer; n_annotators, layer, scheme, status, practice_ids",
    ("policy_labels", "policies", "practices", "attribute_values", "annotations"),
    PART,
    _rows,
)
