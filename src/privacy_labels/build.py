"""Build the tables from the raw corpus: validate all, then write Parquet, CSV and a manifest.

    privacy-labels build [--raw data/raw] [--out data/labeled]

Nothing is written unless every input is valid, and the output folder is
replaced only when complete. Policies are processed one at a time and rows are
flushed in batches, so memory does not grow with the corpus. The same inputs
give the same bytes: rows sorted by their keys, no timestamps, fixed CSV dialect.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from tqdm import tqdm

import privacy_labels
from privacy_labels._files import dump_json, replace_dir_when_done, sha256_file
from privacy_labels.corpus import RawCorpus
from privacy_labels.policy_labels import policy_label_row, practices_from_rows
from privacy_labels.schema import SCHEMA_NAMES, schema_path, schema_version, taxonomy
from privacy_labels.tables import TABLES, arrow_schema, table
from privacy_labels.validate import Problem, Validator
from privacy_labels.views import segment_label_rows, split_of

ROWS_PER_FLUSH = 50_000
# What an annotation document says about itself, kept in the `annotations` table.
_DOCUMENT_COLUMNS = ("annotator", "annotated_date", "method", "schema_version")
MANIFEST = "manifest.json"


class InvalidInputs(Exception):
    """The raw corpus has problems; nothing was written."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s) in the inputs")
        self.problems = problems


def policy_rows(corpus: RawCorpus, policy_id: str) -> dict[str, list[dict]]:
    """All rows one policy contributes to each table, sorted by the tables' keys."""
    sidecar = json.loads(corpus.sidecar_path(policy_id).read_text(encoding="utf-8"))
    text = corpus.text_path(policy_id).read_text(encoding="utf-8")
    segments = sidecar["segments"]
    rows: dict[str, list[dict]] = {t.name: [] for t in TABLES}
    rows["policies"].append(
        {
            **{c: sidecar.get(c) for c in table("policies").column_names if c in sidecar},
            "n_chars": len(text),
            "n_segments": len(segments),
            "text": text,
        }
    )
    for segment_id, seg in enumerate(segments):
        rows["segments"].append(
            {
                "policy_id": policy_id,
                "segment_id": segment_id,
                **seg,
                "text": text[seg["start"] : seg["end"]],
            }
        )
    attribute_order = {a: i for i, a in enumerate(taxonomy().attribute_ids)}
    annotators = []
    for path in corpus.annotation_paths(policy_id):
        doc = json.loads(path.read_text(encoding="utf-8"))
        annotators.append(doc["annotator"])
        rows["annotations"].append(
            {"policy_id": policy_id, **{c: doc[c] for c in _DOCUMENT_COLUMNS}}
        )
        for practice in doc["practices"]:
            practice_id, category = practice["practice_id"], practice["category"]
            rows["practices"].append(
                {
                    "practice_id": practice_id,
                    "policy_id": policy_id,
                    "segment_id": practice["segment_id"],
                    "annotator": doc["annotator"],
                    "category": category,
                    "source_id": practice.get("source_id"),
                }
            )
            for attribute, chosen in sorted(
                practice["attributes"].items(), key=lambda item: attribute_order[item[0]]
            ):
                rows["attribute_values"].append(
                    {
                        "practice_id": practice_id,
                        "category": category,
                        "attribute": attribute,
                        "value": chosen["value"],
                        "span_start": chosen.get("span_start"),
                        "span_end": chosen.get("span_end"),
                        "span_text": chosen.get("span_text"),
                    }
                )
    # Attribute rows are already in taxonomy order within a practice; a stable
    # sort on practice_id keeps that order.
    rows["practices"].sort(key=lambda r: r["practice_id"])
    rows["attribute_values"].sort(key=lambda r: r["practice_id"])
    rows["segment_labels"] = segment_label_rows(rows["segments"], rows["practices"], annotators)
    rows["splits"].append({"policy_id": policy_id, "split": split_of(policy_id)})
    practices = practices_from_rows(rows["practices"], rows["attribute_values"])
    rows["policy_labels"].append(policy_label_row(policy_id, len(annotators), practices))
    return rows


