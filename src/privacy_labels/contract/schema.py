"""The schema: the JSON Schema documents in `schema/`, the contract for the files.

    >>> from privacy_labels.contract.schema import load_schema, schema_version
    >>> load_schema("annotation")["required"][:3]
    ['schema_version', 'policy_id', 'annotator']

The labels are not here: each document names its label scheme, a folder of data
under `schema/schemes/` read by `contract/schemes.py`.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from referencing import Registry, Resource

from privacy_labels._files import package_data

SCHEMA_NAMES = ("annotation", "policy", "adjudication")
# The schema of predictions files: an output's, not the corpus's (not in SCHEMA_NAMES, whose
# files a build's manifest records).
PREDICTIONS = "predictions"


def schema_path(name: str) -> Path:
    return package_data("schema", "schema") / f"{name}.schema.json"


@cache
def load_schema(name: str) -> dict:
    """One schema document by short name: `annotation`, `policy`, `adjudication` or
    `predictions`."""
    if name not in (*SCHEMA_NAMES, PREDICTIONS):
        raise ValueError(
            f"unknown schema {name!r}; expected one of {', '.join((*SCHEMA_NAMES, PREDICTIONS))}"
        )
    return json.loads(schema_path(name).read_text(encoding="utf-8"))


@cache
def registry() -> Registry:
    """A registry resolving the schemas' `$id`s and their relative `$ref`s to each other."""
    resources = [
        (load_schema(name)["$id"], Resource.from_contents(load_schema(name)))
        for name in SCHEMA_NAMES
    ]
    return Registry().with_resources(resources)


def schema_version() -> str:
    """The schema version of the documents this package writes (each schema states it)."""
    return load_schema("annotation")["schema_version"]


# The version of docs/guidelines.md that new annotation documents follow by default;
# a test keeps it equal to the version the guidelines state.
GUIDELINES_VERSION = "2.0.0"
