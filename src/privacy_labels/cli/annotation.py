"""The annotation subcommands: `import` and `export` (other corpora and annotation tools),
`add-policy` and `resegment` (policy texts), `adjudicate` and `agreement` (the layers).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from privacy_labels.cli.answer import EXIT_INVALID, EXIT_OK, Answer, Line, written
from privacy_labels.cli.imports import cmd_import_app350, cmd_import_mapp, cmd_import_opp115
from privacy_labels.cli.options import (
    Parents,
    annotator,
    command,
    labeled_argument,
    layer_list,
    out_option,
    policy_ids_argument,
    quiet_option,
    redaction,
    source_argument,
    whole_number,
)
from privacy_labels.contract.schema import GUIDELINES_VERSION
from privacy_labels.errors import UsageError
from privacy_labels.raw.corpus import RawCorpus


def cmd_export_label_studio(args: argparse.Namespace) -> Answer:
    from privacy_labels.exporters.label_studio import CONFIG, TASKS, export_label_studio

    if not RawCorpus(args.raw).policies_dir.is_dir():
        raise UsageError(f"{args.raw}: no policies/ folder; give a raw corpus with --raw")
    result = export_label_studio(
        args.raw,
        args.out,
        with_predictions=not args.no_predictions,
        predictions=args.predictions,
        scheme=args.scheme,
    )
    folders = [result.out / f for f in result.projects] or [result.out]
    return Answer(
        written(result),
        [
            f"wrote {', '.join(f'{f / CONFIG} and {f / TASKS}' for f in folders)}: "
            f"{result.n_tasks:,} tasks, "
            f"{result.n_predictions:,} annotation documents as predictions"
            + (f", {result.n_suggestions:,} model suggestions" if args.predictions else ""),
            f"next: create a Label Studio project {'per folder ' if result.projects else ''}"
            "with config.xml as its labeling interface, import tasks.json, annotate, export "
            "as JSON, then `privacy-labels import label-studio`",
        ],
    )


def cmd_import_label_studio(args: argparse.Namespace) -> Answer:
    from privacy_labels.importers.label_studio import DEFAULT_METHOD, import_label_studio

    if not args.export.is_file():
        raise UsageError(f"{args.export}: no such file; give a Label Studio JSON export")
    if args.replace and args.out is not None:
        raise UsageError(
            "--replace applies to --into-raw: an import into --out replaces no one's document"
        )
    # As the annotation schema: a model's annotations name it; an adjudication may name the
    # model that adjudicated; a person's or an import's never name one.
    if (args.annotator_kind == "model" and args.model is None) or (
        args.model is not None and args.annotator_kind not in ("model", "adjudication")
    ):
        raise UsageError(
            "--model names the model that made the annotations: give it with "
            "--annotator-kind model (required) or adjudication (optional), and only then"
        )
    method = args.method or DEFAULT_METHOD
    provenance = {
        "annotator_kind": args.annotator_kind,
        **({"model": args.model} if args.model else {}),
        "process": args.process or method,
        "is_blind": args.blind,
        "is_reviewed": args.reviewed,
    }
    result = import_label_studio(
        args.export,
        args.out,
        raw=args.raw,
        replace_layers=args.replace,
        annotator=args.annotator,
        annotated_date=args.annotated_date,
        method=method,
        guidelines_version=args.guidelines_version,
        provenance=provenance,
    )
    what = f"{result.n_documents:,} annotation documents ({result.n_practices:,} practices)"
    if args.out is None:
        text = [
            f"added {what} to {args.raw} as layers"
            + (f", replacing {', '.join(result.replaced)}" if result.replaced else ""),
            f"next: privacy-labels build --raw {args.raw}",
        ]
    else:
        replacing = (
            [f"note: {len(result.replaced)} of them would replace the annotator's document in "
             f"{args.raw}: {', '.join(result.replaced)}"]
            if result.replaced
            else []
        )  # fmt: skip
        text = [
            f"imported {what} into {result.out}; they validate",
            *replacing,
            f"next: privacy-labels import label-studio {args.export} --raw {args.raw} --into-raw "
            "(adds the documents as layers; refuses to replace one unless given --replace), "
            "then build",
        ]
    return Answer({"is_valid": True, **written(result)}, text)


def cmd_agreement(args: argparse.Namespace) -> Answer:
    from privacy_labels.outputs.agreement import agreement, table

    if args.candidate is not None:
        if args.annotators is not None or args.layers is not None:
            raise UsageError(
                "--candidate compares one layer with the people's layers; "
                "leave out --annotators and --layers"
            )
        from privacy_labels.outputs import candidate

        calibration = candidate.candidate_agreement(args.dir, args.candidate)
        return Answer(calibration.to_dict(), [candidate.table(calibration)])
    result = agreement(args.dir, args.annotators, args.layers, args.scheme)
    return Answer(result.to_dict(), [table(result)])


def cmd_adjudicate(args: argparse.Namespace) -> Answer:
    from privacy_labels.raw.adjudicate import adjudicate

    results = adjudicate(args.raw, args.policy_ids or None, args.layers, verify_only=args.check)
    is_complete = all(r.is_done for r in results)
    text: list[str | Line] = []
    for result in results:
        layers = f" ({' vs '.join(result.layers)})" if len(result.layers) >= 2 else ""
        text.append(
            Line(
                f"{result.policy_id}{layers}: {result.status}: {result.message}",
                is_error=not (result.is_done or result.status == "template"),
            )
        )
        text += [Line(f"  {problem}", is_error=True) for problem in result.problems]
        text += [Line(f"  open: {open_entry(entry)}", is_error=True) for entry in result.open]
    done = sum(r.status in ("consolidated", "unchanged") for r in results)
    text.append(
        Line(
            f"{done} of {sum(r.status != 'skipped' for r in results)} policies with two or more "
            "layers consolidated",
            is_error=not is_complete,
        )
    )
    return Answer(
        {"is_complete": is_complete, "policies": [r.to_dict() for r in results]},
        text,
        EXIT_OK if is_complete else EXIT_INVALID,
    )


def open_entry(entry: dict) -> str:
    """An undecided log entry in one line: where, what, and what each layer reads."""
    what = entry["kind"] + (f" {entry['attribute']}" if "attribute" in entry else "")
    readings = ", ".join(
        f"{name}: {json.dumps(value)}" for name, value in entry["readings"].items()
    )
    ids = f" [{', '.join(entry['practice_ids'].values())}]" if "practice_ids" in entry else ""
    return f"segment {entry['segment_id']}, {entry['category']}, {what}{ids} ({readings})"


def cmd_add_policy(args: argparse.Namespace) -> Answer:
    from privacy_labels.raw.policies import add_policy, not_nfc_warning

    sidecar = add_policy(
        RawCorpus(args.raw),
        args.file,
        args.policy_id,
        args.organisation,
        source=args.source,
        url=args.url,
        retrieved_date=args.retrieved_date,
        effective_date=args.effective_date,
        license=args.license,
        legal_entity=args.legal_entity,
        service_names=args.service_name,
        redactions=dict(args.redaction),
    )
    corpus = RawCorpus(args.raw)
    path = corpus.sidecar_path(args.policy_id)
    warning = not_nfc_warning(
        corpus.text_path(args.policy_id).read_text(encoding="utf-8"), args.file
    )
    return Answer(
        {
            "policy_id": args.policy_id,
            "n_segments": len(sidecar["segments"]),
            "sidecar": str(path),
            "warnings": [warning] if warning else [],
        },
        [f"added {args.policy_id}: {len(sidecar['segments'])} segments in {path}"]
        + ([Line(warning, is_error=True)] if warning else []),
    )


def cmd_resegment(args: argparse.Namespace) -> Answer:
    from privacy_labels.raw.policies import resegment

    corpus = RawCorpus(args.raw)
    policy_ids = args.policy_ids or corpus.policy_ids()
    unknown = [p for p in policy_ids if not corpus.sidecar_path(p).is_file()]
    if unknown:
        raise UsageError(
            f"{corpus.policies_dir}: no policy {unknown[0]!r}; give ids of policies in --raw"
        )
    summaries = [resegment(corpus, policy_id) for policy_id in policy_ids]
    return Answer(
        summaries,
        [
            f"{s['policy_id']}: {s['n_segments_before']} -> {s['n_segments_after']} segments, "
            f"{s['n_practices_moved']} practice(s) moved"
            for s in summaries
        ],
    )


# -- The subcommands' options -------------------------------------------------------------


def add_import(sub, common: Parents) -> None:
    from privacy_labels.importers.opp115 import CONSOLIDATION_THRESHOLDS

    p = command(
        sub,
        "import",
        None,
        help="import an existing corpus into the raw layout",
        description="Convert an existing annotated corpus into a raw corpus (policies, "
        "sidecars, annotation documents) that validate, build and check take as is.",
    )
    sources = p.add_subparsers(dest="source", required=True, metavar="SOURCE")
    p = command(
        sources,
        "opp115",
        cmd_import_opp115,
        help="the OPP-115 corpus v1.0 (Wilson et al., ACL 2016)",
        description="Import every policy and practice of OPP-115 v1.0: text from "
        "sanitized_policies/ with markup removed, segments kept, labels mapped to the "
        "opp115 scheme's ids, spans re-anchored into the text (exact, relocated or unanchorable, "
        "listed in import-report.json). OPP-115 is for research only: import it into a folder "
        "of your own, never into data/.",
        parents=[common.fmt, common.workers],
        unchanged="{out} is unchanged",
    )
    source_argument(p)
    out_option(p, "raw corpus to write")
    p.add_argument(
        "--consolidation",
        choices=CONSOLIDATION_THRESHOLDS,
        help="import the consolidated layer at this overlap threshold instead of the "
        "annotators' practices",
    )
    quiet_option(p)
    p = command(
        sources,
        "app350",
        cmd_import_app350,
        help="the APP-350 corpus v1.1 (Zimmeck et al., PETS 2019)",
        description="Import every policy, segment and annotation of APP-350 v1.1: each "
        "policy's text built from its segments (joined by a blank line), one practice per "
        "annotated (segment, practice, modality) in the app350 scheme, the stating sentence "
        "located as its evidence span (the reason recorded where it is not), the official "
        "split, contains_synthetic and the original HTML's sha256 kept (import-report.json). "
        "APP-350 is for research only: import it into a folder of your own, never into data/.",
        parents=[common.fmt],
        unchanged="{out} is unchanged",
    )
    source_argument(p)
    out_option(p, "raw corpus to write")
    p = command(
        sources,
        "mapp",
        cmd_import_mapp,
        help="the MAPP corpus v1.0 (Arora et al., LREC 2022), English and German",
        description="Import every policy, segment and label of MAPP v1.0: a policy per "
        "(language, file), its text and segments as MAPP cuts them, one mapp-consolidated "
        "layer whose labels are value sets (one per labelled segment and category, no spans), "
        "every source problem counted in import-report.json. MAPP is for research only: "
        "import it into a folder of your own, never into data/.",
        parents=[common.fmt],
        unchanged="{out} is unchanged",
    )
    p.add_argument("src", type=Path, metavar="MAPP_ROOT", help="the corpus root folder")
    out_option(p, "raw corpus to write")
    p = command(
        sources,
        "label-studio",
        cmd_import_label_studio,
        help="a Label Studio JSON export of tasks made by `export label-studio`",
        description="Convert the annotations of a Label Studio JSON export into annotation "
        "documents, one per task and annotator, with offsets mapped back to the policy text "
        "(Label Studio counts \\r\\n and emoji as two). Writes a raw corpus to --out: the "
        "annotated policies, copied from --raw, and the documents, validated with the corpus "
        "in --raw; or, with --into-raw, adds the documents to --raw as layers, never replacing "
        "an annotator's document there unless given --replace. Nothing is written while a "
        "problem remains.",
        parents=[common.fmt, common.raw],
        unchanged="nothing was written",
    )
    p.add_argument("export", type=Path, metavar="EXPORT.json", help="the JSON export")
    where = p.add_mutually_exclusive_group(required=True)
    out_option(where, "raw corpus to write", required=False)
    where.add_argument(
        "--into-raw",
        action="store_true",
        help="add the documents to the corpus in --raw as layers",
    )
    p.add_argument(
        "--replace",
        action="store_true",
        help="with --into-raw: replace an annotator's existing document of a policy (without "
        "it, the import is refused, naming the document)",
    )
    p.add_argument(
        "--annotator",
        type=annotator,
        help="annotator id (a lowercase slug) for every annotation; without it, the local part "
        "of the user's e-mail when the export carries one (Label Studio's JSON export names "
        "users by number only)",
    )
    p.add_argument(
        "--annotated-date",
        metavar="YYYY-MM-DD",
        help="date of the annotations (default: each annotation's last update)",
    )
    p.add_argument("--method", help="how the annotations were made, kept in each document")
    p.add_argument(
        "--guidelines-version",
        default=GUIDELINES_VERSION,
        help=f"the docs/guidelines.md version followed (default: {GUIDELINES_VERSION})",
    )
    p.add_argument(
        "--annotator-kind",
        choices=("person", "model", "adjudication", "import"),
        default="person",
        help="what made the annotations (default: person)",
    )
    p.add_argument(
        "--model",
        help="the model and version, with --annotator-kind model (required) or adjudication",
    )
    p.add_argument("--process", help="how the annotations were made (default: --method's text)")
    p.add_argument(
        "--blind",
        action="store_true",
        help="the annotator saw no other annotation of the policy (export with --no-predictions)",
    )
    p.add_argument(
        "--reviewed", action="store_true", help="a person reviewed the annotations afterwards"
    )


def add_export(sub, common: Parents) -> None:
    p = command(
        sub,
        "export",
        None,
        help="export the corpus to an annotation tool",
        description="Write the corpus in an annotation tool's formats, with its annotations.",
    )
    targets = p.add_subparsers(dest="target", required=True, metavar="TOOL")
    p = command(
        targets,
        "label-studio",
        cmd_export_label_studio,
        help="a Label Studio labeling configuration and tasks",
        description="Write config.xml, a Label Studio labeling configuration generated from the "
        "policies' label scheme (categories, and per category only its attributes and their "
        "values, named in the policies' language), and tasks.json, one task per policy with "
        "its annotation documents as predictions; a folder of both per scheme and language, "
        "<scheme>-<language>/, when the corpus holds several.",
        parents=[common.fmt, common.raw],
        reads=("--raw",),
        unchanged="{out} is unchanged",
    )
    out_option(p, "folder to write")
    p.add_argument(
        "--scheme",
        metavar="ID",
        help="the scheme a policy not annotated yet is offered in (default: the hub, opp115)",
    )
    p.add_argument(
        "--no-predictions", action="store_true", help="tasks without the existing annotations"
    )
    p.add_argument(
        "--predictions",
        type=Path,
        metavar="FILE",
        help="a predictions file (`baseline predict`): its labels become pre-annotations, one "
        "region per segment and label, attributes left to the annotator",
    )


def add_agreement(sub, common: Parents) -> None:
    p = command(
        sub,
        "agreement",
        cmd_agreement,
        help="inter-annotator agreement per category, per policy and for the corpus",
        description="Compare the annotation layers of the tables in DIR (the consolidated "
        "layer excepted): segment-level Cohen's kappa (a fixed pair of layers) or Fleiss' "
        "kappa per category, the number of segments labeled by at least one, a majority and "
        "all annotators, pairwise segment-level F1 (micro and per category), and "
        "attribute-value agreement on practices matched by attribute overlap; per policy and "
        "for the corpus. Attribute values are compared as the tables publish them: an "
        "attribute left out holds the scheme's default (does, unspecified) in every layer. "
        "The formulas are in the module privacy_labels.outputs.agreement.",
        parents=[common.fmt],
        reads=("dir",),
    )
    labeled_argument(p)
    p.add_argument(
        "--annotators",
        type=whole_number(2),
        metavar="N",
        help="use the policies with N annotators (default: the most common number)",
    )
    p.add_argument(
        "--layers",
        type=layer_list,
        metavar="A,B[,...]",
        help="compare these annotators' layers, over the policies that have all of them",
    )
    p.add_argument(
        "--candidate",
        type=annotator,
        metavar="LAYER",
        help="compare the layer LAYER with the layers made by people (annotator_kind person) "
        "over the policies that have it, beside those people among themselves; figures pooled "
        "over every (pair, policy)",
    )
    p.add_argument(
        "--scheme",
        metavar="ID",
        help="compare the policies annotated in this scheme, over the labels of its first "
        "label set (needed when the tables hold several schemes)",
    )


def add_adjudicate(sub, common: Parents) -> None:
    p = command(
        sub,
        "adjudicate",
        cmd_adjudicate,
        help="resolve the disagreements of the layers into the consolidated layer",
        description="For each policy with two or more annotation layers (or --layers), keep "
        "what more than half of the layers give and list every other disagreement (a label, a "
        "practice, an attribute value no majority gives). Without an adjudication log "
        "(RAW/adjudication/<policy_id>.json) it writes one as a template to fill in; with a "
        "complete log, one decision per disagreement, it writes the consolidated layer "
        "RAW/annotations/<policy_id>/consolidated.json. Exit 1 while any disagreement is "
        "undecided or the log has problems. The rule is in the module privacy_labels.raw.adjudicate.",
        parents=[common.fmt, common.raw],
        reads=("--raw",),
    )
    policy_ids_argument(p, "adjudicate")
    p.add_argument(
        "--layers",
        type=layer_list,
        metavar="BASE,OTHER[,...]",
        help="the annotators to adjudicate, the base layer first (default: the policy's "
        "annotators other than consolidated, in alphabetical order)",
    )
    p.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if a log is missing or incomplete or a consolidated layer "
        "is not what the layers and the log give now",
    )


def add_add_policy(sub, common: Parents) -> None:
    p = command(
        sub,
        "add-policy",
        cmd_add_policy,
        help="add a policy text with its provenance sidecar",
        description="Normalise line ends and surrounding whitespace, segment the text into "
        "paragraphs, and write <policy_id>.txt and <policy_id>.json into the raw corpus.",
        parents=[common.raw],
        reads=("file",),
    )
    p.add_argument("file", type=Path, metavar="TEXT_FILE", help="the policy as plain UTF-8 text")
    p.add_argument("--policy-id", required=True, help="lowercase slug naming the policy")
    p.add_argument("--organisation", required=True, help="organisation named in the policy")
    p.add_argument("--license", required=True, help="terms under which the text is shared")
    p.add_argument("--source", help="where the text came from (default: the file name)")
    p.add_argument("--url", help="the policy's web address")
    p.add_argument("--retrieved-date", metavar="YYYY-MM-DD", help="when the text was collected")
    p.add_argument("--effective-date", metavar="YYYY-MM-DD", help="effective date it states")
    p.add_argument(
        "--legal-entity", help="the legal entity the text names as responsible (default: none)"
    )
    p.add_argument(
        "--service-name",
        action="append",
        default=[],
        metavar="NAME",
        help="a service, product or brand name the text uses beside the organisation (repeatable)",
    )
    p.add_argument(
        "--redaction",
        action="append",
        default=[],
        type=redaction,
        metavar="PLACEHOLDER=WHAT",
        help="a placeholder the text has in place of removed content, and what it replaced "
        "(repeatable), e.g. '[email protected]=an e-mail address'",
    )


def add_resegment(sub, common: Parents) -> None:
    p = command(
        sub,
        "resegment",
        cmd_resegment,
        help="cut policies into segments again by the current rule, moving their annotations",
        description="Segment each policy's text again by the current segmentation rule "
        "(docs/guidelines.md, section 1), record the rule in its sidecar, and re-derive every "
        "practice's segment_id from its spans; no span changes. A policy with a practice "
        "whose spans would fall into two segments is refused, and nothing of it is written.",
        parents=[common.fmt, common.raw],
        reads=("--raw",),
    )
    policy_ids_argument(p, "resegment")
