"""Import the OPP-115 corpus v1.0 (Wilson et al., ACL 2016) into the raw layout, losslessly.

    privacy-labels import opp115 OPP-115/ --out opp115-raw/ [--consolidation 0.75]
    privacy-labels build --raw opp115-raw/ --out opp115-labeled/

The source is the corpus root (`annotations/`, `consolidation/`,
`sanitized_policies/`, `documentation/`). What the import does:

- **Text.** Each segment of `sanitized_policies/<uid>_<site>.html` (segments are
  separated by `|||`) becomes plain text: tags removed, `<br>` and block tags
  made line breaks, entities decoded, runs of spaces collapsed. Segments are
  joined by a blank line and keep their OPP-115 ids. A segment with no text once
  markup is removed cannot hold evidence: it is kept out (the others keep their order;
  the sidecar's notes say which of OPP-115's segments each is), and the report lists it
  with the number of practices dropped with it; a policy with no segment holding text
  is listed, not written.
- **Practices.** One annotation document per policy and OPP-115 annotator id
  (or one per policy for a consolidated layer, annotator `consolidated-<threshold>`);
  `practice_id` is `<policy_id>-<annotator>-<NNN>`, numbered in the CSV's order, and
  `source_id` OPP-115's annotation id.
- **Labels.** The documents are in the `opp115` scheme. Display names map to
  its ids within their slot by the names the scheme records the corpus writing
  (`source_names`), whatever their case (`User Profile` and `User profile` are one value). An
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

import contextlib
import functools
import itertools
import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path

from tqdm import tqdm

import privacy_labels
from privacy_labels._files import claim_output
from privacy_labels._parallel import map_in_order
from privacy_labels.contract.schema import schema_version
from privacy_labels.contract.schemes import scheme
from privacy_labels.importers.opp115.source import (
    LAYOUT,
    NO_SPAN_TEXTS,
    SOURCE,
    Labels,
    SourceError,
    anchor_span,
    consolidated,
    html_to_text,
    layer_folder,
    loose_pattern,
    policy_id_of,
    read_errata,
    read_policy_metadata,
    read_rows,
)
from privacy_labels.importers.writer import (
    holds_text,
    imported_document,
    imported_sidecar,
    join_segments,
    kept_out,
    kept_out_note,
    policy_files,
    write_raw_corpus,
)
from privacy_labels.raw.documents import make_practice, make_provenance, practice_id

# Re-exported: what this module was, before its source reading moved out.
__all__ = [
    "CONSOLIDATION_THRESHOLDS",
    "NO_SPAN_TEXTS",
    "ImportSummary",
    "SourceError",
    "anchor_span",
    "html_to_text",
    "import_opp115",
    "loose_pattern",
    "policy_id_of",
    "upgrade_sidecar",
]

CORPUS = SOURCE["corpus"]
CITATION = SOURCE["citation"]
CONSOLIDATION_THRESHOLDS = tuple(SOURCE["consolidation_thresholds"])
SPAN_OUTCOMES = ("exact", "relocated", "unanchorable")
NORMALISATION = (
    "Plain text from OPP-115's sanitized HTML: tags removed, <br> and block tags made line "
    "breaks, HTML entities decoded, runs of spaces collapsed, each segment trimmed; segments "
    "joined by a blank line; one final LF. Wording unchanged."
)
# OPP-115's own segments are kept: its annotations point into them.
SEGMENTATION = {
    "rule": "opp115",
    "version": SOURCE["dated"],
    "description": (
        f"The {CORPUS}'s own segments: sanitized_policies split at "
        f"'{SOURCE['segment_separator']}', as its annotators saw them, one segment at a time."
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


# ---------------------------------------------------------------------------
# The import: each policy converted on its own (in a pool of processes), written in order.


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
    # Segments that hold no text once markup is removed, and the practices on them.
    empty_segments: list[dict] = field(default_factory=list)
    n_dropped_practices: int = 0
    without_segments: list[dict] = field(default_factory=list)

    def add(self, other: ImportSummary) -> None:
        """Count `other` (one policy's summary) in this one: every count added, every list
        after ours; `out` and `layer` stay this run's."""
        for name in (f.name for f in fields(self)):
            mine, theirs = getattr(self, name), getattr(other, name)
            if isinstance(mine, Counter):
                mine.update(theirs)
            elif isinstance(mine, list):
                mine += theirs
            elif isinstance(mine, int):
                setattr(self, name, mine + theirs)

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
            "n_empty_segments": len(self.empty_segments),
            "n_practices_on_empty_segments": self.n_dropped_practices,
            "n_policies_without_segments": len(self.without_segments),
        }


