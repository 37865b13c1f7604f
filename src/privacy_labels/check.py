"""The quality gate: great-expectations suites generated from the schema, plus project checks.

    privacy-labels check [data/labeled] [--report reports/quality] [--format json]

For every table the suite expects, from `tables.TABLES` and the taxonomy, never
listed by hand: the columns in order and their types, non-null columns, unique
(compound) keys, non-negative integers, label values in the taxonomy's sets
per (category, attribute), and span offsets in order. Each table is then joined
to the tables its foreign keys name, and a second suite expects every key to
resolve and every span to lie inside the policy text (and inside its segment)
and equal the text at its offsets. What GX cannot express over one frame runs
as project checks (required attributes per practice, policy text hashes and
lengths) and is reported in the same result.

The result is a JSON document without timestamps or paths, so a release can
ship it; GX Data Docs (static HTML) go to the report folder.
"""

from __future__ import annotations

import contextlib
import logging
import warnings
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from privacy_labels._files import dump_json, replace_dir_when_done, sha256_bytes
from privacy_labels.layers import CONSOLIDATED
from privacy_labels.policy_labels import POLARITY, QUESTIONS, cell_column, evidence_column
from privacy_labels.schema import taxonomy
from privacy_labels.tables import TABLES, count_rows, parquet_path, read_parquet, table
from privacy_labels.views import (
    count_column,
    label_column,
    majority_column,
    share_column,
    split_of,
)

N_EXAMPLES = 5
# Larger corpora are checked this many policies at a time, in bounded memory.
POLICIES_PER_BATCH = 200
RESULT = "result.json"
DATA_DOCS = "data_docs"


@dataclass(frozen=True)
class CheckResult:
    """One expectation or project check on one frame."""

    frame: str  # a table, or "<table>+parents" for the table joined to its parents
    check: str  # the GX expectation type, or the project check's name
    target: str  # columns and condition, human-readable
    success: bool
    n_rows: int
    n_failed: int
    examples: list = field(default_factory=list)

    def __str__(self) -> str:
        examples = "; ".join(_shorten(e) for e in self.examples)
        return f"{self.frame}: {self.check} [{self.target}] failed for {self.n_failed:,} row(s): {examples}"


def _shorten(example: object, width: int = 60) -> str:
    """An example for the terminal: long values cut, so each failure stays a line or two."""
    if isinstance(example, dict):
        return "{" + ", ".join(f"{k}: {_shorten(v, width)}" for k, v in example.items()) + "}"
    text = str(example)
    return text if len(text) <= width else text[: width - 1] + "…"


@dataclass(frozen=True)
class GateResult:
    checks: list[CheckResult]
    gx_version: str

    @property
    def success(self) -> bool:
        return all(c.success for c in self.checks)

    @property
    def failures(self) -> list[CheckResult]:
        return [c for c in self.checks if not c.success]

    def to_dict(self) -> dict:
        return {
            "success": self.success,
            "n_checks": len(self.checks),
            "n_failed": len(self.failures),
            "great_expectations_version": self.gx_version,
            "checks": [asdict(c) for c in self.checks],
        }


class UnreadableTables(Exception):
    """A table file is missing or is not Parquet; the gate cannot run."""


# ---------------------------------------------------------------------------
# Load: the tables as written, without imposing the contract's types on them.


def read_tables(folder: Path, policy_ids: list[str] | None = None) -> dict[str, pd.DataFrame]:
    """Every table from its Parquet file, labels as plain strings (so unknown labels survive);
    with `policy_ids`, only the rows of those policies.
    """
    missing = [t.name for t in TABLES if not parquet_path(folder, t.name).exists()]
    if missing:
        raise UnreadableTables(
            f"{folder}: no {', '.join(f'{m}.parquet' for m in missing)}; "
            "build the tables first with `privacy-labels build`"
        )
    # Only the Arrow types the contract uses map to pandas' nullable dtypes; any
    # other type keeps its default dtype and fails the type expectation.
    types = {
        pa.string(): pd.StringDtype(),
        pa.int64(): pd.Int64Dtype(),
        pa.float64(): pd.Float64Dtype(),
        pa.bool_(): pd.BooleanDtype(),
    }
    frames = {}
    for t in TABLES:
        file = parquet_path(folder, t.name)
        filters = None
        if policy_ids is not None and "policy_id" in t.column_names:
            filters = _among("policy_id", policy_ids)
        elif policy_ids is not None:  # attribute_values: the rows of those policies' practices
            filters = _among("practice_id", list(frames["practices"]["practice_id"].dropna()))
        try:
            frames[t.name] = read_parquet(folder, t.name, filters=filters).to_pandas(
                types_mapper=types.get
            )
        except (pa.ArrowException, OSError) as error:
            raise UnreadableTables(
                f"{file}: not a readable Parquet file ({error}); rebuild with `privacy-labels build`"
            ) from None
    return frames


