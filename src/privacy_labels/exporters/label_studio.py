"""Label Studio round trip, the way out: a labeling configuration and tasks
(importers/label_studio.py brings the annotations back in).

    privacy-labels export label-studio --out DIR          # config.xml + tasks.json
    privacy-labels import label-studio EXPORT.json --out DIR

One Label Studio project per label scheme and language: the configuration offers the
scheme's labels with their names in the policies' language (English where the scheme
has none), and each task names its scheme (`data.scheme`), which the import writes into
the documents. A policy's scheme is that of its annotation documents; a policy not
annotated yet is offered in the scheme `--scheme` names (the hub, opp115, by default).
A corpus of one scheme and language gets `config.xml` and `tasks.json`; a corpus of
several, a folder of both per pair, `<scheme_id>-<language>/`.

How a practice looks in Label Studio. Each evidence span is a text region
labeled with the practice's category. On the region, per-region choices give
the values of the attributes that span is evidence for (one control per
category–attribute slot, shown only for regions of that category, so only
valid values can be picked). A per-region text field `practice_id` groups a
practice's regions (and a per-region `source_id` keeps the id a practice
carries from its source, e.g. the practice a consolidated one comes from); a
region without one joins the practice of a region it is
related to (Label Studio's relations), else it is a practice of its own. Values
without a span of their own sit on one of the practice's regions and are listed
in its per-region `no_span` choices; a practice with no spans at all is a region
over its whole segment.

Offsets: Label Studio counts in JavaScript string units over the task text, so
`\\r\\n` is two and a character outside the Basic Multilingual Plane (an emoji)
is two. Both are mapped to the Python character offsets of the policy text,
whose line ends are LF.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import quoteattr

from privacy_labels._files import claim_output, owned_output
from privacy_labels._json import dump_json
from privacy_labels.contract.schemes import ENGLISH, Given, Scheme, in_language, values_of, written
from privacy_labels.exporters.label_studio_interface import (
    CATEGORY,
    NO_SPAN,
    PRACTICE_ID,
    SCHEME,
    SOURCE_ID,
    TEXT,
    Offsets,
    slot_control,
)
from privacy_labels.exporters.preannotate import add_model_predictions
from privacy_labels.raw.corpus import RawCorpus
from privacy_labels.raw.problems import InvalidInputs
from privacy_labels.raw.schemes import corpus_schemes
from privacy_labels.raw.validate import Validator

CONFIG, TASKS = "config.xml", "tasks.json"


# -- Export ----------------------------------------------------------------------------


def _hint(item, language: str) -> str:
    return f"{in_language(item.names, language)}: {in_language(item.descriptions, language)}"


def labeling_config(scheme: Scheme, language: str = ENGLISH) -> str:
    """The Label Studio labeling configuration of `scheme`, names in `language`."""
    tax = scheme
    lines = [
        "<View>",
        '  <Header value="$policy_id"/>',
        f'  <Labels name="{CATEGORY}" toName="{TEXT}" choice="single" showInline="true">',
    ]
    lines += [
        f"    <Label value={quoteattr(c.id)} hint={quoteattr(_hint(c, language))}/>"
        for c in tax.categories
    ]
    lines += [
        "  </Labels>",
        f'  <Text name="{TEXT}" value="${TEXT}" granularity="symbol"/>',
        '  <View visibleWhen="region-selected">',
        '    <Header value="Practice id (regions with the same id form one practice)" size="6"/>',
        f'    <TextArea name="{PRACTICE_ID}" toName="{TEXT}" perRegion="true" '
        'maxSubmissions="1" editable="true"/>',
        '    <Header value="Source id (the practice this one comes from, if any)" size="6"/>',
        f'    <TextArea name="{SOURCE_ID}" toName="{TEXT}" perRegion="true" '
        'maxSubmissions="1" editable="true"/>',
        '    <Header value="Attributes chosen on this region whose value has no span" size="6"/>',
        f'    <Choices name="{NO_SPAN}" toName="{TEXT}" perRegion="true" choice="multiple" '
        'showInline="true">',
    ]
    lines += [f"      <Choice value={quoteattr(a)}/>" for a in tax.attribute_ids]
    lines += ["    </Choices>", "  </View>"]
    for category in tax.categories:
        lines.append(
            f'  <View visibleWhen="region-selected" whenTagName="{CATEGORY}" '
            f"whenLabelValue={quoteattr(category.id)}>"
        )
        for attribute in category.attributes:
            need = "required" if attribute.is_required else "optional"
            name = in_language(attribute.names, language)
            lines += [
                f'    <Header value={quoteattr(f"{name} ({need})")} size="6"/>',
                f"    <Choices name={quoteattr(slot_control(category.id, attribute.id))} "
                f'toName="{TEXT}" perRegion="true" choice="single" showInline="true">',
            ]
            lines += [
                f"      <Choice value={quoteattr(v.id)} hint={quoteattr(_hint(v, language))}/>"
                for v in attribute.values
            ]
            lines.append("    </Choices>")
        lines.append("  </View>")
    lines.append("</View>")
    return "\n".join(lines) + "\n"


def _region_results(practice: dict, offsets: Offsets, segment: dict, n_before: int) -> list[dict]:
    """The Label Studio results (regions, their choices and practice id) of one practice."""
    regions: dict[tuple[int, int], dict] = {}  # span → {attribute: value}
    no_span: dict[str, Given] = {}  # a value set's values are offered as several choices
    for attribute, chosen in practice["attributes"].items():
        if "span_start" in chosen:
            regions.setdefault((chosen["span_start"], chosen["span_end"]), {})[attribute] = chosen[
                "value"
            ]
        else:
            no_span[attribute] = written(chosen)
    if not regions:
        regions[segment["start"], segment["end"]] = {}
    first = min(regions)
    regions[first] |= no_span
    results = []
    for n, ((start, end), values) in enumerate(sorted(regions.items())):
        region = {"start": offsets.theirs(start), "end": offsets.theirs(end)}

        def result(from_name: str, kind: str, value: dict, region=region, n=n) -> dict:
            return {
                "id": f"r{n_before + n}",
                "from_name": from_name,
                "to_name": TEXT,
                "type": kind,
                "value": {**region, **value},
            }

        results.append(
            result(
                CATEGORY,
                "labels",
                {"text": offsets.text[start:end], "labels": [practice["category"]]},
            )
        )
        results.append(result(PRACTICE_ID, "textarea", {"text": [practice["practice_id"]]}))
        if "source_id" in practice:
            results.append(result(SOURCE_ID, "textarea", {"text": [practice["source_id"]]}))
        for attribute, value in values.items():
            control = slot_control(practice["category"], attribute)
            results.append(result(control, "choices", {"choices": list(values_of(value))}))
        if (start, end) == first and no_span:
            results.append(result(NO_SPAN, "choices", {"choices": sorted(no_span)}))
    return results


def task(
    corpus: RawCorpus, policy_id: str, scheme: Scheme, *, with_predictions: bool = True
) -> dict:
    """One Label Studio task in `scheme`: the policy text, and its annotation documents as
    predictions."""
    text = corpus.text_path(policy_id).read_text(encoding="utf-8")
    sidecar = json.loads(corpus.sidecar_path(policy_id).read_text(encoding="utf-8"))
    offsets = Offsets(text)
    predictions = []
    for path in corpus.annotation_paths(policy_id) if with_predictions else ():
        doc = json.loads(path.read_text(encoding="utf-8"))
        results: list[dict] = []
        for practice in doc["practices"]:
            segment = sidecar["segments"][practice["segment_id"]]
            n_regions = len({r["id"] for r in results})
            results += _region_results(practice, offsets, segment, n_regions)
        predictions.append({"model_version": doc["annotator"], "result": results})
    data = {
        TEXT: text,
        "policy_id": policy_id,
        "text_sha256": sidecar["text_sha256"],
        SCHEME: scheme.ref,
        "language": sidecar["language"],
    }
    return {"data": data, "predictions": predictions}


@dataclass(frozen=True)
class ExportSummary:
    out: Path
    n_tasks: int
    n_predictions: int
    n_suggestions: int = 0  # regions suggested by a model's predictions file
    projects: tuple[str, ...] = ()  # the folders of the projects, when several (else "")


def _scheme_of(corpus: RawCorpus, policy_id: str, schemes, default: Scheme) -> Scheme:
    """A policy's scheme: its documents' (one, as validate checks), else `default`."""
    for path in corpus.annotation_paths(policy_id):
        ref = json.loads(path.read_text(encoding="utf-8"))[SCHEME]
        return schemes[ref["id"]]
    return default


def export_label_studio(
    raw: Path,
    out: Path,
    *,
    with_predictions: bool = True,
    predictions: Path | None = None,
    scheme: str | None = None,
) -> ExportSummary:
    """Write `config.xml` and `tasks.json` for the raw corpus to `out` (a folder of both per
    scheme and language when it has several), replaced when complete; a policy not
    annotated yet in `scheme` (by default the hub); with `predictions` (a predictions
    file), its labels as pre-annotations (see preannotate).

    Raises InvalidInputs, writing nothing, when the corpus or predictions do not validate."""
    inputs = {"raw corpus": raw}
    if predictions is not None:
        inputs["predictions"] = predictions
    claim_output(out, "export label-studio", inputs)
    corpus = RawCorpus(raw)
    problems = Validator(default_raw=raw).validate_corpus(corpus)
    if problems:
        raise InvalidInputs(problems)
    schemes, _ = corpus_schemes(corpus)
    default = schemes.hub if scheme is None else schemes[scheme]
    sidecars = {
        p: json.loads(corpus.sidecar_path(p).read_text(encoding="utf-8"))
        for p in corpus.policy_ids()
    }
    projects: dict[tuple[str, str], tuple[Scheme, list[dict]]] = {}
    for policy_id in corpus.policy_ids():
        s = _scheme_of(corpus, policy_id, schemes, default)
        language = sidecars[policy_id]["language"]
        t = task(corpus, policy_id, s, with_predictions=with_predictions)
        projects.setdefault((s.id, language), (s, []))[1].append(t)
    tasks = [t for _, project_tasks in projects.values() for t in project_tasks]
    n_suggestions = 0
    if predictions is not None:
        n_suggestions = add_model_predictions(tasks, predictions, sidecars, schemes)
    folders = {key: "" if len(projects) == 1 else f"{key[0]}-{key[1]}" for key in projects}
    with owned_output(out, "export label-studio", inputs) as staging:
        for (scheme_id, language), (s, project_tasks) in sorted(projects.items()):
            folder = staging / folders[scheme_id, language]
            folder.mkdir(exist_ok=True)
            (folder / CONFIG).write_text(labeling_config(s, language), encoding="utf-8")
            (folder / TASKS).write_text(dump_json(project_tasks), encoding="utf-8")
    return ExportSummary(
        out,
        len(tasks),
        sum(len(t["predictions"]) for t in tasks),
        n_suggestions,
        tuple(sorted(f for f in folders.values() if f)),
    )
