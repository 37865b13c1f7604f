"""The quality gate: expectation suites generated from the contract, stated in GX, plus
project checks and integrity checks, over the built tables.

    privacy-labels check [data/labeled] [--report reports/quality] [--format json]

For every table the suites (`suites.py`) expect what the table contract and the build's own
schemes (`schemes/`) say, never listed by hand: its columns and their types, which GX checks
on the table's schema (a frame of no rows), and its values (`rows.py`: nulls, bounds, label
lists, unique keys, ordered offsets), run as SQL in DuckDB over its Parquet files. What spans
tables runs as project checks (one module each in `checks/`, found, not listed; most of them
SQL over the Parquet files, `sql.py`), and the files are checked against the manifest and
each CSV against its Parquet (`integrity.py`); all are reported in one result (`result.py`).
DuckDB streams the files within a set memory limit, so no table is held whole and the
gate's memory is bounded at any size. A passing result already in the report, for the same
files, code and versions, is returned without importing GX (`reuse.py`).

Stages: each table's suite (on a Dask cluster with `scheduler`, a table a task), then the
project checks on tables that have the contract's columns, types and non-null values (on
other tables they would fail in ways that name nothing).
"""

from __future__ import annotations

import contextlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

from privacy_labels._files import claim_output, clear_interrupted_runs, owned_output, sha256_bytes
from privacy_labels._json import dump_json
from privacy_labels._parallel import map_in_order
from privacy_labels.contract.scheme_set import SchemeSet
from privacy_labels.contract.tables import TABLES, table
from privacy_labels.quality.checks import PART, corpus_checks, discovered, part_checks
from privacy_labels.quality.integrity import integrity_checks
from privacy_labels.quality.result import CheckResult, GateResult, summary
from privacy_labels.quality.reuse import CHECKED, RESULT, checked_key, reused_result
from privacy_labels.quality.rows import validate_rows
from privacy_labels.quality.run import Runner, gx_context
from privacy_labels.quality.sql import tables
from privacy_labels.quality.suites import STRUCTURAL, gx, table_suite
from privacy_labels.store import empty_as_written, read_as_written, require, schemes_of

__all__ = ["RESULT", "CheckResult", "GateResult", "check", "summary"]

DATA_DOCS = "data_docs"
PROJECT_CHECKS = "project_checks"  # named as not run when a table lacks the contract's shape
# Expectations whose verdict depends on the table's columns and types alone: GX checks them
# on a frame of no rows with the table's schema.
_SCHEMA_ONLY = ("expect_table_columns_to_match_ordered_list", "expect_column_type_to_be")


