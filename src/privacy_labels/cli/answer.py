"""What a command answers: its JSON object, its text and its exit code, which app.main
prints the one way. No handler prints or serialises by itself.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import NamedTuple

from privacy_labels._json import dump_json

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class Line(NamedTuple):
    """A line of text output; a problem or a failed verdict goes to stderr."""

    text: str
    is_error: bool = False


@dataclass(frozen=True)
class Answer:
    """A command's result. `text`: its lines in order, a plain str on stdout."""

    json: dict | list
    text: list[str | Line]
    exit_code: int = EXIT_OK

    def to_json(self) -> str:
        return json_text(self.json)

    def to_text(self) -> list[Line]:
        return [line if isinstance(line, Line) else Line(line) for line in self.text]


def json_text(data: dict | list) -> str:
    """The command's output in the one JSON style of its files (_json.dump_json), without
    the final newline that print adds."""
    return dump_json(data).removesuffix("\n")


def show(answer: Answer, fmt: str) -> int:
    """Print the answer as `fmt` (text or json) asks; its exit code."""
    if fmt == "json":
        print(answer.to_json())
    else:
        for line in answer.to_text():
            print(line.text, file=sys.stderr if line.is_error else sys.stdout)
    return answer.exit_code


def written(result: object) -> dict:
    """The JSON of a result that wrote a file or folder: its fields, `out` as a path string."""
    return vars(result) | {"out": str(result.out)}
