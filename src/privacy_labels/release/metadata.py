"""The facts every release metadata file is made of, each stated once.

Two sources feed them: what the project knows and the data cannot say
(`metadata/dataset.toml`: licences, motivation, uses, biases, maintenance, read
by `load_facts`), and the release's own tables (`Release`): counts, each policy's
source and licence, contact details in the texts, the annotation layers and
their provenance, and agreement where a policy has several annotators. The
functions below put those facts into words; `describe.write_metadata` writes
the files (`datapackage`, `croissant`, `datacite`, `card`). Nothing depends on
the clock, so a rebuilt release has the same bytes.
"""

from __future__ import annotations

import functools
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from privacy_labels.contract.columns import Table
from privacy_labels.contract.schema import schema_version
from privacy_labels.contract.scheme_set import SchemeSet
from privacy_labels.errors import PrivacyLabelsError
from privacy_labels.outputs.metrics import figure
from privacy_labels.store import parquet_path, read_rows, schemes_of

LICENSE_FILE = "LICENSE.md"
ZENODO_FILE = ".zenodo.json"
CROISSANT_1_1 = "http://mlcommons.org/croissant/1.1"
CROISSANT_RAI = "http://mlcommons.org/croissant/RAI/1.0"
DATACITE_KERNEL = "http://datacite.org/schema/kernel-4"
PROVENANCE_FIELDS = ("annotator_kind", "model", "process", "is_blind", "is_reviewed")
ANNOTATOR_KINDS = ("model", "person", "adjudication", "import")
OPP115 = "Wilson et al., The Creation and Analysis of a Website Privacy Policy Corpus, ACL 2016"


class MetadataError(PrivacyLabelsError):
    """The metadata source is missing or incomplete; the message names the file and the fix."""


# --- The project's own facts (metadata/dataset.toml) ---------------------------------------

_REQUIRED_FACTS = {
    "": ("name", "title", "creator", "keywords", "language", "guidelines", "licenses"),
    "licenses.annotations": ("spdx", "title", "url", "hf", "applies_to"),
    "licenses.policy_texts": ("id", "title", "applies_to"),
    "datasheet": (
        "motivation",
        "collection",
        "collection_type",
        "annotation_platform",
        "uses",
        "unsuitable_uses",
        "social_impact",
        "biases",
        "limitations",
        "sensitive_information",
        "maintenance",
        "distribution",
    ),
}


