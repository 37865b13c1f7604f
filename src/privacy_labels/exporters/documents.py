"""Annotation documents rebuilt from the tables, as their annotators wrote them.

    from privacy_labels.exporters.documents import annotation_documents
    documents = annotation_documents("data/labeled")  # {(policy_id, annotator): document}

The tables keep everything an annotation document says, and mark the defaults they
add (`is_annotated` false), which the documents leave out again; only its order is not
kept: practices come back sorted by practice_id, and a practice's attributes in
the order of the table's rows (its scheme's attribute order, which differs from
a category's own order for a few categories). The round-trip tests
(tests/property) hold build and this function to that.
"""

from __future__ import annotations

from pathlib import Path

from privacy_labels.contract.schemes import values_of, written
from privacy_labels.raw.documents import annotation_document, make_practice, make_provenance
from privacy_labels.store import read_rows

SPAN_FIELDS = ("span_start", "span_end", "span_text")


def _rows(folder: Path, name: str) -> list[dict]:
    return read_rows(Path(folder), name)


def _chosen_values(chosen: dict) -> list[str]:
    return list(values_of(written(chosen)))


def annotation_documents(folder: Path | str) -> dict[tuple[str, str], dict]:
    """Every annotation document of a built or released table folder."""
    text_sha256 = {row["policy_id"]: row["text_sha256"] for row in _rows(folder, "policies")}
    attributes: dict[str, dict] = {}
    for row in _rows(folder, "attribute_values"):
        if not row.get("is_annotated", True):  # a default the annotator did not write
            continue
        chosen = {"value": row["value"]}
        if row["span_start"] is not None:
            chosen |= {field: row[field] for field in SPAN_FIELDS}
        given = attributes.setdefault(row["practice_id"], {})
        # A value set's rows, one per value, come together as its {"values": [...]}.
        if row["attribute"] in given:
            chosen = {"values": [*_chosen_values(given[row["attribute"]]), row["value"]]}
        given[row["attribute"]] = chosen
    documents = {
        (row["policy_id"], row["annotator"]): annotation_document(
            schema_version=row["schema_version"],
            policy_id=row["policy_id"],
            annotator=row["annotator"],
            scheme={"id": row["scheme"], "version": row["scheme_version"]},
            text_sha256=text_sha256[row["policy_id"]],
            annotated_date=row["annotated_date"],
            method=row["method"],
            guidelines_version=row["guidelines_version"],
            provenance=make_provenance(
                row["annotator_kind"],
                model=row["model"],
                process=row["process"],
                is_blind=row["is_blind"],
                is_reviewed=row["is_reviewed"],
            ),
            practices=[],
        )
        for row in _rows(folder, "annotations")
    }
    # A partitioned table comes back category by category: sort as the documents list them.
    for row in sorted(_rows(folder, "practices"), key=lambda r: r["practice_id"]):
        given = attributes.get(row["practice_id"], {})
        if row["is_value_set"]:
            given = {a: {"values": _chosen_values(chosen)} for a, chosen in given.items()}
        practice = make_practice(
            row["practice_id"],
            row["segment_id"],
            row["category"],
            given,
            source_id=row["source_id"],
            is_value_set=row["is_value_set"],
        )
        documents[row["policy_id"], row["annotator"]]["practices"].append(practice)
    return documents