def import_opp115(
    root: Path,
    out: Path,
    *,
    consolidation: str | None = None,
    progress: bool | None = None,
    workers: int = 1,
) -> ImportSummary:
    """Write OPP-115 at `root` as a raw corpus in `out`; raises SourceError.

    `out` is replaced only when the whole corpus is written. Labels come from the
    opp115 scheme and spans are checked against the text here; `build` validates the
    rest (ids, layout, schema) before it writes anything. Policies are converted
    in `workers` processes; this process writes their files in order, so the
    bytes are the same whatever the number of workers.
    """
    inputs = {"OPP-115 folder": root}
    claim_output(out, "import opp115", inputs)  # refused before the source is read
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
    # Each process reads the source's tables once for this run (see _source_tables); this
    # one before any policy, so a missing file is named first and a run in this process
    # does not read them again.
    run = (os.getpid(), next(_RUNS))
    _source_tables(root, run)
    convert = functools.partial(_convert_policy, root, consolidation, run)
    report: dict = {}

    def files() -> Iterator[tuple[str, str]]:
        quiet = None if progress is None else not progress
        policies = map_in_order(convert, sources, workers=min(workers, len(sources)))
        # Closed here, not when collected: an interrupted run stops its pool before the
        # writer removes the staging folder (the writer closes this generator).
        with (
            contextlib.closing(policies),
            tqdm(total=len(sources), desc="import opp115", unit="policy", disable=quiet) as bar,
        ):
            for written, policy_summary in policies:
                yield from written
                summary.add(policy_summary)
                bar.update()
        report.update(
            summary.to_dict(),
            spans_not_exact=summary.listed,
            empty_segments=summary.empty_segments,
            policies_without_segments=summary.without_segments,
        )
        del report["out"]

    write_raw_corpus(out, "import opp115", inputs, files(), report)
    return summary


_RUNS = itertools.count()


@functools.lru_cache(maxsize=1)
def _source_tables(root: Path, run: tuple[int, int]) -> tuple[dict, set, Labels]:
    """The policy metadata, errata and labels, read once per process and run (`run` is
    the importing process and its count of imports): shared by the policies of this
    run, read again by the next, which may see edited files."""
    return read_policy_metadata(root), read_errata(root), Labels(scheme(SOURCE["scheme"]))


def _convert_policy(
    root: Path, consolidation: str | None, run: tuple[int, int], source: Path
) -> tuple[list[tuple[str, str]], ImportSummary]:
    """One policy's files (path in the raw corpus, text) and its summary; writes nothing."""
    metadata, errata, labels = _source_tables(root, run)
    summary = ImportSummary(Path(), "")
    stem = source.stem
    uid = stem.partition("_")[0]
    policy_id = policy_id_of(stem)
    html_path = root / LAYOUT["texts"] / LAYOUT["text_file"].format(stem=stem)
    if not html_path.is_file():
        raise SourceError(
            f"{source}: its policy {html_path} is missing; restore it from the corpus"
        )
    if uid not in metadata:
        raise SourceError(
            f"{root / LAYOUT['policy_metadata']}: no row for policy UID {uid} "
            f"({source.name}); restore the file from the corpus archive"
        )
    try:
        html_text = html_path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise SourceError(f"{html_path}: byte {error.start} is not UTF-8; restore it") from None
    segments = [html_to_text(s) for s in html_text.split(SOURCE["segment_separator"])]
    rows = read_rows(source)
    relative = html_path.relative_to(root).as_posix()
    kept = [i for i, segment in enumerate(segments) if holds_text(segment.text)]
    for i in sorted(set(range(len(segments))) - set(kept)):
        n_practices = sum(row.segment_id == i for row in rows)
        summary.n_dropped_practices += n_practices
        summary.empty_segments.append(kept_out(policy_id, relative, i, practices=n_practices))
    if not kept:
        summary.without_segments.append({"policy_id": policy_id, "file": relative})
        return [], summary
    text, spans = join_segments([segments[i].text for i in kept], SOURCE["segment_joiner"], "\n")
    # Each source segment that holds text: its segment id here and its offset in the text.
    placed = {i: (n, span["start"]) for n, (i, span) in enumerate(zip(kept, spans, strict=True))}
    meta = metadata[uid]
    url = meta["Policy URL"].strip()
    # OPP-115 records a site's domain only, not who is responsible for its policy.
    sidecar = imported_sidecar(
        SOURCE,
        relative,
        text,
        policy_id=policy_id,
        organisation=stem.partition("_")[2],
        url=url if "://" in url or not url else f"http://{url}",
        retrieved_date=meta["Policy collection date"].strip() or None,
        effective_date=meta["Policy last updated date"].strip() or None,
        language="en",
        normalisation=NORMALISATION,
        notes=(
            f"Imported from the {CORPUS} (released {SOURCE['dated']}), policy UID {uid}, by "
            f"privacy-labels {privacy_labels.__version__}. Organisation is the site's domain; "
            "the URL is policies_opp115.csv's, with http:// added where it has no scheme. "
            f"{kept_out_note(kept, len(segments))}Cite: {CITATION}"
        ),
        segmentation=SEGMENTATION,
        segments=spans,
    )
    summary.n_policies += 1

    documents: dict[str, list[dict]] = defaultdict(list)
    batches: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        if 0 <= row.segment_id < len(segments) and row.segment_id not in placed:
            continue  # on a segment that holds no text: counted above
        annotator = row.annotator_id if consolidation is None else consolidated(consolidation)
        # Numbered in the CSV's order within the document; OPP-115's id stays in source_id.
        own_id = practice_id(policy_id, annotator, len(documents[annotator]) + 1)
        practice = _practice(row, own_id, policy_id, segments, placed, errata, labels, summary)
        documents[annotator].append(practice)
        batches[annotator].add(row.batch_id)
    layers = [
        (
            annotator,
            imported_document(
                SOURCE,
                sidecar,
                annotator,
                method=_method(annotator, consolidation, sorted(batches[annotator]), source, root),
                provenance=_provenance(consolidation),
                practices=practices,
            ),
        )
        for annotator, practices in documents.items()
    ]
    return list(policy_files(policy_id, text, sidecar, layers)), summary