def load_facts(path: Path) -> dict:
    """The project's facts about the dataset; MetadataError names what is missing."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10: releases need 3.11 (the gate does too)
        raise MetadataError("reading metadata/dataset.toml needs Python 3.11+") from None
    if not path.is_file():
        raise MetadataError(
            f"{path} does not exist; a release describes itself from it "
            "(pass --metadata FILE, or run from the repository root)"
        )
    try:
        facts = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise MetadataError(f"{path}: not valid TOML: {error}") from None
    for section, keys in _REQUIRED_FACTS.items():
        table = facts
        for part in filter(None, section.split(".")):
            table = table.get(part, {}) if isinstance(table, dict) else {}
        missing = [k for k in keys if k not in table]
        if missing:
            where = f"[{section}]" if section else "the top level"
            raise MetadataError(f"{path}: {where} lacks {', '.join(missing)}; add them")
    for annotator, record in facts.get("annotators", {}).items():
        if record.get("kind") not in ANNOTATOR_KINDS:
            raise MetadataError(
                f"{path}: [annotators.{annotator}] kind must be one of {', '.join(ANNOTATOR_KINDS)}"
            )
    return facts


# --- What the release's tables say ---------------------------------------------------------

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_REDACTED_EMAIL = re.compile(r"\[email(?:\s|&#160;)protected\]")
_PHONE = re.compile(r"(?<![\d-])(?:\+?1[ .-]?)?\(?\d{3}\)?[ .-]\d{3}[ .-]\d{4}(?![\d-])")
_WEB = re.compile(r"https?://[^\s)>\"]+|\bwww\.[A-Za-z0-9.-]+[A-Za-z]")
_US_POSTAL = re.compile(r"\b[A-Z]{2},?\s+\d{5}(?:-\d{4})?\b")
CONTACTS = {
    "e-mail addresses": _EMAIL,
    "e-mail addresses redacted as [email protected]": _REDACTED_EMAIL,
    "telephone numbers": _PHONE,
    "web addresses": _WEB,
    "US postal codes (postal addresses)": _US_POSTAL,
}


@dataclass(frozen=True)
class Policy:
    policy_id: str
    organisation: str
    source: str
    url: str | None
    retrieved_date: str | None
    effective_date: str | None
    license: str
    text_sha256: str
    n_chars: int
    contacts: dict[str, int]  # kind of contact detail → distinct values (redactions: each)


@dataclass(frozen=True)
class Layer:
    """One annotation document: who made it and how, from its provenance or the facts file."""

    policy_id: str
    annotator: str
    annotated_date: str
    method: str
    provenance: dict  # annotator_kind, model, process, is_blind, is_reviewed; {} if unknown
    guidelines_version: str | None
    provenance_source: str  # "document", "metadata/dataset.toml" or "none"


@dataclass(frozen=True)
class Release:
    """What the metadata describe: a folder of built tables, its version, date and facts."""

    folder: Path
    version: str
    date: str  # ISO 8601, from the changelog entry
    notes: str  # the changelog entry's text
    n_rows: dict[str, int]
    facts: dict = field(repr=False)
    raw: Path | None = None  # annotation documents, read when the tables lack provenance

    def file(self, name: str) -> Path:
        return self.folder / name

    @functools.cached_property
    def schemes(self) -> SchemeSet:
        """The schemes the release's tables are written in: its own `schemes/`."""
        return schemes_of(self.folder)

    def _rows(self, name: str) -> list[dict]:
        return read_rows(self.folder, name) if parquet_path(self.folder, name).exists() else []

    @functools.cached_property
    def policies(self) -> list[Policy]:
        return [
            Policy(
                row["policy_id"],
                row["organisation"],
                row["source"],
                row["url"],
                row["retrieved_date"],
                row["effective_date"],
                row["license"],
                row["text_sha256"],
                row["n_chars"],
                {
                    kind: len(found if pattern is _REDACTED_EMAIL else set(found))
                    for kind, pattern in CONTACTS.items()
                    for found in [pattern.findall(row["text"])]
                },
            )
            for row in self._rows("policies")
        ]

    @functools.cached_property
    def layers(self) -> list[Layer]:
        return [self._layer(row) for row in self._rows("annotations")]

    def _layer(self, row: dict) -> Layer:
        document = {}
        if self.raw is not None:
            path = self.raw / "annotations" / row["policy_id"] / f"{row['annotator']}.json"
            if path.is_file():
                document = json.loads(path.read_text(encoding="utf-8"))
        # The annotation schema gains `provenance` and `guidelines_version`: a table column
        # (flat or as one object) or the document itself may carry them.
        provenance = row.get("provenance") or document.get("provenance") or {}
        provenance = json.loads(provenance) if isinstance(provenance, str) else dict(provenance)
        provenance |= {k: row[k] for k in PROVENANCE_FIELDS if row.get(k) is not None}
        guidelines = (
            row.get("guidelines_version")
            or document.get("guidelines_version")
            or provenance.get("guidelines_version")
        )
        source = "document" if provenance else "none"
        if not provenance and row["annotator"] in self.facts.get("annotators", {}):
            record = self.facts["annotators"][row["annotator"]]
            provenance = {"annotator_kind": record["kind"]} | {
                k: record[k] for k in PROVENANCE_FIELDS[1:] if k in record
            }
            source = "metadata/dataset.toml"
        return Layer(
            row["policy_id"],
            row["annotator"],
            row["annotated_date"],
            row["method"],
            provenance,
            guidelines,
            source,
        )

    @functools.cached_property
    def annotators_per_segment(self) -> Counter:
        """Segments by their number of annotators; segment_labels has a row per label of a
        segment, so each (policy, segment) is counted once."""
        segments = {
            (row["policy_id"], row["segment_id"]): row["n_annotators"]
            for row in self._rows("segment_labels")
        }
        return Counter(segments.values())

    @functools.cached_property
    def agreement(self):
        """Per-category agreement when some policies have several annotators, else None."""
        from privacy_labels.outputs.agreement import AgreementError, agreement

        try:
            return agreement(self.folder)
        except AgreementError:
            return None

    @property
    def cite_as(self) -> str:
        return (
            f"@misc{{privacy_labels_{self.version.replace('.', '_')},\n"
            f"  title = {{{self.facts['title']}}},\n  author = {{{self.facts['creator']}}},\n"
            f"  year = {{{self.date[:4]}}},\n  version = {{{self.version}}},\n"
            f"  note = {{Dataset release {self.version}, {self.date}}}\n}}"
        )


def yaml_string(text: str) -> str:
    """A YAML double-quoted scalar: every JSON string is one, escapes included."""
    return json.dumps(text, ensure_ascii=False)


