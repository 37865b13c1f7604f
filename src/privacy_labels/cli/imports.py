"""The handlers of the `import` subcommands of whole corpora: OPP-115, APP-350 and MAPP
into the raw layout."""

from __future__ import annotations

import argparse
from pathlib import Path

from privacy_labels.cli.answer import Answer
from privacy_labels.cli.options import require_input
from privacy_labels.importers.writer import REPORT


def cmd_import_opp115(args: argparse.Namespace) -> Answer:
    from privacy_labels.importers.opp115 import import_opp115

    result = import_opp115(
        require_input(args.src, "the OPP-115 corpus root"),
        args.out,
        consolidation=args.consolidation,
        progress=False if args.quiet else None,
        workers=args.workers,
    )
    defaulted = (
        [f"{result.n_required_defaulted:,} required attributes absent, set to unspecified"]
        if result.n_required_defaulted
        else []
    )
    return _imported(
        result.to_dict(),
        result.out,
        [
            f"imported OPP-115 {result.layer} into {result.out}: {result.n_policies:,} policies, "
            f"{result.n_practices:,} practices, {result.n_values:,} values "
            f"({result.n_not_selected:,} optional attributes not selected, so no value)",
            _spans(result.spans, result.out),
            *defaulted,
        ],
    )


def cmd_import_app350(args: argparse.Namespace) -> Answer:
    from privacy_labels.importers.app350 import import_app350

    result = import_app350(require_input(args.src, "the APP-350 corpus root"), args.out)
    return _imported(
        result.to_dict(),
        result.out,
        [
            f"imported APP-350 into {result.out}: {result.n_policies:,} policies "
            f"({_per_split(result.splits)}; "
            f"{len(result.synthetic):,} with synthetic text), {result.n_segments:,} segments, "
            f"{result.n_practices:,} practices ({result.n_does_not:,} not performed)",
            _spans(result.spans, result.out),
            *(
                [
                    f"not imported: {len(result.unknown):,} practices with a name APP-350 v1.1 "
                    f"does not have (listed in {result.out / REPORT})"
                ]
                if result.unknown
                else []
            ),
        ],
    )


def cmd_import_mapp(args: argparse.Namespace) -> Answer:
    from privacy_labels.importers.mapp import import_mapp

    report = import_mapp(require_input(args.src, "the MAPP corpus root (MAPP_Corpus/)"), args.out)
    problems = report["problems"]
    return _imported(
        report,
        args.out,
        [
            *(
                f"imported MAPP {language} into {args.out}: {c['policies']:,} policies "
                f"({_per_split(c['splits'])}), "
                f"{c['segments']:,} segments, {c['labelled_pairs']:,} labelled (segment, "
                f"category) pairs as value sets, {c['legal_basis_values']:,} legal-basis values"
                for language, c in report["counts"].items()
            ),
            f"source problems: {len(problems['ambiguous_category_rows']):,} two-category rows "
            f"with values given to both, {len(problems['unknown_value_rows']):,} rows with "
            f"values the mapp scheme does not know (not imported), "
            f"{len(problems['first_party_rows_without_legal_basis']):,}"
            f" first-party rows without legal basis, {len(problems['debris_segments']):,} debris "
            f"segments, {len(problems['split_differs_by_language']):,} apps split differently "
            f"by language (all listed in {args.out / REPORT})",
        ],
    )


def cmd_import_raw(args: argparse.Namespace) -> Answer:
    from privacy_labels.importers.combine import combine_raw_corpora

    roots = [require_input(root, "a raw corpus to combine") for root in args.roots]
    report = combine_raw_corpora(roots, args.out)
    return _imported(
        report,
        args.out,
        [
            f"combined {report['n_inputs']:,} raw corpora into {args.out}: "
            f"{report['n_policies']:,} policies, {report['n_annotation_documents']:,} "
            f"annotation documents ({report['n_files_shared']:,} files held alike by two "
            f"inputs, copied once); listed in {args.out / REPORT}"
        ],
    )


def _imported(report: dict, corpus: Path, lines: list[str]) -> Answer:
    """An import's answer: its report, naming the corpus written, what it kept out and what
    to do next."""
    return Answer(
        report | {"out": str(corpus)},
        [
            *lines,
            *_kept_out(report, corpus),
            f"next: privacy-labels build --raw {corpus} --out OUT",
        ],
    )


def _spans(spans: dict[str, int], corpus: Path) -> str:
    """How the evidence spans were found, by kind (an import's `spans` counts: exact,
    relocated, unanchorable; or exact, whitespace, not_in_segment, no_sentence)."""
    kinds = ", ".join(f"{n:,} {kind.replace('_', ' ')}" for kind, n in spans.items())
    return f"evidence spans: {kinds}; listed in {corpus / REPORT}"


def _per_split(counts: dict[str, int]) -> str:
    """Policies per split, e.g. `75 test, 275 train`."""
    return ", ".join(f"{n:,} {split}" for split, n in sorted(counts.items()))


def _kept_out(report: dict, corpus: Path) -> list[str]:
    """The line saying what held no text and was kept out, where anything was (MAPP lists
    them among its source problems, the others count them)."""
    listed = report.get("problems", {})
    n_segments = report.get("n_empty_segments", len(listed.get("empty_segments", ())))
    n_policies = report.get(
        "n_policies_without_segments", len(listed.get("policies_without_segments", ()))
    )
    if not n_segments and not n_policies:
        return []
    return [
        f"kept out, holding no text: {n_segments:,} segments (their labels dropped with them) "
        f"and {n_policies:,} policies; listed in {corpus / REPORT}"
    ]
