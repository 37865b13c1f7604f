"""Integrity: the files are the ones build wrote, and each CSV holds its Parquet's rows.

Every table file, and every file of the schemes the tables are written in (whose
labels the suites expect), is compared with its sha256 in `manifest.json`, and every
CSV with the CSV build would write from its Parquet's rows. No GX: plain hashing,
streamed.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyarrow as pa

from privacy_labels._files import MANIFEST, sha256_file
from privacy_labels.builder.writers import csv_writer
from privacy_labels.contract.tables import TABLES
from privacy_labels.quality.result import N_EXAMPLES, CheckResult
from privacy_labels.store import SCHEMES, iter_batches, parquet_path


class _HashingSink:
    """A write-only file that keeps only the sha256 of what is written to it."""

    def __init__(self):
        self.digest = hashlib.sha256()
        self.closed = False

    def write(self, data) -> int:
        self.digest.update(data)
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True


def table_files(folder: Path) -> dict[str, Path]:
    """Each table's CSV and Parquet file(s), and the files of its schemes, by their path
    relative to `folder`."""
    files = {}
    for t in TABLES:
        for path in (folder / f"{t.name}.csv", parquet_path(folder, t.name)):
            found = sorted(path.rglob("*.parquet")) if path.is_dir() else [path]
            files.update((p.relative_to(folder).as_posix(), p) for p in found if p.exists())
    schemes = sorted(p for p in (folder / SCHEMES).rglob("*") if p.is_file())
    files.update((p.relative_to(folder).as_posix(), p) for p in schemes)
    return files


def _is_table_file(relative: str) -> bool:
    head = relative.split("/", 1)[0]
    return head == SCHEMES or any(
        head in (f"{t.name}.csv", f"{t.name}.parquet", t.name) for t in TABLES
    )


def integrity_checks(folder: Path, digests: dict[str, str] | None = None) -> list[CheckResult]:
    """Every table file against its sha256 in `manifest.json`, and every CSV against its
    Parquet: the CSV build would write from the Parquet's rows must be the CSV's bytes.
    A file edited by hand, swapped with another or left over fails, named. `digests`: the
    files' sha256 by relative path, where the caller has just computed them.
    """
    files = table_files(folder)
    manifest_file = folder / MANIFEST
    target = "sha256 of every table and scheme file in manifest.json"
    try:
        outputs = json.loads(manifest_file.read_text(encoding="utf-8"))["outputs"]
        if not isinstance(outputs, dict):
            raise TypeError(outputs)
    except FileNotFoundError:
        problem = f"{MANIFEST}: missing; rebuild with `privacy-labels build`"
        outputs = None
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
        problem = (
            f"{MANIFEST}: not a manifest written by build; rebuild with `privacy-labels build`"
        )
        outputs = None
    if digests is None or digests.keys() != files.keys():
        digests = {relative: sha256_file(path) for relative, path in files.items()}
    if outputs is None:
        failed = [problem]
    else:
        expected = {k: v for k, v in outputs.items() if _is_table_file(str(k))}
        failed = (
            [
                f"{relative}: in {MANIFEST} but missing"
                for relative in sorted(expected.keys() - files.keys())
            ]
            + [
                f"{relative}: not in {MANIFEST} (not written by build)"
                for relative in sorted(files.keys() - expected.keys())
            ]
            + [
                f"{relative}: sha256 differs from {MANIFEST} (edited or swapped since build)"
                for relative in sorted(files.keys() & expected.keys())
                if digests[relative] != expected[relative]
            ]
        )
    results = [
        CheckResult(
            "files",
            "files_match_manifest",
            target,
            not failed,
            len(files),
            len(failed),
            failed[:N_EXAMPLES],
        )
    ]
    failed = []
    n_checked = 0
    for t in TABLES:
        csv_file, parquet_file = f"{t.name}.csv", f"{t.name}.parquet"
        if csv_file not in files or parquet_file not in files:
            continue  # missing files are named above; a partitioned table's rows are reordered
        n_checked += 1
        try:
            rendered = _csv_sha256(files[parquet_file])
        except (pa.ArrowException, OSError) as error:
            failed.append(f"{parquet_file}: not readable ({error})")
            continue
        if rendered != digests[csv_file]:
            failed.append(f"{csv_file}: does not hold the rows of {parquet_file}")
    results.append(
        CheckResult(
            "files",
            "csv_matches_parquet",
            "<table>.csv == CSV of <table>.parquet",
            not failed,
            n_checked,
            len(failed),
            failed[:N_EXAMPLES],
        )
    )
    return results


def _csv_sha256(parquet_file: Path) -> str:
    """sha256 of the CSV that build writes for the rows of `parquet_file`, streamed."""
    schema, batches = iter_batches(parquet_file)
    sink = _HashingSink()
    with csv_writer(pa.PythonFile(sink, mode="w"), schema) as writer:
        for batch in batches:
            writer.write_batch(batch)
    return sink.digest.hexdigest()
