"""Import the OPP-115 corpus v1.0 (Wilson et al., ACL 2016) into the raw layout, losslessly.

    privacy-labels import opp115 OPP-115/ --out opp115-raw/ [--consolidation 0.75]
    privacy-labels build --raw opp115-raw/ --out opp115-labeled/

The source is the corpus root (`annotations/`, `consolidation/`,
`sanitized_policies/`, `documentation/`). What the import does:

- **Text.** Each segment of `sanitized_policies/<uid>_<site>.html` (segments are
  separated by `|||`) becomes plain text: tags removed, `<br>` and block tags
  made line breaks, entities decoded, runs of spaces collapsed. Segments are
  joined by a blank line and keep their OPP-115 ids.
- **Practices.** One annotation document per policy and OPP-115 annotator id
  (or one per policy for a consolidated layer, annotator `consolidated-<threshold>`);
  `practice_id` is `opp115-<annotation id>` and `source_id` the annotation id.
- **Labels.** Display names map to the taxonomy's ids within their slot,
  whatever their case (`User Profile` and `User profile` are one value). An
  optional attribute left `not-selected` gets no value; every other value is kept.
  A required attribute missing from a practice (none is in the five-policy
  sample) is set to `unspecified` and counted in the summary.
- **Spans.** OPP-115's offsets index the raw HTML segment, and some are wrong
  (see `documentation/errant_span_indexes/`). Each span is mapped through the
  markup removal and kept where the text there equals its `selectedText`
  (markup removed, entities decoded, whitespace compared loosely: `exact`);
  otherwise the selected text is searched in its segment and the occurrence
  nearest the given offset is taken (`relocated`); a text that is not in its
  segment keeps its value but no span (`unanchorable`). Every relocated and
  unanchorable span is listed in `import-report.json`.

OPP-115 is licensed for research only: import it into a folder of your own,
never into `data/`, a release or the package.
"""

from __future__ import annotations

import bisect
import csv
import functools
import html
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

import privacy_labels
from privacy_labels._files import claim_output, dump_json, owned_output, sha256_bytes
from privacy_labels.contract.schema import Attribute, Category, schema_version, taxonomy
from privacy_labels.errors import PrivacyLabelsError
from privacy_labels.raw.corpus import RawCorpus

CORPUS = "OPP-115 Corpus v1.0"
RELEASE_DATE = "2016-07-10"
CITATION = (
    "Shomir Wilson et al. The Creation and Analysis of a Website Privacy Policy Corpus. "
    "Proceedings of the 54th Annual Meeting of the Association for Computational "
    "Linguistics (ACL 2016), Berlin, Germany."
)
LICENSE = (
    "OPP-115: for research, teaching and scholarship only, in the spirit of CC BY-NC; "
    "(C) 2016 Carnegie Mellon University, Usable Privacy Policy Project. Do not redistribute."
)
CONSOLIDATION_THRESHOLDS = ("0.5", "0.75", "1.0")
SEGMENT_SEPARATOR = "|||"
# selectedText placeholders the annotation tool wrote for values without a span.
NO_SPAN_TEXTS = frozenset({"", "null", "Not selected"})
NOT_SELECTED = "not-selected"
SPAN_OUTCOMES = ("exact", "relocated", "unanchorable")
REPORT = "import-report.json"
NORMALISATION = (
    "Plain text from OPP-115's sanitized HTML: tags removed, <br> and block tags made line "
    "breaks, HTML entities decoded, runs of spaces collapsed, each segment trimmed; segments "
    "joined by a blank line; one final LF. Wording unchanged."
)

# The guidelines OPP-115's annotators followed: its scheme and instructions of 2016.
GUIDELINES = "opp115-2016"
# OPP-115's own segments are kept: its annotations point into them.
SEGMENTATION = {
    "rule": "opp115",
    "version": RELEASE_DATE,
    "description": (
        f"The {CORPUS}'s own segments: sanitized_policies split at '|||', as its annotators "
        "saw them, one segment at a time."
    ),
}


def upgrade_sidecar(sidecar: dict) -> dict:
    """An OPP-115 sidecar written at policy schema 1.0.0 (e.g. by an earlier version of this
    importer), with what 1.1.0 added filled in as this importer fills it: no legal entity or
    service names (OPP-115 records a site's domain only), no redactions, OPP-115's own
    segments. A sidecar at the current version comes back unchanged."""
    if sidecar.get("schema_version") == schema_version():
        return sidecar
    added = {
        "legal_entity": None,
        "service_names": [],
        "redactions": [],
        "segmentation": SEGMENTATION,
    }
    upgraded = {"schema_version": schema_version()}
    for key, value in sidecar.items():
        if key == "source":
            upgraded |= {k: added[k] for k in ("legal_entity", "service_names")}
        if key == "segments":
            upgraded |= {k: added[k] for k in ("redactions", "segmentation")}
        if key != "schema_version":
            upgraded[key] = value
    return {**added, **upgraded}


