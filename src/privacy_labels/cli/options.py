"""How a subcommand is declared (`Command`, `Group`, `Arg`) and made a parser
(`add_commands`), the arguments several subcommands take, the checks of arguments before
any work, and the argument types that refuse a bad value with argparse's usage error. The
declarations themselves are in `cli/commands.py`.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from privacy_labels._parallel import default_workers
from privacy_labels.cli.answer import Answer
from privacy_labels.errors import UsageError
from privacy_labels.raw.corpus import DEFAULT_LABELED, DEFAULT_RAW, is_slug


@dataclass(frozen=True)
class Arg:
    """An argument as `add_argument` takes it."""

    names: tuple[str, ...]
    settings: Mapping[str, object]


def arg(*names: str, **settings: object) -> Arg:
    return Arg(names, settings)


def flag(name: str, help: str) -> Arg:
    """An option that is off unless given."""
    return arg(name, action="store_true", help=help)


def path_arg(
    flag: str, default: Path, help: str, metavar: str = "DIR", *, in_project: bool = False
) -> Arg:
    """A path option; `in_project`: its default lies in the project of --raw (see
    _files.project_folder), where the command's function puts it when the option is not given.
    """
    if not in_project:
        return arg(
            flag, type=Path, default=default, metavar=metavar, help=f"{help} (default: {default})"
        )
    where = f"ROOT/{default} for --raw ROOT/data/raw, else ./{default}"
    return arg(flag, type=Path, metavar=metavar, help=f"{help} (default: {where})")


@dataclass(frozen=True)
class OneOf:
    """Arguments of which exactly one must be given."""

    arguments: tuple[Arg, ...]


@dataclass(frozen=True)
class Command:
    """A subcommand: `run` answers it; `reads`, the arguments naming paths it reads, as
    written on the command line (`dir`, `--raw`), each of which must exist; `unchanged`,
    what a failure leaves as it was (formatted with the arguments)."""

    name: str
    run: Callable[[argparse.Namespace], Answer]
    help: str
    description: str
    arguments: tuple[Arg | OneOf, ...] = ()
    reads: tuple[str, ...] = ()
    unchanged: str | None = None


@dataclass(frozen=True)
class Group:
    """A subcommand of subcommands; the one chosen is stored as `dest`."""

    name: str
    help: str
    description: str
    dest: str
    metavar: str
    commands: tuple[Command, ...]


def add_commands(
    sub: argparse._SubParsersAction, commands: tuple[Command | Group, ...], path: str = ""
) -> None:
    """Add a parser for each of `commands`; each command's parser knows its full name
    (`command_name`, e.g. `import opp115`), its handler and the paths it reads."""
    for command in commands:
        name = f"{path} {command.name}".strip()
        parser = sub.add_parser(command.name, help=command.help, description=command.description)
        if isinstance(command, Group):
            inner = parser.add_subparsers(dest=command.dest, required=True, metavar=command.metavar)
            add_commands(inner, command.commands, name)
            continue
        for argument in command.arguments:
            if isinstance(argument, OneOf):
                group = parser.add_mutually_exclusive_group(required=True)
                for each in argument.arguments:
                    group.add_argument(*each.names, **each.settings)
            else:
                parser.add_argument(*argument.names, **argument.settings)
        parser.set_defaults(run=command.run, command_name=name)
        if command.reads:
            parser.set_defaults(input_paths=command.reads)
        if command.unchanged is not None:
            parser.set_defaults(unchanged=command.unchanged)


def require_input_paths(args: argparse.Namespace) -> None:
    """Refuse a missing input path as a usage error (exit 2) before any work; a symbolic
    link counts as there, for the command to judge where it points."""
    for name in getattr(args, "input_paths", ()):
        given = getattr(args, name.lstrip("-").replace("-", "_"))
        for path in given if isinstance(given, list) else [given]:
            if path is not None and not os.path.lexists(path):
                flag = f"{name} " if name.startswith("-") else ""
                raise UsageError(f"{flag}{path}: no such file or folder; check the path")


def require_input(path: Path, what: str, *, is_folder: bool = True) -> Path:
    """`path` when it is a folder (with `is_folder` False, a file), else a usage error that
    says what to give instead."""
    if not (path.is_dir() if is_folder else path.is_file()):
        raise UsageError(f"{path}: no such {'folder' if is_folder else 'file'}; give {what}")
    return path


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


def keywords(args: argparse.Namespace, *names: str) -> dict[str, object]:
    """The options `names` as keyword arguments: a stage's function takes each option of its
    command under the option's own name, so a handler names each option once."""
    return {name: getattr(args, name) for name in names}


# -- Arguments several subcommands take --------------------------------------------------

FORMAT = arg(
    "--format",
    choices=("text", "json"),
    default="text",
    help="report format (json for CI); default: text",
)
RAW = path_arg("--raw", DEFAULT_RAW, "raw corpus folder")
_TABLES = {"type": Path, "default": DEFAULT_LABELED, "metavar": "DIR"}
_TABLES_HELP = f"folder of built tables (default: {DEFAULT_LABELED})"
# The tables as the argument DIR, or as --labeled where the arguments name other things.
LABELED_DIR = arg("dir", nargs="?", **_TABLES, help=_TABLES_HELP)
LABELED = arg("--labeled", **_TABLES, help=_TABLES_HELP)
WORKERS = arg(
    "--workers",
    type=positive_int,
    default=default_workers(),
    metavar="N",
    help="processes that work on policies in parallel (the output is the same); default: "
    f"the cores here ({default_workers()})",
)
QUIET = flag("--quiet", "no progress bar")
SOURCE = arg("src", type=Path, metavar="SRC", help="the corpus root folder")


def out(help: str, metavar: str = "DIR", *, required: bool = True) -> Arg:
    return arg("--out", type=Path, required=required, metavar=metavar, help=help)


def layer(what: str) -> Arg:
    return arg(
        "--layer",
        type=annotator,
        metavar="ANNOTATOR",
        help=f"{what} from this annotator's layer (default: the consolidated layer where a "
        "policy has one, else all annotators)",
    )


def policy_ids(verb: str) -> Arg:
    """The policies a command works on, all of the corpus when none is given."""
    return arg(
        "policy_ids", nargs="*", metavar="POLICY_ID", help=f"policies to {verb} (default: all)"
    )


def scheduler(what: str) -> Arg:
    return arg("--scheduler", metavar="ADDRESS", help=what)
