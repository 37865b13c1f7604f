"""`croissant.json`: MLCommons Croissant 1.1 with the Responsible-AI (RAI) fields and
PROV-O provenance of each policy text, one RecordSet per table.
"""

from __future__ import annotations

from privacy_labels._files import sha256_file
from privacy_labels.contract.columns import TYPES
from privacy_labels.contract.tables import TABLES
from privacy_labels.release.metadata import (
    CROISSANT_1_1,
    CROISSANT_RAI,
    Release,
    agreement_summary,
    annotation_license,
    annotation_summary,
    annotations_per_item,
    contacts_summary,
    description,
    limitations,
    provenance_of_texts,
    schemes_summary,
    texts_license,
    unknown_summary,
)

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
    a, t = annotation_license(release), texts_license(release)
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
            f"Labels follow the label schemes {schemes_summary(release)}, each written in "
            f"schemes/<scheme_id>/ of the release, and {release.facts['guidelines']}.",
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


def _scheme_files(release: Release) -> list[dict]:
    """The files of the release's label schemes, which define every label its tables hold."""
    files = sorted((release.folder / "schemes").rglob("*.json"))
    return [
        {
            "@type": "cr:FileObject",
            "@id": file.relative_to(release.folder).as_posix(),
            "name": file.relative_to(release.folder).as_posix(),
            "description": f"Label scheme `{file.parent.name}`: {file.stem}.",
            "contentUrl": file.relative_to(release.folder).as_posix(),
            "contentSize": f"{file.stat().st_size} B",
            "encodingFormat": "application/json",
            "sha256": sha256_file(file),
        }
        for file in files
    ]


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
                    "description": c.description
                    + (
                        f" One of the {c.labels.replace('_', ' ')} ids of the release's schemes "
                        "(the enum in datapackage.json)."
                        if c.type == "label" and c.labels != "split"
                        else ""
                    ),
                    "dataType": TYPES[c.type].croissant,
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
        "distribution": distribution + _scheme_files(release),
        "recordSet": record_sets,
    }
