"""Read the MAPP corpus v1.0 (Arora et al., LREC 2022) as its files have it: policies,
segments and segment-level label sets, with every known source problem counted.

The source's facts (folders, columns, splits, citation) are data beside this module
(`source.json`); its label strings are the `mapp` scheme's `source_names`.

- **Policies.** One per (language, file): `mapp-<language>-<number>-<app id slugged>`,
  e.g. `mapp-en-101-com-mewe`; the two language versions of an app share the numeric
  id, kept as `group_id` (`mapp-101`).
- **Segments.** The text's lines, each followed by a blank line; segment k is the CSV row
  with `segment_id` k (1..N, no gaps, in any order: a copy sorted as text reads alike).
  Never re-cut: a text not in this layout is refused. A line empty or of whitespace only
  is a segment of the file that holds no text: the import keeps it out (`kept`) and
  lists it with the labels of its row. What a policy text may not hold (a CR inside a
  line, U+FEFF, NUL) is replaced (`writable`) and the segment listed.
- **Apps.** The two languages of an app are linked where one file of each starts with
  its number; `MAPP_59` (True for those apps) is counted and listed where it differs.
- **Labels.** The three label columns are Python list literals, read by
  `ast.literal_eval` (never eval). Each value goes to the row's category whose scheme
  slot has it; where both categories of a two-category row have it, it goes to both and
  the row is listed as ambiguous; where none has it, the row is listed. A value the
  scheme does not know (a spelling the samples do not show) is listed, not guessed at:
  one odd string does not stop the import of a whole corpus.
- **Files.** A text with no CSV of labels is listed, not imported; names starting with `.`
  (a copy's system files, such as macOS's `._` twins) are not MAPP's.
- **Not selected.** A value `<attribute>_not-selected` (the manual's mark of an optional
  attribute left unselected) gives no value; each row with one is listed.
- **Debris.** A segment with no letter, or fewer than `debris_min_chars` characters
  (20), is counted as crawl debris and kept.
"""

from __future__ import annotations

import ast
import csv
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from privacy_labels.contract.schemes import Category, scheme
from privacy_labels.importers.writer import (
    SourceError,
    holds_text,
    kept_out,
    numeric_order,
    read_source,
    slug,
    writable,
)

SOURCE = read_source(__file__)
# The category whose legal basis MAPP requires and most rows leave out.
FIRST_PARTY = "first_party_collection_use"
LEGAL_BASIS = "legal_basis"


@dataclass
class MappRow:
    """One segment's consolidated labels: for each category, attribute -> value ids."""

    segment_id: int
    categories: tuple[str, ...]
    labels: dict[str, dict[str, list[str]]]
    ambiguous_values: list[str]  # given to both categories of a two-category row
    unplaced_values: list[str]  # in no slot of the row's categories
    unknown_values: list[str]  # in no slot of the scheme
    not_selected: list[str]  # `<attribute>_not-selected`: the manual's mark of no value
    attributes_without_value: list[str]
    values_without_attribute: list[str]
    repeated_categories: list[str]  # a category listed again in its row: one pair
    n_legal_basis_values: int  # as the row lists them, placed or not


@dataclass
class MappPolicy:
    policy_id: str
    group_id: str
    language: str
    split: str
    url: str
    csv_path: Path
    text_path: Path
    segments: list[str]  # as the file has them (but see `writable`), empty ones too
    replaced: list[int]  # the segments (1-based) `writable` changed
    rows: list[MappRow]
    is_mapp_59: bool  # the MAPP_59 column: one of the 59 apps in both languages

    @property
    def source_file(self) -> str:
        """The text's path in the corpus: `German_sanitized_policies/902_x.txt`."""
        return self.text_path.relative_to(self.text_path.parents[1]).as_posix()

    @functools.cached_property
    def kept(self) -> list[int]:
        """MAPP's ids (1-based) of the segments that hold text: the policy's segments here."""
        return [k for k, text in enumerate(self.segments, 1) if holds_text(text)]

    @functools.cached_property
    def kept_ids(self) -> frozenset[int]:
        """`kept` as a set, for asking of each row whether its segment is kept."""
        return frozenset(self.kept)


