"""The data stages' subcommands: `validate`, `migrate`, `build`, `check`, `report` and `docs`.

A handler does the work and answers what it made (cli.answer), which app.main prints; a
failure is raised as a PrivacyLabelsError and printed by app.main, with its problems.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from privacy_labels.cli.answer import EXIT_INVALID, EXIT_OK, Answer, Line
from privacy_labels.cli.options import (
    Parents,
    command,
    labeled_argument,
    layer_option,
    path_option,
    quiet_option,
    resolve_in_project,
)
from privacy_labels.raw.corpus import DEFAULT_LABELED, DEFAULT_REPORT, DEFAULT_SITE


def cmd_validate(args: argparse.Namespace) -> Answer:
    from privacy_labels.raw.validate import Validator

    validator = Validator(default_raw=args.raw)
    problems = validator.validate_paths(args.paths, workers=args.workers)
    verdict = "valid" if not problems else f"{len(problems)} problem(s)"
    return Answer(
        {
            "is_valid": not problems,
            "n_files": validator.n_files,
            "n_practices": validator.n_practices,
            "n_problems": len(problems),
            "notes": validator.notes,
            "problems": [p.to_dict() for p in problems],
        },
        [
            *(Line(str(p), is_error=True) for p in problems),
            Line(
                f"{verdict}: {validator.n_files} file(s), {validator.n_practices} practice(s) "
                "checked",
                is_error=bool(problems),
            ),
            *(f"note: {note}" for note in validator.notes),
        ],
        EXIT_INVALID if problems else EXIT_OK,
    )


def cmd_migrate(args: argparse.Namespace) -> Answer:
    from privacy_labels.contract.versions import current_version
    from privacy_labels.raw.migrate import migrate

    migrations = migrate(args.paths)
    changed = [m for m in migrations if m.is_changed]
    text = []
    for m in changed:
        filled = "".join(f"; filled {a.field} ({a.why})" for a in m.filled)
        text.append(f"{m.path}: {m.from_version} -> {current_version()}{filled}")
        text += [
            f"    supply {a.field} (added in {a.version}): {a.description}" for a in m.to_supply
        ]
    n_to_supply = sum(len(m.to_supply) for m in changed)
    text.append(
        f"{len(changed)} of {len(migrations)} file(s) upgraded to {current_version()}"
        + (
            f"; {n_to_supply} field(s) to supply, then run `privacy-labels validate`"
            if n_to_supply
            else ""
        )
    )
    return Answer(
        {
            "to_version": current_version(),
            "n_files": len(migrations),
            "migrated": [m.to_dict() for m in changed],
        },
        text,
    )


def cmd_build(args: argparse.Namespace) -> Answer:
    from privacy_labels.builder.pipeline import build

    resolve_in_project(args, "out")
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
    rows = ", ".join(f"{name} {n:,}" for name, n in result.n_rows.items())
    return Answer(
        {
            "is_valid": True,
            "out": str(result.out),
            "n_rows": result.n_rows,
            "up_to_date": result.up_to_date,
        },
        [
            f"up to date: {result.out} was built from these inputs (manifest.json), nothing "
            f"written: {rows} rows; --force rebuilds"
            if result.up_to_date
            else f"built {result.out}: {rows} rows"
        ],
    )


def cmd_check(args: argparse.Namespace) -> Answer:
    from privacy_labels.quality.gate import check, summary

    result = check(
        args.dir,
        report=args.report,
        data_docs=args.data_docs,
        force=args.force,
        scheduler=args.scheduler,
    )
    reused = (
        [
            f"reused the passing result in {args.report}: the table files, manifest, the "
            "gate's code and schema and the versions are those it was checked with; "
            "--force runs the gate again"
        ]
        if result.is_reused
        else []
    )
    docs = f", data docs: {args.report / 'data_docs/index.html'}" if args.data_docs else ""
    return Answer(
        {**result.to_dict(), "report": str(args.report), "reused": result.is_reused},
        [
            *reused,
            Line(summary(result), is_error=not result.success),
            f"report: {args.report / 'result.json'}{docs}",
        ],
        EXIT_OK if result.success else EXIT_INVALID,
    )


def cmd_report(args: argparse.Namespace) -> Answer:
    from privacy_labels.outputs.report import write_report

    result = write_report(args.dir, args.out, args.layer)
    return Answer(
        {"out": str(result.out), "n_pages": result.n_pages},
        [f"wrote {result.n_pages} pages to {result.out}; open {result.out / 'index.html'}"],
    )


def cmd_docs(args: argparse.Namespace) -> Answer:
    from privacy_labels.outputs.docs import generated_docs, stale_docs, write_docs

    docs = generated_docs()
    if args.check:
        stale = stale_docs(args.out, docs)
        return Answer(
            {"stale": [str(args.out / name) for name in stale]},
            [
                Line(f"{args.out / name} differs from the schema; run `privacy-labels docs`", True)
                for name in stale
            ],
            EXIT_INVALID if stale else EXIT_OK,
        )
    changed = write_docs(args.out, docs)
    return Answer(
        {"out": str(args.out), "docs": list(docs), "changed": list(changed)},
        [f"wrote {', '.join(docs)} in {args.out} ({len(changed)} changed)"],
    )


# -- The subcommands' options -------------------------------------------------------------


def add_validate(sub, common: Parents) -> None:
    p = command(
        sub,
        "validate",
        cmd_validate,
        help="validate annotation documents and policy sidecars",
        description="Check annotation documents, sidecars or whole raw corpora and report every "
        "problem with file, JSON path and a hint. Files outside the data/raw layout are "
        "validated against the corpus given by --raw.",
        parents=[common.fmt, common.raw, common.workers],
        reads=("paths",),
    )
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="files or folders")


def add_migrate(sub, common: Parents) -> None:
    p = command(
        sub,
        "migrate",
        cmd_migrate,
        help="upgrade annotation documents and sidecars to the current schema version",
        description="Rewrite annotation documents and policy sidecars written at an earlier "
        "schema version in place, at the current one (schema/versions.json says what each "
        "version added): fill each added field that can be derived and name each one a "
        "person must supply. Every file is judged before any is written; a file at an "
        "unknown version stops the run with nothing changed.",
        parents=[common.fmt],
        reads=("paths",),
    )
    p.add_argument(
        "paths", nargs="+", type=Path, metavar="PATH", help="files, or folders such as data/raw"
    )


def add_build(sub, common: Parents) -> None:
    p = command(
        sub,
        "build",
        cmd_build,
        help="build the tables from the raw corpus",
        description="Validate the whole raw corpus, then write the tables (Parquet and CSV) "
        "and manifest.json. Writes nothing if any input is invalid. Policies are validated and "
        "turned into rows in parallel (--workers, or a Dask cluster with --scheduler); the "
        "output is the same bytes however the work is spread.",
        parents=[common.fmt, common.raw, common.workers],
        reads=("--raw",),
        unchanged="{out} is unchanged",
    )
    path_option(
        p, "--out", DEFAULT_LABELED, "output folder, replaced when complete", in_project=True
    )
    quiet_option(p)
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
        "(by default that is verified by sha256 and nothing is written)",
    )
    layer_option(p, "derive segment_labels.has_* and policy_labels")


def add_check(sub, common: Parents) -> None:
    p = command(
        sub,
        "check",
        cmd_check,
        help="run the quality gate on built tables",
        description="Run the great-expectations suites generated from the schema, and the "
        "project checks, on the tables in DIR, and that every table file is the one in "
        "manifest.json. Prints each failed check with examples, and writes result.json (and, "
        "with --data-docs, GX Data Docs as HTML) to the report folder. A passing result in the "
        "report folder for the same table files (by sha256), code, schema and versions is "
        "reused, and said so. Exit 1 on any failure.",
        parents=[common.fmt],
        reads=("dir",),
    )
    labeled_argument(p)
    path_option(p, "--report", DEFAULT_REPORT, "report folder, replaced when complete")
    p.add_argument(
        "--data-docs",
        action="store_true",
        help="also render GX Data Docs (HTML) into REPORT/data_docs; takes several seconds more",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="run the gate even when REPORT holds a passing result for the same table files, "
        "code and versions (by default that result is reused, verified by sha256)",
    )
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="check each table's suite on the Dask distributed cluster at ADDRESS "
        "(its workers must see DIR at the same path), the rules across tables here "
        "after them; same verdict as a local run (with --data-docs all run here); needs the "
        "'distributed' extra",
    )


def add_report(sub, common: Parents) -> None:
    p = command(
        sub,
        "report",
        cmd_report,
        help="write a static HTML report with a privacy label per policy",
        description="Write index.html (counts per category, attribute and value, with bar "
        "charts, and agreement when policies have several annotators) and "
        "policies/<policy_id>.html (the policy's privacy label: a grid of information types "
        "against uses and recipients whose cells link to the evidence, highlighted in the "
        "policy text) from the tables in DIR.",
        parents=[common.fmt],
        reads=("dir",),
        unchanged="{out} is unchanged",
    )
    labeled_argument(p)
    path_option(p, "--out", DEFAULT_SITE, "output folder, replaced when complete")
    layer_option(p, "show each policy's label")


def add_docs(sub, common: Parents) -> None:
    p = command(
        sub,
        "docs",
        cmd_docs,
        help="generate the taxonomy, table, crosswalk and scheme reference in docs/",
        description="Write docs/taxonomy.md, docs/tables.md, docs/crosswalk.md and "
        "docs/schemes/ from the schema and the schemes.",
    )
    path_option(p, "--out", Path("docs"), "folder to write")
    p.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if the files differ from the schema",
    )