def _among(column: str, ids: list[str]) -> list[tuple]:
    """A filter for the rows whose `column` is one of `ids`. The range it implies lets
    Parquet skip the row groups outside it, as rows are written in id order.
    """
    if not ids:
        return [(column, "in", [])]
    return [(column, ">=", min(ids)), (column, "<=", max(ids)), (column, "in", ids)]


def with_parents(name: str, frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """A table left-joined to every table its foreign keys reach, directly or through others.

    A parent's columns but its text are prefixed with its name (`policies.n_chars`);
    `has_<parent>` says whether the row's key found its parent, and `<span text>@policy`
    holds the policy text at each span's offsets.
    """
    frame = frames[name].copy()
    pending = [(fk, "") for fk in table(name).foreign_keys]
    joined: set[str] = set()
    while pending:
        fk, via = pending.pop(0)
        if fk.table in joined:
            continue
        joined.add(fk.table)
        # Texts stay out of the join: copied onto every row they would take gigabytes.
        parent = (
            frames[fk.table]
            .drop(columns="text", errors="ignore")
            .drop_duplicates(list(fk.references))
            .add_prefix(f"{fk.table}.")
        )
        parent[f"has_{fk.table}"] = True
        frame = frame.merge(
            parent,
            how="left",
            left_on=[f"{via}{c}" for c in fk.columns],
            right_on=[f"{fk.table}.{c}" for c in fk.references],
        )
        frame[f"has_{fk.table}"] = frame[f"has_{fk.table}"].fillna(False).astype(bool)
        pending += [(parent_fk, f"{fk.table}.") for parent_fk in table(fk.table).foreign_keys]
    texts = dict(zip(frames["policies"]["policy_id"], frames["policies"]["text"], strict=True))
    for span in table(name).spans:
        frame[f"{span.text}@policy"] = pd.array(
            [
                None
                if pd.isna(s) or pd.isna(e) or texts.get(p) is None
                else texts[p][int(s) : int(e)]
                for p, s, e in zip(
                    frame["policies.policy_id"], frame[span.start], frame[span.end], strict=True
                )
            ],
            dtype=pd.StringDtype(),
        )
    return frame


# ---------------------------------------------------------------------------
# Project checks: rules across rows or tables that no single expectation states.


def _project_check(
    frame: str, check: str, target: str, n_rows: int, failed: list[str]
) -> CheckResult:
    return CheckResult(
        frame, check, target, not failed, n_rows, len(failed), sorted(failed)[:N_EXAMPLES]
    )


def project_checks(frames: dict[str, pd.DataFrame]) -> list[CheckResult]:
    policies, segments = frames["policies"], frames["segments"]
    practices, values = frames["practices"], frames["attribute_values"]
    results = []

    def per_policy(check: str, target: str, expected: Callable[[pd.Series], object]):
        failed = [
            f"{row.policy_id}: {target} is {row[target]}, expected {expected(row)}"
            for _, row in policies.iterrows()
            if pd.isna(row.text) or row[target] != expected(row)
        ]
        results.append(_project_check("policies", check, target, len(policies), failed))

    n_segments = segments.groupby("policy_id").size()
    per_policy(
        "text_sha256_matches_text", "text_sha256", lambda r: sha256_bytes(str(r.text).encode())
    )
    per_policy("n_chars_matches_text", "n_chars", lambda r: len(str(r.text)))
    per_policy(
        "n_segments_matches_segments", "n_segments", lambda r: int(n_segments.get(r.policy_id, 0))
    )

    required = {c.id: [a.id for a in c.attributes if a.is_required] for c in taxonomy().categories}
    present = values.groupby("practice_id")["attribute"].agg(set)
    failed = []
    for _, row in practices.iterrows():
        missing = [
            a
            for a in required.get(row.category, [])
            if a not in present.get(row.practice_id, set())
        ]
        if missing:
            failed.append(f"{row.practice_id} ({row.category}): no {', '.join(missing)}")
    results.append(
        _project_check(
            "practices+attribute_values",
            "required_attributes_present",
            "practice_id, category → attribute",
            len(practices),
            failed,
        )
    )

    for spec in TABLES:
        for span in spec.spans:
            columns = frames[spec.name][[span.start, span.end, span.text]]
            n_set = columns.notna().sum(axis=1)
            partial = frames[spec.name][(n_set > 0) & (n_set < 3)]
            failed = [
                ", ".join(f"{k}={row[k]}" for k in spec.primary_key)
                for _, row in partial.iterrows()
            ]
            results.append(
                _project_check(
                    spec.name,
                    "span_columns_set_together",
                    f"{span.start}, {span.end}, {span.text}",
                    len(columns),
                    failed,
                )
            )
    results += view_checks(frames)
    return results


def view_checks(frames: dict[str, pd.DataFrame]) -> list[CheckResult]:
    """The derived views hold what their tables imply, recomputed here independently of views.py."""
    key = ["policy_id", "segment_id"]
    labels = frames["segment_labels"].set_index(key)
    segments = frames["segments"].set_index(key)
    practices = frames["practices"]
    voting = practices[practices["annotator"] != CONSOLIDATED]
    annotators = voting.groupby([*key, "category"], observed=True)["annotator"].nunique().to_dict()
    given = set(
        zip(
            practices["policy_id"],
            practices["segment_id"],
            practices["category"],
            practices["annotator"],
            strict=True,
        )
    )
    layers = _layers(frames)
    failed = [
        f"{policy_id} segment {segment_id}: in only one of segments and segment_labels"
        for policy_id, segment_id in segments.index.symmetric_difference(labels.index)
    ]
    for (policy_id, segment_id), row in labels.loc[labels.index.isin(segments.index)].iterrows():
        where = f"{policy_id} segment {segment_id}"
        if row.drop([share_column(c) for c in taxonomy().category_ids] + ["layer"]).isna().any():
            failed.append(f"{where}: has nulls")  # named by the not-null expectations
            continue
        if row["text"] != segments.at[(policy_id, segment_id), "text"]:
            failed.append(f"{where}: text differs from segments.text")
        layer = None if pd.isna(row["layer"]) else row["layer"]
        problem = layers.problem(policy_id, layer, row["n_annotators"])
        if problem:
            failed.append(f"{where}: {problem}")
            continue
        for category_id in taxonomy().category_ids:
            n = annotators.get((policy_id, segment_id, category_id), 0)
            is_more = 2 * n > row["n_annotators"]
            share = n / row["n_annotators"] if row["n_annotators"] else None
            label = (
                is_more if layer is None else (policy_id, segment_id, category_id, layer) in given
            )
            found = (
                row[count_column(category_id)],
                row[majority_column(category_id)],
                None if pd.isna(row[share_column(category_id)]) else row[share_column(category_id)],
                row[label_column(category_id)],
            )
            if found != (n, is_more, share, label):
                failed.append(
                    f"{where}: {category_id} expected {n} annotator(s), share {share}, "
                    f"majority {is_more}, label {label}"
                )
    results = [
        _project_check(
            "segment_labels",
            "labels_match_practices",
            "n_annotators, layer, n_*, share_*, is_majority_*, has_*, text",
            len(labels),
            failed,
        )
    ]
    splits = frames["splits"].set_index("policy_id")["split"]
    policy_ids = pd.Index(frames["policies"]["policy_id"])
    failed = [
        f"{policy_id}: in only one of policies and splits"
        for policy_id in policy_ids.symmetric_difference(splits.index)
    ] + [
        f"{policy_id}: split is {split}, expected {split_of(policy_id)}"
        for policy_id, split in splits.items()
        if split != split_of(policy_id)
    ]
    results.append(
        _project_check("splits", "split_matches_seeded_hash", "split", len(splits), failed)
    )
    results.append(_policy_labels_check(frames))
    return results


@dataclass(frozen=True)
class _Layers:
    """Each policy's annotators, from the annotations table, to check a view's layer against."""

    annotators: dict[str, set[str]]

    def problem(self, policy_id: str, layer: str | None, n_annotators: int) -> str | None:
        own = self.annotators.get(policy_id, set())
        expected = len(own - {CONSOLIDATED})
        if n_annotators != expected:
            return f"n_annotators: is {n_annotators}, expected {expected}"
        if layer is None and CONSOLIDATED in own:
            return f"layer is null, but the policy has a {CONSOLIDATED} layer"
        if layer is not None and layer not in own:
            return f"layer {layer!r} is not an annotator of the policy"
        return None


def _layers(frames: dict[str, pd.DataFrame]) -> _Layers:
    annotators: dict[str, set[str]] = {}
    for policy_id, annotator in zip(
        frames["annotations"]["policy_id"], frames["annotations"]["annotator"], strict=True
    ):
        annotators.setdefault(policy_id, set()).add(annotator)
    return _Layers(annotators)


def _policy_labels_check(frames: dict[str, pd.DataFrame]) -> CheckResult:
    """Each policy_labels cell: its practice_ids are exactly the policy's practices that give
    the answer, and its status follows from their polarity (does / does_not / mixed / silent)."""
    labels = frames["policy_labels"].set_index("policy_id")
    practices = frames["practices"].set_index("practice_id")
    values = frames["attribute_values"]
    negative = set(
        values.loc[
            (values["attribute"] == POLARITY) & (values["value"] == "does_not"),
            "practice_id",
        ]
    )
    answers = values.join(practices["policy_id"], on="practice_id")
    policy_ids = pd.Index(frames["policies"]["policy_id"])
    failed = [
        f"{policy_id}: in only one of policies and policy_labels"
        for policy_id in policy_ids.symmetric_difference(labels.index)
    ]
    layers = _layers(frames)
    layer_of = {}
    unsound = set()  # a row whose layer or count is wrong: its cells are not compared
    for policy_id, row in labels.iterrows():
        layer_of[policy_id] = None if pd.isna(row["layer"]) else row["layer"]
        problem = layers.problem(policy_id, layer_of[policy_id], row["n_annotators"])
        if problem:
            failed.append(f"{policy_id}: {problem}")
            unsound.add(policy_id)
    annotator_of = practices["annotator"]
    for q in QUESTIONS:
        in_slots = pd.Series(False, index=answers.index)
        for category, attribute in q.slots:
            in_slots |= (answers["category"] == category) & (answers["attribute"] == attribute)
        expected: dict[tuple[str, str], set[str]] = {}
        for row in answers[in_slots].itertuples():
            layer = layer_of.get(row.policy_id)
            if layer is None or annotator_of[row.practice_id] == layer:
                expected.setdefault((row.policy_id, row.value), set()).add(row.practice_id)
        for v in q.values:
            status, evidence = cell_column(q.id, v.id), evidence_column(q.id, v.id)
            for policy_id, row in labels.iterrows():
                if policy_id in unsound:
                    continue
                ids = expected.get((policy_id, v.id), set())
                polarity = {q.is_negatable and practice_id in negative for practice_id in ids}
                want = {
                    frozenset(): "not_stated",
                    frozenset({False}): "does",
                    frozenset({True}): "does_not",
                }.get(frozenset(polarity), "mixed")
                given = set() if pd.isna(row[evidence]) else set(row[evidence].split(" "))
                if given != ids:
                    unknown = sorted(given - set(practices.index))
                    failed.append(
                        f"{policy_id}: unknown practice(s) {' '.join(unknown)} in {evidence}"
                        if unknown
                        else f"{policy_id} {evidence}: expected {' '.join(sorted(ids)) or 'none'}"
                    )
                elif row[status] != want:
                    failed.append(f"{policy_id} {status}: is {row[status]}, expected {want}")
    return _project_check(
        "policy_labels",
        "labels_match_practices",
        "n_annotators, layer, <question>_<value>[_practice_ids]",
        len(labels),
        failed,
    )


# ---------------------------------------------------------------------------
# The expectation suites, generated from the table contract and the taxonomy.


def _gx():
    """Import great-expectations quietly: it logs hundreds of lines at import time."""
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import great_expectations as gx
        import great_expectations.expectations as gxe
        from great_expectations.expectations.row_conditions import Column
    return gx, gxe, Column


def _described(expectation, target: str):
    expectation.meta = {"target": target}  # shown in Data Docs and in our summary
    return expectation


def table_suite(name: str) -> list:
    """Expectations on one table as written: columns, types, nulls, keys, labels, offsets."""
    _, gxe, Column = _gx()
    spec, tax = table(name), taxonomy()
    suite = [
        _described(
            gxe.ExpectTableColumnsToMatchOrderedList(column_list=spec.column_names),
            ", ".join(spec.column_names),
        )
    ]
    for c in spec.columns:
        dtype = {"integer": "Int64", "number": "Float64", "boolean": "boolean"}.get(
            c.type, "string"
        )
        suite.append(_described(gxe.ExpectColumnTypeToBe(column=c.name, type_=dtype), c.name))
        if not c.is_nullable:
            suite.append(_described(gxe.ExpectColumnValuesToNotBeNull(column=c.name), c.name))
        if c.type in ("integer", "number"):
            suite.append(
                _described(gxe.ExpectColumnValuesToBeBetween(column=c.name, min_value=0), c.name)
            )
    key = list(spec.primary_key)
    unique = (
        gxe.ExpectColumnValuesToBeUnique(column=key[0])
        if len(key) == 1
        else gxe.ExpectCompoundColumnsToBeUnique(column_list=key)
    )
    suite.append(_described(unique, ", ".join(key)))
    labels = {c.labels: c.name for c in spec.columns if c.type == "label"}
    for c in spec.columns:
        if c.labels not in (None, "category", "attribute", "value"):  # a fixed list, as splits
            suite.append(
                _described(
                    gxe.ExpectColumnValuesToBeInSet(column=c.name, value_set=c.label_ids()), c.name
                )
            )
    # Each label's allowed values depend on the labels above it: attributes on the
    # category, values on the (category, attribute) slot.
    if "category" in labels:
        suite.append(
            _described(
                gxe.ExpectColumnValuesToBeInSet(
                    column=labels["category"], value_set=tax.category_ids
                ),
                labels["category"],
            )
        )
    for category in tax.categories if "attribute" in labels else ():
        suite.append(
            _described(
                gxe.ExpectColumnValuesToBeInSet(
                    column=labels["attribute"],
                    value_set=category.attribute_ids,
                    row_condition=Column(labels["category"]) == category.id,
                ),
                f"{labels['attribute']} | {labels['category']}={category.id}",
            )
        )
    for category, attribute in tax.slots if "value" in labels else ():
        suite.append(
            _described(
                gxe.ExpectColumnValuesToBeInSet(
                    column=labels["value"],
                    value_set=attribute.value_ids,
                    row_condition=(Column(labels["category"]) == category.id)
                    & (Column(labels["attribute"]) == attribute.id),
                ),
                f"{labels['value']} | {category.id}, {attribute.id}",
            )
        )
    for span in spec.spans:
        suite.append(
            _described(
                gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A=span.end, column_B=span.start, ignore_row_if="either_value_is_missing"
                ),
                f"{span.end} > {span.start}",
            )
        )
    return suite


