"""The handlers of the annotation subcommands (declared in `commands`): `import
label-studio` and `export label-studio` (an annotation tool), `add-policy` and `resegment`
(policy texts), `adjudicate` and `agreement` (the layers).
"""

from __future__ import annotations

import argparse
import json

from privacy_labels.cli.answer import EXIT_INVALID, EXIT_OK, Answer, Line, written
from privacy_labels.cli.options import keywords, require_input
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

    require_input(args.export, "a Label Studio JSON export", is_folder=False)
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
        replace_layers=args.replace,
        method=method,
        provenance=provenance,
        **keywords(args, "raw", "annotator", "annotated_date", "guidelines_version"),
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
        service_names=args.service_name,
        redactions=dict(args.redaction),
        **keywords(
            args, "source", "url", "retrieved_date", "effective_date", "license", "legal_entity"
        ),
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