class TableWriter:
    """Streams rows of one table into `<name>.parquet` and `<name>.csv`."""

    def __init__(self, folder: Path, name: str):
        self.name = name
        self.schema = arrow_schema(name)
        self.columns = self.schema.names
        self.parquet = pq.ParquetWriter(
            folder / f"{name}.parquet",
            self.schema,
            compression="zstd",
            store_schema=True,  # keeps the column descriptions for Arrow-based readers
        )
        self._csv_file = open(folder / f"{name}.csv", "w", encoding="utf-8", newline="")  # noqa: SIM115
        self.csv = csv.writer(self._csv_file, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        self.csv.writerow(self.columns)
        self.buffer: list[dict] = []
        self.n_rows = 0

    def write(self, rows: Iterable[dict]) -> None:
        self.buffer.extend(rows)
        if len(self.buffer) >= ROWS_PER_FLUSH:
            self.flush()

    def flush(self) -> None:
        if not self.buffer:
            return
        self.parquet.write_table(pa.Table.from_pylist(self.buffer, schema=self.schema))
        self.csv.writerows(
            ["" if row.get(c) is None else row[c] for c in self.columns] for row in self.buffer
        )
        self.n_rows += len(self.buffer)
        self.buffer = []

    def close(self) -> None:
        self.flush()
        self.parquet.close()
        self._csv_file.close()


@dataclass(frozen=True)
class BuildResult:
    out: Path
    n_rows: dict[str, int]


def build(raw: Path, out: Path, *, progress: bool | None = None) -> BuildResult:
    """Validate the raw corpus at `raw` and write the tables to `out`.

    Raises InvalidInputs, writing nothing, when any input has a problem, and
    Busy when another run is writing `out`. `progress=None` shows a progress
    bar only on a terminal.
    """
    with replace_dir_when_done(out) as staging:
        result = write_tables(raw, staging, progress=progress)
    return BuildResult(out, result.n_rows)


def write_tables(raw: Path, folder: Path, *, progress: bool | None = None) -> BuildResult:
    """Validate the raw corpus and write the tables into the empty `folder`."""
    corpus = RawCorpus(raw)
    problems = Validator(default_raw=raw).check_corpus(corpus)
    if problems:
        raise InvalidInputs(problems)
    writers = {t.name: TableWriter(folder, t.name) for t in TABLES}
    # tqdm's disable=None means: show the bar only on a terminal.
    quiet = None if progress is None else not progress
    for policy_id in tqdm(corpus.policy_ids(), desc="build", unit="policy", disable=quiet):
        for name, rows in policy_rows(corpus, policy_id).items():
            writers[name].write(rows)
    for writer in writers.values():
        writer.close()
    n_rows = {name: w.n_rows for name, w in writers.items()}
    (folder / MANIFEST).write_text(dump_json(_manifest(corpus, folder, n_rows)), encoding="utf-8")
    return BuildResult(folder, n_rows)


def _manifest(corpus: RawCorpus, built: Path, n_rows: dict[str, int]) -> dict:
    """sha256 of every output and input, so a build can be traced to what made it."""
    inputs = sorted(p for p in corpus.root.rglob("*") if p.is_file() and not p.name.startswith("."))
    return {
        "package_version": privacy_labels.__version__,
        "schema_version": schema_version(),
        "n_rows": n_rows,
        "outputs": {p.name: sha256_file(p) for p in sorted(built.iterdir()) if p.name != MANIFEST},
        "inputs": {p.relative_to(corpus.root).as_posix(): sha256_file(p) for p in inputs},
        "schema": {f"{name}.schema.json": sha256_file(schema_path(name)) for name in SCHEMA_NAMES},
    }