def parents_suite(name: str) -> list:
    """Expectations on a table joined to its parents: keys resolve, spans lie in their text."""
    _, gxe, _ = _gx()
    spec = table(name)
    suite = []
    for fk in spec.foreign_keys:
        suite.append(
            _described(
                gxe.ExpectColumnValuesToBeInSet(column=f"has_{fk.table}", value_set=[True]),
                f"({', '.join(fk.columns)}) → {fk.table}",
            )
        )
    in_segment = name != "segments" and "segments" in _ancestors(name)
    for span in spec.spans:
        pairs = [(("policies.n_chars", span.end), f"{span.end} <= policies.n_chars")]
        if in_segment:
            pairs += [
                ((span.start, "segments.start"), f"{span.start} >= segments.start"),
                (("segments.end", span.end), f"{span.end} <= segments.end"),
            ]
        for (a, b), target in pairs:
            suite.append(
                _described(
                    gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                        column_A=a,
                        column_B=b,
                        or_equal=True,
                        ignore_row_if="either_value_is_missing",
                    ),
                    target,
                )
            )
        suite.append(
            _described(
                gxe.ExpectColumnPairValuesToBeEqual(
                    column_A=span.text,
                    column_B=f"{span.text}@policy",
                    ignore_row_if="either_value_is_missing",
                ),
                f"{span.text} == policies.text[{span.start}:{span.end}]",
            )
        )
    return suite