def _provenance(consolidation: str | None) -> dict:
    """OPP-115's annotators were people working independently; its consolidated layers
    were merged from theirs by an algorithm. Neither was reviewed afterwards."""
    if consolidation is None:
        return make_provenance(
            "person",
            process=(
                f"A skilled annotator (law student) of the {CORPUS} labeled each segment in "
                "the Usable Privacy Policy Project's web tool following the OPP-115 scheme; "
                "imported unchanged but for offsets mapped to the plain text."
            ),
            is_blind=True,
        )
    return make_provenance(
        "adjudication",
        process=(
            f"The {CORPUS}'s consolidation algorithm at threshold {consolidation} merged the "
            "practices of its three annotators; imported unchanged but for offsets mapped to "
            "the plain text."
        ),
        is_blind=False,
    )


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


def _practice(row, own_id, policy_id, segments, placed, errata, labels, summary) -> dict:
    category = labels.category(row.category)
    if category is None:
        raise SourceError(
            f"{_where(row)}: unknown category {row.category!r}; OPP-115 v1.0 has: "
            + ", ".join(c.name for c in scheme(SOURCE["scheme"]).categories)
        )
    if not _ALPHANUMERIC.fullmatch(row.annotation_id):
        raise SourceError(f"{_where(row)}: annotation id {row.annotation_id!r} is not alphanumeric")
    if row.segment_id >= len(segments):
        raise SourceError(
            f"{_where(row)}: segment {row.segment_id}, but the policy has {len(segments)} segments"
        )
    segment = segments[row.segment_id]
    segment_id, offset = placed[row.segment_id]
    attributes = {}
    # One loop over the practice's attribute values, the span placed inline: this is
    # the import's inner loop, run about 7 times per practice.
    for name, chosen in row.attributes.items():
        attribute = labels.attribute(category, name)
        if attribute is None:
            raise SourceError(
                f"{_where(row)}: attribute {name!r} does not belong to category "
                f"{row.category!r}; choose one of: "
                + ", ".join(a.name for a in category.attributes)
            )
        given = chosen.get("value") if isinstance(chosen, dict) else None
        if given == SOURCE["not_selected"] and not attribute.is_required:
            summary.n_not_selected += 1
            continue
        value = labels.value(category, attribute, given) if isinstance(given, str) else None
        if value is None:
            raise SourceError(
                f"{_where(row)}: {name} value {given!r} is not in the scheme for "
                f"{row.category!r}; choose one of: " + ", ".join(v.name for v in attribute.values)
            )
        selected = chosen.get("selectedText")
        if not isinstance(selected, str) or selected.strip() in NO_SPAN_TEXTS:
            attributes[attribute.id] = {"value": value}
            continue
        html_start = chosen.get("startIndexInSegment", -1)
        html_end = chosen.get("endIndexInSegment", -1)
        anchor = anchor_span(segment, selected, html_start, html_end)
        outcome = anchor.outcome
        summary.spans[outcome] += 1
        if (row.annotation_id, name) in errata:
            summary.errata_spans[outcome] += 1
        if anchor.start is None:
            attributes[attribute.id] = {"value": value}
        else:
            attributes[attribute.id] = {
                "value": value,
                "span_start": offset + anchor.start,
                "span_end": offset + anchor.end,
                "span_text": segment.text[anchor.start : anchor.end],
            }
        if outcome != "exact":
            listed = {
                "source_id": row.annotation_id,
                "policy_id": policy_id,
                "segment_id": row.segment_id,
                "attribute": name,
                "outcome": outcome,
                "selected_text": selected,
                "source_start": html_start,
                "source_end": html_end,
            }
            if anchor.start is not None:
                listed["span_start"] = offset + anchor.start
                listed["span_end"] = offset + anchor.end
            summary.listed.append(listed)
    for attribute in category.attributes:
        if attribute.is_required and attribute.id not in attributes:
            attributes[attribute.id] = {"value": "unspecified"}
            summary.n_required_defaulted += 1
    summary.n_practices += 1
    summary.n_values += len(attributes)
    summary.categories[category.id] += 1
    return make_practice(
        own_id,
        segment_id,
        category.id,
        {a: attributes[a] for a in category.attribute_ids if a in attributes},
        source_id=row.annotation_id,
    )


_ALPHANUMERIC = re.compile(r"[A-Za-z0-9]+")


def _where(row) -> str:
    """A practice's place in its CSV, for messages (made only when one is written)."""
    return f"{row.file}: line {row.line} (annotation {row.annotation_id})"
