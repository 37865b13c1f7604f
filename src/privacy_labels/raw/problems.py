"""A problem with the inputs, as every stage reports it: the file, the JSON path, what is
wrong and a hint; and `InvalidInputs`, the error that carries them.

    >>> print(Problem("a.json", "$.practices[0].category", "unknown category 'x'", "fix it"))
    a.json: $.practices[0].category: unknown category 'x'
        hint: fix it
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from privacy_labels.errors import PrivacyLabelsError


@dataclass(frozen=True)
class Problem:
    file: str
    path: str  # JSON path such as $.practices[3].category, or "line 4, column 9"
    message: str
    hint: str = ""

    def __str__(self) -> str:
        place = f"{self.file}: {self.path}" if self.path else self.file
        return f"{place}: {self.message}" + (f"\n    hint: {self.hint}" if self.hint else "")

    def to_dict(self) -> dict:
        return asdict(self)


class InvalidInputs(PrivacyLabelsError):
    """The inputs have problems; nothing was written."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s) in the inputs")
        self.problems = problems


def json_path(parts: Iterable[object]) -> str:
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts)


def closest(given: object, choices: list[str]) -> str | None:
    """The closest valid id to a misspelt or display-name label, if any is close."""
    if not isinstance(given, str):
        return None
    as_id = re.sub(r"[^a-z0-9]+", "_", given.lower().replace("'", "")).strip("_")
    if as_id in choices:
        return as_id
    match = difflib.get_close_matches(as_id, choices, n=1, cutoff=0.6)
    return match[0] if match else None


def did_you_mean(given: object, choices: list[str]) -> str:
    best = closest(given, choices)
    if best:
        return f"did you mean {best!r}?"
    return "choose one of: " + ", ".join(choices)