@dataclass
class MappCorpus:
    policies: list[MappPolicy] = field(default_factory=list)
    texts_without_labels: list[str] = field(default_factory=list)  # corpus-relative paths

    def counts(self) -> dict:
        """Per language, as the corpus's files give them: policies, those marked MAPP_59,
        segments, labelled (segment, category) pairs (a category listed twice in a row is
        one pair), legal-basis values as the rows list them and policies per split; and of
        those, the segments that hold no text and the pairs on them, kept out."""
        counts: dict = {}
        for p in self.policies:
            c = counts.setdefault(
                p.language,
                {
                    "policies": 0,
                    "mapp_59_policies": 0,
                    "segments": 0,
                    "labelled_pairs": 0,
                    "legal_basis_values": 0,
                    "empty_segments": 0,
                    "pairs_on_empty_segments": 0,
                },
            )
            c["policies"] += 1
            c["mapp_59_policies"] += p.is_mapp_59
            c["segments"] += len(p.segments)
            c["labelled_pairs"] += sum(len(r.categories) for r in p.rows)
            c["empty_segments"] += len(p.segments) - len(p.kept)
            c["pairs_on_empty_segments"] += sum(
                len(r.categories) for r in p.rows if r.segment_id not in p.kept_ids
            )
            c["legal_basis_values"] += sum(r.n_legal_basis_values for r in p.rows)
            splits = c.setdefault("splits", {})
            if p.split:  # a file with no rows names no split
                splits[p.split] = splits.get(p.split, 0) + 1
        return counts

    def linked_groups(self) -> list[str]:
        """The apps in both languages: a number one file of each language starts with (a
        number two files of one language start with links none, and is listed)."""
        files: dict[str, list[str]] = {}
        for policy in self.policies:
            files.setdefault(policy.group_id, []).append(policy.language)
        return [group for group, languages in files.items() if sorted(languages) == ["de", "en"]]

    def problems(self) -> dict:
        """Each known source problem, counted and listed: the import report's part."""
        rows = [(p, r) for p in self.policies for r in p.rows]

        def listed(test) -> list[dict]:
            return [
                {"policy_id": p.policy_id, "segment_id": r.segment_id} for p, r in rows if test(r)
            ]

        def listed_with(name: str) -> list[dict]:
            """The rows with a problem `name` lists, each with what it lists."""
            return [
                {"policy_id": p.policy_id, "segment_id": r.segment_id, name: getattr(r, name)}
                for p, r in rows
                if getattr(r, name)
            ]

        by_group: dict[str, dict[str, list[MappPolicy]]] = {}
        for policy in self.policies:
            by_group.setdefault(policy.group_id, {}).setdefault(policy.language, []).append(policy)
        linked = self.linked_groups()
        pairs = [{k: v[0] for k, v in by_group[group].items()} for group in linked]
        return {
            "two_category_rows": listed(lambda r: len(r.categories) > 1),
            "repeated_category_rows": listed_with("repeated_categories"),
            "ambiguous_category_rows": listed_with("ambiguous_values"),
            "unplaced_value_rows": listed_with("unplaced_values"),
            "unknown_value_rows": listed_with("unknown_values"),
            "attribute_without_value_rows": listed_with("attributes_without_value"),
            "value_without_attribute_rows": listed_with("values_without_attribute"),
            "not_selected_rows": listed_with("not_selected"),
            "first_party_rows": sum(FIRST_PARTY in r.categories for _, r in rows),
            "first_party_rows_without_legal_basis": listed(
                lambda r: FIRST_PARTY in r.categories and not r.labels[FIRST_PARTY].get(LEGAL_BASIS)
            ),
            "apps_in_both_languages": len(pairs),
            "identical_german_english": sorted(
                g["de"].group_id
                for g in pairs
                if g["de"].text_path.read_bytes() == g["en"].text_path.read_bytes()
            ),
            "split_differs_by_language": sorted(
                g["de"].group_id for g in pairs if g["de"].split != g["en"].split
            ),
            "debris_segments": [
                {"policy_id": p.policy_id, "segment_id": k}
                for p in self.policies
                for k, text in enumerate(p.segments, 1)
                if holds_text(text) and is_debris(text)
            ],
            "empty_segments": [
                kept_out(
                    p.policy_id,
                    p.source_file,
                    r.segment_id,
                    labelled_pairs=len(r.categories),
                    values=sum(len(v) for c in r.labels.values() for v in c.values()),
                )
                for p in self.policies
                for r in p.rows
                if r.segment_id not in p.kept_ids
            ],
            "texts_without_labels": self.texts_without_labels,
            "segments_with_characters_replaced": [
                {"policy_id": p.policy_id, "segment_id": k}
                for p in self.policies
                for k in p.replaced
            ],
            "mapp_59_differs_from_languages": sorted(
                p.policy_id
                for p in self.policies
                if p.is_mapp_59 != (p.group_id in linked) and p.rows
            ),
            "number_repeated_in_language": sorted(
                group for group, g in by_group.items() if any(len(v) > 1 for v in g.values())
            ),
            "policies_without_segments": [
                {"policy_id": p.policy_id, "file": p.source_file}
                for p in self.policies
                if not p.kept
            ],
        }


