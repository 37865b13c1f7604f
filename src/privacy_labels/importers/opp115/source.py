"""Reading OPP-115 v1.0: its HTML segments as plain text, its labels, its CSVs.

The conversion rules are the importer's (see privacy_labels.importers.opp115);
this module holds what reads the source folder (its layout and other facts are
`source.json` beside it), and what turns an HTML segment into text while
remembering where each character came from, so spans can be mapped. Everything
here is pure: it reads and returns, it writes nothing.
"""

from __future__ import annotations

import bisect
import csv
import functools
import html
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from privacy_labels.contract.schemes import Attribute, Category, Scheme
from privacy_labels.importers.writer import SourceError, loose_pattern, read_source, slug

SOURCE = read_source(__file__)
LAYOUT = SOURCE["layout"]
# selectedText placeholders the annotation tool wrote for values without a span.
NO_SPAN_TEXTS = frozenset(SOURCE["no_span_texts"])

# Words joined by single spaces are one token: they are copied as they are, character for
# character, so taking them in one piece changes nothing but the number of steps.
_TOKEN = re.compile(
    r"<[^>]*>|&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);|\s+|[^<&\s]+(?: [^<&\s]+)*|[<&]"
)
_TAG_NAME = re.compile(r"</?\s*([A-Za-z][A-Za-z0-9]*)")
_BREAK_TAGS = frozenset(
    re.findall(
        r"\w+", "br p div li ul ol dl dt dd h1 h2 h3 h4 h5 h6 tr table thead tbody blockquote hr"
    )
)


# ---------------------------------------------------------------------------
# Text: sanitized HTML segments to plain text, remembering where each character came from.


@dataclass(frozen=True)
class SegmentText:
    text: str
    sources: list[int]  # for each character of `text`, its offset in the HTML segment

    def locate(self, html_start: int, html_end: int) -> tuple[int, int]:
        """The text range made from HTML range [html_start, html_end), without outer spaces."""
        start = bisect.bisect_left(self.sources, html_start)
        end = bisect.bisect_left(self.sources, html_end)
        while start < end and self.text[start].isspace():
            start += 1
        while end > start and self.text[end - 1].isspace():
            end -= 1
        return start, end


def html_to_text(segment: str) -> SegmentText:
    """Plain text of one HTML segment; see NORMALISATION in importers/opp115.py."""
    pieces: list[str] = []
    sources: list[int] = []
    # Whitespace waiting for the next visible character: its kind (" " or a line break,
    # which wins) and where the first of it was.
    pending_kind, pending_at = "", -1
    for token in _TOKEN.finditer(segment):
        piece, at = token.group(), token.start()
        first = piece[0]
        if first == "<" and len(piece) > 1:
            name = _TAG_NAME.match(piece)
            if name and name.group(1).lower() in _BREAK_TAGS:
                if not pending_kind:
                    pending_kind, pending_at = "\n", at
                else:
                    pending_kind = "\n"
            continue
        is_entity = first == "&" and len(piece) > 1
        decoded = html.unescape(piece) if is_entity else piece
        if decoded.isspace():
            if not pending_kind:
                pending_kind, pending_at = " ", at
            continue
        if pending_kind and pieces:
            pieces.append(pending_kind)
            sources.append(pending_at)
        pending_kind = ""
        pieces.append(decoded)
        # An entity's characters all come from its first offset; text maps one to one.
        sources += [at] * len(decoded) if is_entity else range(at, at + len(piece))
    return SegmentText("".join(pieces), sources)


class Anchor(NamedTuple):
    outcome: str  # one of SPAN_OUTCOMES
    start: int | None = None  # offsets into the segment's text
    end: int | None = None


@functools.lru_cache(maxsize=1 << 16)
def _selected_words(selected_text: str) -> tuple[str, ...]:
    """The words of a selected text. Cached: the annotators of a policy select the
    same passages again and again, and converting each was half of the import's time.
    """
    return tuple(html_to_text(selected_text).text.split())


@functools.lru_cache(maxsize=1 << 12)
def _words_pattern(words: tuple[str, ...]) -> re.Pattern:
    """Cached: relocated texts recur (three annotators), and re's own cache is small."""
    return loose_pattern(" ".join(words))


def anchor_span(segment: SegmentText, selected_text: str, html_start: int, html_end: int) -> Anchor:
    """Place OPP-115's selected text in the segment's plain text (the rule: importers/opp115.py)."""
    words = _selected_words(selected_text)
    if not words:
        return Anchor("unanchorable")
    guess = 0
    if 0 <= html_start < html_end:
        start, end = segment.locate(html_start, html_end)
        if tuple(segment.text[start:end].split()) == words:  # equal up to whitespace
            return Anchor("exact", start, end)
        guess = start
    pattern = _words_pattern(words)
    found = min(pattern.finditer(segment.text), key=lambda m: abs(m.start() - guess), default=None)
    if found is None:
        return Anchor("unanchorable")
    return Anchor("relocated", found.start(), found.end())