_TOKEN = re.compile(
    r"<[^>]*>|&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);|\s+|[^<&\s]+|[<&]"
)
_TAG_NAME = re.compile(r"</?\s*([A-Za-z][A-Za-z0-9]*)")
_BREAK_TAGS = frozenset(
    re.findall(
        r"\w+", "br p div li ul ol dl dt dd h1 h2 h3 h4 h5 h6 tr table thead tbody blockquote hr"
    )
)


class SourceError(PrivacyLabelsError):
    """The OPP-115 folder cannot be imported; the message names the file, the place and the fix."""


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
    """Plain text of one HTML segment; see NORMALISATION."""
    chars: list[str] = []
    sources: list[int] = []
    pending: tuple[str, int] | None = None  # whitespace waiting for the next visible character

    def space(kind: str, at: int) -> None:
        nonlocal pending
        if pending is None or (kind == "\n" and pending[0] == " "):
            pending = (kind, at if pending is None else pending[1])

    for token in _TOKEN.finditer(segment):
        piece, at = token.group(), token.start()
        if piece.startswith("<") and len(piece) > 1:
            name = _TAG_NAME.match(piece)
            if name and name.group(1).lower() in _BREAK_TAGS:
                space("\n", at)
            continue
        is_entity = piece.startswith("&") and len(piece) > 1
        decoded = html.unescape(piece) if is_entity else piece
        if decoded.isspace():
            space(" ", at)
            continue
        if pending is not None and chars:
            chars.append(pending[0])
            sources.append(pending[1])
        pending = None
        chars += decoded
        # An entity's characters all come from its first offset; text maps one to one.
        sources += [at] * len(decoded) if is_entity else range(at, at + len(piece))
    return SegmentText("".join(chars), sources)


def loose_pattern(text: str) -> re.Pattern | None:
    """A pattern for `text` that lets any whitespace stand for any whitespace."""
    words = text.split()
    return re.compile(r"\s+".join(map(re.escape, words))) if words else None


@dataclass(frozen=True)
class Anchor:
    outcome: str  # one of SPAN_OUTCOMES
    start: int | None = None  # offsets into the segment's text
    end: int | None = None


@functools.lru_cache(maxsize=1 << 16)
def _selected_words(selected_text: str) -> tuple[str, ...]:
    """The words of a selected text. Cached: the annotators of a policy select the
    same passages again and again, and converting each was half of the import's time.
    """
    return tuple(html_to_text(selected_text).text.split())


def anchor_span(segment: SegmentText, selected_text: str, html_start: int, html_end: int) -> Anchor:
    """Place OPP-115's selected text in the segment's plain text; see the module docstring."""
    words = list(_selected_words(selected_text))
    if not words:
        return Anchor("unanchorable")
    guess = 0
    if 0 <= html_start < html_end:
        start, end = segment.locate(html_start, html_end)
        if segment.text[start:end].split() == words:  # equal up to whitespace
            return Anchor("exact", start, end)
        guess = start
    pattern = loose_pattern(" ".join(words))
    found = min(pattern.finditer(segment.text), key=lambda m: abs(m.start() - guess), default=None)
    if found is None:
        return Anchor("unanchorable")
    return Anchor("relocated", found.start(), found.end())


# ---------------------------------------------------------------------------
# Labels: OPP-115 display names to taxonomy ids.


def _name_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", name.lower()).strip()


class Labels:
    """Finds categories, attributes and values by display name, ignoring case and punctuation."""

    def __init__(self) -> None:
        categories = taxonomy().categories
        self._categories = {_name_key(c.name): c for c in categories}
        self._attributes = {(c.id, _name_key(a.name)): a for c in categories for a in c.attributes}
        self._values = {
            (c.id, a.id, _name_key(v.name)): v.id
            for c in categories
            for a in c.attributes
            for v in a.values
        }

    def category(self, name: str) -> Category | None:
        return self._categories.get(_name_key(name))

    def attribute(self, category: Category, name: str) -> Attribute | None:
        return self._attributes.get((category.id, _name_key(name)))

    def value(self, category: Category, attribute: Attribute, name: str) -> str | None:
        return self._values.get((category.id, attribute.id, _name_key(name)))


