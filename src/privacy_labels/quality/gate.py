"""The quality gate: expectation suites generated from the contract, run by GX, plus project
checks and integrity checks, over the built tables.

    privacy-labels check [data/labeled] [--report reports/quality] [--format json]

For every table the suites (`suites.py`) expect what the table contract and the
build's own schemes (`schemes/`) say, never listed by hand; each table is then joined to the tables its
foreign keys name (`frames.py`) and a second suite expects every key to resolve
and every span to lie inside the policy text (and inside its segment) and equal
the text at its offsets. What GX cannot express over one frame runs as project
checks (one module each in `checks/`, found, not listed; those over the whole corpus
as SQL in DuckDB, `sql.py`), and the files are checked against the manifest and each
CSV against its Parquet (`integrity.py`); all are reported in one result
(`result.py`). A passing result already in the report, for the same files, code
and versions, is returned without importing GX (`reuse.py`).

Stages: read the tables (one batch of whole policies at a time, in bounded
memory), run the suites on each table (`run.py`), then the joins and project
checks on the tables that have the contract's columns, types and non-null values
(on other tables they would fail in ways that name nothing), and add up the batches.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from privacy_labels._files import claim_output, dump_json, owned_output, sha256_bytes
from privacy_labels._parallel import map_in_order
from privacy_labels.contract.scheme_set import SchemeSet
from privacy_labels.contract.tables import TABLES
from privacy_labels.quality.checks import PART, corpus_checks, discovered, part_checks
from privacy_labels.quality.integrity import integrity_checks
from privacy_labels.quality.result import CheckResult, GateResult, added, summary
from privacy_labels.quality.reuse import CHECKED, RESULT, checked_key, reused_result
from privacy_labels.quality.run import Runner, gx_context
from privacy_labels.quality.suites import STRUCTURAL, gx, table_suite
from privacy_labels.store import read_parquet, require, schemes_of, tables_as_written

__all__ = ["RESULT", "CheckResult", "GateResult", "check", "summary"]

# Larger corpora are checked in batches of whole policies of about this many
# practices, in bounded memory: at 10×, one batch of 231,865 practices peaked at
# 1.7 GB and three of about 77,000 at 0.9 GB; GX's fixed cost is paid per batch. At
# 100× (2.3 million practices), with memory released between batches, batches of
# 150,000 peaked at 1.53 GB and of 120,000 at 1.35 GB; 10× stays two batches.
PRACTICES_PER_BATCH = 120_000
DATA_DOCS = "data_docs"
PROJECT_CHECKS = "project_checks"  # named as not run when a table lacks the contract's shape


def check(
    folder: Path,
    *,
    report: Path | None = None,
    data_docs: bool = False,
    practices_per_batch: int = PRACTICES_PER_BATCH,
    policies_per_batch: int | None = None,
    force: bool = False,
    scheduler: str | None = None,
) -> GateResult:
    """Run the quality gate on the built tables in `folder`.

    A corpus of more than `practices_per_batch` practices (or `policies_per_batch`
    policies) is checked in batches of whole policies, so memory stays bounded; the
    results of the batches are added up, and what spans batches (unique practice
    ids, rows outside every policy) is checked over the whole corpus. With `report`,
    write `result.json` there, and with `data_docs` also GX Data Docs
    (`data_docs/index.html`), replacing the folder only when complete; only where
    nothing is, in an empty folder or over an earlier report (OutputRefused
    otherwise, before any work).

    With `scheduler` (a Dask cluster's address, whose workers see `folder` at the same
    path), each batch is checked on the cluster and the checks over the whole corpus
    here, after them: the verdict is that of a local run in the same batches.

    With `report` and without `data_docs` or `force`, a passing result already in
    `report` whose key (`reuse.checked_key`) equals this run's is returned as is, with
    `is_reused` set, and nothing is written.
    """
    inputs = {"tables folder": folder}
    if report:
        claim_output(report, "check", inputs)
    checked = checked_key(folder, practices_per_batch, policies_per_batch) if report else {}
    if report and not data_docs and not force:
        reused = reused_result(report, checked)
        if reused is not None:
            return reused
    batches = batches_of(folder, practices_per_batch, policies_per_batch)
    schemes = schemes_of(folder)
    great_expectations, _ = gx()
    with contextlib.ExitStack() as stack:
        report_staging = (
            stack.enter_context(owned_output(report, "check", inputs)) if report else None
        )
        docs = report_staging / DATA_DOCS if report_staging and data_docs else None
        context = stack.enter_context(gx_context(docs))
        runner = Runner(context, data_docs=docs is not None)
        checks: dict[tuple[str, str, str], CheckResult] = {}
        if scheduler is None or docs is not None:  # Data Docs are rendered from this context
            schemas: dict = {}  # the verdicts on each frame's columns and types, by batch
            found = (_part(folder, ids, runner, schemes, schemas) for ids in batches)
        else:
            found = map_in_order(
                _part_on_a_worker, [(folder, ids) for ids in batches], scheduler=scheduler
            )
        for part in found:
            for result in part:
                key = (result.frame, result.check, result.target)
                checks[key] = added(checks[key], result) if key in checks else result
        results = integrity_checks(folder) + list(checks.values())
        if not any(c.check == PROJECT_CHECKS for c in results):  # the tables have their shape
            results += corpus_checks(folder, schemes)
        result = GateResult(results, great_expectations.__version__)
        if report_staging is not None:
            if docs is not None:
                runner.record(results)
                context.build_data_docs()
            text = dump_json(result.to_dict())
            (report_staging / RESULT).write_text(text, encoding="utf-8")
            # A table file rewritten while the gate ran: the key would not say what was checked.
            is_unchanged = checked == checked_key(folder, practices_per_batch, policies_per_batch)
            if result.success and is_unchanged:
                record = {**checked, "result_sha256": sha256_bytes(text.encode())}
                (report_staging / CHECKED).write_text(dump_json(record), encoding="utf-8")
    return result


def _part(
    folder: Path, policy_ids: list[str] | None, runner: Runner, schemes: SchemeSet, schemas: dict
) -> list[CheckResult]:
    """Every check of one batch of whole policies (or of whole tables)."""
    try:
        return frame_checks(runner, tables_as_written(folder, policy_ids), schemes, schemas)
    finally:
        release_memory()


def _part_on_a_worker(job: tuple[Path, list[str] | None]) -> list[CheckResult]:
    """`_part` in a process of its own (a Dask worker), in a GX context of its own."""
    folder, policy_ids = job
    with gx_context(None) as context:
        return _part(folder, policy_ids, Runner(context, data_docs=False), schemes_of(folder), {})


def release_memory() -> None:
    """Give the memory of the frames just dropped back to the system.

    Arrow's pool and glibc's malloc keep freed memory for reuse: at 100× the memory the
    gate held between batches grew to 1.3 GB that way, and each batch came on top of
    it; released, it stays near 0.7 GB.
    """
    pa.default_memory_pool().release_unused()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim():
    """glibc's malloc_trim, or None where the C library has none (macOS, musl, Windows)."""
    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError, TypeError):
        return None


