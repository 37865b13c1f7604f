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

Two sources feed them (see metadata.py): what the project knows and the data cannot say
(`metadata/dataset.toml`: licences, motivation, uses, biases, maintenance), and
the release's own tables: counts, each policy's source and licence, contact
details in the texts, the annotation layers and their provenance, and agreement
where a policy has several annotators. Nothing depends on the clock, so a
rebuilt release has the same bytes.
"""

from __future__ import annotations

from privacy_labels._json import dump_json
from privacy_labels.release.card import dataset_card
from privacy_labels.release.croissant import croissant
from privacy_labels.release.datacite import citation_cff, datacite, zenodo
from privacy_labels.release.datapackage import datapackage
from privacy_labels.release.metadata import LICENSE_FILE, ZENODO_FILE, Release, license_file


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
