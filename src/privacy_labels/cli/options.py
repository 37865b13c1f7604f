"""Options the subcommands share: the parent parsers (--format, --raw, --labeled, --workers), the
option helpers, and the argument types that refuse a bad value with argparse's usage error.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from privacy_labels._files import project_folder
from privacy_labels._parallel import default_workers
from privacy_labels.errors import UsageError
from privacy_labels.raw.corpus import DEFAULT_LABELED, DEFAULT_RAW, is_slug


@dataclass(frozen=True)
class Parents:
    """Parent parsers a subcommand lists in `parents=` to take their options."""

    fmt: argparse.ArgumentParser
    raw: argparse.ArgumentParser
    labeled: argparse.ArgumentParser  # --labeled, for commands whose arguments name other things
    workers: argparse.ArgumentParser


def parents() -> Parents:
    fmt = argparse.ArgumentParser(add_help=False)
    fmt.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="report format (json for CI); default: text",
    )
    raw = argparse.ArgumentParser(add_help=False)
    path_option(raw, "--raw", DEFAULT_RAW, "raw corpus folder")
    labeled = argparse.ArgumentParser(add_help=False)
    labeled.add_argument(
        "--labeled",
        type=Path,
        default=DEFAULT_LABELED,
        metavar="DIR",
        help=f"folder of built tables (default: {DEFAULT_LABELED})",
    )
    workers = argparse.ArgumentParser(add_help=False)
    workers.add_argument(
        "--workers",
        type=positive_int,
        default=default_workers(),
        metavar="N",
        help="processes that work on policies in parallel (the output is the same); default: "
        "the cores here "
        f"({default_workers()})",
    )
    return Parents(fmt, raw, labeled, workers)


def command(
    sub: argparse._SubParsersAction,
    name: str,
    run: Callable | None,
    help: str,
    description: str,
    parents: Sequence[argparse.ArgumentParser] = (),
    reads: Sequence[str] = (),
    **defaults: object,
) -> argparse.ArgumentParser:
    """A subcommand's parser: `run` answers it (None for a group of subcommands), `reads` are
    the paths it reads (see reads_paths), `defaults` further settings such as `unchanged`."""
    parser = sub.add_parser(name, parents=list(parents), help=help, description=description)
    if run is not None:
        parser.set_defaults(run=run, **defaults)
    if reads:
        reads_paths(parser, *reads)
    return parser


def out_option(
    parser: argparse.ArgumentParser, help: str, metavar: str = "DIR", *, required: bool = True
) -> None:
    parser.add_argument("--out", type=Path, required=required, metavar=metavar, help=help)


def source_argument(parser: argparse.ArgumentParser) -> None:
    """The root folder of a corpus to import."""
    parser.add_argument("src", type=Path, metavar="SRC", help="the corpus root folder")


def reads_paths(parser: argparse.ArgumentParser, *names: str) -> None:
    """Declare the arguments that name paths a subcommand reads, as written on the command
    line (`dir`, `--raw`): each must exist (see require_input_paths)."""
    parser.set_defaults(input_paths=names)


def require_input_paths(args: argparse.Namespace) -> None:
    """Refuse a missing input path as a usage error (exit 2) before any work; a symbolic
    link counts as there, for the command to judge where it points."""
    for name in getattr(args, "input_paths", ()):
        given = getattr(args, name.lstrip("-").replace("-", "_"))
        for path in given if isinstance(given, list) else [given]:
            if path is not None and not os.path.lexists(path):
                flag = f"{name} " if name.startswith("-") else ""
                raise UsageError(f"{flag}{path}: no such file or folder; check the path")


def whole_number(minimum: int) -> Callable[[str], int]:
    """An argument type: a whole number of `minimum` or more, else argparse's usage error."""

    def parse(text: str) -> int:
        # ASCII digits only: "-3", "1.5" and "²" are refused, not read as something else.
        if not (text.isascii() and text.isdigit()) or int(text) < minimum:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of {minimum} or more")
        return int(text)

    return parse


positive_int = whole_number(1)


def layer_list(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",")]
    wrong = [name for name in names if not is_slug(name)]
    if wrong or len(names) < 2:
        raise argparse.ArgumentTypeError(
            f"{text!r}: give two or more annotator ids separated by commas, e.g. claude,claude-blind"
        )
    return names


def annotator(text: str) -> str:
    if not is_slug(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not an annotator id (a lowercase slug)")
    return text


def redaction(value: str) -> tuple[str, str]:
    placeholder, _, what = value.rpartition("=")
    if not placeholder or not what.strip():
        raise argparse.ArgumentTypeError(
            f"{value!r} is not PLACEHOLDER=WHAT, e.g. '[email protected]=an e-mail address'"
        )
    return placeholder, what.strip()


def layer_option(parser, what: str) -> None:
    parser.add_argument(
        "--layer",
        type=annotator,
        metavar="ANNOTATOR",
        help=f"{what} from this annotator's layer (default: the consolidated layer where a "
        "policy has one, else all annotators)",
    )


def path_option(
    parser, flag: str, default: Path, help: str, metavar: str = "DIR", *, in_project=False
) -> None:
    """A path option; `in_project`: its default lies in the project of --raw (see
    project_folder), filled in by `resolve_in_project` once the command runs.
    """
    if in_project:
        parser.add_argument(
            flag,
            type=Path,
            metavar=metavar,
            help=f"{help} (default: ROOT/{default} for --raw ROOT/data/raw, else ./{default})",
        )
        parser.set_defaults(**{f"default_{flag.lstrip('-')}": default})
        return
    parser.add_argument(
        flag, type=Path, default=default, metavar=metavar, help=f"{help} (default: {default})"
    )


def resolve_in_project(args: argparse.Namespace, *names: str) -> None:
    """Fill in the options `names` not given with their defaults in the project of --raw."""
    root = project_folder(args.raw)
    for name in names:
        if getattr(args, name) is None:
            setattr(args, name, root / getattr(args, f"default_{name}"))


def quiet_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def policy_ids_argument(parser: argparse.ArgumentParser, verb: str) -> None:
    """The policies a command works on, all of the corpus when none is given."""
    parser.add_argument(
        "policy_ids", nargs="*", metavar="POLICY_ID", help=f"policies to {verb} (default: all)"
    )


def labeled_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "dir",
        type=Path,
        nargs="?",
        default=DEFAULT_LABELED,
        metavar="DIR",
        help=f"folder of built tables (default: {DEFAULT_LABELED})",
    )