def batches_of(
    folder: Path, practices_per_batch: int, policies_per_batch: int | None
) -> list[list[str] | None]:
    """The runs of whole policies checked together, in policy_id order, each of at most
    `practices_per_batch` practices (but for a policy alone above it) and
    `policies_per_batch` policies; [None] for one run of whole tables.
    """
    require(folder)  # names every missing table
    try:
        ids = read_parquet(folder, "policies", columns=["policy_id"])["policy_id"]
        if ids.null_count:
            return [None]
        counts = pc.value_counts(
            read_parquet(folder, "practices", columns=["policy_id"])["policy_id"]
        )
    except (pa.ArrowException, OSError, KeyError):
        return [None]  # read_as_written names what is wrong with it
    n_practices = dict(
        zip(counts.field("values").to_pylist(), counts.field("counts").to_pylist(), strict=True)
    )
    policy_limit = policies_per_batch or len(ids) or 1
    if sum(n_practices.values()) <= practices_per_batch and len(ids) <= policy_limit:
        return [None]
    batches: list[list[str] | None] = []
    batch: list[str] = []
    size = 0
    for policy_id in sorted(set(ids.to_pylist())):
        n = n_practices.get(policy_id, 0)
        if batch and (size + n > practices_per_batch or len(batch) >= policy_limit):
            batches.append(batch)
            batch, size = [], 0
        batch.append(policy_id)
        size += n
    batches.append(batch)
    return batches


