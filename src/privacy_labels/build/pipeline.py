"""Build the tables from the raw corpus: validate all, then write Parquet, CSV and a manifest.

    privacy-labels build [--raw data/raw] [--out data/labeled]

Nothing is written unless every input is valid, and the output folder is
replaced only when complete. Policies are processed one at a time and rows are
flushed in batches, so memory does not grow with the corpus. The same inputs
give the same bytes: rows sorted by their keys, no timestamps, fixed CSV dialect.
"""

from __future__ import annotations

import contextlib
import functools
import json
import operator
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
from tqdm import tqdm

import privacy_labels
from privacy_labels._files import (
    MANIFEST,
    dump_json,
    owned_output,
    sha256_file,
    without_cycle_collector,
)
from privacy_labels._parallel import map_in_order
from privacy_labels.contract.layers import independent
from privacy_labels.contract.policy_labels import Practice, policy_label_row
from privacy_labels.contract.schema import SCHEMA_NAMES, schema_path, schema_version, taxonomy
from privacy_labels.contract.tables import TABLES, arrow_schema, table
from privacy_labels.contract.views import labelling_layer, segment_label_rows, split_of
from privacy_labels.errors import PrivacyLabelsError
from privacy_labels.raw.corpus import RawCorpus
from privacy_labels.raw.validate import (
    PolicyInputs,
    Problem,
    Validator,
    chunked,
    plain_policy_ids,
    practice_keys,
    read_valid_policy,
    repeats_any,
)

ROWS_PER_FLUSH = 50_000
BYTES_PER_FLUSH = 64 << 20
# With `partitioned`, the tables with a row per practice or attribute value are
# written as Parquet datasets partitioned by category.
PARTITIONED_TABLES = ("practices", "attribute_values")
PARTITION_COLUMN = "category"
# What an annotation document says about itself, kept in the `annotations` table.
_DOCUMENT_COLUMNS = (
    "annotator",
    "annotated_date",
    "method",
    "schema_version",
    "guidelines_version",
)

_PROVENANCE_COLUMNS = ("annotator_kind", "model", "process", "is_blind", "is_reviewed")


class InvalidInputs(PrivacyLabelsError):
    """The raw corpus has problems; nothing was written."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s) in the inputs")
        self.problems = problems


@functools.cache
def _attribute_order(category: str) -> tuple[str, ...]:
    """A category's attributes in the taxonomy's attribute order: the order of its rows."""
    own = set(taxonomy().category(category).attribute_ids)
    return tuple(a for a in taxonomy().attribute_ids if a in own)


@functools.cache
def _columns(name: str) -> operator.itemgetter:
    """Picks a table's row, as a tuple in column order, out of a dict."""
    return operator.itemgetter(*table(name).column_names)


