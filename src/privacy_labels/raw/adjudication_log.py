"""The adjudication log of a policy checked against its layers' disagreements: one
valid decision per disagreement, each entry matching one as the layers are now.

    decisions, problems, open_entries = decisions_of(path, log, comparison)
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from privacy_labels.contract.schemes import Scheme
from privacy_labels.raw.conformance import schema_problems
from privacy_labels.raw.disagreements import Comparison, Disagreement
from privacy_labels.raw.problems import Problem, did_you_mean, json_path


def log_problems(path: Path, log: object, policy_id: str) -> list[Problem]:
    """The log's faults against its schema and its file name, all of them."""
    problems = list(dict.fromkeys(schema_problems("adjudication", str(path), log)))
    given = log.get("policy_id") if isinstance(log, dict) else None
    if isinstance(given, str) and given != policy_id:
        problems.append(
            Problem(
                str(path),
                "$.policy_id",
                f"policy_id {given!r} differs from the file name",
                f"set it to {policy_id!r}",
            )
        )
    return problems


def entry_index(problem: Problem) -> int | None:
    """The entry a problem is in, if it is in one (its other entries can still be checked)."""
    found = re.match(r"\$\.entries\[(\d+)\]", problem.path)
    return int(found.group(1)) if found else None


def decisions_of(
    path: Path, log: dict, comparison: Comparison, skipped: set[int | None] = frozenset()
) -> tuple[dict[tuple, dict], list[Problem], list[dict]]:
    """The log's decision per disagreement key, the log's problems, and the open entries;
    the entries `skipped` (reported already) are left out."""
    wanted = {d.key: d for d in comparison.disagreements}
    file = str(path)
    decisions: dict[tuple, dict] = {}
    first_at: dict[tuple, int] = {}
    problems = []
    undecided = set()
    for i, entry in enumerate(log["entries"]):
        if i in skipped:
            continue
        where = json_path(["entries", i])
        disagreement = wanted.get(_entry_key(entry))
        if disagreement is None:
            problems.append(
                Problem(
                    file,
                    where,
                    "matches no disagreement between the layers as they are now "
                    f"({entry['kind']} at segment {entry['segment_id']}, {entry['category']}"
                    + (f", {entry['attribute']}" if entry.get("attribute") else "")
                    + ")",
                    "the layers changed since the entry was written: remove it (run "
                    "`privacy-labels adjudicate` to list the open disagreements)",
                )
            )
            continue
        key = disagreement.key
        if key in first_at:
            problems.append(
                Problem(
                    file,
                    where,
                    f"a second entry for the disagreement of $.entries[{first_at[key]}]",
                    "keep one entry, with one decision, per disagreement",
                )
            )
            continue
        first_at[key] = i
        if (
            _as_published(entry["readings"], disagreement, comparison.scheme)
            != disagreement.readings
        ):
            problems.append(
                Problem(
                    file,
                    json_path(["entries", i, "readings"]),
                    f"stale: the layers now read {_json(disagreement.readings)}, the entry "
                    f"{_json(entry['readings'])}",
                    "check the decision against the layers as they are now and update the readings",
                )
            )
            continue
        if "decision" not in entry:
            undecided.add(key)
            continue
        problem = _decision_problem(file, i, entry, disagreement, comparison.scheme)
        if problem:
            problems.append(problem)
        else:
            decisions[key] = entry
    open_entries = [
        d.entry() for d in comparison.disagreements if d.key not in first_at or d.key in undecided
    ]
    return decisions, problems, open_entries


def _json(value: object) -> str:

    return json.dumps(value, ensure_ascii=False)


def _as_published(readings: dict, d: Disagreement, scheme: Scheme) -> dict:
    """An entry's readings with a null attribute reading as the slot's default: a layer
    that left the attribute out reads as its default, which logs written before the
    defaults were published record as null."""
    if d.kind != "attribute":
        return readings
    default = scheme.category(d.category).attribute(d.attribute).default
    return {name: default if value is None else value for name, value in readings.items()}


def _entry_key(entry: dict) -> tuple:
    ids = tuple(sorted((entry.get("practice_ids") or {}).items()))
    attribute = entry.get("attribute") if entry["kind"] == "attribute" else None
    if entry["kind"] == "label":
        ids = ()
    return (entry["kind"], entry["segment_id"], entry["category"], attribute, ids)


def _decision_problem(
    file: str, i: int, entry: dict, d: Disagreement, scheme: Scheme
) -> Problem | None:
    decision = entry["decision"]
    where = json_path(["entries", i, "decision"])
    if d.kind in ("label", "practice"):
        if not isinstance(decision, bool):
            return Problem(
                file,
                where,
                f"a {d.kind} decision is true or false, not {_json(decision)}",
                "true keeps it, false drops it",
            )
        return None
    attribute = scheme.category(d.category).attribute(d.attribute)
    if decision is None:
        if attribute.is_required:
            return Problem(
                file,
                where,
                f"{d.attribute!r} is required in {d.category!r}; null would leave it out",
                "decide a value"
                + (
                    "; use 'unspecified' when the text does not say"
                    if "unspecified" in attribute.value_ids
                    else f": one of {', '.join(attribute.value_ids)}"
                ),
            )
        return None
    if not isinstance(decision, str) or decision not in attribute.value_ids:
        return Problem(
            file,
            where,
            f"{_json(decision)} is not a value of {d.attribute!r} in {d.category!r}",
            did_you_mean(decision, attribute.value_ids),
        )
    return None
