"""How the project's annotations look in Label Studio, shared by the way out
(exporters/label_studio.py, exporters/preannotate.py) and the way back in
(importers/label_studio.py): the names of the interface's tags and controls, and the
offsets between Label Studio's text and the policy text (see exporters/label_studio.py).
"""

from __future__ import annotations

TEXT = "text"  # the Text tag's name, and the task data field holding the policy text
SCHEME = "scheme"  # the task data field naming the scheme its labels are in: {id, version}
CATEGORY = "category"
PRACTICE_ID = "practice_id"
SOURCE_ID = "source_id"
NO_SPAN = "no_span"


def slot_control(category_id: str, attribute_id: str) -> str:
    """The name of the per-region choices of one category–attribute slot."""
    return f"{category_id}__{attribute_id}"


# -- Offsets ---------------------------------------------------------------------------


class Offsets:
    """Offsets between a Label Studio task text and the same text with LF line ends."""

    def __init__(self, task_text: str):
        self.text = task_text.replace("\r\n", "\n")
        to_ours, to_theirs = [0], [0]
        position, dropped = 0, 0
        for k, char in enumerate(task_text):
            units = 2 if ord(char) > 0xFFFF else 1  # UTF-16 code units, as JavaScript counts
            if char == "\r" and task_text[k + 1 : k + 2] == "\n":
                dropped += units  # the \r of \r\n: it counts with the \n that follows
            else:
                position += 1
                to_theirs.append(to_theirs[-1] + dropped + units)
                dropped = 0
            to_ours.extend([position] * units)
        self._to_ours, self._to_theirs = to_ours, to_theirs

    def ours(self, unit: int) -> int | None:
        """Our offset at a Label Studio offset; None when outside the text."""
        return (
            self._to_ours[unit]
            if isinstance(unit, int) and 0 <= unit < len(self._to_ours)
            else None
        )

    def theirs(self, offset: int) -> int:
        return self._to_theirs[offset]