# --- Facts put into words, shared by every output ------------------------------------------


def schemes_summary(release: Release) -> str:
    """The label schemes of the release, named with their versions and titles."""
    return ", ".join(f"{s.title} (`{s.id}` {s.version})" for s in release.schemes)


def description(release: Release) -> str:
    f = release.facts
    return (
        "Privacy policies annotated with privacy-practice labels in the label schemes "
        f"{schemes_summary(release)} (schema {schema_version()}; each scheme's files are in "
        "schemes/, OPP-115 the hub the others map onto): the policies with their full "
        "text, their segments, the annotated data practices, each practice's attribute values "
        "with evidence spans (character offsets into the policy text), and views for machine "
        f"learning. Two licences: {f['licenses']['annotations']['title']} "
        f"({f['licenses']['annotations']['spdx']}) for {f['licenses']['annotations']['applies_to']}; "
        f"the policy texts remain their organisations' and each is redistributed under the terms "
        f"in its `license` column (see {LICENSE_FILE})."
    )


def text_columns(table: Table) -> list[str]:
    """The columns of a table that hold policy text or excerpts of it."""
    return sorted(
        {c.name for c in table.columns if c.name == "text"} | {s.text for s in table.spans}
    )


def _yes_no(value) -> str:
    return "not recorded" if value is None else "yes" if value else "no"


def annotation_summary(release: Release) -> list[str]:
    """One sentence per group of annotation documents made the same way."""
    groups: dict[tuple, list[Layer]] = {}
    for layer in release.layers:
        p = layer.provenance
        key = (
            layer.annotator,
            p.get("annotator_kind"),
            p.get("model"),
            p.get("process"),
            p.get("is_blind"),
            p.get("is_reviewed"),
            layer.guidelines_version,
            layer.provenance_source,
            None if p else layer.method,
        )
        groups.setdefault(key, []).append(layer)
    sentences = []
    for (
        annotator,
        kind,
        model,
        process,
        blind,
        reviewed,
        guidelines,
        source,
        method,
    ), layers in groups.items():
        dates = sorted({layer.annotated_date for layer in layers})
        when = dates[0] if len(dates) == 1 else f"{dates[0]} to {dates[-1]}"
        head = f"`{annotator}`: {len(layers)} annotation document(s), {when}"
        if source == "none":
            sentences.append(
                f"{head}; who or what made them is not recorded (no provenance); their "
                f"`method` says: {method}"
            )
            continue
        what = {
            "model": f"a language model ({model or 'model not recorded'})",
            "person": "a person",
            "adjudication": "an adjudication of other layers",
            "import": "imported from another corpus",
        }[kind]
        version = f"{release.facts['guidelines']} version {guidelines}" if guidelines else None
        sentences.append(
            f"{head}; made by {what}: {process or 'process not recorded'} "
            f"Guidelines: {version or 'not recorded (made before they were versioned)'}. "
            f"Blind to other layers: {_yes_no(blind)}. Reviewed by a person: {_yes_no(reviewed)}."
            + (
                f" (Recorded in {source}: these documents predate the provenance fields.)"
                if source != "document"
                else ""
            )
        )
    return sentences


def annotations_per_item(release: Release) -> str:
    counts = release.annotators_per_segment
    parts = [
        f"{n_segments:,} segment(s) annotated by {n} annotator(s)"
        for n, n_segments in sorted(counts.items())
    ]
    return (
        "; ".join(parts) + f", over {len(release.policies)} policies. Each annotator labels every "
        "data practice of a segment, so a segment carries one layer of labels per annotator."
    )


def agreement_summary(release: Release) -> str:
    result = release.agreement
    if result is None:
        return (
            "No agreement figure: no policy has two or more annotation layers. "
            "Quality was estimated instead by the audit quoted under the known biases."
        )
    kappas = ", ".join(f"{c.category} {figure(c.kappa)}" for c in result.categories)
    attributes = ", ".join(
        f"{a} {figure(v['agreement'])}"
        for a, v in result.attributes.items()
        if v["n_compared_slots"]
    )
    return (
        f"Segment-level {result.statistic.capitalize()}'s kappa per category over "
        f"{result.n_policies} policies with {result.n_annotators} annotators "
        f"({result.n_segments:,} segments; `privacy-labels agreement`): {kappas}. "
        f"Pairwise segment-level F1 {figure(result.f1)}; attribute values equal on matched "
        f"practices {figure(result.attribute_agreement)} ({result.n_equal_slots:,} of "
        f"{result.n_compared_slots:,} slots, every attribute compared with defaults filled in, "
        f"as the tables publish them), per attribute: {attributes}."
    )