def _ancestors(name: str) -> set[str]:
    found, pending = set(), [fk.table for fk in table(name).foreign_keys]
    while pending:
        parent = pending.pop()
        if parent not in found:
            found.add(parent)
            pending += [fk.table for fk in table(parent).foreign_keys]
    return found


# ---------------------------------------------------------------------------
# Run: every suite on its frame in one GX context, then the project checks.


@contextlib.contextmanager
def _gx_context(data_docs: Path | None) -> Iterator:
    gx, _, _ = _gx()
    context = gx.get_context(mode="ephemeral")  # in-memory stores: nothing written to cwd
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


def _validate(
    context, frame_name: str, frame: pd.DataFrame, key: list[str], suite: list, part: str = ""
):
    gx, _, _ = _gx()
    name = frame_name + part  # GX names must differ from batch to batch
    source = context.data_sources.add_or_update_pandas(f"{name}_source")
    batch = source.add_dataframe_asset(name).add_batch_definition_whole_dataframe("all")
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(
            name=name,
            data=batch,
            suite=context.suites.add(gx.ExpectationSuite(name=name, expectations=suite)),
        )
    )
    result_format = {"result_format": "SUMMARY", "partial_unexpected_count": N_EXAMPLES}
    if all(k in frame.columns for k in key):  # examples then name the rows by their key
        result_format["unexpected_index_column_names"] = key
    run = definition.run(
        batch_parameters={"dataframe": frame},
        result_format=result_format,
        run_id=gx.RunIdentifier(run_name="privacy-labels-check"),
    )
    context.data_sources.delete(f"{name}_source")  # lets the frame go: batches stay bounded
    order = {e.id: i for i, e in enumerate(definition.suite.expectations)}
    checks = []
    for validation in sorted(run.results, key=lambda r: order[r.expectation_config.id]):
        config, result = validation.expectation_config, validation.to_json_dict()["result"]
        checks.append(
            CheckResult(
                frame=frame_name,
                check=config.type,
                target=config.meta["target"],
                success=bool(validation.success),
                n_rows=result.get("element_count", len(frame)),
                n_failed=0 if validation.success else result.get("unexpected_count") or len(frame),
                examples=[] if validation.success else _examples(result, _exception(validation)),
            )
        )
    return checks


