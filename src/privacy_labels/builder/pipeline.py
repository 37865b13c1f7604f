"""Build the tables from the raw corpus: read and validate each input once, then write
Parquet, CSV and a manifest.

    privacy-labels build [--raw data/raw] [--out data/labeled]

Nothing is written unless every input is valid, and the output folder is
replaced only when complete. Policies are processed one at a time and rows are
flushed in batches, so memory does not grow with the corpus. The same inputs
give the same bytes: rows sorted by their keys, no timestamps, fixed CSV dialect.
"""

from __future__ import annotations

import contextlib
import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tqdm import tqdm

from privacy_labels._files import MANIFEST, clear_interrupted_runs, owned_output, project_folder
from privacy_labels._json import dump_json
from privacy_labels._parallel import map_in_order
from privacy_labels.builder.manifest import built_from, manifest_of, write_schemes
from privacy_labels.builder.rows import build_part
from privacy_labels.builder.writers import PARTITIONED_TABLES, TableWriter
from privacy_labels.contract.tables import TABLES
from privacy_labels.errors import PrivacyLabelsError
from privacy_labels.raw.corpus import DEFAULT_LABELED, RawCorpus
from privacy_labels.raw.inputs import chunked, plain_policy_ids, repeats_any
from privacy_labels.raw.problems import InvalidInputs, Problem
from privacy_labels.raw.schemes import corpus_schemes
from privacy_labels.raw.validate import Validator

__all__ = ["MANIFEST", "BuildResult", "BuildSettings", "build", "write_tables"]


class InputsChanged(PrivacyLabelsError):
    """An input changed while build read it: the rules found a problem the second time
    they read the corpus, not the first."""


@dataclass(frozen=True)
class BuildSettings:
    """How a build works (see `build`): `progress`, `workers`, `scheduler`; and what it
    derives and how it lays out the files: `partitioned`, `layer`."""

    progress: bool | None = None
    workers: int = 1
    scheduler: str | None = None
    partitioned: bool = False
    layer: str | None = None


@dataclass(frozen=True)
class BuildResult:
    out: Path
    n_rows: dict[str, int]
    up_to_date: bool = False  # `out` was built from these very inputs: nothing written


def build(
    raw: Path,
    out: Path | None = None,
    *,
    progress: bool | None = None,
    workers: int = 1,
    scheduler: str | None = None,
    partitioned: bool = False,
    force: bool = False,
    layer: str | None = None,
) -> BuildResult:
    """Validate the raw corpus at `raw` and write the tables to `out` (default:
    data/labeled in the project of `raw`, see _files.project_folder).

    The per-policy work runs in `workers` processes, or on the Dask cluster at
    `scheduler`; the output is the same bytes either way. `partitioned` writes
    the Parquet of PARTITIONED_TABLES as datasets partitioned by category, for
    corpora too large to read whole. `layer` names the annotator whose layer gives
    the derived labels (default: consolidated where a policy has it, else all).
    Raises InvalidInputs, writing nothing, when any input has a problem or a
    policy has no `layer`, OutputRefused when `out` is not a folder build may
    write (see _files.claim_output), and Busy when another run is writing `out`.
    `progress=None` shows a progress bar only on a terminal. When `out` was built from
    these very inputs (see `built_from`), nothing is written, unless `force`.
    """
    out = project_folder(raw) / DEFAULT_LABELED if out is None else out
    if not force:
        n_rows = built_from(raw, out, partitioned=partitioned, layer=layer)
        if n_rows is not None:
            clear_interrupted_runs(out)
            return BuildResult(out, n_rows, up_to_date=True)
    settings = BuildSettings(progress, workers, scheduler, partitioned, layer)
    with owned_output(out, "build", {"raw corpus": raw}) as staging:
        result = write_tables(raw, staging, settings)
    return BuildResult(out, result.n_rows)