# ---------------------------------------------------------------------------
# Reading the source folder.


@dataclass(frozen=True)
class Row:
    """One data practice of an OPP-115 annotation CSV."""

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
    path = root / "documentation" / "policies_opp115.csv"
    if not path.is_file():
        raise SourceError(f"{path}: missing; SRC must be the OPP-115 corpus root folder")
    with open(path, encoding="utf-8", newline="") as f:
        return {row["Policy UID"]: row for row in csv.DictReader(f)}


def read_errata(root: Path) -> set[tuple[str, str]]:
    """(annotation id, attribute name) pairs the corpus lists as having wrong span offsets."""
    errata = set()
    for path in sorted((root / "documentation" / "errant_span_indexes").glob("*.csv")):
        with open(path, encoding="utf-8", newline="") as f:
            for record in csv.reader(f):
                if len(record) >= 2:  # the attribute carries a numeric prefix: "3_Purpose"
                    errata.add((record[0], record[1].partition("_")[2]))
    return errata


def layer_folder(root: Path, consolidation: str | None) -> Path:
    if consolidation is None:
        return root / "annotations"
    return root / "consolidation" / f"threshold-{consolidation}-overlap-similarity"


def consolidated(threshold: str) -> str:
    """The annotator id of a consolidated layer: `consolidated-0-75`."""
    return f"consolidated-{threshold.replace('.', '-')}"


def policy_id_of(stem: str) -> str:
    """`105_amazon.com` → `opp115-105-amazon-com`: a slug, namespaced so corpora can be merged."""
    return "opp115-" + re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")


# ---------------------------------------------------------------------------
# The import.


@dataclass
class ImportSummary:
    out: Path
    layer: str
    n_policies: int = 0
    n_practices: int = 0
    n_values: int = 0
    n_not_selected: int = 0  # optional attributes left not-selected: no value, as the manual says
    n_required_defaulted: int = 0
    spans: Counter = field(default_factory=lambda: Counter(dict.fromkeys(SPAN_OUTCOMES, 0)))
    errata_spans: Counter = field(default_factory=lambda: Counter(dict.fromkeys(SPAN_OUTCOMES, 0)))
    categories: Counter = field(default_factory=Counter)
    listed: list[dict] = field(default_factory=list)  # relocated and unanchorable spans

    def to_dict(self) -> dict:
        return {
            "out": str(self.out),
            "layer": self.layer,
            "n_policies": self.n_policies,
            "n_practices": self.n_practices,
            "n_values": self.n_values,
            "n_not_selected": self.n_not_selected,
            "n_required_defaulted": self.n_required_defaulted,
            "spans": dict(self.spans),
            "errata_spans": dict(self.errata_spans),
            "categories": dict(sorted(self.categories.items())),
        }


def import_opp115(
    root: Path, out: Path, *, consolidation: str | None = None, progress: bool | None = None
) -> ImportSummary:
    """Write OPP-115 at `root` as a raw corpus in `out`; raises SourceError.

    `out` is replaced only when the whole corpus is written. Labels come from the
    taxonomy and spans are checked against the text here; `build` validates the
    rest (ids, layout, schema) before it writes anything.
    """
    claim_output(out, "import opp115", {"OPP-115 folder": root})
    if consolidation is not None and consolidation not in CONSOLIDATION_THRESHOLDS:
        raise SourceError(
            f"no consolidation threshold {consolidation}; choose one of "
            + ", ".join(CONSOLIDATION_THRESHOLDS)
        )
    folder = layer_folder(root, consolidation)
    sources = sorted(folder.glob("*.csv"))
    if not sources:
        raise SourceError(
            f"{folder}: no annotation CSVs; SRC must be the OPP-115 corpus root folder "
            "(with annotations/, consolidation/, sanitized_policies/, documentation/)"
        )
    summary = ImportSummary(
        out, "annotations" if consolidation is None else consolidated(consolidation)
    )
    metadata, errata, labels = read_policy_metadata(root), read_errata(root), Labels()
    with owned_output(out, "import opp115", {"OPP-115 folder": root}) as staging:
        corpus = RawCorpus(staging)
        quiet = None if progress is None else not progress
        for source in tqdm(sources, desc="import opp115", unit="policy", disable=quiet):
            _import_policy(root, source, corpus, consolidation, metadata, errata, labels, summary)
        report = {**summary.to_dict(), "spans_not_exact": summary.listed}
        del report["out"]
        (staging / REPORT).write_text(dump_json(report), encoding="utf-8")
    return summary


