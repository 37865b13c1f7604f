"""Import the MAPP corpus v1.0 (Arora et al., LREC 2022; English and German, GDPR) into the
raw layout, whole.

    privacy-labels import mapp MAPP_Corpus/ --out mapp-raw/
    privacy-labels build --raw mapp-raw/ --out mapp-labeled/

The files are read as they are (`source.py`: ids, segments, label columns, every known
source problem); what the import writes, per (language, file):

- **Text.** The sanitized policy file, unchanged: its segments are its lines, each
  followed by a blank line, at their offsets in the sidecar (`segmentation` rule `mapp`).
  A line empty or of whitespace only holds no text: it is kept out (the others keep
  their order; the sidecar's notes say which of MAPP's segments each is), and the report
  lists it with the labels of its row, dropped with it. A file with no segment holding
  text is listed, not written.
- **Policy.** `mapp-<language>-<number>-<app id>`, its language, the
  `privacy_policy_link` as URL, MAPP's TRAIN/TEST as `source_split`, and, for an app in
  both languages, `policy_group_id` `mapp-<number>` linking the two.
- **Labels.** One layer `mapp-consolidated` per policy: MAPP's consolidation of three
  annotators (no practice ids, no per-annotator files, no spans). Each labelled
  (segment, category) is ONE value-set practice (`"is_value_set": true`) whose attributes
  hold `{"values": [...]}` in the scheme's order: never spans, and a required attribute
  MAPP left out (often the legal basis) stays out. A value of a two-category row fitting
  both categories' slots goes to both, and their `source_id` ends with
  `ambiguous-category`.
- **Report.** `import-report.json` counts per language and lists every source problem.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import privacy_labels
from privacy_labels.importers.mapp.source import (
    SOURCE,
    MappCorpus,
    MappPolicy,
    SourceError,
    read_mapp,
)
from privacy_labels.importers.writer import (
    imported_document,
    imported_sidecar,
    join_segments,
    kept_out_note,
    policy_files,
    write_raw_corpus,
)
from privacy_labels.raw.documents import make_practice, make_provenance, practice_id

__all__ = ["ANNOTATOR", "SourceError", "import_mapp"]

# Not the project's reserved `consolidated`: that layer is made by `adjudicate` here.
ANNOTATOR = "mapp-consolidated"
AMBIGUOUS = "ambiguous-category"
JOINER = "\n\n"
NORMALISATION = (
    "The MAPP sanitized policy file, unchanged: one segment per line, each followed by a "
    "blank line."
)
SEGMENTATION = {
    "rule": "mapp",
    "version": SOURCE["year"],
    "description": (
        f"The {SOURCE['corpus']}'s own segments, as its annotators saw them: each line of the "
        "sanitized policy, each followed by a blank line; segment k is row k of its "
        "consolidation CSV. Never re-cut."
    ),
}
PROCESS = (
    "Three annotators labelled each segment; MAPP's consolidation algorithm merged their "
    "labels into one set of values per (segment, category), released without practice ids, "
    "per-annotator files or evidence spans; imported as value sets."
)


def import_mapp(root: Path, out: Path) -> dict:
    """Write MAPP at `root` as a raw corpus in `out`; returns the import report. Raises
    SourceError, writing nothing, when a file is not as MAPP releases it."""
    report: dict = {}

    def files() -> Iterator[tuple[str, str]]:
        corpus = read_mapp(root)  # every file checked before the first is written
        report.update(_report(corpus))
        # A policy none of whose segments holds text is listed in the report, not written.
        written = [p for p in corpus.policies if p.kept]
        linked = set(corpus.linked_groups())
        groups = [p.group_id for p in written if p.group_id in linked]
        for policy in written:
            yield from _policy_files(root, policy, groups.count(policy.group_id) == 2)

    write_raw_corpus(out, "import mapp", {"MAPP folder": root}, files(), report)
    return report


def _report(corpus: MappCorpus) -> dict:
    return {
        "source": SOURCE["corpus"],
        "counts": corpus.counts(),
        "n_value_sets": sum(
            len(r.categories) for p in corpus.policies for r in p.rows if r.segment_id in p.kept_ids
        ),
        "debris_rule": (
            f"a segment with no letter, or fewer than {SOURCE['debris_min_chars']} characters "
            "(kept as a segment, listed here)"
        ),
        "problems": corpus.problems(),
        "known_problems": SOURCE["known_problems"],
    }


def _policy_files(root: Path, policy: MappPolicy, is_in_group: bool) -> Iterator[tuple[str, str]]:
    kept = policy.kept
    text, offsets = join_segments([policy.segments[k - 1] for k in kept], JOINER, JOINER)
    relative = policy.source_file
    app = policy.text_path.stem.partition("_")[2]
    sidecar = imported_sidecar(
        SOURCE,
        relative,
        text,
        policy_id=policy.policy_id,
        organisation=app,
        service_names=[app],
        url=policy.url or None,
        language=policy.language,
        normalisation=NORMALISATION,
        notes=(
            f"Imported from the {SOURCE['corpus']}, {relative} (the app {app}; MAPP names "
            f"apps, not organisations), by privacy-labels {privacy_labels.__version__}. "
            f"MAPP split: {policy.split}. {kept_out_note(kept, len(policy.segments))}"
            f"Cite: {SOURCE['citation']}"
        ),
        segmentation=SEGMENTATION,
        segments=offsets,
        policy_group_id=policy.group_id if is_in_group else None,
        source_split=policy.split,
    )
    segment_ids = {k: segment_id for segment_id, k in enumerate(kept)}
    practices = []
    for row in policy.rows:
        if row.segment_id not in segment_ids:  # its segment holds no text: listed, dropped
            continue
        for category in row.categories:
            practices.append(
                make_practice(
                    practice_id(policy.policy_id, ANNOTATOR, len(practices) + 1),
                    segment_ids[row.segment_id],
                    category,
                    {a: {"values": v} for a, v in row.labels[category].items()},
                    source_id=f"{policy.policy_id}:{row.segment_id}:{category}"
                    + (f":{AMBIGUOUS}" if row.ambiguous_values else ""),
                    is_value_set=True,
                )
            )
    document = imported_document(
        SOURCE,
        sidecar,
        ANNOTATOR,
        method=(
            f"MAPP's consolidated labels from {SOURCE['corpus']} "
            f"({policy.csv_path.relative_to(root).as_posix()}), one value "
            f"set per labelled (segment, category); imported by privacy-labels "
            f"{privacy_labels.__version__}. annotated_date is the corpus's release date: the "
            f"files give no dates. Cite: {SOURCE['citation']}"
        ),
        provenance=make_provenance("person", process=PROCESS, is_blind=False),
        practices=practices,
    )
    yield from policy_files(policy.policy_id, text, sidecar, [(ANNOTATOR, document)])
