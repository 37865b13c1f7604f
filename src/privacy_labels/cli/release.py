"""The handlers of the release subcommands: `release` (cut an immutable release) and
`verify` (verify one against its checksums and, for a release the package ships, the
shipped ones)."""

from __future__ import annotations

import argparse

from privacy_labels.cli.answer import EXIT_INVALID, EXIT_OK, Answer, Line
from privacy_labels.cli.options import (
    keywords,
)


def cmd_release(args: argparse.Namespace) -> Answer:
    from privacy_labels.release.cut import release

    result = release(
        args.version,
        progress=False if args.quiet else None,
        **keywords(args, "raw", "releases", "changelog", "citation", "metadata"),
    )
    if result.finished_interrupted:
        text = [
            f"{result.folder} was complete but an interrupted run had not updated "
            f"{result.citation}; updated it now"
        ]
    else:
        rows = ", ".join(f"{name} {n:,}" for name, n in result.n_rows.items())
        text = [
            f"released {result.version} ({result.date}) in {result.folder}: {rows} rows",
            f"updated {result.citation}; check it with `privacy-labels verify {result.folder}`",
        ]
    return Answer(
        {
            "version": result.version,
            "date": result.date,
            "folder": str(result.folder),
            "n_rows": result.n_rows,
            "finished_interrupted": result.finished_interrupted,
        },
        text,
    )


def cmd_verify(args: argparse.Namespace) -> Answer:
    from privacy_labels.release.sha256sums import verify_release

    result = verify_release(args.dir)
    references = [str(reference) for reference in result.references]
    verdict = f"{len(result.mismatches)} file(s) differ" if result.mismatches else "intact"
    against = " and ".join(references)
    if not result.is_shipped:
        against += " (not a release this package ships, so only its own checksums)"
    elif len(references) == 1:
        against += " (the package's own copy of the release)"
    return Answer(
        {
            "is_intact": result.is_intact,
            "is_shipped": result.is_shipped,
            "references": references,
            "mismatches": [vars(m) for m in result.mismatches],
        },
        [
            *(Line(f"{args.dir / m.path}: {m.reason}", is_error=True) for m in result.mismatches),
            Line(f"{args.dir}: {verdict}, verified against {against}", not result.is_intact),
        ],
        EXIT_OK if result.is_intact else EXIT_INVALID,
    )
