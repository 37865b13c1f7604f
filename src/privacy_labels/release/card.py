"""`README.md`: a dataset card with Hugging Face YAML (one config per table,
`license: other` with `LICENSE.md`) and a datasheet (Gebru et al.).
"""

from __future__ import annotations

from privacy_labels.contract.schema import schema_version
from privacy_labels.contract.tables import TABLES
from privacy_labels.release.metadata import (
    LICENSE_FILE,
    OPP115,
    Release,
    agreement_summary,
    annotation_license,
    annotation_summary,
    annotations_per_item,
    bullets,
    calibration_summary,
    contacts_summary,
    description,
    limitations,
    provenance_of_texts,
    schemes_summary,
    text_columns,
    texts_license,
    unknown_summary,
    yaml_string,
)

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
    a, t = annotation_license(release), texts_license(release)
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
        f"license_details: {yaml_string(license_details)}",
        "language:",
        f"  - {f['language']}",
        f"pretty_name: {yaml_string(f['name'])}",
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

Released {release.date}. Schema {schema_version()}; label schemes: {schemes_summary(release)},
each described by its own files in `schemes/` (which `load()` reads).

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

{calibration_summary(release)}

## Datasheet

The questions of Gebru et al., *Datasheets for Datasets* (2021), answered.

### Motivation

{d["motivation"]}

### Composition

- **Instances**: {len(release.policies)} privacy policies (full text), their
  {release.n_rows.get("segments", 0):,} segments, {release.n_rows.get("practices", 0):,}
  annotated data practices and {release.n_rows.get("attribute_values", 0):,} attribute values;
  every policy the corpus holds, not a sample of a larger set.
- **Labels**: a category per practice and a value per attribute, from the practice's
  label scheme (schemes/), most with an evidence span; every row names its scheme.
- **Missing information**: {unknown_summary(release)}
- **Relationships**: keys and foreign keys in `datapackage.json` link every table to
  `policies`.
- **Splits**: `splits` assigns whole policies to train, validation or test: the `default`
  split every policy (80/10/10 by a seeded hash of `policy_group_id`, else `policy_id`:
  language versions together), and the field's named splits (`split_name`: plue, policyqa,
  mapp, app350, app350-plue) the policies each covers; no synthetic policy in validation
  or test.
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
