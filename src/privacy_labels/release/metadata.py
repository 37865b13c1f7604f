"""Release metadata that the ecosystem's own tools read, all generated here, each fact once.

- `datapackage.json`: Frictionless Data Package v2 over the CSVs, with Table
  Schemas, enums, primary and foreign keys and a licence per resource.
- `croissant.json`: MLCommons Croissant 1.1 with the Responsible-AI (RAI)
  fields and PROV-O provenance of each policy text, one RecordSet per table.
- `README.md`: a dataset card with Hugging Face YAML (one config per table,
  `license: other` with `LICENSE.md`) and a datasheet (Gebru et al.).
- `LICENSE.md`: the two licences, and each policy text's terms.
- `CITATION.cff`: Citation File Format 1.2.0, naming the version.
- `datacite.json`: DataCite Metadata Schema 4.5 (JSON), and `.zenodo.json` for Zenodo.

Two sources feed them: what the project knows and the data cannot say
(`metadata/dataset.toml`: licences, motivation, uses, biases, maintenance), and
the release's own tables: counts, each policy's source and licence, contact
details in the texts, the annotation layers and their provenance, and agreement
where a policy has several annotators. Nothing depends on the clock, so a
rebuilt release has the same bytes.
"""

from __future__ import annotations

import functools
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq

from privacy_labels._files import dump_json, sha256_file
from privacy_labels.contract.schema import schema_version
from privacy_labels.contract.tables import TABLES, Table
from privacy_labels.errors import PrivacyLabelsError

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

    def _rows(self, name: str) -> list[dict]:
        path = self.file(f"{name}.parquet")
        return pq.read_table(path).to_pylist() if path.is_file() else []

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
        return Counter(row["n_annotators"] for row in self._rows("segment_labels"))

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


def _yaml(text: str) -> str:
    """A YAML double-quoted scalar: every JSON string is one, escapes included."""
    return json.dumps(text, ensure_ascii=False)


# --- Facts put into words, shared by every output ------------------------------------------


