"""The release subcommands: `release` (cut an immutable release) and `verify` (verify one against
its checksums and, for a release the package ships, the shipped ones)."""

from __future__ import annotations

import argparse
from pathlib import Path

from privacy_labels.cli.answer import EXIT_INVALID, EXIT_OK, Answer, Line
from privacy_labels.cli.options import (
    Parents,
    command,
    path_option,
    quiet_option,
    resolve_in_project,
)
from privacy_labels.raw.corpus import (
    DEFAULT_CHANGELOG,
    DEFAULT_CITATION,
    DEFAULT_METADATA,
    DEFAULT_RELEASES,
)


def cmd_release(args: argparse.Namespace) -> Answer:
    from privacy_labels.release.cut import release

    resolve_in_project(args, "releases", "changelog", "citation", "metadata")
    result = release(
        args.version,
        raw=args.raw,
        releases=args.releases,
        changelog=args.changelog,
        citation=args.citation,
        metadata=args.metadata,
        progress=False if args.quiet else None,
    )
    if result.finished_interrupted:
        text = [
            f"{result.folder} was complete but an interrupted run had not updated "
            f"{args.citation}; updated it now"
        ]
    else:
        rows = ", ".join(f"{name} {n:,}" for name, n in result.n_rows.items())
        text = [
            f"released {result.version} ({result.date}) in {result.folder}: {rows} rows",
            f"updated {args.citation}; check it with `privacy-labels verify {result.folder}`",
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


# -- The subcommands' options -------------------------------------------------------------


def add_release(sub, common: Parents) -> None:
    p = command(
        sub,
        "release",
        cmd_release,
        help="cut an immutable release into releases/VERSION",
        description="Rebuild from the raw corpus, run the quality gate, and write "
        "releases/VERSION with the tables, metadata (datapackage.json, croissant.json, "
        "dataset card with datasheet, LICENSE.md, CITATION.cff, datacite.json, .zenodo.json), "
        "schema, quality report and SHA256SUMS. Needs a "
        "'## [VERSION] - YYYY-MM-DD' entry in the changelog; never overwrites a release. "
        "Semver for data: patch = docs only, minor = new or corrected data, major = renamed "
        "or removed tables, columns or labels.",
        parents=[common.fmt, common.raw],
        reads=("--raw",),
        unchanged="nothing was written",
    )
    p.add_argument("version", metavar="VERSION", help="MAJOR.MINOR.PATCH")
    path_option(p, "--releases", DEFAULT_RELEASES, "folder of releases", in_project=True)
    path_option(
        p,
        "--changelog",
        DEFAULT_CHANGELOG,
        "changelog with the version's entry",
        metavar="FILE",
        in_project=True,
    )
    path_option(
        p,
        "--citation",
        DEFAULT_CITATION,
        "the repository's citation file to update (and .zenodo.json beside it)",
        metavar="FILE",
        in_project=True,
    )
    path_option(
        p,
        "--metadata",
        DEFAULT_METADATA,
        "what the project knows about the dataset: licences, uses, biases, maintenance",
        metavar="FILE",
        in_project=True,
    )
    quiet_option(p)


def add_verify(sub, common: Parents) -> None:
    p = command(
        sub,
        "verify",
        cmd_verify,
        help="verify a release folder against its SHA256SUMS and the package's own",
        description="Recompute the sha256 of every file in DIR and report each changed, "
        "missing or extra file. A release of a version the package ships (by its folder "
        "name or manifest.json) is checked against the shipped SHA256SUMS as well as its "
        "own, so a file edited together with its checksum is found; the output names the "
        "references used. Exit 1 on any difference.",
        parents=[common.fmt],
        reads=("dir",),
    )
    p.add_argument("dir", type=Path, metavar="DIR", help="a release folder, e.g. releases/0.1.0")