def policy_rows(inputs: PolicyInputs, layer: str | None = None) -> dict[str, list[tuple]]:
    """All rows one policy contributes to each table, as tuples in column order,
    sorted by the tables' keys; its labels from `layer` (see views.labelling_layer).
    """
    policy_id, sidecar, text = inputs.policy_id, inputs.sidecar, inputs.text
    segments = sidecar["segments"]
    rows: dict[str, list[tuple]] = {t.name: [] for t in TABLES}
    policy = {**sidecar, "n_chars": len(text), "n_segments": len(segments), "text": text}
    rows["policies"].append(tuple(policy.get(c) for c in table("policies").column_names))
    rows["segments"] = [
        (policy_id, segment_id, seg["start"], seg["end"], text[seg["start"] : seg["end"]])
        for segment_id, seg in enumerate(segments)
    ]
    practices, values = rows["practices"], rows["attribute_values"]
    labelled: list[Practice] = []
    for doc in inputs.documents:
        annotator = doc["annotator"]
        provenance = doc["provenance"]
        rows["annotations"].append(
            (
                policy_id,
                *(doc[c] for c in _DOCUMENT_COLUMNS),
                *(provenance.get(c) for c in _PROVENANCE_COLUMNS),
            )
        )
        for practice in doc["practices"]:
            practice_id, category = practice["practice_id"], practice["category"]
            segment_id, attributes = practice["segment_id"], practice["attributes"]
            practices.append(
                (practice_id, policy_id, segment_id, annotator, category, practice.get("source_id"))
            )
            for attribute in _attribute_order(category):
                chosen = attributes.get(attribute)
                if chosen is not None:
                    values.append(
                        (
                            practice_id,
                            category,
                            attribute,
                            chosen["value"],
                            chosen.get("span_start"),
                            chosen.get("span_end"),
                            chosen.get("span_text"),
                        )
                    )
            labelled.append(
                Practice(
                    practice_id,
                    category,
                    {a: chosen["value"] for a, chosen in attributes.items()},
                    segment_id,
                    annotator,
                )
            )
    # Attribute rows are in taxonomy order within a practice; a stable sort on
    # practice_id keeps that order.
    practices.sort(key=operator.itemgetter(0))
    values.sort(key=operator.itemgetter(0))
    annotators = [doc["annotator"] for doc in inputs.documents]
    layer = labelling_layer(annotators, layer)
    rows["segment_labels"] = [
        _columns("segment_labels")(row)
        for row in segment_label_rows(policy_id, rows["segments"], labelled, annotators, layer)
    ]
    rows["splits"].append((policy_id, split_of(policy_id)))
    in_layer = labelled if layer is None else [p for p in labelled if p.annotator == layer]
    label_row = policy_label_row(policy_id, len(independent(annotators)), in_layer, layer)
    rows["policy_labels"].append(_columns("policy_labels")(label_row))
    return rows


@dataclass(frozen=True)
class Part:
    """What a run of policies contributes: each table's rows, and what the checks need."""

    policy_ids: list[str]
    tables: dict[str, pa.Table]
    input_sha256: dict[str, str]
    practice_keys: np.ndarray
    is_valid: bool = True


@without_cycle_collector
def build_part(
    root: str, policy_ids: list[str], *, check: bool = True, layer: str | None = None
) -> Part:
    """Check and turn a run of policies into rows; the unit of work of a parallel build."""
    corpus = RawCorpus(Path(root))
    rows: dict[str, list[tuple]] = {t.name: [] for t in TABLES}
    input_sha256: dict[str, str] = {}
    for policy_id in policy_ids:
        inputs = read_valid_policy(corpus, policy_id, check=check)
        if inputs is None:
            return Part(policy_ids, {}, {}, np.array([], np.uint64), is_valid=False)
        input_sha256.update(inputs.sha256)
        for name, policy_table_rows in policy_rows(inputs, layer).items():
            rows[name] += policy_table_rows
    return Part(
        policy_ids,
        {t.name: _arrow_table(t.name, rows[t.name]) for t in TABLES},
        input_sha256,
        practice_keys(row[0] for row in rows["practices"]),
    )


def _arrow_table(name: str, rows: list[tuple]) -> pa.Table:
    schema = arrow_schema(name)
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in schema]
    return pa.Table.from_arrays(
        [pa.array(column, type=field.type) for column, field in zip(columns, schema, strict=True)],
        schema=schema,
    )


class ParquetSink:
    """Streams rows into one Parquet file in row groups of ROWS_PER_FLUSH rows or
    BYTES_PER_FLUSH bytes, ended where a part fills them: where they end depends
    on the data only, never on how the work was spread, so the bytes are the same.
    """

    def __init__(self, path: Path, schema: pa.Schema):
        path.parent.mkdir(parents=True, exist_ok=True)
        # store_schema keeps the column descriptions for Arrow-based readers.
        self.writer = pq.ParquetWriter(path, schema, compression="zstd", store_schema=True)
        self.buffer: list[pa.Table] = []
        self.n_rows = self.n_bytes = 0

    def write(self, rows: pa.Table) -> None:
        self.buffer.append(rows)
        self.n_rows += rows.num_rows
        self.n_bytes += rows.nbytes
        if self.n_rows >= ROWS_PER_FLUSH or self.n_bytes >= BYTES_PER_FLUSH:
            self.flush()

    def flush(self) -> None:
        if self.n_rows:
            rows = pa.concat_tables(self.buffer).combine_chunks()
            self.writer.write_table(rows, row_group_size=rows.num_rows)
        self.buffer = []
        self.n_rows = self.n_bytes = 0

    def close(self) -> None:
        self.flush()
        self.writer.close()