def calibration_summary(release: Release) -> str:
    """The blind layers' calibration against OPP-115's annotators (metadata/dataset.toml)."""
    calibration = release.facts.get("calibration")
    if not calibration:
        return ""

    def row(who: str, figures: dict) -> str:
        measured = (figures[key] for key in ("f1", "attribute_agreement", "identifiability"))
        return f"| {who} | " + " | ".join(map(figure, measured)) + " |"

    rows = [
        "| layer (guidelines) | segment-category F1 | attribute values | identifiability |",
        "|---|---|---|---|",
        row("OPP-115's annotators among themselves", calibration["annotators"]),
    ] + [
        row(f"`{layer['layer']}` ({layer['guidelines']}) vs the annotators", layer)
        for layer in calibration["layers"]
    ]
    return (
        "**Calibration against OPP-115's annotators.** "
        + calibration["how"][0].upper()
        + calibration["how"][1:]
        + ".\n\n"
        + "\n".join(rows)
    )


def contacts_summary(release: Release) -> str:
    found = []
    for kind in CONTACTS:
        per_policy = {p.policy_id: p.contacts[kind] for p in release.policies if p.contacts[kind]}
        if per_policy:
            where = ", ".join(f"{pid} {n}" for pid, n in per_policy.items())
            found.append(f"{kind}: {sum(per_policy.values())} ({where})")
    return (
        "Contact details found in the texts by pattern: " + "; ".join(found) + "."
        if found
        else "No e-mail address, telephone number, web address or postal code found in the texts."
    )


def unknown_summary(release: Release) -> str:
    n = len(release.policies)
    return (
        f"Unknown: the policy page's address for {sum(p.url is None for p in release.policies)} "
        f"of {n} policies, the retrieval date for "
        f"{sum(p.retrieved_date is None for p in release.policies)}, the effective date for "
        f"{sum(p.effective_date is None for p in release.policies)}."
    )


def limitations(release: Release) -> str:
    kinds = Counter(layer.provenance.get("annotator_kind") for layer in release.layers)
    reviewed = sum(layer.provenance.get("is_reviewed") is True for layer in release.layers)
    made_by = ", ".join(
        f"{n} by {'an unrecorded kind of annotator' if k is None else k}"
        for k, n in sorted(kinds.items(), key=lambda kv: str(kv[0]))
    )
    return (
        f"{len(release.policies)} policies, {len(release.layers)} annotation documents "
        f"({made_by}); {reviewed} of them reviewed by a person. "
        + (
            "Labels from one annotator that were not adjudicated are silver-standard. "
            if max(release.annotators_per_segment, default=0) < 2
            else ""
        )
        + unknown_summary(release)
        + " "
        + release.facts["datasheet"]["limitations"]
    )


def provenance_of_texts(release: Release) -> list[str]:
    lines = []
    for p in release.policies:
        known = [
            f"address {p.url}" if p.url else "address unknown",
            f"retrieved {p.retrieved_date}" if p.retrieved_date else "retrieval date unknown",
            f"effective {p.effective_date}" if p.effective_date else "no effective date stated",
        ]
        lines.append(
            f"`{p.policy_id}`: {p.organisation}; from `{p.source}`; {'; '.join(known)}; "
            f"sha256 {p.text_sha256[:12]}…; terms: {p.license}"
        )
    return lines


# --- Licences ------------------------------------------------------------------------------


def annotation_license(release: Release) -> dict:
    return release.facts["licenses"]["annotations"]


def texts_license(release: Release) -> dict:
    return release.facts["licenses"]["policy_texts"]


def license_file(release: Release) -> str:
    a, t = annotation_license(release), texts_license(release)
    rows = [f"| `{p.policy_id}` | {p.organisation} | {p.license} |" for p in release.policies]
    return f"""# Licences of {release.facts["name"]} {release.version}

This release has two parts under different terms.

1. **{a["spdx"]}** ({a["title"]}, {a["url"]}): {a["applies_to"]}.
2. **{t["id"]}** ({t["title"]}): {t["applies_to"]}. No one licence covers them: each policy
   text is its organisation's, and is redistributed under the terms in the `policies` table's
   `license` column, as follows.

| policy_id | organisation | terms of the policy text |
|---|---|---|
{chr(10).join(rows)}

The code that built the release (the privacy-labels package) is MIT-licensed.
"""


def bullets(items) -> str:
    """A Markdown list."""
    return "\n".join(f"- {item}" for item in items)
