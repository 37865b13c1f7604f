"""The `privacy-labels` command: one subcommand per stage of the pipeline.

Exit codes: 0 success, 1 invalid input (problems reported), 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from privacy_labels import __version__
from privacy_labels.corpus import DEFAULT_LABELED, DEFAULT_RAW, RawCorpus

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def _print_problems(problems, fmt: str, summary: dict) -> None:
    if fmt == "json":
        print(json.dumps({**summary, "problems": [p.to_dict() for p in problems]}, indent=2))
        return
    for problem in problems:
        print(problem, file=sys.stderr)


def cmd_validate(args: argparse.Namespace) -> int:
    from privacy_labels.validate import Validator

    validator = Validator(default_raw=args.raw)
    problems = validator.check_paths(args.paths)
    summary = {
        "is_valid": not problems,
        "n_files": validator.n_files,
        "n_practices": validator.n_practices,
        "n_problems": len(problems),
    }
    _print_problems(problems, args.format, summary)
    if args.format == "text":
        verdict = "valid" if not problems else f"{len(problems)} problem(s)"
        print(
            f"{verdict}: {validator.n_files} file(s), {validator.n_practices} practice(s) checked",
            file=sys.stderr if problems else sys.stdout,
        )
    return EXIT_INVALID if problems else EXIT_OK


def cmd_build(args: argparse.Namespace) -> int:
    from privacy_labels.build import InvalidInputs, build

    try:
        result = build(args.raw, args.out, progress=False if args.quiet else None)
    except InvalidInputs as error:
        _print_problems(error.problems, args.format, {"is_valid": False})
        print(f"build stopped: {error}; {args.out} is unchanged", file=sys.stderr)
        return EXIT_INVALID
    if args.format == "json":
        print(json.dumps({"is_valid": True, "out": str(result.out), "n_rows": result.n_rows}))
    else:
        rows = ", ".join(f"{name} {n:,}" for name, n in result.n_rows.items())
        print(f"built {result.out}: {rows} rows")
    return EXIT_OK


def cmd_add_policy(args: argparse.Namespace) -> int:
    from privacy_labels.policies import PolicyError, add_policy

    if not args.file.is_file():
        print(f"{args.file}: no such file", file=sys.stderr)
        return EXIT_USAGE
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
        )
    except PolicyError as error:
        print(error, file=sys.stderr)
        return EXIT_INVALID
    print(
        f"added {args.policy_id}: {len(sidecar['segments'])} segments in "
        f"{RawCorpus(args.raw).sidecar_path(args.policy_id)}"
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


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="privacy-labels",
        description="Validate, build and document the privacy-labels dataset.",
        epilog="Exit codes: 0 success, 1 invalid input, 2 usage error.",
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
    raw.add_argument(
        "--raw",
        type=Path,
        default=DEFAULT_RAW,
        metavar="DIR",
        help=f"raw corpus folder (default: {DEFAULT_RAW})",
    )

    p = sub.add_parser(
        "validate",
        parents=[fmt, raw],
        help="check annotation documents and policy sidecars",
        description="Check annotation documents, sidecars or whole raw corpora and report every "
        "problem with file, JSON path and a hint. Files outside the data/raw layout are "
        "checked against the corpus given by --raw.",
    )
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="files or folders")
    p.set_defaults(run=cmd_validate)

    p = sub.add_parser(
        "build",
        parents=[fmt, raw],
        help="build the tables from the raw corpus",
        description="Validate the whole raw corpus, then write the tables (Parquet and CSV) "
        "and manifest.json. Writes nothing if any input is invalid.",
    )
    p.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_LABELED,
        metavar="DIR",
        help=f"output folder, replaced when complete (default: {DEFAULT_LABELED})",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(run=cmd_build)

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
    p.set_defaults(run=cmd_add_policy)

    p = sub.add_parser(
        "docs",
        help="generate the taxonomy and table reference in docs/",
        description="Write docs/taxonomy.md and docs/tables.md from the schema.",
    )
    p.add_argument(
        "--out",
        type=Path,
        default=Path("docs"),
        metavar="DIR",
        help="folder to write (default: docs)",
    )
    p.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if the files differ from the schema",
    )
    p.set_defaults(run=cmd_docs)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except KeyboardInterrupt:
        print("interrupted; outputs are unchanged", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and the like
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