class TableWriter:
    """Streams one table into `<name>.csv` and `<name>.parquet`, or, partitioned,
    into the Hive-style dataset `<name>/category=<category_id>/part-0.parquet`.
    """

    def __init__(self, folder: Path, name: str, *, partitioned: bool = False):
        self.folder, self.name = folder, name
        self.schema = arrow_schema(name)
        # Every string quoted, null an empty cell: null and "" stay apart. LF line ends.
        self.csv = pa_csv.CSVWriter(folder / f"{name}.csv", self.schema)
        self.partition_by = PARTITION_COLUMN if partitioned else None
        self.sinks: dict[str, ParquetSink] = {}
        if partitioned:
            (folder / name).mkdir()  # there even when no row comes: an empty table
        else:
            self.sinks[""] = ParquetSink(folder / f"{name}.parquet", self.schema)
        self.n_rows = 0

    def __enter__(self) -> TableWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def write(self, rows: pa.Table) -> None:
        self.csv.write_table(rows)
        self.n_rows += rows.num_rows
        if self.partition_by is None:
            self.sinks[""].write(rows)
            return
        # The key is a category id: an ASCII slug, safe in a path and the same in every reader.
        keys = rows[self.partition_by]
        for key in pc.unique(keys).to_pylist():
            self._partition(key).write(
                rows.filter(pc.equal(keys, key)).drop_columns([self.partition_by])
            )

    def _partition(self, key: str) -> ParquetSink:
        if key not in self.sinks:
            path = self.folder / self.name / f"{self.partition_by}={key}" / "part-0.parquet"
            schema = self.schema.remove(self.schema.get_field_index(self.partition_by))
            self.sinks[key] = ParquetSink(path, schema)
        return self.sinks[key]

    def close(self) -> None:
        for sink in self.sinks.values():
            sink.close()
        self.csv.close()


@dataclass(frozen=True)
class BuildResult:
    out: Path
    n_rows: dict[str, int]
    up_to_date: bool = False  # `out` was built from these very inputs: nothing written


def built_from(
    raw: Path, out: Path, *, partitioned: bool = False, layer: str | None = None
) -> dict[str, int] | None:
    """The row counts of `out` when its manifest says it was built from exactly the files
    now in `raw`, by this package and schema, in this layout, and no output changed since;
    otherwise None. Hashing is far cheaper than building, and never wrong about a change.
    """
    try:
        manifest = json.loads((Path(out) / MANIFEST).read_text(encoding="utf-8"))
        n_rows = manifest["n_rows"]
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
        return None
    if not Path(raw).is_dir() or partitioned != any(
        (Path(out) / name).is_dir() for name in PARTITIONED_TABLES
    ):
        return None
    current = _manifest(RawCorpus(Path(raw).resolve()), Path(out), n_rows, {}, layer)
    return n_rows if current == manifest else None


