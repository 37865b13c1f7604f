"""The `privacy-labels` command: one subcommand per stage of the pipeline.

Exit codes: 0 success, 1 invalid input, a failed check or a fault of the machine (a full
disk, a missing extra), 2 usage error (including an output the command may not write),
130 interrupted.
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import signal
import sys
from pathlib import Path

import privacy_labels
from privacy_labels import __version__
from privacy_labels._parallel import SchedulerError, default_workers
from privacy_labels.corpus import (
    DEFAULT_CHANGELOG,
    DEFAULT_CITATION,
    DEFAULT_LABELED,
    DEFAULT_METADATA,
    DEFAULT_RAW,
    DEFAULT_RELEASES,
    DEFAULT_REPORT,
    DEFAULT_SITE,
    RawCorpus,
)
from privacy_labels.schema import GUIDELINES_VERSION

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def _print_problems(problems, fmt: str, summary: dict) -> None:
    if fmt == "json":
        print(json.dumps({**summary, "problems": [p.to_dict() for p in problems]}, indent=2))
        return
    for problem in problems:
        print(problem, file=sys.stderr)


def _stopped(verb: str, error, args: argparse.Namespace) -> int:
    """Report the problems that stopped a command; its output folder was left as it was."""
    _print_problems(error.problems, args.format, {"is_valid": False})
    print(f"{verb} stopped: {error}; {args.out} is unchanged", file=sys.stderr)
    return EXIT_INVALID


def cmd_validate(args: argparse.Namespace) -> int:
    from privacy_labels.validate import Validator

    validator = Validator(default_raw=args.raw)
    problems = validator.check_paths(args.paths, workers=args.workers)
    summary = {
        "is_valid": not problems,
        "n_files": validator.n_files,
        "n_practices": validator.n_practices,
        "n_problems": len(problems),
        "notes": validator.notes,
    }
    _print_problems(problems, args.format, summary)
    if args.format == "text":
        verdict = "valid" if not problems else f"{len(problems)} problem(s)"
        print(
            f"{verdict}: {validator.n_files} file(s), {validator.n_practices} practice(s) checked",
            file=sys.stderr if problems else sys.stdout,
        )
        for note in validator.notes:
            print(f"note: {note}")
    return EXIT_INVALID if problems else EXIT_OK


def cmd_build(args: argparse.Namespace) -> int:
    from privacy_labels.build import InvalidInputs, build

    try:
        result = build(
            args.raw,
            args.out,
            progress=False if args.quiet else None,
            workers=args.workers,
            scheduler=args.scheduler,
            partitioned=args.partitioned,
            force=args.force,
            layer=args.layer,
        )
    except InvalidInputs as error:
        return _stopped("build", error, args)
    except SchedulerError as error:  # an address that does not answer, or a worker lost
        print(f"build stopped: {error}; {args.out} is unchanged", file=sys.stderr)
        return EXIT_USAGE
    if args.format == "json":
        print(
            json.dumps(
                {
                    "is_valid": True,
                    "out": str(result.out),
                    "n_rows": result.n_rows,
                    "up_to_date": result.up_to_date,
                }
            )
        )
    elif result.up_to_date:
        rows = ", ".join(f"{name} {n:,}" for name, n in result.n_rows.items())
        print(
            f"up to date: {result.out} was built from these inputs (manifest.json), nothing "
            f"written: {rows} rows; --force rebuilds"
        )
    else:
        rows = ", ".join(f"{name} {n:,}" for name, n in result.n_rows.items())
        print(f"built {result.out}: {rows} rows")
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from privacy_labels.check import UnreadableTables, check, summary

    try:
        result = check(args.dir, report=args.report, data_docs=args.data_docs, force=args.force)
    except UnreadableTables as error:
        print(error, file=sys.stderr)
        return EXIT_INVALID
    if args.format == "json":
        print(
            json.dumps(
                {**result.to_dict(), "report": str(args.report), "reused": result.is_reused},
                indent=2,
            )
        )
    else:
        if result.is_reused:
            print(
                f"reused the passing result in {args.report}: the table files, manifest, the "
                "gate's code and schema and the versions are those it was checked with; "
                "--force runs the gate again"
            )
        print(summary(result), file=sys.stdout if result.success else sys.stderr)
        docs = f", data docs: {args.report / 'data_docs/index.html'}" if args.data_docs else ""
        print(f"report: {args.report / 'result.json'}{docs}")
    return EXIT_OK if result.success else EXIT_INVALID


def cmd_release(args: argparse.Namespace) -> int:
    from privacy_labels.build import InvalidInputs
    from privacy_labels.check import summary
    from privacy_labels.release import GateFailed, ReleaseError, release

    try:
        result = release(
            args.version,
            raw=args.raw,
            releases=args.releases,
            changelog=args.changelog,
            citation=args.citation,
            metadata=args.metadata,
            progress=False if args.quiet else None,
        )
    except InvalidInputs as error:
        _print_problems(error.problems, "text", {})
        print(f"release stopped: {error}; nothing was written", file=sys.stderr)
        return EXIT_INVALID
    except GateFailed as error:
        print(summary(error.result), file=sys.stderr)
        print(f"release stopped: {error}; nothing was written", file=sys.stderr)
        return EXIT_INVALID
    except ReleaseError as error:
        print(f"release stopped: {error}", file=sys.stderr)
        return EXIT_INVALID
    summary_ = {"version": result.version, "date": result.date, "folder": str(result.folder)}
    if args.format == "json":
        print(
            json.dumps(
                {
                    **summary_,
                    "n_rows": result.n_rows,
                    "finished_interrupted": result.finished_interrupted,
                }
            )
        )
    elif result.finished_interrupted:
        print(
            f"{result.folder} was complete but an interrupted run had not updated "
            f"{args.citation}; updated it now"
        )
    else:
        rows = ", ".join(f"{name} {n:,}" for name, n in result.n_rows.items())
        print(f"released {result.version} ({result.date}) in {result.folder}: {rows} rows")
        print(f"updated {args.citation}; check it with `privacy-labels verify {result.folder}`")
    return EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    from privacy_labels.checksums import ChecksumError, verify

    try:
        mismatches = verify(args.dir)
    except ChecksumError as error:
        print(error, file=sys.stderr)
        return EXIT_INVALID
    if args.format == "json":
        print(
            json.dumps(
                {"is_intact": not mismatches, "mismatches": [vars(m) for m in mismatches]},
                indent=2,
            )
        )
    else:
        for mismatch in mismatches:
            print(f"{args.dir / mismatch.path}: {mismatch.reason}", file=sys.stderr)
        verdict = f"{len(mismatches)} file(s) differ" if mismatches else "intact"
        print(f"{args.dir}: {verdict}", file=sys.stderr if mismatches else sys.stdout)
    return EXIT_INVALID if mismatches else EXIT_OK


def cmd_import_opp115(args: argparse.Namespace) -> int:
    from privacy_labels.importers.opp115 import SourceError, import_opp115

    if not args.src.is_dir():
        print(f"{args.src}: no such folder; give the OPP-115 corpus root", file=sys.stderr)
        return EXIT_USAGE
    try:
        result = import_opp115(
            args.src,
            args.out,
            consolidation=args.consolidation,
            progress=False if args.quiet else None,
            workers=args.workers,
        )
    except SourceError as error:
        print(f"import stopped: {error}; {args.out} is unchanged", file=sys.stderr)
        return EXIT_INVALID
    summary_ = result.to_dict()
    if args.format == "json":
        print(json.dumps(summary_, indent=2))
        return EXIT_OK
    spans = summary_["spans"]
    print(
        f"imported OPP-115 {result.layer} into {result.out}: {result.n_policies:,} policies, "
        f"{result.n_practices:,} practices, {result.n_values:,} values "
        f"({result.n_not_selected:,} optional attributes not selected, so no value)"
    )
    print(
        f"spans: {sum(spans.values()):,}: {spans['exact']:,} exact, {spans['relocated']:,} "
        f"relocated, {spans['unanchorable']:,} unanchorable (value kept, no span); "
        f"listed in {result.out / 'import-report.json'}"
    )
    if result.n_required_defaulted:
        print(f"{result.n_required_defaulted:,} required attributes absent, set to unspecified")
    print(f"next: privacy-labels build --raw {result.out} --out OUT")
    return EXIT_OK


def cmd_export_label_studio(args: argparse.Namespace) -> int:
    from privacy_labels.build import InvalidInputs
    from privacy_labels.label_studio import CONFIG, TASKS, export_label_studio

    if not RawCorpus(args.raw).policies_dir.is_dir():
        print(f"{args.raw}: no policies/ folder; give a raw corpus with --raw", file=sys.stderr)
        return EXIT_USAGE
    try:
        result = export_label_studio(
            args.raw,
            args.out,
            with_predictions=not args.no_predictions,
            predictions=args.predictions,
        )
    except InvalidInputs as error:
        return _stopped("export", error, args)
    if args.format == "json":
        print(json.dumps(vars(result) | {"out": str(result.out)}))
        return EXIT_OK
    print(
        f"wrote {result.out / CONFIG} and {result.out / TASKS}: {result.n_tasks:,} tasks, "
        f"{result.n_predictions:,} annotation documents as predictions"
        + (f", {result.n_suggestions:,} model suggestions" if args.predictions else "")
    )
    print(
        "next: create a Label Studio project with config.xml as its labeling interface, "
        "import tasks.json, annotate, export as JSON, then `privacy-labels import label-studio`"
    )
    return EXIT_OK


def cmd_import_label_studio(args: argparse.Namespace) -> int:
    from privacy_labels.build import InvalidInputs
    from privacy_labels.label_studio import DEFAULT_METHOD, import_label_studio

    if not args.export.is_file():
        print(f"{args.export}: no such file; give a Label Studio JSON export", file=sys.stderr)
        return EXIT_USAGE
    # As the annotation schema: a model's annotations name it; an adjudication may name the
    # model that adjudicated; a person's or an import's never name one.
    if (args.annotator_kind == "model" and args.model is None) or (
        args.model is not None and args.annotator_kind not in ("model", "adjudication")
    ):
        print(
            "--model names the model that made the annotations: give it with "
            "--annotator-kind model (required) or adjudication (optional), and only then",
            file=sys.stderr,
        )
        return EXIT_USAGE
    method = args.method or DEFAULT_METHOD
    provenance = {
        "annotator_kind": args.annotator_kind,
        **({"model": args.model} if args.model else {}),
        "process": args.process or method,
        "is_blind": args.blind,
        "is_reviewed": args.reviewed,
    }
    try:
        result = import_label_studio(
            args.export,
            args.out,
            raw=args.raw,
            annotator=args.annotator,
            annotated_date=args.annotated_date,
            method=method,
            guidelines_version=args.guidelines_version,
            provenance=provenance,
        )
    except InvalidInputs as error:
        return _stopped("import", error, args)
    if args.format == "json":
        print(json.dumps({"is_valid": True, **vars(result) | {"out": str(result.out)}}))
        return EXIT_OK
    print(
        f"imported {result.n_documents:,} annotation documents ({result.n_practices:,} "
        f"practices) into {result.out}; they validate"
    )
    print(f"next: copy {result.out / 'annotations'}/* into {args.raw / 'annotations'}/, then build")
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from privacy_labels.check import UnreadableTables
    from privacy_labels.report import write_report

    try:
        result = write_report(args.dir, args.out, args.layer)
    except UnreadableTables as error:
        print(f"{error}; {args.out} is unchanged", file=sys.stderr)
        return EXIT_INVALID
    if args.format == "json":
        print(json.dumps({"out": str(result.out), "n_pages": result.n_pages}))
    else:
        print(f"wrote {result.n_pages} pages to {result.out}; open {result.out / 'index.html'}")
    return EXIT_OK


def cmd_agreement(args: argparse.Namespace) -> int:
    from privacy_labels.agreement import AgreementError, agreement, table

    try:
        result = agreement(args.dir, args.annotators, args.layers)
    except AgreementError as error:
        print(error, file=sys.stderr)
        return EXIT_INVALID
    print(json.dumps(result.to_dict(), indent=2) if args.format == "json" else table(result))
    return EXIT_OK


def _redaction(value: str) -> tuple[str, str]:
    placeholder, _, what = value.rpartition("=")
    if not placeholder or not what.strip():
        raise argparse.ArgumentTypeError(
            f"{value!r} is not PLACEHOLDER=WHAT, e.g. '[email protected]=an e-mail address'"
        )
    return placeholder, what.strip()


def cmd_adjudicate(args: argparse.Namespace) -> int:
    from privacy_labels.adjudicate import AdjudicationError, adjudicate

    try:
        results = adjudicate(args.raw, args.policy_ids or None, args.layers, check=args.check)
    except AdjudicationError as error:
        print(error, file=sys.stderr)
        return EXIT_USAGE
    is_complete = all(r.is_done for r in results)
    if args.format == "json":
        print(
            json.dumps(
                {"is_complete": is_complete, "policies": [r.to_dict() for r in results]},
                indent=2,
                ensure_ascii=False,
            )
        )
        return EXIT_OK if is_complete else EXIT_INVALID
    for result in results:
        layers = f" ({' vs '.join(result.layers)})" if len(result.layers) == 2 else ""
        line = f"{result.policy_id}{layers}: {result.status}: {result.message}"
        print(
            line, file=sys.stdout if result.is_done or result.status == "template" else sys.stderr
        )
        for problem in result.problems:
            print(f"  {problem}", file=sys.stderr)
    done = sum(r.status in ("consolidated", "unchanged") for r in results)
    print(
        f"{done} of {sum(r.status != 'skipped' for r in results)} policies with two layers "
        "consolidated" + ("" if is_complete else "; --format json lists the open disagreements"),
        file=sys.stdout if is_complete else sys.stderr,
    )
    return EXIT_OK if is_complete else EXIT_INVALID


def cmd_add_policy(args: argparse.Namespace) -> int:
    from privacy_labels.policies import PolicyError, PolicyUsageError, add_policy

    try:
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
    except PolicyUsageError as error:
        print(error, file=sys.stderr)
        return EXIT_USAGE
    except PolicyError as error:
        print(error, file=sys.stderr)
        return EXIT_INVALID
    print(
        f"added {args.policy_id}: {len(sidecar['segments'])} segments in "
        f"{RawCorpus(args.raw).sidecar_path(args.policy_id)}"
    )
    return EXIT_OK


def cmd_resegment(args: argparse.Namespace) -> int:
    from privacy_labels.policies import PolicyError, resegment

    corpus = RawCorpus(args.raw)
    policy_ids = args.policy_ids or corpus.policy_ids()
    unknown = [p for p in policy_ids if not corpus.sidecar_path(p).is_file()]
    if unknown:
        print(
            f"{corpus.policies_dir}: no policy {unknown[0]!r}; give ids of policies in --raw",
            file=sys.stderr,
        )
        return EXIT_USAGE
    summaries = []
    try:
        for policy_id in policy_ids:
            summaries.append(resegment(corpus, policy_id))
    except PolicyError as error:
        print(error, file=sys.stderr)
        return EXIT_INVALID
    if args.format == "json":
        print(json.dumps(summaries, indent=2))
    else:
        for s in summaries:
            print(
                f"{s['policy_id']}: {s['n_segments_before']} -> {s['n_segments_after']} segments, "
                f"{s['n_practices_moved']} practice(s) moved"
            )
    return EXIT_OK


def cmd_docs(args: argparse.Namespace) -> int:
    from privacy_labels._files import write_text_atomic
    from privacy_labels.docs import generated_docs, stale_docs

    docs = generated_docs()
    stale = stale_docs(args.out, docs)
    if args.check:
        for name in stale:
            print(
                f"{args.out / name} differs from the schema; run `privacy-labels docs`",
                file=sys.stderr,
            )
        return EXIT_INVALID if stale else EXIT_OK
    for name, content in docs.items():
        write_text_atomic(args.out / name, content)
    print(f"wrote {', '.join(docs)} in {args.out} ({len(stale)} changed)")
    return EXIT_OK


def _positive_int(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of 1 or more")
    return int(text)


def _layer_list(text: str) -> list[str]:
    from privacy_labels.corpus import is_slug

    names = [name.strip() for name in text.split(",")]
    wrong = [name for name in names if not is_slug(name)]
    if wrong or len(names) < 2:
        raise argparse.ArgumentTypeError(
            f"{text!r}: give two or more annotator ids separated by commas, e.g. claude,claude-blind"
        )
    return names


def _annotator(text: str) -> str:
    from privacy_labels.corpus import is_slug

    if not is_slug(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not an annotator id (a lowercase slug)")
    return text


def _layer_option(parser, what: str) -> None:
    parser.add_argument(
        "--layer",
        type=_annotator,
        metavar="ANNOTATOR",
        help=f"{what} from this annotator's layer (default: the consolidated layer where a "
        "policy has one, else all annotators)",
    )


def _path_option(parser, flag: str, default: Path, help: str, metavar: str = "DIR") -> None:
    parser.add_argument(
        flag, type=Path, default=default, metavar=metavar, help=f"{help} (default: {default})"
    )


def _labeled_argument(parser) -> None:
    parser.add_argument(
        "dir",
        type=Path,
        nargs="?",
        default=DEFAULT_LABELED,
        metavar="DIR",
        help=f"folder of built tables (default: {DEFAULT_LABELED})",
    )


def parser() -> argparse.ArgumentParser:
    from privacy_labels.importers.opp115 import CONSOLIDATION_THRESHOLDS

    top = argparse.ArgumentParser(
        prog="privacy-labels",
        description="Validate, build, check, release and document the privacy-labels dataset.",
        epilog="Exit codes: 0 success, 1 invalid input or failed check, 2 usage error, "
        "130 interrupted.",
    )
    top.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    fmt = argparse.ArgumentParser(add_help=False)
    fmt.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="report format (json for CI); default: text",
    )
    raw = argparse.ArgumentParser(add_help=False)
    _path_option(raw, "--raw", DEFAULT_RAW, "raw corpus folder")
    workers = argparse.ArgumentParser(add_help=False)
    workers.add_argument(
        "--workers",
        type=_positive_int,
        default=default_workers(),
        metavar="N",
        help="processes that check policies in parallel; default: the cores here "
        f"({default_workers()})",
    )

    p = sub.add_parser(
        "validate",
        parents=[fmt, raw, workers],
        help="check annotation documents and policy sidecars",
        description="Check annotation documents, sidecars or whole raw corpora and report every "
        "problem with file, JSON path and a hint. Files outside the data/raw layout are "
        "checked against the corpus given by --raw.",
    )
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="files or folders")
    p.set_defaults(run=cmd_validate)

    p = sub.add_parser(
        "build",
        parents=[fmt, raw, workers],
        help="build the tables from the raw corpus",
        description="Validate the whole raw corpus, then write the tables (Parquet and CSV) "
        "and manifest.json. Writes nothing if any input is invalid. Policies are checked and "
        "turned into rows in parallel (--workers, or a Dask cluster with --scheduler); the "
        "output is the same bytes however the work is spread.",
    )
    _path_option(p, "--out", DEFAULT_LABELED, "output folder, replaced when complete")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run the per-policy work on the Dask distributed cluster at ADDRESS "
        "(e.g. tcp://10.0.0.5:8786; its workers must see --raw at the same path); "
        "needs the 'distributed' extra",
    )
    p.add_argument(
        "--partitioned",
        action="store_true",
        help="write practices and attribute_values as Parquet datasets partitioned by "
        "category (<table>/category=<id>/part-0.parquet), for corpora too large to read whole",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="build even when OUT's manifest.json shows it was built from these very inputs "
        "(by default that is checked by sha256 and nothing is written)",
    )
    _layer_option(p, "derive segment_labels.has_* and policy_labels")
    p.set_defaults(run=cmd_build)

    p = sub.add_parser(
        "check",
        parents=[fmt],
        help="run the quality gate on built tables",
        description="Run the great-expectations suites generated from the schema, and the "
        "project checks, on the tables in DIR, and that every table file is the one in "
        "manifest.json. Prints each failed check with examples, and writes result.json (and, "
        "with --data-docs, GX Data Docs as HTML) to the report folder. A passing result in the "
        "report folder for the same table files (by sha256), code, schema and versions is "
        "reused, and said so. Exit 1 on any failure.",
    )
    _labeled_argument(p)
    _path_option(p, "--report", DEFAULT_REPORT, "report folder, replaced when complete")
    p.add_argument(
        "--data-docs",
        action="store_true",
        help="also render GX Data Docs (HTML) into REPORT/data_docs; takes several seconds more",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="run the gate even when REPORT holds a passing result for the same table files, "
        "code and versions (by default that result is reused, checked by sha256)",
    )
    p.set_defaults(run=cmd_check)

    p = sub.add_parser(
        "release",
        parents=[fmt, raw],
        help="cut an immutable release into releases/VERSION",
        description="Rebuild from the raw corpus, run the quality gate, and write "
        "releases/VERSION with the tables, metadata (datapackage.json, croissant.json, "
        "dataset card with datasheet, LICENSE.md, CITATION.cff, datacite.json, .zenodo.json), "
        "schema, quality report and SHA256SUMS. Needs a "
        "'## [VERSION] - YYYY-MM-DD' entry in the changelog; never overwrites a release. "
        "Semver for data: patch = docs only, minor = new or corrected data, major = renamed "
        "or removed tables, columns or labels.",
    )
    p.add_argument("version", metavar="VERSION", help="MAJOR.MINOR.PATCH")
    _path_option(p, "--releases", DEFAULT_RELEASES, "folder of releases")
    _path_option(
        p, "--changelog", DEFAULT_CHANGELOG, "changelog with the version's entry", metavar="FILE"
    )
    _path_option(
        p,
        "--citation",
        DEFAULT_CITATION,
        "the repository's citation file to update (and .zenodo.json beside it)",
        metavar="FILE",
    )
    _path_option(
        p,
        "--metadata",
        DEFAULT_METADATA,
        "what the project knows about the dataset: licences, uses, biases, maintenance",
        metavar="FILE",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(run=cmd_release)

    p = sub.add_parser(
        "verify",
        parents=[fmt],
        help="check a release folder against its SHA256SUMS",
        description="Recompute the sha256 of every file in DIR and report each changed, "
        "missing or extra file. Exit 1 on any.",
    )
    p.add_argument("dir", type=Path, metavar="DIR", help="a release folder, e.g. releases/0.1.0")
    p.set_defaults(run=cmd_verify)

    p = sub.add_parser(
        "import",
        help="import an existing corpus into the raw layout",
        description="Convert an existing annotated corpus into a raw corpus (policies, "
        "sidecars, annotation documents) that validate, build and check take as is.",
    )
    sources = p.add_subparsers(dest="source", required=True, metavar="SOURCE")
    p = sources.add_parser(
        "opp115",
        parents=[fmt],
        help="the OPP-115 corpus v1.0 (Wilson et al., ACL 2016)",
        description="Import every policy and practice of OPP-115 v1.0: text from "
        "sanitized_policies/ with markup removed, segments kept, labels mapped to the "
        "taxonomy's ids, spans re-anchored into the text (exact, relocated or unanchorable, "
        "listed in import-report.json). OPP-115 is for research only: import it into a folder "
        "of your own, never into data/.",
    )
    p.add_argument("src", type=Path, metavar="SRC", help="the corpus root folder")
    p.add_argument("--out", type=Path, required=True, metavar="DIR", help="raw corpus to write")
    p.add_argument(
        "--consolidation",
        choices=CONSOLIDATION_THRESHOLDS,
        help="import the consolidated layer at this overlap threshold instead of the "
        "annotators' practices",
    )
    p.add_argument(
        "--workers",
        type=_positive_int,
        default=default_workers(),
        metavar="N",
        help="processes that convert policies in parallel (the output is the same); "
        f"default: the cores here ({default_workers()})",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(run=cmd_import_opp115)
    p = sources.add_parser(
        "label-studio",
        parents=[fmt, raw],
        help="a Label Studio JSON export of tasks made by `export label-studio`",
        description="Convert the annotations of a Label Studio JSON export into annotation "
        "documents, one per task and annotator, with offsets mapped back to the policy text "
        "(Label Studio counts \\r\\n and emoji as two). Writes a raw corpus to --out: the "
        "annotated policies, copied from --raw, and the documents, validated with the corpus "
        "in --raw; nothing is written while a problem remains.",
    )
    p.add_argument("export", type=Path, metavar="EXPORT.json", help="the JSON export")
    p.add_argument("--out", type=Path, required=True, metavar="DIR", help="raw corpus to write")
    p.add_argument(
        "--annotator",
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
    p.set_defaults(run=cmd_import_label_studio)

    p = sub.add_parser(
        "export",
        help="export the corpus to an annotation tool",
        description="Write the corpus in an annotation tool's formats, with its annotations.",
    )
    targets = p.add_subparsers(dest="target", required=True, metavar="TOOL")
    p = targets.add_parser(
        "label-studio",
        parents=[fmt, raw],
        help="a Label Studio labeling configuration and tasks",
        description="Write config.xml, a Label Studio labeling configuration generated from the "
        "schema (categories, and per category only its attributes and their values), and "
        "tasks.json, one task per policy with its annotation documents as predictions.",
    )
    p.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder to write")
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
    p.set_defaults(run=cmd_export_label_studio)

    p = sub.add_parser(
        "agreement",
        parents=[fmt],
        help="inter-annotator agreement per category, per policy and for the corpus",
        description="Compare the annotation layers of the tables in DIR (the consolidated "
        "layer excepted): segment-level Cohen's kappa (a fixed pair of layers) or Fleiss' "
        "kappa per category, the number of segments labeled by at least one, a majority and "
        "all annotators, pairwise segment-level F1 (micro and per category), and "
        "attribute-value agreement on practices matched by attribute overlap; per policy and "
        "for the corpus. The formulas are in the module privacy_labels.agreement.",
    )
    _labeled_argument(p)
    p.add_argument(
        "--annotators",
        type=int,
        metavar="N",
        help="use the policies with N annotators (default: the most common number)",
    )
    p.add_argument(
        "--layers",
        type=_layer_list,
        metavar="A,B[,...]",
        help="compare these annotators' layers, over the policies that have all of them",
    )
    p.set_defaults(run=cmd_agreement)

    from privacy_labels.benchmark_cli import add_commands

    add_commands(sub, fmt)

    p = sub.add_parser(
        "adjudicate",
        parents=[fmt, raw],
        help="resolve the disagreements of two layers into the consolidated layer",
        description="For each policy with two annotation layers (or --layers), list every "
        "disagreement (a label only one layer gives, a practice without a partner, an "
        "attribute value paired practices differ on). Without an adjudication log "
        "(RAW/adjudication/<policy_id>.json) it writes one as a template to fill in; with a "
        "complete log, one decision per disagreement, it writes the consolidated layer "
        "RAW/annotations/<policy_id>/consolidated.json. Exit 1 while any disagreement is "
        "undecided or the log has problems. The rule is in the module privacy_labels.adjudicate.",
    )
    p.add_argument(
        "policy_ids", nargs="*", metavar="POLICY_ID", help="policies to adjudicate (default: all)"
    )
    p.add_argument(
        "--layers",
        type=_layer_list,
        metavar="BASE,OTHER",
        help="the two annotators to adjudicate, the base layer first (default: the policy's "
        "two annotators other than consolidated, in alphabetical order)",
    )
    p.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if a log is missing or incomplete or a consolidated layer "
        "is not what the layers and the log give now",
    )
    p.set_defaults(run=cmd_adjudicate)

    p = sub.add_parser(
        "report",
        parents=[fmt],
        help="write a static HTML report with a privacy label per policy",
        description="Write index.html (counts per category, attribute and value, with bar "
        "charts, and agreement when policies have several annotators) and "
        "policies/<policy_id>.html (the policy's privacy label: a grid of information types "
        "against uses and recipients whose cells link to the evidence, highlighted in the "
        "policy text) from the tables in DIR.",
    )
    _labeled_argument(p)
    _path_option(p, "--out", DEFAULT_SITE, "output folder, replaced when complete")
    _layer_option(p, "show each policy's label")
    p.set_defaults(run=cmd_report)

    p = sub.add_parser(
        "add-policy",
        parents=[raw],
        help="add a policy text with its provenance sidecar",
        description="Normalise line ends and surrounding whitespace, segment the text into "
        "paragraphs, and write <policy_id>.txt and <policy_id>.json into the raw corpus.",
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
        type=_redaction,
        metavar="PLACEHOLDER=WHAT",
        help="a placeholder the text has in place of removed content, and what it replaced "
        "(repeatable), e.g. '[email protected]=an e-mail address'",
    )
    p.set_defaults(run=cmd_add_policy)

    p = sub.add_parser(
        "resegment",
        parents=[fmt, raw],
        help="cut policies into segments again by the current rule, moving their annotations",
        description="Segment each policy's text again by the current segmentation rule "
        "(docs/guidelines.md, section 1), record the rule in its sidecar, and re-derive every "
        "practice's segment_id from its spans; no span changes. A policy with a practice "
        "whose spans would fall into two segments is refused, and nothing of it is written.",
    )
    p.add_argument(
        "policy_ids", nargs="*", metavar="POLICY_ID", help="policies to resegment (default: all)"
    )
    p.set_defaults(run=cmd_resegment)

    p = sub.add_parser(
        "docs",
        help="generate the taxonomy, table and crosswalk reference in docs/",
        description="Write docs/taxonomy.md, docs/tables.md and docs/crosswalk.md from the schema.",
    )
    _path_option(p, "--out", Path("docs"), "folder to write")
    p.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if the files differ from the schema",
    )
    p.set_defaults(run=cmd_docs)
    return top


# The optional dependencies a command may need, and the extra that installs each.
_EXTRAS = {"great_expectations": "check", "distributed": "distributed", "dask": "distributed"}


def _environment_fault(error: OSError) -> str:
    """One line for a fault of the machine rather than the data: the file and the cure."""
    where = f"{error.filename}: " if error.filename else ""
    cures = {
        errno.ENOSPC: "the disk is full; free some space or write elsewhere",
        errno.EDQUOT: "the disk quota is used up; free some space or write elsewhere",
        errno.EROFS: "the file system is read-only; write elsewhere",
        errno.EACCES: "permission denied; write elsewhere or change the permissions",
        errno.EPERM: "operation not permitted; write elsewhere or change the permissions",
    }
    return where + cures.get(error.errno, error.strerror or str(error))


def main(argv: list[str] | None = None) -> int:
    from privacy_labels._files import Busy, OutputRefused

    if signal.getsignal(signal.SIGINT) is privacy_labels._interrupted_while_starting:
        signal.signal(signal.SIGINT, signal.default_int_handler)  # answered below from now on
    command = "privacy-labels"
    try:
        # Parsing imports the commands' modules: an interrupt there is answered too.
        args = parser().parse_args(argv)
        command = " ".join(
            part
            for part in (args.command, getattr(args, "source", None), getattr(args, "target", None))
            if part
        )
        return args.run(args)
    except OutputRefused as error:
        print(error, file=sys.stderr)
        return EXIT_USAGE
    except Busy as error:
        print(error, file=sys.stderr)
        return EXIT_INVALID
    except KeyboardInterrupt:
        print("interrupted; outputs are unchanged", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # output piped into `head` and the like
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except ModuleNotFoundError as error:
        extra = _EXTRAS.get((error.name or "").split(".")[0])
        if extra is None:
            raise
        print(
            f"{command} needs {error.name}, which is not installed: "
            f"pip install 'privacy-labels[{extra}]'",
            file=sys.stderr,
        )
        return EXIT_INVALID
    except OSError as error:
        print(
            f"{command} stopped: {_environment_fault(error)}; outputs are unchanged",
            file=sys.stderr,
        )
        return EXIT_INVALID


if __name__ == "__main__":
    sys.exit(main())