def frame_checks(
    runner: Runner,
    frames: Iterable[tuple[str, pd.DataFrame]],
    schemes: SchemeSet,
    schemas: dict | None = None,
) -> list[CheckResult]:
    """Every suite on its frame (`frames`: each table's, in the order of the tables, each
    dropped once checked unless a project check reads it), then the project checks of `PART`
    scope; the labels those of `schemes`, the build's. The project checks run when every
    table has the contract's columns, types and non-null values; otherwise they are named as
    not run, since the suites already name what is wrong with those tables.
    """
    read_by_checks = {name for c in discovered() if c.scope == PART for name in c.tables}
    checks: list[CheckResult] = []
    kept: dict[str, pd.DataFrame] = {}
    misshapen: set[str] = set()
    for spec, (name, frame) in zip(TABLES, frames, strict=True):
        suite = table_suite(name, schemes)
        results = _validate(runner, name, frame, list(spec.primary_key), suite, schemas)
        if any(not r.success and e.meta[STRUCTURAL] for e, r in zip(suite, results, strict=True)):
            misshapen.add(name)
        checks += results
        if name in read_by_checks:
            kept[name] = frame
        del frame
    if misshapen:
        checks.append(_not_run("all", PROJECT_CHECKS, "", misshapen))
    else:
        checks += part_checks(kept, schemes)
    return checks


# Expectations whose verdict depends on the frame's columns and dtypes alone.
_SCHEMA_ONLY = ("expect_table_columns_to_match_ordered_list", "expect_column_type_to_be")


def _validate(
    runner: Runner, name: str, frame: pd.DataFrame, key: list[str], suite: list, schemas
) -> list[CheckResult]:
    """`runner.validate`, but for expectations on the columns and types alone, the verdict
    of an earlier batch whose frame had the same columns and dtypes (`schemas` holds them):
    every batch is read from the same files, and GX's fixed cost is per expectation.
    """
    if schemas is None:
        return runner.validate(name, frame, key, suite)
    signature = (name, tuple(frame.columns), tuple(map(str, frame.dtypes)))
    is_schema = [e.expectation_type in _SCHEMA_ONLY for e in suite]
    known = schemas.get(signature)
    rest = [e for e, only in zip(suite, is_schema, strict=True) if known is None or not only]
    found = iter(runner.validate(name, frame, key, rest))
    if known is None:
        results = list(found)
        schemas[signature] = [r for r, only in zip(results, is_schema, strict=True) if only]
        return results
    earlier = iter(known)
    return [_resized(next(earlier), len(frame)) if only else next(found) for only in is_schema]


def _resized(result: CheckResult, n_rows: int) -> CheckResult:
    """A schema expectation's result for a frame of `n_rows` (GX counts every row of a frame
    that fails one)."""
    return replace(result, n_rows=n_rows, n_failed=0 if result.success else n_rows)


def _not_run(frame: str, check: str, target: str, tables: set[str]) -> CheckResult:
    reason = (
        f"not run: {', '.join(sorted(tables))} lack(s) the contract's columns, types or "
        "non-null values (named above)"
    )
    return CheckResult(frame, check, target, False, 0, 1, [reason])