# ---------------------------------------------------------------------------
# Labels: OPP-115 display names to the scheme's ids.


@functools.lru_cache(maxsize=4096)
def _name_key(name: str) -> str:
    """Cached: a corpus repeats a few hundred display names hundreds of thousands of times."""
    return re.sub(r"[^a-z0-9]+", " ", name.lower()).strip()


class Labels:
    """Finds a scheme's categories, attributes and values by the names the source corpus
    writes (the scheme's `source_names`), ignoring case and punctuation."""

    def __init__(self, scheme: Scheme) -> None:
        categories = scheme.categories
        self._categories = {_name_key(n): c for c in categories for n in c.source_names}
        self._attributes = {
            (c.id, _name_key(n)): a
            for c in categories
            for a in c.attributes
            for n in a.source_names
        }
        self._values = {
            (c.id, a.id, _name_key(n)): v.id
            for c in categories
            for a in c.attributes
            for v in a.values
            for n in v.source_names
        }

        # Answers by the name as written: a corpus spells each name a few ways, each of
        # them hundreds of thousands of times.
        self._seen: dict[tuple, object] = {}

    def category(self, name: str) -> Category | None:
        return self._categories.get(_name_key(name))

    def attribute(self, category: Category, name: str) -> Attribute | None:
        key = (category.id, name)
        try:
            return self._seen[key]
        except KeyError:
            found = self._seen[key] = self._attributes.get((category.id, _name_key(name)))
            return found

    def value(self, category: Category, attribute: Attribute, name: str) -> str | None:
        key = (category.id, attribute.id, name)
        try:
            return self._seen[key]
        except KeyError:
            found = self._seen[key] = self._values.get((category.id, attribute.id, _name_key(name)))
            return found


# ---------------------------------------------------------------------------
# Reading the source folder.


class Row(NamedTuple):
    """One data practice of an OPP-115 annotation CSV (a tuple: a corpus has 23,000)."""

    file: Path
    line: int
    annotation_id: str
    batch_id: str
    annotator_id: str
    segment_id: int
    category: str
    attributes: dict


def read_rows(path: Path) -> list[Row]:
    """The practices of one annotation CSV (Excel dialect, a JSON column of attribute values)."""
    rows = []
    try:
        with open(path, encoding="utf-8", newline="") as f:
            reader = csv.reader(f)
            for record in reader:
                line = reader.line_num
                if len(record) < 7:
                    raise SourceError(
                        f"{path}: line {line}: {len(record)} columns, expected 9; "
                        "is this an OPP-115 annotation CSV?"
                    )
                try:
                    attributes = json.loads(record[6])
                except json.JSONDecodeError as error:
                    raise SourceError(
                        f"{path}: line {line}, column G: attribute values are not JSON "
                        f"({error.msg}); restore the file from the corpus archive"
                    ) from None
                if not record[4].isdigit() or not isinstance(attributes, dict):
                    raise SourceError(
                        f"{path}: line {line}: segment id {record[4]!r} or attribute values "
                        "malformed; restore the file from the corpus archive"
                    )
                rows.append(Row(path, line, *record[:3], int(record[4]), record[5], attributes))
    except UnicodeDecodeError as error:
        raise SourceError(f"{path}: byte {error.start} is not UTF-8; restore the file") from None
    return rows


def read_policy_metadata(root: Path) -> dict[str, dict[str, str]]:
    """documentation/policies_opp115.csv by policy UID: URL, collection and last-updated dates."""
    path = root / LAYOUT["policy_metadata"]
    if not path.is_file():
        raise SourceError(f"{path}: missing; SRC must be the OPP-115 corpus root folder")
    with open(path, encoding="utf-8", newline="") as f:
        return {row["Policy UID"]: row for row in csv.DictReader(f)}


def read_errata(root: Path) -> set[tuple[str, str]]:
    """(annotation id, attribute name) pairs the corpus lists as having wrong span offsets."""
    errata = set()
    for path in sorted((root / LAYOUT["errata"]).glob("*.csv")):
        with open(path, encoding="utf-8", newline="") as f:
            for record in csv.reader(f):
                if len(record) >= 2:  # the attribute carries a numeric prefix: "3_Purpose"
                    errata.add((record[0], record[1].partition("_")[2]))
    return errata


def layer_folder(root: Path, consolidation: str | None) -> Path:
    if consolidation is None:
        return root / LAYOUT["annotations"]
    return root / LAYOUT["consolidation"].format(threshold=consolidation)


def consolidated(threshold: str) -> str:
    """The annotator id of a consolidated layer: `consolidated-0-75`."""
    return f"consolidated-{threshold.replace('.', '-')}"


def policy_id_of(stem: str) -> str:
    """`105_amazon.com` → `opp115-105-amazon-com`: a slug, namespaced so corpora can be merged."""
    return SOURCE["policy_id_prefix"] + slug(stem)