def check(
    folder: Path,
    *,
    report: Path | None = None,
    data_docs: bool = False,
    force: bool = False,
    scheduler: str | None = None,
) -> GateResult:
    """Run the quality gate on the built tables in `folder`.

    With `report`, write `result.json` there, and with `data_docs` also GX Data Docs
    (`data_docs/index.html`), replacing the folder only when complete; only where nothing
    is, in an empty folder or over an earlier report (OutputRefused otherwise, before any
    work).

    With `scheduler` (a Dask cluster's address, whose workers see `folder` at the same
    path), each table's suite is checked on the cluster and the checks across tables here,
    after them: the verdict is that of a local run.

    With `report` and without `data_docs` or `force`, a passing result already in
    `report` whose key (`reuse.checked_key`) equals this run's is returned as is, with
    `is_reused` set, and nothing is written.
    """
    inputs = {"tables folder": folder}
    if report:
        claim_output(report, "check", inputs)
    checked = checked_key(folder) if report else {}
    if report and not data_docs and not force:
        reused = reused_result(report, checked)
        if reused is not None:
            clear_interrupted_runs(report)
            return reused
    require(folder)  # names every missing table
    schemes = schemes_of(folder)
    # The files' checks hash and render in C (the GIL released) while GX is imported, a
    # second or two of Python on one core; the modules they need are imported already.
    files = ThreadPoolExecutor(1, thread_name_prefix="integrity")
    integrity = files.submit(integrity_checks, folder, checked.get("table_files_sha256"))
    files.shutdown(wait=False)
    great_expectations, _ = gx()
    names = [spec.name for spec in TABLES]
    with contextlib.ExitStack() as stack:
        report_staging = (
            stack.enter_context(owned_output(report, "check", inputs)) if report else None
        )
        docs = report_staging / DATA_DOCS if report_staging and data_docs else None
        context = stack.enter_context(gx_context(docs))
        runner = Runner(context, data_docs=docs is not None)
        sql = stack.enter_context(tables(folder))  # one connection for every rule run here
        if scheduler is None or docs is not None:  # Data Docs are rendered from this context
            suites = [table_checks(sql, folder, name, runner, schemes) for name in names]
        else:
            jobs = [(folder, name) for name in names]
            suites = map_in_order(_table_checks_on_a_worker, jobs, scheduler=scheduler)
        results = integrity.result()
        misshapen = set()
        for name, (found, has_its_shape) in zip(names, suites, strict=True):
            results += found
            if not has_its_shape:
                misshapen.add(name)
        if misshapen:
            results.append(_not_run("all", PROJECT_CHECKS, "", misshapen))
        else:
            read = sorted({name for c in discovered() if c.scope == PART for name in c.tables})
            results += part_checks(read_as_written(folder, read), schemes)
            results += corpus_checks(sql, schemes)
        result = GateResult(results, great_expectations.__version__)
        if report_staging is not None:
            if docs is not None:
                runner.record(results)
                context.build_data_docs()
            text = dump_json(result.to_dict())
            (report_staging / RESULT).write_text(text, encoding="utf-8")
            # A table file rewritten while the gate ran: the key would not say what was checked.
            if result.success and checked == checked_key(folder):
                record = {**checked, "result_sha256": sha256_bytes(text.encode())}
                (report_staging / CHECKED).write_text(dump_json(record), encoding="utf-8")
    return result


def table_checks(
    sql, folder: Path, name: str, runner: Runner, schemes: SchemeSet
) -> tuple[list[CheckResult], bool]:
    """The suite of table `name` in `folder` (`sql`: its tables' connection, `sql.tables`;
    the labels those of `schemes`, the build's): its results
    in the suite's order, and whether the table has the contract's columns, types and
    non-null values. Its values are checked only where its columns and types are the
    contract's (on others the suite's first expectations name what is wrong)."""
    suite = table_suite(name, schemes)
    is_schema = [e.expectation_type in _SCHEMA_ONLY for e in suite]
    on_schema = [e for e, only in zip(suite, is_schema, strict=True) if only]
    on_values = [e for e, only in zip(suite, is_schema, strict=True) if not only]
    key = list(table(name).primary_key)
    (n_rows,) = sql.execute(f"SELECT count(*) FROM {name}").fetchone()
    schema = [
        _resized(r, n_rows)
        for r in runner.validate(name, empty_as_written(folder, name), key, on_schema)
    ]
    if all(r.success for r in schema):
        values = iter(validate_rows(sql, name, on_values, n_rows))
    else:
        values = iter(
            [_not_run(name, e.expectation_type, e.meta["target"], {name}) for e in on_values]
        )
    by_schema = iter(schema)
    results = [next(by_schema) if only else next(values) for only in is_schema]
    has_its_shape = all(
        r.success for e, r in zip(suite, results, strict=True) if e.meta[STRUCTURAL]
    )
    return results, has_its_shape


def _table_checks_on_a_worker(job: tuple[Path, str]) -> tuple[list[CheckResult], bool]:
    """`table_checks` in a process of its own (a Dask worker), in a GX context of its own."""
    folder, name = job
    with gx_context(None) as context, tables(folder) as sql:
        runner = Runner(context, data_docs=False)
        return table_checks(sql, folder, name, runner, schemes_of(folder))


def _resized(result: CheckResult, n_rows: int) -> CheckResult:
    """A schema expectation's result for a frame of `n_rows` (GX counts every row of a frame
    that fails one)."""
    return replace(result, n_rows=n_rows, n_failed=0 if result.success else n_rows)


def _not_run(frame: str, check: str, target: str, names: set[str]) -> CheckResult:
    reason = (
        f"not run: {', '.join(sorted(names))} lack(s) the contract's columns, types or "
        "non-null values (named above)"
    )
    return CheckResult(frame, check, target, False, 0, 1, [reason])
