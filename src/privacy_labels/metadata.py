"""Release metadata that the ecosystem's own tools read, generated from the table contract.

- `datapackage.json`: Frictionless Data Package v2 over the CSVs, with Table
  Schemas, enums, primary and foreign keys (`frictionless validate`).
- `croissant.json`: MLCommons Croissant 1.0, one RecordSet per table (`mlcroissant`).
- `README.md`: a dataset card with Hugging Face YAML, one config per table (`datasets`).
- `CITATION.cff`: Citation File Format 1.2.0 (GitHub's "Cite this repository", Zenodo).

Everything depends only on the schema, the table files' bytes and the
release's version and date, so a rebuilt release has the same bytes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from privacy_labels._files import dump_json, sha256_file
from privacy_labels.schema import schema_version
from privacy_labels.tables import TABLES

NAME = "privacy-labels"
TITLE = "privacy-labels: privacy policies annotated with privacy-practice labels"
AUTHOR = "privacy-labels contributors"
LICENSE = "CC-BY-4.0"  # the annotations; each policy text keeps the terms in its `license` column
LICENSE_URL = "https://spdx.org/licenses/CC-BY-4.0.html"
KEYWORDS = ["privacy policy", "data practices", "OPP-115", "NLP", "annotation", "dataset"]
DESCRIPTION = (
    "Privacy policies annotated with privacy-practice labels following the OPP-115 annotation "
    f"scheme (taxonomy schema {schema_version()}): the policies with their full text, their "
    "segments, the annotated data practices, and each practice's attribute values with evidence "
    "spans (character offsets into the policy text). The annotations are licensed CC BY 4.0; "
    "each policy text remains its organisation's and is redistributed for non-commercial "
    "research under the terms in its `license` column."
)


@dataclass(frozen=True)
class Release:
    """What the metadata describe: a folder of built tables, its version and release date."""

    folder: Path
    version: str
    date: str  # ISO 8601, from the changelog entry
    notes: str  # the changelog entry's text
    n_rows: dict[str, int]

    def file(self, name: str) -> Path:
        return self.folder / name

    @property
    def cite_as(self) -> str:
        return (
            f"@misc{{privacy_labels_{self.version.replace('.', '_')},\n"
            f"  title = {{{TITLE}}},\n  author = {{{AUTHOR}}},\n"
            f"  year = {{{self.date[:4]}}},\n  version = {{{self.version}}},\n"
            f"  note = {{Dataset release {self.version}, {self.date}}}\n}}"
        )


def _yaml(text: str) -> str:
    """A YAML double-quoted scalar: every JSON string is one, escapes included."""
    return json.dumps(text, ensure_ascii=False)


# --- Frictionless Data Package -------------------------------------------------------------

# Each logical column type as (Frictionless type, Croissant dataType).
_TYPES = {
    "string": ("string", "sc:Text"),
    "integer": ("integer", "sc:Integer"),
    "number": ("number", "sc:Float"),
    "boolean": ("boolean", "sc:Boolean"),
    "label": ("string", "sc:Text"),
}


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
        resources.append(
            {
                "name": t.name,
                "type": "table",
                "path": csv_file.name,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "description": t.description,
                "bytes": csv_file.stat().st_size,
                "hash": f"sha256:{sha256_file(csv_file)}",  # a bare digest would be read as md5
                "dialect": {
                    "delimiter": ",",
                    "quoteChar": '"',
                    "doubleQuote": True,
                    "header": True,
                },
                "schema": schema,
            }
        )
    return {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": NAME,
        "title": TITLE,
        "description": DESCRIPTION,
        "version": release.version,
        "created": f"{release.date}T00:00:00Z",  # a datetime in Data Package v2
        "keywords": KEYWORDS,
        "licenses": [{"name": LICENSE, "path": LICENSE_URL, "title": "CC BY 4.0"}],
        "contributors": [{"title": AUTHOR, "roles": ["creator"]}],
        "resources": resources,
    }


# --- MLCommons Croissant -------------------------------------------------------------------

# The Croissant 1.0 @context as mlcroissant writes it; a shorter one draws a warning.
_CROISSANT_CONTEXT = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
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


def croissant(release: Release) -> dict:
    distribution, record_sets = [], []
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
        record_sets.append(
            {
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
        )
    return {
        "@context": _CROISSANT_CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": "http://mlcommons.org/croissant/1.0",
        "name": NAME,
        "description": DESCRIPTION,
        "license": LICENSE_URL,
        "version": release.version,
        "datePublished": release.date,
        "citeAs": release.cite_as,
        "creator": {"@type": "sc:Organization", "name": AUTHOR},
        "keywords": KEYWORDS,
        "inLanguage": "en",
        "distribution": distribution,
        "recordSet": record_sets,
    }


# --- Citation File Format ------------------------------------------------------------------


def citation_cff(version: str, date: str) -> str:
    lines = [
        "# Generated by `privacy-labels release`; edit src/privacy_labels/metadata.py instead.",
        "cff-version: 1.2.0",
        f"message: {_yaml('If you use this dataset, please cite this release as below.')}",
        "type: dataset",
        f"title: {_yaml(TITLE)}",
        f"version: {_yaml(version)}",
        f"date-released: {_yaml(date)}",
        "authors:",
        f"  - name: {_yaml(AUTHOR)}",
        f"license: {LICENSE}",
        f"abstract: {_yaml(DESCRIPTION)}",
        "keywords:",
        *(f"  - {_yaml(k)}" for k in KEYWORDS),
    ]
    return "\n".join(lines) + "\n"


# --- Hugging Face dataset card -------------------------------------------------------------

_HF_SIZES = ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (10**6, "100K<n<1M"))


def dataset_card(release: Release) -> str:
    size = next(
        (label for limit, label in _HF_SIZES if max(release.n_rows.values()) < limit), "n>1M"
    )
    yaml = [
        "---",
        "license: cc-by-4.0",
        "language:",
        "  - en",
        f"pretty_name: {_yaml(NAME)}",
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
    for i, t in enumerate(TABLES):
        yaml += [f"  - config_name: {t.name}", f"    data_files: {t.name}.parquet"]
        yaml += ["    default: true"] if i == 0 else []
    rows = [f"| `{t.name}` | {release.n_rows[t.name]:,} | {t.description} |" for t in TABLES]
    body = f"""---

