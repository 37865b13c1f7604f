"""The `privacy-labels` command: one subcommand per stage of the pipeline.

The subcommands are declared in `commands`, their handlers live by stage in `data`,
`annotation`, `imports`, `release` and `benchmark`; each returns an Answer (`answer`). This
module assembles the parser, prints every answer as text or JSON, and answers every failure,
in one place.

Exit codes: 0 success, 1 invalid input, a failed check or a fault of the machine (a full
disk, a missing extra, a worker killed), 2 usage error (including an output the command
may not write), 130 interrupted.
"""

from __future__ import annotations

import argparse
import errno
import logging
import os
import signal
import sys

import privacy_labels
from privacy_labels import __version__
from privacy_labels.cli.answer import EXIT_INTERRUPTED, EXIT_INVALID, EXIT_OK, json_text, show
from privacy_labels.cli.options import add_commands, require_input_paths
from privacy_labels.errors import PrivacyLabelsError


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="privacy-labels",
        description="Validate, build, check, release and document the privacy-labels dataset.",
        epilog="Exit codes: 0 success, 1 invalid input or failed check, 2 usage error, "
        "130 interrupted.",
    )
    top.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    # Here, not at the top: parsing imports the commands' modules (see main).
    from privacy_labels.cli.commands import SUBCOMMANDS

    add_commands(sub, SUBCOMMANDS)
    return top


# The optional dependencies a command may need, and the extra that installs each.
_EXTRAS = {"great_expectations": "check", "distributed": "distributed", "dask": "distributed"}


def _environment_fault(error: OSError) -> str:
    """One line for a fault of the machine rather than the data: the file and the cure."""
    where = f"{error.filename}: " if error.filename else ""
    cures = {
        errno.ENOSPC: "the disk is full; free some space or write elsewhere",
        errno.EDQUOT: "the disk quota is used up; free some space or write elsewhere",
        errno.EROFS: "the file system is read-only; write elsewhere",
        errno.EACCES: "permission denied; write elsewhere or change the permissions",
        errno.EPERM: "operation not permitted; write elsewhere or change the permissions",
    }
    return where + cures.get(error.errno, error.strerror or str(error))


def _fail(
    args: argparse.Namespace | None,
    line: str,
    exit_code: int,
    error: PrivacyLabelsError | None = None,
) -> int:
    """Print why a command stopped, the one way: with --format json, one JSON object on
    stdout (`error`, `exit_code`, and the problems when there are); else the problems
    and the one line on stderr.
    """
    if getattr(args, "format", "text") == "json":
        extra = error.to_dict() if error is not None else {}
        print(json_text({"error": line, "exit_code": exit_code, **extra}))
        return exit_code
    for detail in error.details() if error is not None else ():
        print(detail, file=sys.stderr)
    print(line, file=sys.stderr)
    return exit_code


def _quiet_libraries() -> None:
    # Great Expectations logs every suite it builds at INFO and WARNING; the gate says
    # what failed itself. Set here, by the program, not by the library at import.
    logging.getLogger("great_expectations").setLevel(logging.ERROR)


def main(argv: list[str] | None = None) -> int:
    if signal.getsignal(signal.SIGINT) is privacy_labels._interrupted_while_starting:
        signal.signal(signal.SIGINT, signal.default_int_handler)  # answered below from now on
    command, args = "privacy-labels", None
    try:
        # Parsing imports the commands' modules: an interrupt there is answered too.
        args = parser().parse_args(argv)
        command = args.command_name
        _quiet_libraries()
        require_input_paths(args)
        return show(args.run(args), getattr(args, "format", "text"))
    except PrivacyLabelsError as error:
        unchanged = getattr(args, "unchanged", None)
        if unchanged is not None:
            unchanged = unchanged.format(**vars(args))
        return _fail(args, error.line(command, unchanged), error.exit_code, error)
    except KeyboardInterrupt:
        return _fail(args, "interrupted; outputs are unchanged", EXIT_INTERRUPTED)
    except BrokenPipeError:  # output piped into `head` and the like
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except ModuleNotFoundError as error:
        extra = _EXTRAS.get((error.name or "").split(".")[0])
        if extra is None:
            raise
        return _fail(
            args,
            f"{command} needs {error.name}, which is not installed: "
            f"pip install 'privacy-labels[{extra}]'",
            EXIT_INVALID,
        )
    except OSError as error:
        return _fail(
            args,
            f"{command} stopped: {_environment_fault(error)}; outputs are unchanged",
            EXIT_INVALID,
        )


def run(argv: list[str] | None = None) -> None:
    """The `privacy-labels` command: main's answer as the exit code. Once it has answered,
    every output is complete or unchanged, so a Ctrl-C during the interpreter's own shutdown
    (atexit hooks) is ignored rather than printed as a traceback."""
    code = main(argv)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sys.exit(code)


if __name__ == "__main__":
    run()
