"""The GX runner: suites run on frames in one ephemeral GX context.

GX spends most of its time collecting unexpected rows, so a first run asks only
whether each expectation holds (BOOLEAN_ONLY); the expectations that fail run
again for their counts and examples. Without Data Docs nothing is stored: the
suites run through GX's Validator directly, on one in-memory pandas asset whose
frame is given at each run, skipping its result and suite stores (each asset
added re-serialises the context's configuration). With Data Docs every run
collects everything, on an asset per frame, and is stored for the docs; so are the
results of the checks GX did not run (the project's, integrity's), as results of GX's
`UnexpectedRowsExpectation`, GX's type for a rule stated as SQL, named as in the report.
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from privacy_labels.quality.result import N_EXAMPLES, CheckResult
from privacy_labels.quality.suites import gx


@contextlib.contextmanager
def gx_context(data_docs: Path | None) -> Iterator:
    """An ephemeral GX context: in-memory stores, nothing written to the current folder;
    with `data_docs`, a Data Docs site there."""
    great_expectations, _ = gx()
    context = great_expectations.get_context(mode="ephemeral")
    context.variables.progress_bars = {"globally": False, "metric_calculations": False}
    context.delete_data_docs_site("local_site")  # the default site points at a temp folder
    if data_docs is not None:
        context.add_data_docs_site(
            "quality",
            {
                "class_name": "SiteBuilder",
                "show_how_to_buttons": False,
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(data_docs.resolve()),
                },
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            },
        )
    yield context


def _examples(result: dict, exception: str | None) -> list:
    if exception:
        return [exception]
    return (
        result.get("partial_unexpected_index_list")
        or result.get("partial_unexpected_list")
        or result.get("details", {}).get("mismatched")
        or ([f"observed {result['observed_value']}"] if "observed_value" in result else [])
    )[:N_EXAMPLES]


def _exception(validation) -> str | None:
    info = validation.exception_info or {}
    if info.get("raised_exception"):
        return info.get("exception_message")
    for value in info.values():  # raised while computing a metric: {metric id: info}
        if isinstance(value, dict) and value.get("raised_exception"):
            return value.get("exception_message")
    return None


class Runner:
    """Runs suites in one GX context, on frames."""

    SHARED = "frame"  # the one asset every frame is validated on without Data Docs

    def __init__(self, context, *, data_docs: bool):
        self.context, self.data_docs = context, data_docs
        self.batches: dict[str, object] = {}
        self.n_runs = 0
        self.validated: set[tuple[str, str, str]] = set()  # (frame, check, target) run by GX

    def _batch(self, name: str):
        name = name if self.data_docs else self.SHARED
        if name not in self.batches:
            source = self.context.data_sources.add_or_update_pandas(f"{name}_source")
            self.batches[name] = source.add_dataframe_asset(
                name
            ).add_batch_definition_whole_dataframe("all")
        return self.batches[name]

    def _run(
        self, frame_name: str, frame: pd.DataFrame, key: list[str], suite: list, detailed: bool
    ) -> list:
        great_expectations, _ = gx()
        from great_expectations.validator.v1_validator import Validator

        result_format: dict = {"result_format": "BOOLEAN_ONLY"}
        if detailed:
            result_format = {"result_format": "SUMMARY", "partial_unexpected_count": N_EXAMPLES}
            if all(k in frame.columns for k in key):  # examples then name the rows by their key
                result_format["unexpected_index_column_names"] = key
        self.n_runs += 1
        name = f"{frame_name}#{self.n_runs}"  # GX names must differ from run to run
        # A suite binds its expectations (gives them an id): each run gets copies of the
        # suite built once, which copy its fields without validating them again.
        suite = [copy.copy(expectation) for expectation in suite]
        batch = self._batch(frame_name)
        if self.data_docs:
            definition = self.context.validation_definitions.add(
                great_expectations.ValidationDefinition(
                    name=name,
                    data=batch,
                    suite=self.context.suites.add(
                        great_expectations.ExpectationSuite(name=name, expectations=suite)
                    ),
                )
            )
            results = definition.run(
                batch_parameters={"dataframe": frame},
                result_format=result_format,
                run_id=great_expectations.RunIdentifier(run_name="privacy-labels-check"),
            ).results
        else:
            validator = Validator(batch, result_format, {"dataframe": frame})
            results = validator.validate_expectation_suite(
                great_expectations.ExpectationSuite(name=name, expectations=suite)
            ).results
        return sorted(results, key=lambda r: r.expectation_config.meta["order"])

    def validate(
        self, frame_name: str, frame: pd.DataFrame, key: list[str], suite: list
    ) -> list[CheckResult]:
        """`suite` on `frame`, one CheckResult per expectation, in the suite's order."""
        validations = self._run(frame_name, frame, key, suite, self.data_docs)
        failed = [i for i, v in enumerate(validations) if not v.success]
        if failed and not self.data_docs:
            rerun = self._run(frame_name, frame, key, [suite[i] for i in failed], True)
            for i, validation in zip(failed, rerun, strict=True):
                validations[i] = validation
        checks = []
        for validation in validations:
            self.validated.add(
                (
                    frame_name,
                    validation.expectation_config.type,
                    validation.expectation_config.meta["target"],
                )
            )
            config, result = validation.expectation_config, validation.to_json_dict()["result"]
            checks.append(
                CheckResult(
                    frame=frame_name,
                    check=config.type,
                    target=config.meta["target"],
                    success=bool(validation.success),
                    n_rows=result.get("element_count", len(frame)),
                    n_failed=0
                    if validation.success
                    else result.get("unexpected_count") or len(frame),
                    examples=[]
                    if validation.success
                    else _examples(result, _exception(validation)),
                )
            )
        return checks

    def record(self, results: list[CheckResult]) -> None:
        """With Data Docs, store the results GX did not compute beside its own, one suite per
        frame, so the docs show every check of the report by its name."""
        if not self.data_docs:
            return
        great_expectations, _ = gx()
        from great_expectations.core import (
            ExpectationSuiteValidationResult,
            ExpectationValidationResult,
        )
        from great_expectations.data_context.types.resource_identifiers import (
            ExpectationSuiteIdentifier,
            ValidationResultIdentifier,
        )
        from great_expectations.expectations.expectation_configuration import (
            ExpectationConfiguration,
        )

        by_frame: dict[str, list[CheckResult]] = {}
        for result in results:
            if (result.frame, result.check, result.target) not in self.validated:
                by_frame.setdefault(result.frame, []).append(result)
        for frame, checks in by_frame.items():
            self.n_runs += 1
            name = f"{frame}#{self.n_runs}"
            validations = [
                ExpectationValidationResult(
                    success=c.success,
                    expectation_config=ExpectationConfiguration(
                        type="unexpected_rows_expectation",
                        kwargs={
                            "unexpected_rows_query": f"{c.check} over {{batch}}",
                            "description": f"{c.check} [{c.target}]"
                            + ("" if c.success else f": {c.n_failed:,} row(s) fail, e.g. ")
                            + "; ".join(map(str, c.examples)),
                        },
                        meta={"target": c.target},
                    ),
                    result={"observed_value": c.n_failed, "element_count": c.n_rows},
                )
                for c in checks
            ]
            n_ok = sum(c.success for c in checks)
            self.context.validation_results_store.set(
                ValidationResultIdentifier(
                    expectation_suite_identifier=ExpectationSuiteIdentifier(name=name),
                    run_id=great_expectations.RunIdentifier(run_name="privacy-labels-check"),
                    batch_identifier=frame,
                ),
                ExpectationSuiteValidationResult(
                    success=n_ok == len(checks),
                    results=validations,
                    suite_name=name,
                    statistics={
                        "evaluated_expectations": len(checks),
                        "successful_expectations": n_ok,
                        "unsuccessful_expectations": len(checks) - n_ok,
                        "success_percent": 100 * n_ok / len(checks),
                    },
                ),
            )