def _import_policy(root, source, corpus, consolidation, metadata, errata, labels, summary) -> None:
    stem = source.stem
    uid = stem.partition("_")[0]
    policy_id = policy_id_of(stem)
    html_path = root / "sanitized_policies" / f"{stem}.html"
    if not html_path.is_file():
        raise SourceError(
            f"{source}: its policy {html_path} is missing; restore it from the corpus"
        )
    if uid not in metadata:
        raise SourceError(
            f"{root / 'documentation' / 'policies_opp115.csv'}: no row for policy UID {uid} "
            f"({source.name}); restore the file from the corpus archive"
        )
    try:
        html_text = html_path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise SourceError(f"{html_path}: byte {error.start} is not UTF-8; restore it") from None
    segments = [html_to_text(s) for s in html_text.split(SEGMENT_SEPARATOR)]
    offsets, position = [], 0
    for i, segment in enumerate(segments):
        if not segment.text:
            raise SourceError(
                f"{html_path}: segment {i} has no text once markup is removed; "
                "segments must hold text"
            )
        offsets.append(position)
        position += len(segment.text) + 2  # the blank line between segments
    text = "\n\n".join(s.text for s in segments) + "\n"
    text_sha256 = sha256_bytes(text.encode("utf-8"))
    meta = metadata[uid]
    url = meta["Policy URL"].strip()
    sidecar = {
        "schema_version": schema_version(),
        "policy_id": policy_id,
        "organisation": stem.partition("_")[2],
        # OPP-115 records a site's domain only, not who is responsible for its policy.
        "legal_entity": None,
        "service_names": [],
        "source": f"{CORPUS}, sanitized_policies/{html_path.name}",
        "url": url if "://" in url or not url else f"http://{url}",
        "retrieved_date": meta["Policy collection date"].strip() or None,
        "effective_date": meta["Policy last updated date"].strip() or None,
        "language": "en",
        "license": LICENSE,
        "text_sha256": text_sha256,
        "normalisation": NORMALISATION,
        "notes": (
            f"Imported from the {CORPUS} (released {RELEASE_DATE}), policy UID {uid}, by "
            f"privacy-labels {privacy_labels.__version__}. Organisation is the site's domain; "
            "the URL is policies_opp115.csv's, with http:// added where it has no scheme. "
            f"Cite: {CITATION}"
        ),
        "redactions": [],
        "segmentation": SEGMENTATION,
        "segments": [
            {"start": start, "end": start + len(s.text)}
            for start, s in zip(offsets, segments, strict=True)
        ],
    }
    corpus.policies_dir.mkdir(parents=True, exist_ok=True)
    corpus.text_path(policy_id).write_text(text, encoding="utf-8", newline="\n")
    corpus.sidecar_path(policy_id).write_text(dump_json(sidecar), encoding="utf-8")
    summary.n_policies += 1

    documents: dict[str, list[dict]] = defaultdict(list)
    batches: dict[str, set[str]] = defaultdict(set)
    for row in read_rows(source):
        annotator = row.annotator_id if consolidation is None else consolidated(consolidation)
        practice = _practice(row, policy_id, segments, offsets, errata, labels, summary)
        documents[annotator].append(practice)
        batches[annotator].add(row.batch_id)
    for annotator, practices in documents.items():
        document = {
            "schema_version": schema_version(),
            "policy_id": policy_id,
            "annotator": annotator,
            "text_sha256": text_sha256,
            # The CSVs carry no annotation dates; the practices were final at the release.
            "annotated_date": RELEASE_DATE,
            "method": _method(annotator, consolidation, sorted(batches[annotator]), source, root),
            "guidelines_version": GUIDELINES,
            "provenance": _provenance(consolidation),
            "practices": practices,
        }
        path = corpus.annotations_dir / policy_id / f"{annotator}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dump_json(document), encoding="utf-8")


def _provenance(consolidation: str | None) -> dict:
    """OPP-115's annotators were people working independently; its consolidated layers
    were merged from theirs by an algorithm. Neither was reviewed afterwards."""
    if consolidation is None:
        return {
            "annotator_kind": "person",
            "process": (
                f"A skilled annotator (law student) of the {CORPUS} labeled each segment in "
                "the Usable Privacy Policy Project's web tool following the OPP-115 scheme; "
                "imported unchanged but for offsets mapped to the plain text."
            ),
            "is_blind": True,
            "is_reviewed": False,
        }
    return {
        "annotator_kind": "adjudication",
        "process": (
            f"The {CORPUS}'s consolidation algorithm at threshold {consolidation} merged the "
            "practices of its three annotators; imported unchanged but for offsets mapped to "
            "the plain text."
        ),
        "is_blind": False,
        "is_reviewed": False,
    }


