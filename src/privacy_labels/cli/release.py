"""The release subcommands: `release` (cut an immutable release) and `verify` (verify one against its checksums)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from privacy_labels.cli.options import (
    EXIT_INVALID,
    EXIT_OK,
    Parents,
    path_option,
    resolve_in_project,
)
from privacy_labels.raw.corpus import (
    DEFAULT_CHANGELOG,
    DEFAULT_CITATION,
    DEFAULT_METADATA,
    DEFAULT_RELEASES,
)


def cmd_release(args: argparse.Namespace) -> int:
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
    from privacy_labels.release.sha256sums import verify

    mismatches = verify(args.dir)
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


# -- The subcommands' options -------------------------------------------------------------


def add_release(sub, common: Parents) -> None:
    p = sub.add_parser(
        "release",
        parents=[common.fmt, common.raw],
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
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(run=cmd_release, unchanged="nothing was written")


def add_verify(sub, common: Parents) -> None:
    p = sub.add_parser(
        "verify",
        parents=[common.fmt],
        help="verify a release folder against its SHA256SUMS",
        description="Recompute the sha256 of every file in DIR and report each changed, "
        "missing or extra file. Exit 1 on any.",
    )
    p.add_argument("dir", type=Path, metavar="DIR", help="a release folder, e.g. releases/0.1.0")
    p.set_defaults(run=cmd_verify)