def build(
    raw: Path,
    out: Path,
    *,
    progress: bool | None = None,
    workers: int = 1,
    scheduler: str | None = None,
    partitioned: bool = False,
    force: bool = False,
    layer: str | None = None,
) -> BuildResult:
    """Validate the raw corpus at `raw` and write the tables to `out`.

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
    if not force:
        n_rows = built_from(raw, out, partitioned=partitioned, layer=layer)
        if n_rows is not None:
            return BuildResult(out, n_rows, up_to_date=True)
    with owned_output(out, "build", {"raw corpus": raw}) as staging:
        result = write_tables(
            raw,
            staging,
            progress=progress,
            workers=workers,
            scheduler=scheduler,
            partitioned=partitioned,
            layer=layer,
        )
    return BuildResult(out, result.n_rows)


def write_tables(
    raw: Path,
    folder: Path,
    *,
    progress: bool | None = None,
    workers: int = 1,
    scheduler: str | None = None,
    partitioned: bool = False,
    layer: str | None = None,
) -> BuildResult:
    """Validate the raw corpus and write the tables into the empty `folder`.

    Each policy is checked as it is turned into rows (see validate.quick_check).
    At the first problem the build stops and Validator explains every problem.
    Validator has the last word: should it find none (the quick check is stricter
    in a corner, or two ids share a digest), the corpus is built all the same.
    """
    corpus = RawCorpus(Path(raw).resolve())  # workers elsewhere need the whole path
    write = functools.partial(
        _write_parts,
        corpus,
        folder,
        progress=progress,
        workers=workers,
        scheduler=scheduler,
        partitioned=partitioned,
        layer=layer,
    )
    if layer is not None:
        _require_layer(RawCorpus(raw), layer)
    policy_ids = plain_policy_ids(corpus)
    written = write(policy_ids) if policy_ids is not None else None
    if written is None or repeats_any(written.practice_keys):
        problems = Validator(default_raw=raw).explain_corpus(RawCorpus(raw))
        if problems:
            raise InvalidInputs(problems)
        if written is None:
            for leftover in folder.iterdir():
                shutil.rmtree(leftover) if leftover.is_dir() else leftover.unlink()
            written = write(corpus.policy_ids(), check=False)
    manifest = _manifest(corpus, folder, written.n_rows, written.input_sha256, layer)
    (folder / MANIFEST).write_text(dump_json(manifest), encoding="utf-8")
    return BuildResult(folder, written.n_rows)


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


def _write_parts(
    corpus: RawCorpus,
    folder: Path,
    policy_ids: list[str],
    *,
    check: bool = True,
    progress: bool | None,
    workers: int,
    scheduler: str | None,
    partitioned: bool,
    layer: str | None,
) -> _Written | None:
    """Every table of the policies into `folder`; None at the first policy with a problem."""
    input_sha256: dict[str, str] = {}
    keys = []
    parts = chunked(policy_ids)
    # tqdm's disable=None means: show the bar only on a terminal.
    quiet = None if progress is None else not progress
    with contextlib.ExitStack() as stack:
        writers = {
            t.name: stack.enter_context(
                TableWriter(
                    folder, t.name, partitioned=partitioned and t.name in PARTITIONED_TABLES
                )
            )
            for t in TABLES
        }
        bar = stack.enter_context(
            tqdm(total=len(policy_ids), desc="build", unit="policy", disable=quiet)
        )
        for part in map_in_order(
            functools.partial(build_part, str(corpus.root), check=check, layer=layer),
            parts,
            workers=min(workers, len(parts)),
            scheduler=scheduler,
        ):
            if not part.is_valid:
                return None
            for name, writer in writers.items():
                writer.write(part.tables[name])
            input_sha256.update(part.input_sha256)
            keys.append(part.practice_keys)
            bar.update(len(part.policy_ids))
    return _Written({name: w.n_rows for name, w in writers.items()}, input_sha256, keys)


def _manifest(
    corpus: RawCorpus,
    built: Path,
    n_rows: dict[str, int],
    input_sha256: dict[str, str],
    layer: str | None = None,
) -> dict:
    """sha256 of every output and input, so a build can be traced to what made it.

    `input_sha256` holds the files the build read; any other file is hashed here.
    A build from one `layer` says so (the default build's manifest has no such key).
    """
    inputs = sorted(
        p.relative_to(corpus.root).as_posix()
        for p in corpus.root.rglob("*")
        if p.is_file() and not p.name.startswith(".")
    )
    return {
        "package_version": privacy_labels.__version__,
        "schema_version": schema_version(),
        **({"layer": layer} if layer is not None else {}),
        "n_rows": n_rows,
        "outputs": {
            p.relative_to(built).as_posix(): sha256_file(p)
            for p in sorted(built.rglob("*"))
            if p.is_file() and p.name != MANIFEST
        },
        "inputs": {p: input_sha256.get(p) or sha256_file(corpus.root / p) for p in inputs},
        "schema": {f"{name}.schema.json": sha256_file(schema_path(name)) for name in SCHEMA_NAMES},
    }