def check(
    folder: Path, *, report: Path | None = None, policies_per_batch: int = POLICIES_PER_BATCH
) -> GateResult:
    """Run the quality gate on the built tables in `folder`.

    A corpus of more than `policies_per_batch` policies is checked in batches of
    that many policies, so memory stays bounded; the results of the batches are
    added up, and what spans batches (unique practice ids, rows outside every
    policy) is checked over the whole corpus. With `report`, write `result.json`
    and GX Data Docs (`data_docs/index.html`) there, replacing the folder only
    when complete.
    """
    batches = _batches(folder, policies_per_batch)
    gx, _, _ = _gx()
    with contextlib.ExitStack() as stack:
        report_staging = stack.enter_context(replace_dir_when_done(report)) if report else None
        data_docs = report_staging / DATA_DOCS if report_staging else None
        context = stack.enter_context(_gx_context(data_docs))
        checks: dict[tuple[str, str, str], CheckResult] = {}
        n_rows_seen = dict.fromkeys((t.name for t in TABLES), 0)
        for i, policy_ids in enumerate(batches):
            frames = read_tables(folder, policy_ids)
            for name, frame in frames.items():
                n_rows_seen[name] += len(frame)
            part = f"@{i}" if len(batches) > 1 else ""
            for result in _frame_checks(context, frames, part):
                key = (result.frame, result.check, result.target)
                checks[key] = _added(checks[key], result) if key in checks else result
        results = list(checks.values())
        if len(batches) > 1:
            results += corpus_checks(folder, n_rows_seen)
        result = GateResult(results, gx.__version__)
        if report_staging is not None:
            context.build_data_docs()
            (report_staging / RESULT).write_text(dump_json(result.to_dict()), encoding="utf-8")
    return result