def is_debris(segment: str) -> bool:
    """Crawl debris: no letter at all, or fewer than `debris_min_chars` characters."""
    return not re.search(r"[^\W\d_]", segment) or len(segment.strip()) < SOURCE["debris_min_chars"]


def read_mapp(root: Path) -> MappCorpus:
    """The MAPP corpus at `root` (the folder holding English_consolidation/ etc.)."""
    corpus = MappCorpus()
    for language, folders in SOURCE["languages"].items():
        labels_dir, texts_dir = root / folders["labels"], root / folders["texts"]
        if not labels_dir.is_dir() or not texts_dir.is_dir():
            raise SourceError(
                f"{root}: no {folders['labels']}/ and {folders['texts']}/; MAPP_ROOT must be "
                "the MAPP corpus root folder (MAPP_Corpus/)"
            )
        csv_paths = sorted(_mapp_files(labels_dir, ".csv"), key=numeric_order)
        for csv_path in csv_paths:
            corpus.policies.append(_policy(language, csv_path, texts_dir / f"{csv_path.stem}.txt"))
        labelled = {p.stem for p in csv_paths}
        corpus.texts_without_labels += [
            text.relative_to(root).as_posix()
            for text in sorted(_mapp_files(texts_dir, ".txt"), key=numeric_order)
            if text.stem not in labelled
        ]
    return corpus


def _mapp_files(folder: Path, suffix: str) -> list[Path]:
    """The folder's files of MAPP's: a copy's system files (`.DS_Store`, macOS's `._` twins
    of every file) start with a dot."""
    return [p for p in folder.glob(f"*{suffix}") if not p.name.startswith(".")]


def segments_of(path: Path) -> list[str]:
    """The text's segments: each line followed by a blank line, as MAPP writes them. A copy
    that went through another tool reads the same: a byte-order mark, Windows line ends and
    a last segment without its blank line are not text (the policy text is rebuilt from the
    segments). A CR alone ends no line but in a file of old Mac line ends (CR only): inside
    a line it is the line's text (see `writable`)."""
    try:
        text = path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    except (OSError, UnicodeDecodeError) as error:
        raise SourceError(f"{path}: not readable UTF-8 text ({error}); restore it") from None
    if "\n" not in text:
        text = text.replace("\r", "\n")
    if text and not text.endswith("\n\n"):
        text = text.rstrip("\n") + "\n\n"
    lines = text.split("\n")
    if len(lines) % 2 == 0 or lines[-1] or any(lines[1::2]):
        raise SourceError(
            f"{path}: not one segment per line, each followed by a blank line; restore the "
            "file as MAPP released it"
        )
    return lines[0:-1:2]


