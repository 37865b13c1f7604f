"""The `import` subcommands of whole corpora: OPP-115, APP-350 and MAPP into the raw layout."""

from __future__ import annotations

import argparse

from privacy_labels.cli.answer import Answer
from privacy_labels.errors import UsageError


def cmd_import_opp115(args: argparse.Namespace) -> Answer:
    from privacy_labels.importers.opp115 import import_opp115

    if not args.src.is_dir():
        raise UsageError(f"{args.src}: no such folder; give the OPP-115 corpus root")
    result = import_opp115(
        args.src,
        args.out,
        consolidation=args.consolidation,
        progress=False if args.quiet else None,
        workers=args.workers,
    )
    summary = result.to_dict()
    spans = summary["spans"]
    defaulted = (
        [f"{result.n_required_defaulted:,} required attributes absent, set to unspecified"]
        if result.n_required_defaulted
        else []
    )
    return Answer(
        summary,
        [
            f"imported OPP-115 {result.layer} into {result.out}: {result.n_policies:,} policies, "
            f"{result.n_practices:,} practices, {result.n_values:,} values "
            f"({result.n_not_selected:,} optional attributes not selected, so no value)",
            f"spans: {sum(spans.values()):,}: {spans['exact']:,} exact, {spans['relocated']:,} "
            f"relocated, {spans['unanchorable']:,} unanchorable (value kept, no span); "
            f"listed in {result.out / 'import-report.json'}",
            *defaulted,
            *_kept_out(len(result.empty_segments), len(result.without_segments), result.out),
            f"next: privacy-labels build --raw {result.out} --out OUT",
        ],
    )


def cmd_import_app350(args: argparse.Namespace) -> Answer:
    from privacy_labels.importers.app350 import import_app350

    if not args.src.is_dir():
        raise UsageError(f"{args.src}: no such folder; give the APP-350 corpus root")
    result = import_app350(args.src, args.out)
    spans = result.spans
    return Answer(
        result.to_dict() | {"out": str(result.out)},
        [
            f"imported APP-350 into {result.out}: {result.n_policies:,} policies "
            f"({', '.join(f'{n:,} {s}' for s, n in sorted(result.splits.items()))}; "
            f"{len(result.synthetic):,} with synthetic text), {result.n_segments:,} segments, "
            f"{result.n_practices:,} practices ({result.n_does_not:,} not performed)",
            f"evidence spans: {spans['exact']:,} exact, {spans['whitespace']:,} with whitespace "
            f"compared loosely, {spans['not_in_segment'] + spans['no_sentence']:,} without "
            f"(listed in {result.out / 'import-report.json'})",
            *_kept_out(len(result.empty_segments), len(result.without_segments), result.out),
            f"next: privacy-labels build --raw {result.out} --out OUT",
        ],
    )


def cmd_import_mapp(args: argparse.Namespace) -> Answer:
    from privacy_labels.importers.mapp import import_mapp

    if not args.src.is_dir():
        raise UsageError(f"{args.src}: no such folder; give the MAPP corpus root (MAPP_Corpus/)")
    report = import_mapp(args.src, args.out)
    problems = report["problems"]
    return Answer(
        report | {"out": str(args.out)},
        [
            *(
                f"imported MAPP {language} into {args.out}: {c['policies']:,} policies "
                f"({', '.join(f'{n:,} {s}' for s, n in sorted(c['splits'].items()))}), "
                f"{c['segments']:,} segments, {c['labelled_pairs']:,} labelled (segment, "
                f"category) pairs as value sets, {c['legal_basis_values']:,} legal-basis values"
                for language, c in report["counts"].items()
            ),
            f"source problems: {len(problems['ambiguous_category_rows']):,} two-category rows "
            f"with values given to both, {len(problems['first_party_rows_without_legal_basis']):,}"
            f" first-party rows without legal basis, {len(problems['debris_segments']):,} debris "
            f"segments, {len(problems['split_differs_by_language']):,} apps split differently "
            f"by language (all listed in {args.out / 'import-report.json'})",
            *_kept_out(
                len(problems["empty_segments"]),
                len(problems["policies_without_segments"]),
                args.out,
            ),
            f"next: privacy-labels build --raw {args.out} --out OUT",
        ],
    )


def _kept_out(n_segments: int, n_policies: int, out) -> list[str]:
    """The line saying what held no text and was kept out, where anything was."""
    if not n_segments and not n_policies:
        return []
    return [
        f"kept out, holding no text: {n_segments:,} segments (their labels dropped with them) "
        f"and {n_policies:,} policies; listed in {out / 'import-report.json'}"
    ]
