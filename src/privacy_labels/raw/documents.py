"""Annotation documents and policy sidecars assembled in one place, with their fields in
one order.

    document = annotation_document(
        policy_id="acme", annotator="alice", scheme=scheme("opp115").ref,
        text_sha256=sidecar["text_sha256"],
        annotated_date="2026-11-22", method="Read segment by segment.",
        provenance=make_provenance("person", process="Read segment by segment.", is_blind=True),
        practices=[make_practice("acme-alice-001", 3, "data_retention", {...})],
    )

Every writer of annotation documents (the importers, adjudication, the tables'
documents, the tests' generators) builds them here, and every writer of sidecars
(`add-policy`, the OPP-115 import) builds them with `policy_sidecar`, so that what a
document says about itself (schema and guidelines versions, provenance) is
written the same way everywhere. The schema (schema/annotation.schema.json)
says what each field means; `validate` says whether a document is valid.
"""

from __future__ import annotations

from collections.abc import Iterable

from privacy_labels.contract.schema import GUIDELINES_VERSION
from privacy_labels.contract.schema import schema_version as current_schema_version


def make_provenance(
    annotator_kind: str,
    *,
    process: str,
    is_blind: bool,
    is_reviewed: bool = False,
    model: str | None = None,
) -> dict:
    """What made a layer: a person, a model or an adjudication, how, blind or not,
    reviewed or not; `model` names the model where one made it."""
    return {
        "annotator_kind": annotator_kind,
        **({"model": model} if model is not None else {}),
        "process": process,
        "is_blind": is_blind,
        "is_reviewed": is_reviewed,
    }


def practice_id(policy_id: str, annotator: str, number: int) -> str:
    """The id of an annotator's `number`th practice of a policy: `<policy_id>-<annotator>-<NNN>`,
    NNN three or more digits; unique in a corpus, as a document is one (policy, annotator)."""
    return f"{policy_id}-{annotator}-{number:03d}"


def practice_number(given: str, policy_id: str, annotator: str) -> int | None:
    """The number of `given` if it is a practice id of this policy and annotator, else None."""
    number = given.removeprefix(f"{policy_id}-{annotator}-")
    is_own = number != given and len(number) >= 3 and number.isascii() and number.isdigit()
    return int(number) if is_own else None


def make_practice(
    practice_id: str,
    segment_id: int,
    category: str,
    attributes: dict[str, dict],
    *,
    source_id: str | None = None,
    is_value_set: bool = False,
) -> dict:
    """One data practice: its category and a {"value", span...} per attribute, or for a
    value set a {"values": [...]}; `source_id` is its id in the corpus it was imported from."""
    return {
        "practice_id": practice_id,
        "segment_id": segment_id,
        "category": category,
        **({"is_value_set": True} if is_value_set else {}),
        **({"source_id": source_id} if source_id is not None else {}),
        "attributes": attributes,
    }


def annotation_document(
    *,
    policy_id: str,
    annotator: str,
    scheme: dict[str, str],
    text_sha256: str,
    annotated_date: str,
    method: str,
    provenance: dict,
    practices: Iterable[dict],
    guidelines_version: str = GUIDELINES_VERSION,
    schema_version: str | None = None,
) -> dict:
    """One annotation layer of one policy, as `annotations/<policy_id>/<annotator>.json`
    holds it, its practices in `scheme` (`Scheme.ref`: id and version); `schema_version`
    defaults to the current schema's."""
    return {
        "schema_version": schema_version or current_schema_version(),
        "policy_id": policy_id,
        "annotator": annotator,
        "scheme": dict(scheme),
        "text_sha256": text_sha256,
        "annotated_date": annotated_date,
        "method": method,
        "guidelines_version": guidelines_version,
        "provenance": provenance,
        "practices": list(practices),
    }


def policy_sidecar(
    *,
    policy_id: str,
    organisation: str,
    legal_entity: str | None,
    service_names: list[str],
    source: str,
    url: str | None,
    retrieved_date: str | None,
    effective_date: str | None,
    language: str,
    license: str,
    text_sha256: str,
    normalisation: str,
    redactions: list[dict],
    segmentation: str,
    segments: list[dict],
    notes: str | None = None,
    policy_group_id: str | None = None,
    source_split: str | None = None,
    contains_synthetic: bool | None = None,
    original_sha256: str | None = None,
) -> dict:
    """A policy's sidecar, `policies/<policy_id>.json` (schema/policy.schema.json), at the
    current schema version; the optional fields (`notes`, `policy_group_id` shared by the
    language versions of one policy, and a source corpus's split, synthetic flag and
    original document's sha256) only when known."""
    optional = {
        "policy_group_id": policy_group_id,
        "source_split": source_split,
        "contains_synthetic": contains_synthetic,
    }
    return {
        "schema_version": current_schema_version(),
        "policy_id": policy_id,
        "organisation": organisation,
        "legal_entity": legal_entity,
        "service_names": service_names,
        "source": source,
        "url": url,
        "retrieved_date": retrieved_date,
        "effective_date": effective_date,
        "language": language,
        **{name: value for name, value in optional.items() if value is not None},
        "license": license,
        "text_sha256": text_sha256,
        **({"original_sha256": original_sha256} if original_sha256 else {}),
        "normalisation": normalisation,
        **({"notes": notes} if notes else {}),
        "redactions": redactions,
        "segmentation": segmentation,
        "segments": segments,
    }