def _policy(language: str, csv_path: Path, text_path: Path) -> MappPolicy:
    number, _, app = csv_path.stem.partition("_")
    if not number.isdigit() or not app:
        raise SourceError(f"{csv_path}: not named <number>_<app id>.csv; restore its name")
    if not text_path.is_file():
        raise SourceError(f"{text_path}: missing, though {csv_path.name} labels it; restore it")
    as_written = segments_of(text_path)
    segments = [writable(segment) for segment in as_written]
    try:
        with csv_path.open(encoding="utf-8-sig", newline="") as f:
            records = list(csv.reader(f))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise SourceError(f"{csv_path}: not a readable CSV ({error}); restore it") from None
    if not records or records[0] != SOURCE["columns"]:
        raise SourceError(
            f"{csv_path}: line 1: the header is not MAPP's ({', '.join(SOURCE['columns'])})"
        )
    by_segment = _rows_by_segment(csv_path, number, records[1:])
    if sorted(by_segment) != list(range(1, len(segments) + 1)):
        raise SourceError(
            f"{csv_path}: {len(by_segment)} rows for the {len(segments)} segments of "
            f"{text_path.name}; the row with segment_id k must label segment k (1..N)"
        )
    rows, splits, urls, mapp_59 = [], set(), set(), set()
    for k in range(1, len(segments) + 1):
        line, record = by_segment[k]
        where = f"{csv_path}: line {line}"
        _, _, categories, attributes, values, split, url, in_mapp_59 = record
        if split not in SOURCE["splits"]:
            raise SourceError(
                f"{where}: policy_type {split!r}; MAPP has {', '.join(SOURCE['splits'])}"
            )
        splits.add(split)
        urls.add(url)
        mapp_59.add(in_mapp_59.strip().lower() == "true")
        rows.append(
            _row(where, k, *(_string_list(where, c) for c in (categories, attributes, values)))
        )
    if len(splits) > 1 or len(urls) > 1 or len(mapp_59) > 1:
        raise SourceError(
            f"{csv_path}: rows differ in policy_type, privacy_policy_link or MAPP_59; restore it"
        )
    return MappPolicy(
        policy_id=f"{SOURCE['policy_id_prefix']}{language}-{number}-{slug(app)}",
        group_id=f"{SOURCE['policy_id_prefix']}{number}",
        language=language,
        split=splits.pop() if splits else "",
        url=urls.pop() if urls else "",
        csv_path=csv_path,
        text_path=text_path,
        segments=segments,
        replaced=[k for k, s in enumerate(as_written, 1) if s != segments[k - 1]],
        rows=rows,
        is_mapp_59=mapp_59.pop() if mapp_59 else False,
    )


def _rows_by_segment(
    csv_path: Path, number: str, records: list[list[str]]
) -> dict[int, tuple[int, list[str]]]:
    """Each row by its segment_id, with its line in the file: rows may come in any order."""
    by_segment: dict[int, tuple[int, list[str]]] = {}
    for line, record in enumerate(records, 2):
        if not record:  # a blank line, as a spreadsheet may end the file with
            continue
        where = f"{csv_path}: line {line}"
        if len(record) != len(SOURCE["columns"]):
            raise SourceError(
                f"{where}: {len(record)} fields, not {len(SOURCE['columns'])}; restore it"
            )
        policy_number, segment_id = (field.strip() for field in record[:2])
        if not (policy_number.isdecimal() and int(policy_number) == int(number)):
            raise SourceError(
                f"{where}: policy id {policy_number!r}; expected {number}, the number of the "
                "file's name"
            )
        if not segment_id.isdecimal() or int(segment_id) in by_segment:
            raise SourceError(
                f"{where}: segment_id {segment_id!r} is not a new whole number; each segment "
                "has one row"
            )
        by_segment[int(segment_id)] = (line, record)
    return by_segment


