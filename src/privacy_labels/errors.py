"""The one error type: a failure the user can act on, and the exit code it ends a command with.

Every module raises a subclass; the command line catches `PrivacyLabelsError` in one
place and prints it, as text or JSON: the problems it carries, then one line naming the
file, the place and the fix.
"""

from __future__ import annotations

from collections.abc import Sequence


class PrivacyLabelsError(Exception):
    """Invalid data or a failed check (exit 1)."""

    exit_code = 1
    # The problems found (e.g. validation problems, each with a `to_dict()`), if any.
    problems: Sequence = ()

    def line(self, command: str, unchanged: str | None = None) -> str:
        """The one line the command prints: `<command> stopped: <message>[; <unchanged>]`,
        where `unchanged` says which outputs the failed run left as they were.
        """
        return f"{command} stopped: {self}" + (f"; {unchanged}" if unchanged else "")

    def details(self) -> list[str]:
        """Lines printed before that line in text form: by default, the problems."""
        return [str(problem) for problem in self.problems]

    def to_dict(self) -> dict:
        """What a command prints for `--format json` (besides `error` and `exit_code`)."""
        if not self.problems:
            return {}
        return {"is_valid": False, "problems": [p.to_dict() for p in self.problems]}


class UsageError(PrivacyLabelsError):
    """The command was called wrongly: a bad option, output folder or argument (exit 2)."""

    exit_code = 2

    def line(self, command: str, unchanged: str | None = None) -> str:
        # Refused before any work began, like argparse's own errors: the message alone,
        # which names the option or path at fault.
        return str(self)


class InvalidArgument(UsageError, ValueError):
    """A function was called with a bad or contradictory argument value (exit 2); a
    ValueError too, as Python code expects of a bad value.
    """


class WrongArgumentType(UsageError, TypeError):
    """A function was called with an argument of the wrong type (exit 2); a TypeError too."""
