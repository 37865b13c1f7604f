"""The one error type: a failure the user can act on, and the exit code it ends a command with.

Every module raises a subclass; the command line catches `PrivacyLabelsError` in one
place and prints its message, one line naming the file, the place and the fix.
"""

from __future__ import annotations


class PrivacyLabelsError(Exception):
    """Invalid data or a failed check (exit 1)."""

    exit_code = 1


class UsageError(PrivacyLabelsError):
    """The command was called wrongly: a bad option, output folder or argument (exit 2)."""

    exit_code = 2