def write_tables(raw: Path, folder: Path, settings: BuildSettings = BuildSettings()) -> BuildResult:
    """Validate the raw corpus and write the tables into the empty `folder`.

    Each policy is read once and validated as it is turned into rows, by the
    rules in their stop-at-first mode (raw/inputs.py). At the first problem the
    build stops and raw/validate.py names every problem, by the same rules. A
    corpus laid out unusually (links, stray files) is validated whole first.
    """
    corpus = RawCorpus(Path(raw).resolve())  # workers elsewhere need the whole path
    if settings.layer is not None:
        _require_layer(RawCorpus(raw), settings.layer)
    policy_ids = plain_policy_ids(corpus)
    if policy_ids is None or corpus_schemes(corpus)[1]:
        _raise_problems(raw)
        policy_ids = corpus.policy_ids()
    written = _write_parts(corpus, folder, policy_ids, settings)
    # Two practices of different policies may share an id (or only a digest).
    if isinstance(written, Problem) or repeats_any(written.practice_keys):
        _raise_problems(raw)
        if isinstance(written, Problem):
            raise InputsChanged(
                f"{written.file}: changed while build read it ({written.message}); "
                "run build again when nothing else writes the corpus"
            )
    # The tables say which schemes their labels are in: each one a document names, the
    # hub (whose questions policy_labels answers) and every scheme they map onto.
    schemes = corpus_schemes(corpus)[0].closure(written.scheme_ids)
    write_schemes(folder, schemes)
    manifest = manifest_of(
        corpus, folder, written.n_rows, written.input_sha256, schemes, settings.layer
    )
    (folder / MANIFEST).write_text(dump_json(manifest), encoding="utf-8")
    return BuildResult(folder, written.n_rows)


def _raise_problems(raw: Path) -> None:
    """Raise InvalidInputs naming every problem of the corpus, if it has any."""
    problems = Validator(default_raw=raw).explain_corpus(RawCorpus(raw))
    if problems:
        raise InvalidInputs(problems)


def _require_layer(corpus: RawCorpus, layer: str) -> None:
    """Every policy has the layer its labels are to come from."""
    problems = [
        Problem(
            str(corpus.annotation_path(policy_id, layer)),
            "",
            f"policy {policy_id} has no layer {layer!r} to take its labels from",
            "annotate it, or build without --layer (consolidated where there is one, else all)",
        )
        for policy_id in corpus.policy_ids()
        if not corpus.annotation_path(policy_id, layer).is_file()
    ]
    if problems:
        raise InvalidInputs(problems)


@dataclass(frozen=True)
class _Written:
    n_rows: dict[str, int]
    input_sha256: dict[str, str]
    practice_keys: list[np.ndarray]
    scheme_ids: set[str]


def _write_parts(
    corpus: RawCorpus, folder: Path, policy_ids: list[str], settings: BuildSettings
) -> _Written | Problem:
    """Every table of the policies into `folder`, or the first problem of a policy."""
    input_sha256: dict[str, str] = {}
    keys = []
    scheme_ids: set[str] = set()
    parts = chunked(policy_ids)
    # tqdm's disable=None means: show the bar only on a terminal.
    quiet = None if settings.progress is None else not settings.progress
    with contextlib.ExitStack() as stack:
        writers = {
            t.name: stack.enter_context(
                TableWriter(
                    folder,
                    t.name,
                    partitioned=settings.partitioned and t.name in PARTITIONED_TABLES,
                )
            )
            for t in TABLES
        }
        bar = stack.enter_context(
            tqdm(total=len(policy_ids), desc="build", unit="policy", disable=quiet)
        )
        for part in map_in_order(
            functools.partial(build_part, str(corpus.root), layer=settings.layer),
            parts,
            workers=min(settings.workers, len(parts)),
            scheduler=settings.scheduler,
        ):
            if part.problem is not None:
                return part.problem
            for name, writer in writers.items():
                writer.write(part.tables[name])
            input_sha256.update(part.input_sha256)
            keys.append(part.practice_keys)
            scheme_ids |= part.scheme_ids
            bar.update(len(part.policy_ids))
    return _Written({name: w.n_rows for name, w in writers.items()}, input_sha256, keys, scheme_ids)