# {NAME} {release.version}

{DESCRIPTION}

Released {release.date}. Taxonomy schema {schema_version()}.

## Tables

| table (config) | rows | one row per |
|---|---|---|
{chr(10).join(rows)}

Each table is here as Parquet (the reference) and CSV (UTF-8, LF, minimal
quoting, empty cell for null). Offsets are character offsets into the policy's
`text`, end exclusive: `text[span_start:span_end] == span_text` for every span.
Columns, keys and labels are described in `datapackage.json` and the JSON
Schemas in `schema/`.

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

## Provenance and limitations

The annotations follow the OPP-115 manual; see each annotation document's
`annotator` and `method`. Labels from a single annotator that were not
adjudicated are silver-standard. OPP-115 itself is licensed for research only
and is not part of this dataset.

## Citation

```bibtex
{release.cite_as}
```

Please also cite the OPP-115 scheme: Wilson et al., *The Creation and Analysis
of a Website Privacy Policy Corpus*, ACL 2016.
"""
    return "\n".join(yaml) + "\n" + body


def write_metadata(release: Release) -> list[str]:
    """Write every metadata file into the release folder; returns their names."""
    outputs = {
        "datapackage.json": dump_json(datapackage(release)),
        "croissant.json": dump_json(croissant(release)),
        "CITATION.cff": citation_cff(release.version, release.date),
        "README.md": dataset_card(release),
    }
    for name, text in outputs.items():
        release.file(name).write_text(text, encoding="utf-8", newline="\n")
    return list(outputs)
