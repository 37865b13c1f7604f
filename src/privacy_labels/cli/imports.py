"""The `import` subcommands of whole corpora: OPP-115 and APP-350 into the raw layout."""

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
            f"next: privacy-labels build --raw {result.out} --out OUT",
        ],
    )
