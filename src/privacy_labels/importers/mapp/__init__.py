"""Import the MAPP corpus v1.0 (Arora et al., LREC 2022; English and German, GDPR) into the
raw layout, whole.

    privacy-labels import mapp MAPP_Corpus/ --out mapp-raw/
    privacy-labels build --raw mapp-raw/ --out mapp-labeled/

The files are read as they are (`source.py`: ids, segments, label columns, every known
source problem); what the import writes, per (language, file):

- **Text.** The sanitized policy file, unchanged: its segments are its lines, each
  followed by a blank line, at their offsets in the sidecar (`segmentation` rule `mapp`).
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
from privacy_labels._files import sha256_bytes
from privacy_labels.contract.schemes import scheme
from privacy_labels.importers.mapp.source import (
    SOURCE,
    MappCorpus,
    MappPolicy,
    SourceError,
    read_mapp,
)
from privacy_labels.importers.writer import join_segments, policy_files, write_raw_corpus
from privacy_labels.raw.documents import (
    annotation_document,
    make_practice,
    make_provenance,
    policy_sidecar,
    practice_id,
)

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
        groups = [p.group_id for p in corpus.policies]
        for policy in corpus.policies:
            yield from _policy_files(root, policy, groups.count(policy.group_id) > 1)

    write_raw_corpus(out, "import mapp", {"MAPP folder": root}, files(), report)
    return report


def _report(corpus: MappCorpus) -> dict:
    return {
        "source": SOURCE["corpus"],
        "counts": corpus.counts(),
        "n_value_sets": sum(len(r.categories) for p in corpus.policies for r in p.rows),
        "debris_rule": (
            f"a segment with no letter, or fewer than {SOURCE['debris_min_chars']} characters "
            "(kept as a segment, listed here)"
        ),
        "problems": corpus.problems(),
        "known_problems": SOURCE["known_problems"],
    }


def _policy_files(root: Path, policy: MappPolicy, is_in_group: bool) -> Iterator[tuple[str, str]]:
    text, offsets = join_segments(policy.segments, JOINER, JOINER)
    text_sha256 = sha256_bytes(text.encode("utf-8"))
    relative = policy.text_path.relative_to(root).as_posix()
    app = policy.text_path.stem.partition("_")[2]
    sidecar = policy_sidecar(
        policy_id=policy.policy_id,
        organisation=app,
        legal_entity=None,
        service_names=[app],
        source=f"{SOURCE['corpus']}, {relative}",
        url=policy.url or None,
        retrieved_date=None,
        effective_date=None,
        language=policy.language,
        license=SOURCE["license"],
        text_sha256=text_sha256,
        normalisation=NORMALISATION,
        notes=(
            f"Imported from the {SOURCE['corpus']}, {relative} (the app {app}; MAPP names "
            f"apps, not organisations), by privacy-labels {privacy_labels.__version__}. "
            f"MAPP split: {policy.split}. Cite: {SOURCE['citation']}"
        ),
        redactions=[],
        segmentation=SEGMENTATION,
        segments=offsets,
        policy_group_id=policy.group_id if is_in_group else None,
        source_split=policy.split,
    )
    practices = []
    for row in policy.rows:
        for category in row.categories:
            practices.append(
                make_practice(
                    practice_id(policy.policy_id, ANNOTATOR, len(practices) + 1),
                    row.segment_id - 1,
                    category,
                    {a: {"values": v} for a, v in row.labels[category].items()},
                    source_id=f"{policy.policy_id}:{row.segment_id}:{category}"
                    + (f":{AMBIGUOUS}" if row.ambiguous_values else ""),
                    is_value_set=True,
                )
            )
    document = annotation_document(
        policy_id=policy.policy_id,
        annotator=ANNOTATOR,
        scheme=scheme(SOURCE["scheme"]).ref,
        text_sha256=text_sha256,
        # The files carry no dates: the corpus's release date stands for it.
        annotated_date=SOURCE["dated"],
        method=(
            f"MAPP's consolidated labels from {SOURCE['corpus']} "
            f"({policy.csv_path.relative_to(root).as_posix()}), one value "
            f"set per labelled (segment, category); imported by privacy-labels "
            f"{privacy_labels.__version__}. annotated_date is the corpus's release date: the "
            f"files give no dates. Cite: {SOURCE['citation']}"
        ),
        guidelines_version=f"mapp-{SOURCE['year']}",
        provenance=make_provenance("person", process=PROCESS, is_blind=False),
        practices=practices,
    )
    yield from policy_files(policy.policy_id, text, sidecar, [(ANNOTATOR, document)])