def _batches(folder: Path, policies_per_batch: int) -> list[list[str] | None]:
    """The runs of policies checked together; [None] for one run of whole tables."""
    if not parquet_path(folder, "policies").exists():
        read_tables(folder)  # names every missing table
    try:
        ids = read_parquet(folder, "policies", columns=["policy_id"])["policy_id"]
    except (pa.ArrowException, OSError, KeyError):
        return [None]  # read_tables names what is wrong with it
    if len(ids) <= policies_per_batch or ids.null_count:
        return [None]
    ids = sorted(set(ids.to_pylist()))
    return [ids[i : i + policies_per_batch] for i in range(0, len(ids), policies_per_batch)]


def _frame_checks(context, frames: dict[str, pd.DataFrame], part: str) -> list[CheckResult]:
    """Every suite on its frame, each table joined to its parents, and the project checks."""
    checks: list[CheckResult] = []
    for spec in TABLES:
        key = list(spec.primary_key)
        checks += _validate(
            context, spec.name, frames[spec.name], key, table_suite(spec.name), part
        )
        if spec.foreign_keys:
            name = f"{spec.name}+parents"
            try:
                joined = with_parents(spec.name, frames)
            except (KeyError, ValueError, TypeError) as error:
                checks.append(
                    CheckResult(name, "join_parents", "foreign keys", False, 0, 1, [repr(error)])
                )
                continue
            checks += _validate(context, name, joined, key, parents_suite(spec.name), part)
    try:
        checks += project_checks(frames)
    except (KeyError, AttributeError, ValueError, TypeError) as error:
        checks.append(CheckResult("all", "project_checks", "", False, 0, 1, [repr(error)]))
    return checks


