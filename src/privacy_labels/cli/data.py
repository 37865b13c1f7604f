"""The handlers of the data stages' subcommands (declared in `commands`): `validate`,
`migrate`, `build`, `check`, `report` and `docs`.

A handler does the work and answers what it made (cli.answer), which app.main prints; a
failure is raised as a PrivacyLabelsError and printed by app.main, with its problems.
"""

from __future__ import annotations

import argparse

from privacy_labels.cli.answer import EXIT_INVALID, EXIT_OK, Answer, Line
from privacy_labels.cli.options import (
    keywords,
)


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

    result = build(
        args.raw,
        args.out,
        progress=False if args.quiet else None,
        **keywords(args, "workers", "scheduler", "partitioned", "force", "layer"),
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

    result = check(args.dir, **keywords(args, "report", "data_docs", "force", "scheduler"))
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
