"""Project checks: rules across rows or tables that no single expectation states.

Required attributes and filled-in defaults per practice (by its scheme), policy text
hashes, lengths and segment counts, span columns set together, and the derived views
(segment labels, splits, policy labels, mapped values) recomputed from their tables
(`derived.py`). They run on tables whose columns, types and non-null values the suites
found as the contract says.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from privacy_labels._files import sha256_bytes
from privacy_labels.contract.scheme_set import SchemeSet
from privacy_labels.contract.tables import TABLES
from privacy_labels.quality.derived import view_checks
from privacy_labels.quality.frames import as_list, is_missing
from privacy_labels.quality.result import CheckResult, outcome


def project_checks(frames: dict[str, pd.DataFrame], schemes: SchemeSet) -> list[CheckResult]:
    policies, segments = frames["policies"], frames["segments"]
    practices, values = frames["practices"], frames["attribute_values"]
    results = []

    def per_policy(check: str, target: str, expected: Callable[[pd.Series], object]):
        failed = [
            f"{row.policy_id}: {target} is {row[target]}, expected {expected(row)}"
            for _, row in policies.iterrows()
            if pd.isna(row.text) or row[target] != expected(row)
        ]
        results.append(outcome("policies", check, target, len(policies), failed))

    n_segments = segments.groupby("policy_id").size()
    per_policy(
        "text_sha256_matches_text", "text_sha256", lambda r: sha256_bytes(str(r.text).encode())
    )
    per_policy("n_chars_matches_text", "n_chars", lambda r: len(str(r.text)))
    per_policy(
        "n_segments_matches_segments", "n_segments", lambda r: int(n_segments.get(r.policy_id, 0))
    )

    slots = _slots(schemes)
    # A value set holds what its source gives (MAPP often gives no legal basis): no
    # required attribute is invented for it.
    practices_not_sets = practices[~practices["is_value_set"].astype(bool)]
    results.append(
        outcome(
            "practices+attribute_values",
            "required_attributes_present",
            "practice_id, scheme, category → attribute (value sets excepted)",
            len(practices_not_sets),
            _missing(practices_not_sets, values, slots[slots["is_required"]]),
        )
    )
    results.append(_defaults_check(practices, values, slots))

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
                outcome(
                    spec.name,
                    "span_columns_set_together",
                    f"{span.start}, {span.end}, {span.text}",
                    len(columns),
                    failed,
                )
            )
    results += view_checks(frames, schemes)
    return results


def _slots(schemes: SchemeSet) -> pd.DataFrame:
    """Every scheme's (category, attribute) slots, whether required, and their defaults
    (null when required, or optional without one)."""
    return pd.DataFrame(
        [(s.id, c.id, a.id, a.default, a.is_required) for s in schemes for c, a in s.slots],
        columns=["scheme", "category", "attribute", "default", "is_required"],
    ).astype({"scheme": "string", "category": "string", "attribute": "string", "default": "string"})


def _missing(practices: pd.DataFrame, values: pd.DataFrame, slots: pd.DataFrame) -> list[str]:
    """The practices lacking a row for some attribute of their category among `slots`."""
    present = values[["practice_id", "attribute"]].dropna().drop_duplicates().assign(found=True)
    expected = (
        practices[["practice_id", "scheme", "category"]]
        .dropna()
        .merge(slots[["scheme", "category", "attribute"]], on=["scheme", "category"])
    )
    missing = expected.merge(present, how="left", on=["practice_id", "attribute"])
    missing = missing[missing["found"].isna()]
    return [
        f"{practice_id} ({category}): no {', '.join(group['attribute'])}"
        for (practice_id, category), group in missing.groupby(
            ["practice_id", "category"], sort=False
        )
    ]


def _defaults_check(
    practices: pd.DataFrame, values: pd.DataFrame, slots: pd.DataFrame
) -> CheckResult:
    """One meaning per value: every optional attribute of a practice's category has a row,
    and a row its annotator did not write (is_annotated false) holds the scheme's default,
    without a span, so a default reads the same whichever layer or corpus it came from."""
    failed = _missing(practices, values, slots[slots["default"].notna()])
    defaulted = values[~values["is_annotated"].astype(bool)].merge(
        slots, how="left", on=["scheme", "category", "attribute"]
    )
    has_span = defaulted[["span_start", "span_end", "span_text"]].notna().any(axis=1)
    for practice_id, attribute, value, default, spanned in zip(
        as_list(defaulted["practice_id"]),
        as_list(defaulted["attribute"]),
        as_list(defaulted["value"]),
        as_list(defaulted["default"]),
        as_list(has_span),
        strict=True,
    ):
        where = f"{practice_id} {attribute}: not annotated"
        if is_missing(default):
            failed.append(f"{where}, but its scheme gives it no default")
        elif value != default:
            failed.append(f"{where}, {value}, expected the default {default}")
        elif spanned:
            failed.append(f"{where}, but has a span")
    return outcome(
        "practices+attribute_values",
        "defaults_not_annotated",
        "practice_id, scheme, category → attribute; is_annotated false → default value, no span",
        len(values),
        failed,
    )