def _row(
    where: str, k: int, category_names: list[str], attributes: list[str], values: list[str]
) -> MappRow:
    categories_by_name, slots_by_name = _scheme_index()
    unknown = [name for name in category_names if name not in categories_by_name]
    if unknown:
        raise SourceError(
            f"{where}: unknown category {unknown[0]!r}; MAPP has {', '.join(categories_by_name)}"
        )
    categories = [categories_by_name[name] for name in dict.fromkeys(category_names)]
    repeated = [name for k, name in enumerate(category_names) if name in category_names[:k]]
    labels: dict[str, dict[str, list[str]]] = {c.id: {} for c in categories}
    ambiguous, unplaced, unknown = [], [], []
    not_selected = [v for v in values if v.endswith(SOURCE["not_selected"])]
    value_attributes = [v.partition(SOURCE["value_separator"])[0] for v in values]
    for value_name in values:
        if value_name in not_selected:
            continue
        if value_name not in slots_by_name:
            unknown.append(value_name)
            continue
        slots = [(c, a, v) for c, a, v in slots_by_name[value_name] if c in categories]
        if not slots:
            unplaced.append(value_name)
        if len(slots) > 1:
            ambiguous.append(value_name)
        for c, a, v in slots:
            labels[c.id].setdefault(a.id, [])
            if v.id not in labels[c.id][a.id]:
                labels[c.id][a.id].append(v.id)
    # In scheme order, so equal sets are written alike.
    for c in categories:
        for a in c.attributes:
            if a.id in labels[c.id]:
                order = [v.id for v in a.values]
                labels[c.id][a.id].sort(key=order.index)
    return MappRow(
        segment_id=k,
        categories=tuple(c.id for c in categories),
        labels=labels,
        ambiguous_values=ambiguous,
        unplaced_values=unplaced,
        unknown_values=unknown,
        not_selected=not_selected,
        attributes_without_value=[a for a in attributes if a not in value_attributes],
        values_without_attribute=[
            v for v, a in zip(values, value_attributes, strict=True) if a not in attributes
        ],
        repeated_categories=repeated,
        n_legal_basis_values=sum(
            a in _legal_basis_names() and v not in not_selected
            for v, a in zip(values, value_attributes, strict=True)
        ),
    )


@functools.cache
def _legal_basis_names() -> frozenset[str]:
    """The names MAPP writes the legal-basis attribute by (`Legal Basis for Collection`)."""
    return frozenset(
        name
        for c in scheme(SOURCE["scheme"]).categories
        for a in c.attributes
        if a.id == LEGAL_BASIS
        for name in a.source_names
    )


@functools.cache
def _scheme_index() -> tuple[dict[str, Category], dict[str, list[tuple]]]:
    """The mapp scheme's categories by MAPP's name, and each value string MAPP writes to
    its (category, attribute, value) slots: built once, looked up per row."""
    s = scheme(SOURCE["scheme"])
    slots: dict[str, list[tuple]] = {}
    for c in s.categories:
        for a in c.attributes:
            for v in a.values:
                for name in v.source_names:
                    slots.setdefault(name, []).append((c, a, v))
    return {name: c for c in s.categories for name in c.source_names}, slots


def _string_list(where: str, literal: str) -> list[str]:
    """A column's Python list literal of strings, read by ast.literal_eval (never eval)."""
    # An empty cell lists nothing, like `[]`.
    strings = _literal_strings(literal) if literal.strip() else ()
    if strings is None:
        raise SourceError(f"{where}: {literal[:60]!r} is not a Python list of strings; restore it")
    return list(strings)


@functools.lru_cache(maxsize=1 << 14)
def _literal_strings(literal: str) -> tuple[str, ...] | None:
    """The strings of a list literal, or None where it is none. Cached: a corpus writes a
    few hundred distinct cells (`[]`, `['First Party']`) tens of thousands of times, and
    parsing them was two thirds of reading MAPP."""
    try:
        value = ast.literal_eval(literal)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        return None
    return tuple(value)
