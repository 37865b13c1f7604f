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

A passing report also records what it is the result of (`checked.json`): the
sha256 of every table file and of the manifest, the sha256 of the gate's code and
of the schema its suites are generated from, the versions of the package, GX,
pandas, pyarrow and Python, and the batch sizes. When all of those are the same
again, `check` says so and returns that result instead of running GX again
(`--force` runs it anyway). Any changed byte of a table file gives another key,
so tables that would fail are never passed on an earlier result.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import platform
import warnings
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from privacy_labels._files import (
    claim_output,
    dump_json,
    owned_output,
    package_data,
    sha256_bytes,
    sha256_file,
)
from privacy_labels.contract.layers import CONSOLIDATED
from privacy_labels.contract.policy_labels import POLARITY, QUESTIONS, cell_column, evidence_column
from privacy_labels.contract.schema import taxonomy
from privacy_labels.contract.tables import TABLES, table
from privacy_labels.contract.views import (
    count_column,
    label_column,
    majority_column,
    share_column,
    split_of,
)
from privacy_labels.store import (
    count_rows,
    parquet_path,
    read_as_written,
    read_parquet,
    require,
)

N_EXAMPLES = 5
# Larger corpora are checked in batches of whole policies of about this many
# practices, in bounded memory: one batch of 216,000 practices peaked at 2.6 GB.
PRACTICES_PER_BATCH = 100_000
RESULT = "result.json"
CHECKED = "checked.json"
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
    # The result of an earlier run on the same files, code and versions, read from the report.
    is_reused: bool = False

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


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


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
    labels = {c.labels: c.name for c in table(name).columns if c.type == "label"}
    if {"category", "attribute"} <= labels.keys():
        frame[SLOT] = frame[labels["category"]] + "/" + frame[labels["attribute"]]
        if "value" in labels:
            frame[SLOT_VALUE] = frame[SLOT] + "/" + frame[labels["value"]]
    texts = dict(zip(frames["policies"]["policy_id"], frames["policies"]["text"], strict=True))
    for span in table(name).spans:
        # Plain lists: iterating Arrow-backed columns costs microseconds per element.
        frame[f"{span.text}@policy"] = pd.array(
            [
                None
                if _missing(p) or _missing(s) or _missing(e) or texts.get(p) is None
                else texts[p][int(s) : int(e)]
                for p, s, e in zip(
                    frame["policies.policy_id"].tolist(),
                    frame[span.start].tolist(),
                    frame[span.end].tolist(),
                    strict=True,
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
    wanted = pd.DataFrame(
        [(c, a) for c, attributes in required.items() for a in attributes],
        columns=["category", "attribute"],
    ).astype(pd.StringDtype())
    present = values[["practice_id", "attribute"]].dropna().drop_duplicates().assign(found=True)
    expected = practices[["practice_id", "category"]].dropna().merge(wanted, on="category")
    missing = expected.merge(present, how="left", on=["practice_id", "attribute"])
    missing = missing[missing["found"].isna()]
    failed = [
        f"{practice_id} ({category}): no {', '.join(group['attribute'])}"
        for (practice_id, category), group in missing.groupby(
            ["practice_id", "category"], sort=False
        )
    ]
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
    both = labels.loc[labels.index.isin(segments.index)]
    segment_texts = segments["text"].to_dict()
    category_ids = taxonomy().category_ids
    unchecked = {share_column(c) for c in category_ids} | {"layer"}
    # Whole columns as Python lists, compared in one plain loop: a dict per row and a
    # lookup per cell took 60 µs a segment, the largest project check at 10×.
    has_nulls = both[[c for c in both.columns if c not in unchecked]].isna().any(axis=1).tolist()
    texts, layer_of = both["text"].tolist(), both["layer"].tolist()
    n_annotators = both["n_annotators"].tolist()
    found_of = {
        c: list(
            zip(
                both[count_column(c)].tolist(),
                both[majority_column(c)].tolist(),
                [None if _missing(v) else v for v in both[share_column(c)].tolist()],
                both[label_column(c)].tolist(),
                strict=True,
            )
        )
        for c in category_ids
    }
    for i, (policy_id, segment_id) in enumerate(both.index):
        where = f"{policy_id} segment {segment_id}"
        if has_nulls[i]:
            failed.append(f"{where}: has nulls")  # named by the not-null expectations
            continue
        if texts[i] != segment_texts[policy_id, segment_id]:
            failed.append(f"{where}: text differs from segments.text")
        layer = None if _missing(layer_of[i]) else layer_of[i]
        n_all = n_annotators[i]
        problem = layers.problem(policy_id, layer, n_all)
        if problem:
            failed.append(f"{where}: {problem}")
            continue
        for category_id in category_ids:
            n = annotators.get((policy_id, segment_id, category_id), 0)
            is_more = 2 * n > n_all
            share = n / n_all if n_all else None
            label = (
                is_more if layer is None else (policy_id, segment_id, category_id, layer) in given
            )
            if found_of[category_id][i] != (n, is_more, share, label):
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


_NONE: frozenset[str] = frozenset()
# A policy_labels cell's status from the polarities of the practices that give its answer.
_STATUS_OF_POLARITY = {
    frozenset(): "not_stated",
    frozenset({False}): "does",
    frozenset({True}): "does_not",
}


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
    # One dict per row: iterrows would convert all 220 Arrow-backed columns per cell.
    rows = list(zip(labels.index, labels.to_dict("records"), strict=True))
    layer_of = {}
    unsound = set()  # a row whose layer or count is wrong: its cells are not compared
    for policy_id, row in rows:
        layer_of[policy_id] = None if pd.isna(row["layer"]) else row["layer"]
        problem = layers.problem(policy_id, layer_of[policy_id], row["n_annotators"])
        if problem:
            failed.append(f"{policy_id}: {problem}")
            unsound.add(policy_id)
    annotator_of = practices["annotator"].to_dict()
    for q in QUESTIONS:
        in_slots = pd.Series(False, index=answers.index)
        for category, attribute in q.slots:
            in_slots |= (answers["category"] == category) & (answers["attribute"] == attribute)
        expected: dict[tuple[str, str], set[str]] = {}
        chosen = answers[in_slots]
        for policy_id, value, practice_id in zip(
            chosen["policy_id"].tolist(),
            chosen["value"].tolist(),
            chosen["practice_id"].tolist(),
            strict=True,
        ):
            layer = layer_of.get(policy_id)
            if layer is None or annotator_of.get(practice_id) == layer:
                expected.setdefault((policy_id, value), set()).add(practice_id)
        for v in q.values:
            status, evidence = cell_column(q.id, v.id), evidence_column(q.id, v.id)
            for policy_id, row in rows:
                if policy_id in unsound:
                    continue
                ids = expected.get((policy_id, v.id), _NONE)
                polarity = frozenset(
                    q.is_negatable and practice_id in negative for practice_id in ids
                )
                want = _STATUS_OF_POLARITY.get(polarity, "mixed")
                given = set() if _missing(row[evidence]) else set(row[evidence].split(" "))
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
    """Import great-expectations without its warnings (its log level is the CLI's to set)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import great_expectations as gx
        import great_expectations.expectations as gxe
    return gx, gxe


def _described(expectation, target: str):
    expectation.meta = {"target": target}  # shown in Data Docs and in our summary
    return expectation


# Derived columns the suites check labels by: one key per row, from the taxonomy's slots.
SLOT = "category/attribute"
SLOT_VALUE = "category/attribute/value"
# A table with several columns of one fixed label list (policy_labels' answers) is
# also checked as one long frame of its cells: one expectation for them all.
CELLS = "+cells"


def _repeated_labels(name: str) -> list:
    """The label columns of `name` that share their list with other columns of it."""
    columns = [
        c for c in table(name).columns if c.labels not in (None, "category", "attribute", "value")
    ]
    lists = [c.labels for c in columns]
    return [c for c in columns if lists.count(c.labels) > 1]


def table_suite(name: str) -> list:
    """Expectations on one table as written: columns, types, nulls, keys, labels, offsets.

    Each label column is expected in its list; which attribute and value a
    category allows is one set of `category/attribute(/value)` keys, expected by
    `parents_suite`, and repeated label columns are expected as one, by `cells_suite`.
    """
    _, gxe = _gx()
    spec = table(name)
    repeated = {c.name for c in _repeated_labels(name)}
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
        if not c.is_nullable and c.name not in repeated:
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
    for c in spec.columns:
        if c.type == "label" and c.name not in repeated:
            suite.append(
                _described(
                    gxe.ExpectColumnValuesToBeInSet(column=c.name, value_set=c.label_ids()), c.name
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


def cells_suite(name: str) -> list:
    """Expectations on the long frame of a table's repeated label columns (see `cells`)."""
    _, gxe = _gx()
    repeated = _repeated_labels(name)
    if not repeated:
        return []
    labels = repeated[0].labels
    names = f"{len(repeated)} {labels} columns"
    suite = [
        _described(
            gxe.ExpectColumnValuesToBeInSet(column=labels, value_set=repeated[0].label_ids()),
            f"{labels} of {names}",
        )
    ]
    if not any(c.is_nullable for c in repeated):
        suite.append(
            _described(gxe.ExpectColumnValuesToNotBeNull(column=labels), f"{labels} of {names}")
        )
    return suite


def cells(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """A table's repeated label columns as one long frame: key, `column`, value."""
    repeated = [c.name for c in _repeated_labels(name)]
    key = [k for k in table(name).primary_key if k in frame.columns]
    present = [
        c for c in repeated if c in frame.columns
    ]  # a missing one is named by the table suite
    long = frame[key + present].melt(
        id_vars=key, var_name="column", value_name=_repeated_labels(name)[0].labels
    )
    return long


def parents_suite(name: str) -> list:
    """Expectations on a table joined to its parents: keys resolve, spans lie in their text,
    and labels are in their slot.
    """
    _, gxe = _gx()
    spec, tax = table(name), taxonomy()
    suite = []
    for fk in spec.foreign_keys:
        suite.append(
            _described(
                gxe.ExpectColumnValuesToBeInSet(column=f"has_{fk.table}", value_set=[True]),
                f"({', '.join(fk.columns)}) → {fk.table}",
            )
        )
    labels = {c.labels for c in spec.columns}
    if {"category", "attribute"} <= labels:
        suite.append(
            _described(
                gxe.ExpectColumnValuesToBeInSet(
                    column=SLOT, value_set=[f"{c.id}/{a.id}" for c, a in tax.slots]
                ),
                f"{SLOT} is a slot of the taxonomy",
            )
        )
    if {"category", "attribute", "value"} <= labels:
        suite.append(
            _described(
                gxe.ExpectColumnValuesToBeInSet(
                    column=SLOT_VALUE,
                    value_set=[f"{c.id}/{a.id}/{v.id}" for c, a in tax.slots for v in a.values],
                ),
                f"value allowed in its {SLOT} slot",
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
    gx, _ = _gx()
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


class _Runner:
    """Runs suites in one GX context, on each batch's frames.

    GX spends most of its time collecting unexpected rows, so a first run asks only
    whether each expectation holds (BOOLEAN_ONLY); the expectations that fail run
    again for their counts and examples. Without Data Docs nothing is stored: the
    suites run through GX's Validator directly, skipping its result and suite stores.
    With Data Docs every run collects everything and is stored for the docs.
    """

    def __init__(self, context, *, data_docs: bool):
        self.context, self.data_docs = context, data_docs
        self.batches: dict[str, object] = {}
        self.n_runs = 0

    def _batch(self, name: str):
        if name not in self.batches:
            source = self.context.data_sources.add_or_update_pandas(f"{name}_source")
            self.batches[name] = source.add_dataframe_asset(
                name
            ).add_batch_definition_whole_dataframe("all")
        return self.batches[name]

    def _run(
        self, frame_name: str, frame: pd.DataFrame, key: list[str], suite: list, detailed: bool
    ):
        gx, _ = _gx()
        from great_expectations.validator.v1_validator import Validator

        for i, expectation in enumerate(suite):
            expectation.meta = {**expectation.meta, "order": i}
        result_format: dict = {"result_format": "BOOLEAN_ONLY"}
        if detailed:
            result_format = {"result_format": "SUMMARY", "partial_unexpected_count": N_EXAMPLES}
            if all(k in frame.columns for k in key):  # examples then name the rows by their key
                result_format["unexpected_index_column_names"] = key
        self.n_runs += 1
        name = f"{frame_name}#{self.n_runs}"  # GX names must differ from run to run
        batch = self._batch(frame_name)
        if self.data_docs:
            definition = self.context.validation_definitions.add(
                gx.ValidationDefinition(
                    name=name,
                    data=batch,
                    suite=self.context.suites.add(
                        gx.ExpectationSuite(name=name, expectations=suite)
                    ),
                )
            )
            results = definition.run(
                batch_parameters={"dataframe": frame},
                result_format=result_format,
                run_id=gx.RunIdentifier(run_name="privacy-labels-check"),
            ).results
        else:
            validator = Validator(batch, result_format, {"dataframe": frame})
            results = validator.validate_expectation_suite(
                gx.ExpectationSuite(name=name, expectations=suite)
            ).results
        return sorted(results, key=lambda r: r.expectation_config.meta["order"])

    def validate(
        self, frame_name: str, frame: pd.DataFrame, key: list[str], suite: Callable[[], list]
    ) -> list[CheckResult]:
        """`suite()` on `frame`, one CheckResult per expectation, in the suite's order."""
        validations = self._run(frame_name, frame, key, suite(), self.data_docs)
        failed = [i for i, v in enumerate(validations) if not v.success]
        if failed and not self.data_docs:
            expectations = suite()
            rerun = self._run(frame_name, frame, key, [expectations[i] for i in failed], True)
            for i, validation in zip(failed, rerun, strict=True):
                validations[i] = validation
        checks = []
        for validation in validations:
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


def check(
    folder: Path,
    *,
    report: Path | None = None,
    data_docs: bool = False,
    practices_per_batch: int = PRACTICES_PER_BATCH,
    policies_per_batch: int | None = None,
    force: bool = False,
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

    With `report` and without `data_docs` or `force`, a passing result already in
    `report` whose key (`_checked_key`) equals this run's is returned as is, with
    `is_reused` set, and nothing is written.
    """
    inputs = {"tables folder": folder}
    if report:
        claim_output(report, "check", inputs)
    checked_key = _checked_key(folder, practices_per_batch, policies_per_batch) if report else {}
    if report and not data_docs and not force:
        reused = _reused_result(report, checked_key)
        if reused is not None:
            return reused
    batches = _batches(folder, practices_per_batch, policies_per_batch)
    gx, _ = _gx()
    with contextlib.ExitStack() as stack:
        report_staging = (
            stack.enter_context(owned_output(report, "check", inputs)) if report else None
        )
        docs = report_staging / DATA_DOCS if report_staging and data_docs else None
        context = stack.enter_context(_gx_context(docs))
        runner = _Runner(context, data_docs=docs is not None)
        checks: dict[tuple[str, str, str], CheckResult] = {}
        n_rows_seen = dict.fromkeys((t.name for t in TABLES), 0)
        for policy_ids in batches:
            frames = read_as_written(folder, policy_ids)
            for name, frame in frames.items():
                n_rows_seen[name] += len(frame)
            for result in _frame_checks(runner, frames):
                key = (result.frame, result.check, result.target)
                checks[key] = _added(checks[key], result) if key in checks else result
            del frames
        results = integrity_checks(folder) + list(checks.values())
        if len(batches) > 1:
            results += corpus_checks(folder, n_rows_seen)
        result = GateResult(results, gx.__version__)
        if report_staging is not None:
            if docs is not None:
                context.build_data_docs()
            text = dump_json(result.to_dict())
            (report_staging / RESULT).write_text(text, encoding="utf-8")
            # A table file rewritten while the gate ran: the key would not say what was checked.
            is_unchanged = checked_key == _checked_key(
                folder, practices_per_batch, policies_per_batch
            )
            if result.success and is_unchanged:
                checked = {**checked_key, "result_sha256": sha256_bytes(text.encode())}
                (report_staging / CHECKED).write_text(dump_json(checked), encoding="utf-8")
    return result


def _checked_key(folder: Path, practices_per_batch: int, policies_per_batch: int | None) -> dict:
    """What a result is the result of: every input the gate reads and everything that
    decides what it does with them, without importing GX (its version comes from its
    installed metadata). The suites are generated from the gate's code and the schema,
    so their sources are hashed: the package's modules and the schema documents.
    """
    from importlib.metadata import PackageNotFoundError, version

    def installed(name: str) -> str | None:
        try:
            return version(name)
        except PackageNotFoundError:
            return None

    package = Path(__file__).parents[1]
    code = hashlib.sha256()
    sources = [(path.relative_to(package).as_posix(), path) for path in package.rglob("*.py")]
    schemas = [(path.name, path) for path in package_data("schema", "schema").glob("*.json")]
    for name, source in sorted(sources) + sorted(schemas):
        code.update(name.encode() + b"\0" + source.read_bytes() + b"\0")
    files = {relative: sha256_file(path) for relative, path in _table_files(folder).items()}
    manifest = folder / MANIFEST
    return {
        "table_files_sha256": files,
        "manifest_sha256": sha256_file(manifest) if manifest.is_file() else None,
        "gate_code_and_schema_sha256": code.hexdigest(),
        "versions": {
            name: installed(name)
            for name in ("privacy-labels", "great_expectations", "pandas", "pyarrow", "numpy")
        }
        | {"python": platform.python_version()},
        "practices_per_batch": practices_per_batch,
        "policies_per_batch": policies_per_batch,
    }


def _reused_result(report: Path, key: dict) -> GateResult | None:
    """The passing result in `report` if it was checked with `key`, else None."""
    try:
        checked = json.loads((report / CHECKED).read_text(encoding="utf-8"))
        text = (report / RESULT).read_text(encoding="utf-8")
        if not isinstance(checked, dict) or checked.pop("result_sha256", None) != sha256_bytes(
            text.encode()
        ):
            return None  # the result is not the one this key was written with
        if checked != key:
            return None
        earlier = json.loads(text)
        if earlier.get("success") is not True:
            return None
        checks = [CheckResult(**c) for c in earlier["checks"]]
        result = GateResult(checks, earlier["great_expectations_version"], is_reused=True)
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
        return None  # no earlier result, or not one this version wrote: run the gate
    return result if result.success else None


def _batches(
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


def _frame_checks(runner: _Runner, frames: dict[str, pd.DataFrame]) -> list[CheckResult]:
    """Every suite on its frame, each table joined to its parents, and the project checks."""
    checks: list[CheckResult] = []
    for spec in TABLES:
        key = list(spec.primary_key)
        checks += runner.validate(
            spec.name, frames[spec.name], key, functools.partial(table_suite, spec.name)
        )
        if _repeated_labels(spec.name):
            checks += runner.validate(
                spec.name + CELLS,
                cells(spec.name, frames[spec.name]),
                [*key, "column"],
                functools.partial(cells_suite, spec.name),
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
            checks += runner.validate(
                name, joined, key, functools.partial(parents_suite, spec.name)
            )
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


# ---------------------------------------------------------------------------
# Integrity: the files are the ones build wrote, and each CSV holds its Parquet's rows.

MANIFEST = "manifest.json"


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


def _table_files(folder: Path) -> dict[str, Path]:
    """Each table's CSV and Parquet file(s), by their path relative to `folder`."""
    files = {}
    for t in TABLES:
        for path in (folder / f"{t.name}.csv", parquet_path(folder, t.name)):
            found = sorted(path.rglob("*.parquet")) if path.is_dir() else [path]
            files.update((p.relative_to(folder).as_posix(), p) for p in found if p.exists())
    return files


def _is_table_file(relative: str) -> bool:
    head = relative.split("/", 1)[0]
    return any(head in (f"{t.name}.csv", f"{t.name}.parquet", t.name) for t in TABLES)


def integrity_checks(folder: Path) -> list[CheckResult]:
    """Every table file against its sha256 in `manifest.json`, and every CSV against its
    Parquet: the CSV build would write from the Parquet's rows must be the CSV's bytes.
    A file edited by hand, swapped with another or left over fails, named.
    """
    files = _table_files(folder)
    manifest_file = folder / MANIFEST
    target = "sha256 of every table file in manifest.json"
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
    source = pq.ParquetFile(parquet_file)
    sink = _HashingSink()
    with pa_csv.CSVWriter(pa.PythonFile(sink, mode="w"), source.schema_arrow) as writer:
        for batch in source.iter_batches(batch_size=64_000):
            writer.write_batch(batch)
    return sink.digest.hexdigest()