def _added(a: CheckResult, b: CheckResult) -> CheckResult:
    """One check's results over two batches."""
    return CheckResult(
        a.frame,
        a.check,
        a.target,
        a.success and b.success,
        a.n_rows + b.n_rows,
        a.n_failed + b.n_failed,
        (a.examples + b.examples)[:N_EXAMPLES],
    )


def corpus_checks(folder: Path, n_rows_seen: dict[str, int]) -> list[CheckResult]:
    """What batches of policies cannot see: ids unique across policies, and rows that
    belong to no policy (or no practice), which no batch reads. The practice_id
    column is read whole for this: about 300 MB at 2.3 million practices.
    """
    ids = read_parquet(folder, "practices", columns=["practice_id"])["practice_id"]
    counts = pc.value_counts(ids)
    repeated = [
        f"{v['values']} appears {v['counts']} times"
        for v in counts.filter(pc.greater(counts.field("counts"), 1)).to_pylist()
    ]
    results = [
        _project_check(
            "practices", "practice_id_unique_across_policies", "practice_id", len(ids), repeated
        )
    ]
    for spec in TABLES:
        n_rows = count_rows(folder, spec.name)
        outside = n_rows - n_rows_seen[spec.name]
        owner = "policy_id" if "policy_id" in spec.column_names else "practice_id"
        results.append(
            CheckResult(
                spec.name,
                "rows_belong_to_the_corpus",
                f"{owner} names a {owner.removesuffix('_id')} of the corpus",
                outside == 0,
                n_rows,
                abs(outside),
                [] if outside == 0 else [f"{outside:+,} row(s) outside every batch of policies"],
            )
        )
    return results


def summary(result: GateResult) -> str:
    """A short terminal report: the verdict, then each failed check with a few examples."""
    lines = [str(c) for c in result.failures]
    verdict = "passed" if result.success else f"FAILED {len(result.failures)} of"
    lines.append(f"quality gate {verdict} {len(result.checks)} checks")
    return "\n".join(lines)