def description(release: Release) -> str:
    f = release.facts
    return (
        "Privacy policies annotated with privacy-practice labels following the OPP-115 "
        f"annotation scheme (taxonomy schema {schema_version()}): the policies with their full "
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
    kappas = ", ".join(
        f"{c.category} {'n/a' if c.kappa is None else f'{c.kappa:.3f}'}" for c in result.categories
    )
    return (
        f"Segment-level Fleiss' kappa per category over {result.n_policies} policies with "
        f"{result.n_annotators} annotators ({result.n_segments:,} segments; "
        f"`privacy-labels agreement`): {kappas}."
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


def _annotation_license(release: Release) -> dict:
    return release.facts["licenses"]["annotations"]


def _texts_license(release: Release) -> dict:
    return release.facts["licenses"]["policy_texts"]


def license_file(release: Release) -> str:
    a, t = _annotation_license(release), _texts_license(release)
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


# --- Frictionless Data Package -------------------------------------------------------------

# Each logical column type as (Frictionless type, Croissant dataType).
_TYPES = {
    "string": ("string", "sc:Text"),
    "integer": ("integer", "sc:Integer"),
    "number": ("number", "sc:Float"),
    "boolean": ("boolean", "sc:Boolean"),
    "label": ("string", "sc:Text"),
}


def _package_licenses(release: Release, with_texts: bool) -> list[dict]:
    a, t = _annotation_license(release), _texts_license(release)
    licenses = [{"name": a["spdx"], "path": a["url"], "title": a["title"]}]
    if with_texts:
        licenses.append({"name": t["id"], "path": LICENSE_FILE, "title": t["title"]})
    return licenses


def datapackage(release: Release) -> dict:
    resources = []
    for t in TABLES:
        csv_file = release.file(f"{t.name}.csv")
        fields = []
        for c in t.columns:
            constraints: dict = {"required": not c.is_nullable}
            if c.type == "label":
                constraints["enum"] = c.label_ids()
            if c.type in ("integer", "number"):
                constraints["minimum"] = 0
            fields.append(
                {
                    "name": c.name,
                    "type": _TYPES[c.type][0],
                    "description": c.description,
                    "constraints": constraints,
                }
            )
        schema: dict = {"fields": fields, "missingValues": [""], "primaryKey": list(t.primary_key)}
        if t.foreign_keys:
            schema["foreignKeys"] = [
                {
                    "fields": list(fk.columns),
                    "reference": {"resource": fk.table, "fields": list(fk.references)},
                }
                for fk in t.foreign_keys
            ]
        texts = text_columns(t)
        resources.append(
            {
                "name": t.name,
                "type": "table",
                "path": csv_file.name,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "description": t.description
                + (f" Policy text in: {', '.join(texts)}." if texts else ""),
                "bytes": csv_file.stat().st_size,
                "hash": f"sha256:{sha256_file(csv_file)}",  # a bare digest would be read as md5
                "licenses": _package_licenses(release, with_texts=bool(texts)),
                "dialect": {
                    "delimiter": ",",
                    "quoteChar": '"',
                    "doubleQuote": True,
                    "header": True,
                },
                "schema": schema,
            }
        )
    f = release.facts
    return {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": f["name"],
        "title": f["title"],
        "description": description(release),
        "version": release.version,
        "created": f"{release.date}T00:00:00Z",  # a datetime in Data Package v2
        "keywords": f["keywords"],
        "licenses": _package_licenses(release, with_texts=True),
        "contributors": [{"title": f["creator"], "roles": ["creator"]}],
        "resources": resources,
    }


# --- MLCommons Croissant 1.1 ---------------------------------------------------------------

# The Croissant 1.1 @context as mlcroissant writes it (a shorter one draws a warning), and
# PROV-O for provenance, as the 1.1 specification recommends.
_CROISSANT_CONTEXT = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "arrayShape": "cr:arrayShape",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "containedIn": "cr:containedIn",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "description": {"@container": "@language"},
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isArray": "cr:isArray",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "name": {"@container": "@language"},
    "parentField": "cr:parentField",
    "path": "cr:path",
    "prov": "http://www.w3.org/ns/prov#",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}


def _croissant_licenses(release: Release) -> list:
    a, t = _annotation_license(release), _texts_license(release)
    return [
        a["url"],
        {
            "@type": "sc:CreativeWork",
            "name": t["id"],
            "description": f"{t['title']}: {t['applies_to']}. "
            + " ".join(f"{p.policy_id}: {p.license}" for p in release.policies),
        },
    ]


def _text_provenance(release: Release) -> list[dict]:
    """PROV-O: each policy text, where it came from and under which terms."""
    entities = []
    for p in release.policies:
        entity = {
            "@type": "prov:Entity",
            "prov:label": f"Privacy policy text `{p.policy_id}` of {p.organisation}",
            "prov:wasAttributedTo": {"@type": "prov:Agent", "prov:label": p.organisation},
            "sc:isBasedOn": p.source,
            "sc:sha256": p.text_sha256,
            "sc:license": p.license,
        }
        if p.url:
            entity["sc:url"] = p.url
        if p.retrieved_date:
            entity["prov:generatedAtTime"] = p.retrieved_date
        entities.append(entity)
    return entities


def _label_provenance(release: Release) -> dict:
    """PROV-O on the record sets of labels: the annotators and how they worked."""
    agents = []
    for annotator in sorted({layer.annotator for layer in release.layers}):
        layer = next(x for x in release.layers if x.annotator == annotator)
        kind = layer.provenance.get("annotator_kind")
        agents.append(
            {
                "@type": "prov:SoftwareAgent" if kind == "model" else "prov:Agent",
                "prov:label": f"annotator `{annotator}`"
                + (f": {layer.provenance['model']}" if layer.provenance.get("model") else "")
                + (f" ({kind})" if kind else " (kind not recorded)"),
            }
        )
    return {
        "prov:wasAttributedTo": agents,
        "prov:wasGeneratedBy": {
            "@type": "prov:Activity",
            "prov:label": " ".join(annotation_summary(release)),
        },
    }


def rai_fields(release: Release) -> dict:
    """The Croissant RAI properties, from the facts file and the tables."""
    d = release.facts["datasheet"]
    models = sorted(
        {
            layer.provenance["model"]
            for layer in release.layers
            if layer.provenance.get("annotator_kind") == "model" and layer.provenance.get("model")
        }
    )
    kinds = {layer.provenance.get("annotator_kind") for layer in release.layers}
    fields = {
        "rai:dataCollection": d["collection"],
        "rai:dataCollectionType": d["collection_type"],
        "rai:dataCollectionMissingData": unknown_summary(release),
        "rai:dataCollectionRawData": "The texts as collected, after normalising line ends and "
        "whitespace only, are the `text` column of `policies`; each sidecar records its "
        "normalisation and sha256. Provenance of each text: "
        + " | ".join(provenance_of_texts(release)),
        "rai:dataPreprocessingProtocol": [
            "Texts split into paragraph-like segments (offsets in each sidecar); annotations "
            "point at character offsets into the full text, checked by `privacy-labels "
            "validate` and by the quality gate of each release (quality/result.json).",
        ],
        "rai:dataAnnotationProtocol": [
            f"Labels follow the OPP-115 annotation scheme as written in schema/ and "
            f"{release.facts['guidelines']}.",
            *annotation_summary(release),
        ],
        "rai:dataAnnotationPlatform": [d["annotation_platform"]],
        "rai:dataAnnotationAnalysis": [agreement_summary(release), d["biases"]],
        "rai:annotationsPerItem": annotations_per_item(release),
        "rai:annotatorDemographics": [
            "Not applicable: every annotator is a language model."
            if kinds == {"model"}
            else "Not recorded."
        ],
        "rai:dataBiases": [d["biases"]],
        "rai:dataLimitations": [limitations(release)],
        "rai:dataUseCases": [d["uses"], d["unsuitable_uses"]],
        "rai:dataSocialImpact": d["social_impact"],
        "rai:personalSensitiveInformation": [d["sensitive_information"], contacts_summary(release)],
        "rai:dataReleaseMaintenancePlan": d["maintenance"],
    }
    if models:
        fields["rai:machineAnnotationTools"] = models
    return fields


def croissant(release: Release) -> dict:
    distribution, record_sets = [], []
    labels = _label_provenance(release)
    for t in TABLES:
        csv_file, parquet = release.file(f"{t.name}.csv"), release.file(f"{t.name}.parquet")
        for file, fmt, about in (
            (parquet, "application/x-parquet", "Parquet"),
            (csv_file, "text/csv", "CSV (UTF-8, header row, empty cell for null)"),
        ):
            distribution.append(
                {
                    "@type": "cr:FileObject",
                    "@id": file.name,
                    "name": file.name,
                    "description": f"Table `{t.name}` as {about}.",
                    "contentUrl": file.name,
                    "contentSize": f"{file.stat().st_size} B",
                    "encodingFormat": fmt,
                    "sha256": sha256_file(file),
                }
            )
        # Records read the Parquet files: mlcroissant parses CSV with pandas' defaults,
        # which turn cells such as "NA" or "null" into nulls. There are no cr:references:
        # mlcroissant joins on them and multiplies rows; the keys are in datapackage.json.
        record_set = {
            "@type": "cr:RecordSet",
            "@id": t.name,
            "name": t.name,
            "description": t.description,
            "key": [{"@id": f"{t.name}/{k}"} for k in t.primary_key],
            "field": [
                {
                    "@type": "cr:Field",
                    "@id": f"{t.name}/{c.name}",
                    "name": c.name,
                    "description": c.description,
                    "dataType": _TYPES[c.type][1],
                    "source": {
                        "fileObject": {"@id": parquet.name},
                        "extract": {"column": c.name},
                    },
                }
                for c in t.columns
            ],
        }
        if any(c.name == "annotator" for c in t.columns) or t.name == "attribute_values":
            record_set |= labels
        record_sets.append(record_set)
    f = release.facts
    return {
        "@context": _CROISSANT_CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": [CROISSANT_1_1, CROISSANT_RAI],
        "name": f["name"],
        "description": description(release),
        "license": _croissant_licenses(release),
        "version": release.version,
        "datePublished": release.date,
        "citeAs": release.cite_as,
        "creator": {"@type": "sc:Organization", "name": f["creator"]},
        "keywords": f["keywords"],
        "inLanguage": f["language"],
        "prov:wasDerivedFrom": _text_provenance(release),
        **rai_fields(release),
        "distribution": distribution,
        "recordSet": record_sets,
    }


# --- Citation File Format ------------------------------------------------------------------


def citation_cff(release: Release) -> str:
    f, a = release.facts, _annotation_license(release)
    lines = [
        "# Generated by `privacy-labels release` from metadata/dataset.toml and the tables;",
        "# edit those (or src/privacy_labels/metadata.py), never this file.",
        "# CFF takes SPDX licences only: `license` is the annotations'; each policy text keeps",
        f"# the terms in its `license` column ({LICENSE_FILE} of the release lists them).",
        "cff-version: 1.2.0",
        f"message: {_yaml('If you use this dataset, please cite this release as below.')}",
        "type: dataset",
        f"title: {_yaml(f['title'])}",
        f"version: {_yaml(release.version)}",
        f"date-released: {_yaml(release.date)}",
        "authors:",
        f"  - name: {_yaml(f['creator'])}",
        f"license: {a['spdx']}",
        f"abstract: {_yaml(description(release))}",
        "keywords:",
        *(f"  - {_yaml(k)}" for k in f["keywords"]),
    ]
    return "\n".join(lines) + "\n"


# --- DataCite and Zenodo -------------------------------------------------------------------


def _methods(release: Release) -> str:
    return " ".join(
        [
            release.facts["datasheet"]["collection"],
            *annotation_summary(release),
            agreement_summary(release),
        ]
    )


def datacite(release: Release) -> dict:
    """DataCite Metadata Schema 4.5 in its JSON form (no DOI yet: the registrar assigns it)."""
    f, a, t = release.facts, _annotation_license(release), _texts_license(release)
    rights = [
        {
            "rights": f"{a['title']}: {a['applies_to']}",
            "rightsUri": a["url"],
            "rightsIdentifier": a["spdx"].lower(),
            "rightsIdentifierScheme": "SPDX",
            "schemeUri": "https://spdx.org/licenses/",
        },
        {"rights": f"{t['title']}: {t['applies_to']}"},
        *({"rights": f"Policy text {p.policy_id}: {p.license}"} for p in release.policies),
    ]
    return {
        "schemaVersion": DATACITE_KERNEL,
        "types": {"resourceTypeGeneral": "Dataset", "resourceType": "Annotated text corpus"},
        "creators": [{"name": f["creator"], "nameType": "Organizational"}],
        "titles": [{"title": f["title"]}],
        "publisher": {"name": f["creator"]},
        "publicationYear": release.date[:4],
        "version": release.version,
        "language": f["language"],
        "subjects": [{"subject": k} for k in f["keywords"]],
        "dates": [{"date": release.date, "dateType": "Issued"}],
        "sizes": [f"{n} {name} rows" for name, n in release.n_rows.items()],
        "formats": ["application/x-parquet", "text/csv"],
        "rightsList": rights,
        "descriptions": [
            {"description": description(release), "descriptionType": "Abstract"},
            {"description": _methods(release), "descriptionType": "Methods"},
            {
                "description": "Tables as Parquet and CSV with datapackage.json, croissant.json "
                "and SHA256SUMS; load with `privacy_labels.load(name, version=...)`.",
                "descriptionType": "TechnicalInfo",
            },
        ],
        "relatedItems": [
            {
                "relationType": "References",
                "relatedItemType": "ConferencePaper",
                "titles": [
                    {"title": "The Creation and Analysis of a Website Privacy Policy Corpus"}
                ],
                "publicationYear": "2016",
            }
        ],
    }


def zenodo(release: Release) -> dict:
    """`.zenodo.json`: Zenodo's deposit metadata. Zenodo takes one licence, the annotations';
    `notes` gives the policy texts' terms."""
    f, a, t = release.facts, _annotation_license(release), _texts_license(release)
    return {
        "upload_type": "dataset",
        "title": f["title"],
        "creators": [{"name": f["creator"]}],
        "description": description(release),
        "version": release.version,
        "publication_date": release.date,
        "access_right": "open",
        "license": a["spdx"],
        "keywords": f["keywords"],
        "language": "eng" if f["language"] == "en" else f["language"],
        "method": _methods(release),
        "notes": f"{t['title']}: {t['applies_to']}. "
        + " ".join(f"{p.policy_id}: {p.license}" for p in release.policies),
        "references": [OPP115],
    }


# --- Hugging Face dataset card with a datasheet --------------------------------------------

_HF_SIZES = ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (10**6, "100K<n<1M"))
_HF_CREATORS = {
    "model": "machine-generated",
    "person": "expert-generated",
    "adjudication": "expert-generated",
    "import": "found",
    None: "other",
}


