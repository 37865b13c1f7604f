"""Adjudicate the annotation layers of a policy into the consolidated layer, decision by decision.

    privacy-labels adjudicate [POLICY_ID ...] [--raw data/raw] [--layers A,B[,...]] [--check] [--format json]

**The rule.** The unit is the label, a (segment, category) pair, as in
`agreement`. Of n layers (two or more; the first is the *base* layer), what
**more than half** of them give is kept, and the rest is a disagreement:

- a label more than half of the layers give is kept; any other is a disagreement.
- the practices of a kept label are grouped across the layers: each layer's
  practices not yet grouped, in layer order, are matched one to one by
  attribute overlap (`privacy_labels.contract.layers.match`) with each later
  layer's. A group of more than half of the layers becomes one consolidated
  practice: its first practice (the *anchor*), with its spans, where the group
  agrees; an attribute on which it differs takes the value more than half of
  the layers give, with the span of the earliest practice that gave it, and
  **an attribute no value has a majority for** is a disagreement. A practice
  in a smaller group (with two layers: **left without a partner**) is a
  disagreement too.

With two layers this is: a label both give is agreed, their practices paired,
each differing attribute, each unpaired practice and each one-sided label a
disagreement.

Every disagreement needs exactly one entry with a decision in the adjudication
log `data/raw/adjudication/<policy_id>.json` (schema/adjudication.schema.json):
a label is kept (true, with the practices of the first layer that gives it,
unchanged) or dropped (false), as is a practice (as its anchor's layer wrote
it); an attribute takes the decided value, with the span of a layer that gave
that value (none if none did),
or is left out (null, optional attributes only). Each decision names its rule
(`text`, `guidelines` or `judgment`) and may say why in a note.

**The command**, per policy with two or more layers (the annotators of the
policy but `consolidated`, in alphabetical order, or `--layers`):

- without a log, it writes one as a template: the disagreements without
  decisions, to be filled in; a template nobody has added to yet is written
  again when the layers change;
- with a log, it checks it: each entry must match a disagreement of the layers
  as they are now (same place, same readings), once, with a valid decision; the
  log must say who decided and when. Every problem is reported with the file
  and JSON path. When there is none, it writes
  `data/raw/annotations/<policy_id>/consolidated.json`, a layer like any other
  (validated, and built into the tables by `build`), with `provenance`
  `annotator_kind: adjudication` and a `process` naming the layers, the rule
  and the log. Consolidated practices are numbered
  `<policy_id>-consolidated-NNN` and keep the practice they come from as
  `source_id`.

It writes only where nothing is, or over its own earlier consolidated layer,
recognised by its sha256 in `adjudication/.consolidated-sha256.json`: a hand
edit is refused, as a change belongs in the log.
`--check` writes nothing and fails when a log is missing or incomplete or a
consolidated layer is not what the layers and the log give now.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from privacy_labels._files import sha256_bytes, write_text_atomic
from privacy_labels._json import dump_json
from privacy_labels.contract.layers import (
    CONSOLIDATED,
    LayerPractice,
    independent,
)
from privacy_labels.contract.schema import schema_version
from privacy_labels.contract.schemes import Scheme
from privacy_labels.errors import UsageError
from privacy_labels.raw.adjudication_log import decisions_of, entry_index, log_problems
from privacy_labels.raw.corpus import RawCorpus
from privacy_labels.raw.disagreements import Comparison, compare_layers
from privacy_labels.raw.documents import annotation_document, make_practice, make_provenance
from privacy_labels.raw.jsonio import read_json
from privacy_labels.raw.problems import Problem, json_path
from privacy_labels.raw.schemes import corpus_schemes
from privacy_labels.raw.validate import Validator

# Recognises a consolidated layer as this command's own output.
PROCESS_MARK = "privacy-labels adjudicate"
# In RAW/adjudication/: the sha256 of each consolidated layer as adjudicate wrote it, so that
# a hand edit is refused rather than overwritten (a dot file: builds do not read it as input).
WRITTEN = ".consolidated-sha256.json"
TEMPLATE_FIELDS = {"schema_version", "policy_id", "layers", "entries"}
ENTRY_FIELDS = {"kind", "segment_id", "category", "attribute", "practice_ids", "readings"}


HINT = "adjudicate decides between practices, not value sets: leave this layer out (--layers)"


class AdjudicationError(UsageError):
    """A request that cannot be carried out (an unknown policy, bad --layers); exit 2."""


@dataclass
class PolicyResult:
    policy_id: str
    status: str  # consolidated | unchanged | template | open | invalid | stale | skipped
    message: str
    layers: list[str] = field(default_factory=list)
    n_disagreements: int = 0
    n_decided: int = 0
    open: list[dict] = field(default_factory=list)  # entries still to decide
    problems: list[Problem] = field(default_factory=list)

    @property
    def is_done(self) -> bool:
        return self.status in ("consolidated", "unchanged", "skipped")

    def to_dict(self) -> dict:
        data = asdict(self)
        data["problems"] = [p.to_dict() for p in self.problems]
        return data


def adjudicate(
    raw: Path,
    policy_ids: list[str] | None = None,
    layers: list[str] | None = None,
    *,
    verify_only: bool = False,
) -> list[PolicyResult]:
    """Adjudicate the policies of the raw corpus at `raw` (all, or `policy_ids`);
    `verify_only` (the command's --check) writes nothing and reports what is not up to date."""
    corpus = RawCorpus(Path(raw))
    if not corpus.policies_dir.is_dir():
        raise AdjudicationError(f"{raw}: not a raw corpus (no policies/ folder); give --raw")
    if layers is not None and len(layers) < 2:
        raise AdjudicationError(f"--layers {','.join(layers)}: adjudication takes two or more")
    known = corpus.policy_ids()
    unknown = [p for p in policy_ids or [] if p not in known]
    if unknown:
        raise AdjudicationError(f"{raw}: no policy {', '.join(unknown)}")
    return [_policy(corpus, pid, layers, verify_only) for pid in policy_ids or known]


def _read_layers(
    corpus: RawCorpus, policy_id: str, names: list[str]
) -> tuple[dict[str, dict], list[Problem]]:
    """The layers' documents, once they are valid and hold no value set (labels a source
    consolidated, e.g. MAPP's: there is nothing to decide between)."""
    validator = Validator(default_raw=corpus.root)
    documents = {}
    for name in names:
        validator.validate_file(corpus.annotation_path(policy_id, name))
        documents[name] = read_json(corpus.annotation_path(policy_id, name))[0]
    return documents, validator.problems or [
        Problem(str(corpus.annotation_path(policy_id, n)), "$.practices", "holds value sets", HINT)
        for n, doc in documents.items()
        if any(p.get("is_value_set") for p in doc["practices"])
    ]


def _layer_practices(document: dict, scheme: Scheme) -> list[LayerPractice]:
    return [
        LayerPractice(
            p["practice_id"],
            p["segment_id"],
            p["category"],
            {a: chosen["value"] for a, chosen in p["attributes"].items()},
            scheme,
        )
        for p in document["practices"]
    ]


def _policy(
    corpus: RawCorpus, policy_id: str, requested: list[str] | None, verify_only: bool
) -> PolicyResult:
    log_path = corpus.adjudication_path(policy_id)
    annotators = [p.stem for p in corpus.annotation_paths(policy_id)]
    log, log_faults = None, []
    if log_path.exists():
        log, problem = read_json(log_path)
        if problem:
            return PolicyResult(policy_id, "invalid", "the log cannot be read", problems=[problem])
        log_faults = log_problems(log_path, log, policy_id)
        if any(entry_index(p) is None for p in log_faults):
            return PolicyResult(
                policy_id,
                "invalid",
                "the log is invalid",
                problems=log_faults + _header_problems(log_path, log),
            )
        names = list(log["layers"])
        if _is_template(log) and not log_faults:
            names, log = requested or independent(annotators), None  # holds no decision yet
        elif requested and requested != names:
            return PolicyResult(
                policy_id,
                "invalid",
                f"--layers {','.join(requested)} differs from the log's layers {','.join(names)}",
                names,
                problems=[
                    Problem(
                        str(log_path),
                        "$.layers",
                        f"the log adjudicates {', '.join(names)}, not {', '.join(requested)}",
                        "drop --layers, or move the log away to adjudicate other layers",
                    )
                ],
            )
    else:
        names = requested or independent(annotators)
    missing = [n for n in names if n not in annotators]
    if requested is None and log is None and len(names) < 2:
        return PolicyResult(
            policy_id,
            "skipped",
            f"{len(names)} layer(s) ({', '.join(names) or 'none'}); adjudication needs two or more",
            names,
        )
    if missing:
        where = str(log_path) if log is not None else "--layers"
        return PolicyResult(
            policy_id,
            "invalid",
            f"no layer {', '.join(missing)} in {corpus.annotations_dir / policy_id}",
            names,
            problems=[
                Problem(
                    where,
                    "$.layers" if log is not None else "",
                    f"policy {policy_id} has no annotation by {', '.join(missing)}",
                    f"its layers are: {', '.join(annotators) or 'none'}",
                )
            ],
        )
    documents, problems = _read_layers(corpus, policy_id, names)
    if problems:
        return PolicyResult(
            policy_id,
            "invalid",
            "a layer is invalid: fix it first (privacy-labels validate)",
            names,
            problems=problems,
        )
    layers = tuple(names)
    # Valid layers of one policy share one scheme (validate's rule).
    scheme = corpus_schemes(corpus)[0][documents[layers[0]]["scheme"]["id"]]
    comparison = compare_layers(
        layers, {n: _layer_practices(documents[n], scheme) for n in layers}, scheme
    )
    result = PolicyResult(
        policy_id, "open", "", list(layers), n_disagreements=len(comparison.disagreements)
    )
    if log is None:
        result.open = [d.entry() for d in comparison.disagreements]
        if verify_only:
            result.message = f"no adjudication log {log_path}"
            return result
        template = dump_json(
            {
                "schema_version": schema_version(),
                "policy_id": policy_id,
                "layers": list(layers),
                "entries": result.open,
            }
        )
        earlier = log_path.read_text(encoding="utf-8") if log_path.exists() else None
        if earlier == template:
            result.message = f"none of the {len(result.open)} disagreement(s) has a decision"
            return result
        write_text_atomic(log_path, template)
        result.status = "template"
        result.message = (
            f"{'refreshed' if earlier else 'wrote'} {log_path}"
            + (" (the layers changed since it was written)" if earlier else "")
            + f" with {len(result.open)} disagreement(s) to decide: give each entry "
            "a decision and a rule, and the log an adjudicator and adjudicated_date"
        )
        return result
    skipped = {entry_index(p) for p in log_faults}  # entries at fault against the schema
    decisions, entry_problems, result.open = decisions_of(log_path, log, comparison, skipped)
    result.n_decided = len(decisions)
    header = _header_problems(log_path, log)
    if log_faults or entry_problems:
        result.status, result.problems = "invalid", log_faults + entry_problems + header
        result.message = f"{len(result.problems)} problem(s) in the log"
        return result
    if result.open or header:
        result.problems = header
        result.message = (
            f"{len(result.open)} of {result.n_disagreements} disagreement(s) have no decision"
            + (f"; the log has {len(header)} problem(s)" if header else "")
        )
        return result
    document, problems = consolidated_document(corpus, log, documents, comparison, decisions)
    if problems:
        result.status, result.problems = "invalid", problems
        result.message = "the consolidated layer would be invalid"
        return result
    result = _write(corpus, document, result, verify_only)
    left_out = [a for a in independent(annotators) if a not in layers]
    if left_out and requested is None:  # the log names its layers; say which it leaves out
        result.message += (
            f"; not in the log's layers, so not consolidated: {', '.join(left_out)} (move the "
            "log away to adjudicate every layer)"
        )
    return result


def consolidated_document(
    corpus: RawCorpus,
    log: dict,
    documents: dict[str, dict],
    comparison: Comparison,
    decisions: dict[tuple, dict],
) -> tuple[dict, list[Problem]]:
    """The consolidated layer the two layers and the log's decisions give, and its problems
    (the validator's, as for any annotation document). The one place such a document is made."""
    policy_id = log["policy_id"]
    originals = {
        p["practice_id"]: p for name in comparison.layers for p in documents[name]["practices"]
    }
    chosen: list[tuple[str, dict]] = []  # (source practice, attributes) in output order

    def decided(kind, label, attribute=None, ids=None) -> dict:
        key = (kind, *label, attribute, tuple(sorted((ids or {}).items())))
        return decisions[key]["decision"]

    for label, by_layer in comparison.practices.items():
        if label not in comparison.groups:
            if decided("label", label):  # the practices of the first layer that gives it
                own = next(own for own in by_layer.values() if own)
                chosen += [
                    (p.practice_id, dict(originals[p.practice_id]["attributes"])) for p in own
                ]
            continue
        groups = comparison.groups[label]
        for group in groups:
            if group.is_kept:
                chosen.append(
                    (
                        group.anchor.practice_id,
                        _attributes(label, group, comparison, originals, decided),
                    )
                )
        for group in groups:
            if not group.is_kept and decided("practice", label, ids=group.practice_ids):
                anchor = group.anchor.practice_id
                chosen.append((anchor, dict(originals[anchor]["attributes"])))
    practices = [
        make_practice(
            f"{policy_id}-{CONSOLIDATED}-{n:03d}",
            originals[source]["segment_id"],
            originals[source]["category"],
            {
                a: attributes[a]
                for a in comparison.scheme.category(originals[source]["category"]).attribute_ids
                if a in attributes
            },
            source_id=source,
        )
        for n, (source, attributes) in enumerate(chosen, start=1)
    ]
    process = _process(comparison, f"adjudication/{policy_id}.json", log["adjudicator"])
    path = corpus.annotation_path(policy_id, CONSOLIDATED)
    problems: list[Problem] = []
    guidelines = log.get("guidelines_version") or _shared(documents, "guidelines_version")
    if guidelines is None:
        problems.append(
            Problem(
                str(corpus.adjudication_path(policy_id)),
                "$.guidelines_version",
                f"the layers {_names(comparison.layers)} do not name one guidelines_version",
                "add guidelines_version to the log: the version of docs/guidelines.md the "
                "decisions followed",
            )
        )
    document = annotation_document(
        policy_id=policy_id,
        annotator=CONSOLIDATED,
        scheme=comparison.scheme.ref,
        text_sha256=documents[comparison.layers[0]]["text_sha256"],
        annotated_date=log["adjudicated_date"],
        method=process,
        guidelines_version=guidelines,
        provenance=make_provenance(
            "adjudication",
            model=log.get("model"),
            process=process,
            is_blind=False,
            is_reviewed=bool(log.get("is_reviewed", False)),
        ),
        practices=practices,
    )
    if problems:
        return document, problems
    validator = Validator(default_raw=corpus.root)
    validator.validate_document(path, document, corpus)
    return document, validator.problems


def _attributes(label, group, comparison: Comparison, originals: dict, decided) -> dict:
    """A kept group's attributes: the anchor's, with each attribute the members differ on set
    to the majority's value or the log's decision, with the span of a member that gave it."""
    anchor = group.anchor
    attributes = dict(originals[anchor.practice_id]["attributes"])
    majority = comparison.majority_values[label, anchor.practice_id]
    category = comparison.scheme.category(label[1])
    for attribute in category.attribute_ids:
        readings = {p.slot_values.get(attribute) for p in group.members.values()}
        if len(readings) == 1:
            continue
        if attribute in majority:
            value = majority[attribute]
        else:
            value = decided("attribute", label, attribute, group.practice_ids)
        if value is None:
            attributes.pop(attribute, None)
            continue
        givers = [
            originals[p.practice_id]["attributes"][attribute]
            for p in group.members.values()
            if p.slot_values.get(attribute) == value
            and attribute in originals[p.practice_id]["attributes"]
        ]
        if givers:
            attributes[attribute] = dict(givers[0])
        elif value == category.attribute(attribute).default:
            attributes.pop(attribute, None)  # left out, as the layers that give it do (R3.4)
        else:
            attributes[attribute] = {"value": value}
    return attributes


def _process(comparison: Comparison, log_file: str, adjudicator: str) -> str:
    """The consolidated layer's `process`: the layers, the rule and the log."""
    n = len(comparison.disagreements)
    if len(comparison.layers) == 2:
        base, other = comparison.layers
        return (
            f"Consolidated by `{PROCESS_MARK}` from the layers {base} (the base layer) and "
            f"{other}, with the decisions of the adjudication log {log_file} by {adjudicator}. "
            f"Labels (segment, category) both layers give are kept, their practices paired by "
            f"attribute overlap, with {base}'s values and spans where the pair agrees; every "
            f"label, unpaired practice and attribute value on which they differ ({n} in all) "
            "takes the log's decision."
        )
    return (
        f"Consolidated by `{PROCESS_MARK}` from the layers {_names(comparison.layers)} (the "
        f"first is the base layer), with the decisions of the adjudication log {log_file} by "
        f"{adjudicator}. Labels (segment, category) more than half of the layers give are "
        "kept, their practices matched by attribute overlap with those of the earliest layer "
        "that gives them; a practice more than half of the layers give is kept with the values "
        "more than half of them give, and the earliest layer's spans; every label, practice "
        f"and attribute value no majority gives ({n} in all) takes the log's decision."
    )


def _header_problems(path: Path, log: object) -> list[Problem]:
    """Who decided and when: needed before a consolidated layer is written."""
    missing = [k for k in ("adjudicator", "adjudicated_date") if k not in log]
    return [
        Problem(str(path), json_path([k]), f"required field {k!r} is missing", "add it")
        for k in (missing if isinstance(log, dict) else [])
    ]


def _is_template(log: dict) -> bool:
    """A log as adjudicate wrote it, with no one's work in it yet: nothing is lost by
    writing it again for the layers as they are now."""
    return set(log) <= TEMPLATE_FIELDS and all(set(e) <= ENTRY_FIELDS for e in log["entries"])


def _names(layers: tuple[str, ...]) -> str:
    return f"{', '.join(layers[:-1])} and {layers[-1]}"


def _shared(documents: dict[str, dict], key: str) -> str | None:
    values = {d.get(key) for d in documents.values()}
    return values.pop() if len(values) == 1 else None


def _write(
    corpus: RawCorpus, document: dict, result: PolicyResult, verify_only: bool
) -> PolicyResult:
    path = corpus.annotation_path(result.policy_id, CONSOLIDATED)
    text = dump_json(document)
    current = path.read_text(encoding="utf-8") if path.is_file() else None
    if current == text:
        result.status, result.message = "unchanged", f"{path} is up to date"
        return result
    if current is not None and not _is_own(path):
        return _refused(
            result,
            f"{path} exists and was not written by adjudicate",
            Problem(
                str(path),
                "$.provenance",
                "is not a consolidated layer written by `privacy-labels adjudicate`",
                "move it away: adjudicate writes only over its own output",
            ),
        )
    written = _written(corpus)
    if current is not None and written.get(result.policy_id) != sha256_bytes(current.encode()):
        # Not the bytes adjudicate last wrote there: a hand edit, which rewriting would lose.
        return _refused(
            result,
            f"{path} was edited since adjudicate wrote it",
            Problem(
                str(path),
                "$",
                "differs from what `privacy-labels adjudicate` wrote (a hand edit, or a layer "
                "written by an earlier version); a consolidated layer is generated from the "
                "layers and the adjudication log, so an edit of it would be lost",
                f"put the change into {corpus.adjudication_path(result.policy_id)} as a "
                f"decision, then delete {path} and run adjudicate again",
            ),
        )
    if verify_only:
        result.status = "stale"
        result.message = f"{path} is {'missing' if current is None else 'not what the layers and the log give now'}; run `privacy-labels adjudicate`"
        return result
    write_text_atomic(path, text)
    written[result.policy_id] = sha256_bytes(text.encode())
    write_text_atomic(corpus.adjudication_dir / WRITTEN, dump_json(dict(sorted(written.items()))))
    result.status = "consolidated"
    result.message = f"wrote {path}: {len(document['practices'])} practices, {result.n_disagreements} disagreement(s) decided"
    return result


def _refused(result: PolicyResult, message: str, problem: Problem) -> PolicyResult:
    """`result` with nothing written: the consolidated layer there is not adjudicate's to
    replace, for the reason `problem` gives."""
    result.status, result.message, result.problems = "invalid", message, [problem]
    return result


def _written(corpus: RawCorpus) -> dict[str, str]:
    """policy_id -> sha256 of the consolidated layer adjudicate last wrote (empty if unknown)."""
    record, problem = read_json(corpus.adjudication_dir / WRITTEN)
    return record if problem is None and isinstance(record, dict) else {}


def _is_own(path: Path) -> bool:
    doc, problem = read_json(path)
    return (
        problem is None
        and isinstance(doc, dict)
        and doc.get("annotator") == CONSOLIDATED
        and isinstance(doc.get("provenance"), dict)
        and doc["provenance"].get("annotator_kind") == "adjudication"
        and PROCESS_MARK in str(doc["provenance"].get("process", ""))
    )