def _method(annotator, consolidation, batches, source, root) -> str:
    origin = f"{source.relative_to(root).as_posix()} of the {CORPUS} ({CITATION})"
    if consolidation is None:
        who = (
            f"OPP-115 annotator {annotator} (batches: {', '.join(batches)}), a skilled annotator "
            "(law student) labeling one segment at a time in the Usable Privacy Policy Project's "
            "web tool"
        )
    else:
        who = (
            f"OPP-115's consolidation at overlap-similarity threshold {consolidation}: practices "
            "of 2-3 annotators merged ('C' ids) and singlets kept"
        )
    return (
        f"{who}; imported from {origin} by privacy-labels {privacy_labels.__version__}. "
        "annotated_date is the corpus release date (the CSVs give none)."
    )


def _practice(row, policy_id, segments, offsets, errata, labels, summary) -> dict:
    where = f"{row.file}: line {row.line} (annotation {row.annotation_id})"
    category = labels.category(row.category)
    if category is None:
        raise SourceError(
            f"{where}: unknown category {row.category!r}; OPP-115 v1.0 has: "
            + ", ".join(c.name for c in taxonomy().categories)
        )
    if not re.fullmatch(r"[A-Za-z0-9]+", row.annotation_id):
        raise SourceError(f"{where}: annotation id {row.annotation_id!r} is not alphanumeric")
    if row.segment_id >= len(segments):
        raise SourceError(
            f"{where}: segment {row.segment_id}, but the policy has {len(segments)} segments"
        )
    segment, offset = segments[row.segment_id], offsets[row.segment_id]
    attributes = {}
    for name, chosen in row.attributes.items():
        attribute = labels.attribute(category, name)
        if attribute is None:
            raise SourceError(
                f"{where}: attribute {name!r} does not belong to category {row.category!r}; "
                "choose one of: " + ", ".join(a.name for a in category.attributes)
            )
        given = chosen.get("value") if isinstance(chosen, dict) else None
        if given == NOT_SELECTED and not attribute.is_required:
            summary.n_not_selected += 1
            continue
        value = labels.value(category, attribute, given) if isinstance(given, str) else None
        if value is None:
            raise SourceError(
                f"{where}: {name} value {given!r} is not in the scheme for {row.category!r}; "
                "choose one of: " + ", ".join(v.name for v in attribute.values)
            )
        attributes[attribute.id] = {
            "value": value,
            **_span(row, name, chosen, segment, offset, policy_id, errata, summary),
        }
    for attribute in category.attributes:
        if attribute.is_required and attribute.id not in attributes:
            attributes[attribute.id] = {"value": "unspecified"}
            summary.n_required_defaulted += 1
    summary.n_practices += 1
    summary.n_values += len(attributes)
    summary.categories[category.id] += 1
    return {
        "practice_id": f"opp115-{row.annotation_id.lower()}",
        "segment_id": row.segment_id,
        "source_id": row.annotation_id,
        "category": category.id,
        "attributes": {a: attributes[a] for a in category.attribute_ids if a in attributes},
    }


def _span(row, name, chosen, segment, offset, policy_id, errata, summary) -> dict:
    selected = chosen.get("selectedText")
    if not isinstance(selected, str) or selected.strip() in NO_SPAN_TEXTS:
        return {}
    html_start, html_end = (
        chosen.get("startIndexInSegment", -1),
        chosen.get("endIndexInSegment", -1),
    )
    anchor = anchor_span(segment, selected, html_start, html_end)
    summary.spans[anchor.outcome] += 1
    if (row.annotation_id, name) in errata:
        summary.errata_spans[anchor.outcome] += 1
    span = {}
    if anchor.start is not None:
        start, end = offset + anchor.start, offset + anchor.end
        span = {
            "span_start": start,
            "span_end": end,
            "span_text": segment.text[anchor.start : anchor.end],
        }
    if anchor.outcome != "exact":
        summary.listed.append(
            {
                "source_id": row.annotation_id,
                "policy_id": policy_id,
                "segment_id": row.segment_id,
                "attribute": name,
                "outcome": anchor.outcome,
                "selected_text": selected,
                "source_start": html_start,
                "source_end": html_end,
                **{k: v for k, v in span.items() if k != "span_text"},
            }
        )
    return span