def _hf_creator(provenance: dict) -> str:
    """Hugging Face's annotations_creators of a layer: an adjudication by a model (it names
    the model) is machine-generated, not expert-generated."""
    kind = provenance.get("annotator_kind")
    if kind == "adjudication" and provenance.get("model"):
        return _HF_CREATORS["model"]
    return _HF_CREATORS[kind]


def dataset_card(release: Release) -> str:
    f, d = release.facts, release.facts["datasheet"]
    a, t = _annotation_license(release), _texts_license(release)
    size = next(
        (label for limit, label in _HF_SIZES if max(release.n_rows.values()) < limit), "n>1M"
    )
    creators = sorted({_hf_creator(layer.provenance) for layer in release.layers})
    license_details = f"{a['spdx']} for {a['applies_to']}; {t['title']}."
    yaml = [
        "---",
        "license: other",
        f"license_name: {a['hf']}-and-policy-text-terms",
        f"license_link: {LICENSE_FILE}",
        f"license_details: {_yaml(license_details)}",
        "language:",
        f"  - {f['language']}",
        f"pretty_name: {_yaml(f['name'])}",
        "annotations_creators:",
        *(f"  - {c}" for c in creators or ["no-annotation"]),
        "language_creators:",
        "  - found",
        "source_datasets:",
        "  - original",
        "task_categories:",
        "  - text-classification",
        "  - token-classification",
        "tags:",
        "  - privacy-policy",
        "  - opp-115",
        "  - legal",
        "size_categories:",
        f"  - {size}",
        "configs:",
    ]
    for i, table in enumerate(TABLES):
        yaml += [f"  - config_name: {table.name}", f"    data_files: {table.name}.parquet"]
        yaml += ["    default: true"] if i == 0 else []
    rows = [
        f"| `{table.name}` | {release.n_rows[table.name]:,} | {table.description} |"
        for table in TABLES
    ]
    text_tables = ", ".join(
        f"`{table.name}` ({', '.join(text_columns(table))})"
        for table in TABLES
        if text_columns(table)
    )
    body = f"""---

# {f["name"]} {release.version}

{description(release)}

Released {release.date}. Taxonomy schema {schema_version()}.

## Tables

| table (config) | rows | one row per |
|---|---|---|
{chr(10).join(rows)}

Each table is here as Parquet (the reference) and CSV (UTF-8, LF, every string
quoted, empty cell for null). Offsets are character offsets into the policy's
`text`, end exclusive: `text[span_start:span_end] == span_text` for every span.
Columns, keys and labels are described in `datapackage.json` and the JSON
Schemas in `schema/`.

## Licences

- **{a["spdx"]}** ({a["title"]}): {a["applies_to"]}.
- **{t["id"]}** ({t["title"]}): {t["applies_to"]}. Tables holding policy text: {text_tables}.

{bullets(f"`{p.policy_id}` ({p.organisation}): {p.license}" for p in release.policies)}

`{LICENSE_FILE}` says the same; `datapackage.json` gives each table its licences,
and `croissant.json` and `datacite.json` name both.

## How the labels were made

{bullets(annotation_summary(release))}

{annotations_per_item(release)} {agreement_summary(release)}

## Datasheet

The questions of Gebru et al., *Datasheets for Datasets* (2021), answered.

### Motivation

{d["motivation"]}

### Composition

- **Instances**: {len(release.policies)} privacy policies (full text), their
  {release.n_rows.get("segments", 0):,} segments, {release.n_rows.get("practices", 0):,}
  annotated data practices and {release.n_rows.get("attribute_values", 0):,} attribute values;
  every policy the corpus holds, not a sample of a larger set.
- **Labels**: a category per practice and a value per attribute, from the OPP-115
  taxonomy (schema/taxonomy.schema.json), most with an evidence span.
- **Missing information**: {unknown_summary(release)}
- **Relationships**: keys and foreign keys in `datapackage.json` link every table to
  `policies`.
- **Splits**: `splits` assigns whole policies to train, validation or test (80/10/10
  by a seeded hash of `policy_id`).
- **Errors and noise**: {d["biases"]}
- **Self-contained**: yes; nothing links out but the policies' own addresses.
- **Confidential or offensive data**: none known; the texts are public privacy policies.
- **Personal and sensitive information**: {d["sensitive_information"]} {contacts_summary(release)}

### Collection process

{d["collection"]}

Provenance of each text:

{bullets(provenance_of_texts(release))}

### Preprocessing, cleaning and labelling

Texts: line ends and whitespace normalised, wording unchanged (recorded in each
sidecar as `normalisation`); split into paragraph-like segments. Labels:

{bullets(annotation_summary(release))}

Annotation tool: {d["annotation_platform"]} The raw inputs (texts, sidecars,
annotation documents) are kept in the project's `data/raw/`; `manifest.json`
holds their sha256.

### Uses

{d["uses"]}

{d["unsuitable_uses"]}

Impact: {d["social_impact"]}

Limitations: {limitations(release)}

### Distribution

{d["distribution"]} Licences: above.

### Maintenance

{d["maintenance"]}

## Load

With the privacy-labels package (pandas dtypes from the schema, sha256-checked):

```python
import privacy_labels as pl

practices = pl.load("practices", version="{release.version}")
```

With Hugging Face `datasets`, one config per table:

```python
from datasets import load_dataset

practices = load_dataset("<this folder>", "practices", split="train")
```

With DuckDB: `duckdb.sql("select category, count(*) from 'practices.parquet' group by 1")`.

## Changes in {release.version}

{release.notes}

## Integrity

`SHA256SUMS` lists the sha256 of every other file: `sha256sum -c SHA256SUMS`
or `privacy-labels verify <this folder>`. `quality/result.json` is the quality
gate's report on these tables; `manifest.json` traces them to their inputs.

## Citation

```bibtex
{release.cite_as}
```

Please also cite the OPP-115 scheme: {OPP115}. OPP-115 itself is licensed for
research only and is not part of this dataset.
"""
    return "\n".join(yaml) + "\n" + body


def bullets(items) -> str:
    """A Markdown list."""
    return "\n".join(f"- {item}" for item in items)


def write_metadata(release: Release) -> list[str]:
    """Write every metadata file into the release folder; returns their names."""
    outputs = {
        "datapackage.json": dump_json(datapackage(release)),
        "croissant.json": dump_json(croissant(release)),
        "CITATION.cff": citation_cff(release),
        "README.md": dataset_card(release),
        LICENSE_FILE: license_file(release),
        "datacite.json": dump_json(datacite(release)),
        ZENODO_FILE: dump_json(zenodo(release)),
    }
    for name, text in outputs.items():
        release.file(name).write_text(text, encoding="utf-8", newline="\n")
    return list(outputs)
