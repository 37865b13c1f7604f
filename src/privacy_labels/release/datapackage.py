"""`datapackage.json`: a Frictionless Data Package v2 over the CSVs, with Table Schemas,
enums, primary and foreign keys and a licence per resource. Each field's type and
constraints are the contract's (`contract.tables.TYPES`, `Column.constraints`), a label
column's enum its list over the release's own schemes; the package names the schemes.
"""

from __future__ import annotations

from privacy_labels._files import sha256_file
from privacy_labels.contract.columns import TYPES
from privacy_labels.contract.tables import TABLES
from privacy_labels.release.metadata import (
    LICENSE_FILE,
    Release,
    annotation_license,
    description,
    text_columns,
    texts_license,
)


def _package_licenses(release: Release, with_texts: bool) -> list[dict]:
    a, t = annotation_license(release), texts_license(release)
    licenses = [{"name": a["spdx"], "path": a["url"], "title": a["title"]}]
    if with_texts:
        licenses.append({"name": t["id"], "path": LICENSE_FILE, "title": t["title"]})
    return licenses


def datapackage(release: Release) -> dict:
    resources = []
    for t in TABLES:
        csv_file = release.file(f"{t.name}.csv")
        fields = [
            {
                "name": c.name,
                "type": TYPES[c.type].frictionless,
                "description": c.description,
                "constraints": c.constraints(release.schemes),
            }
            for c in t.columns
        ]
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
        # Not a Data Package property: the label schemes the labels are in, by their files.
        "label_schemes": [
            {"id": s.id, "version": s.version, "title": s.title, "path": f"schemes/{s.id}/"}
            for s in release.schemes
        ],
        "resources": resources,
    }
