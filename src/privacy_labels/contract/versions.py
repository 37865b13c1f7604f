"""The schema versions this package reads, and what each added: `schema/versions.json`.

    >>> from privacy_labels.contract.versions import known_versions, added_since
    >>> known_versions()
    ('1.0.0', '1.1.0')
    >>> [added.field for added in added_since("1.0.0", "annotation")]
    ['guidelines_version', 'provenance']

`validate` names an older document's missing fields and the command that upgrades it
from this data; `migrate` fills what it can derive from it. The fields' meanings are
the schema's own descriptions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

from privacy_labels._files import package_data
from privacy_labels.contract.schema import load_schema

# The kinds of documents a schema version covers: the annotation document and the sidecar.
DOCUMENT_KINDS = ("annotation", "policy")
_NOTHING = object()


@dataclass(frozen=True)
class AddedField:
    """A field a schema version added to a kind of document."""

    field: str
    version: str  # the schema version that added it
    description: str  # the schema's description of the field
    fill: object = _NOTHING  # what migrate writes into an older document, if derivable
    why: str = ""  # why `fill` is the truth for an older document

    @property
    def is_derivable(self) -> bool:
        return self.fill is not _NOTHING


@cache
def _versions() -> list[dict]:
    path = package_data("schema", "schema") / "versions.json"
    return json.loads(path.read_text(encoding="utf-8"))["versions"]


def known_versions() -> tuple[str, ...]:
    """The schema versions this package reads, oldest first; the last is the current one."""
    return tuple(entry["version"] for entry in _versions())


def current_version() -> str:
    return known_versions()[-1]


def added_since(version: str, kind: str) -> list[AddedField]:
    """The fields added to documents of `kind` by the versions after `version`, in order."""
    versions = known_versions()
    later = _versions()[versions.index(version) + 1 :]
    properties = load_schema(kind)["properties"]
    return [
        AddedField(
            added["field"],
            entry["version"],
            properties[added["field"]].get("description", ""),
            added.get("fill", _NOTHING),
            added.get("why", ""),
        )
        for entry in later
        for added in entry["added"][kind]
    ]


def version_problem(version: object, kind: str, file: str) -> tuple[str, str] | None:
    """(message, hint) for the schema_version of `file`, a document of `kind`, when this
    package cannot read it as it stands, else None; an older version is for `migrate`."""
    versions = known_versions()
    current = versions[-1]
    if version == current:
        return None
    if version in versions:
        by_version: dict[str, list[str]] = {}
        for added_field in added_since(version, kind):
            by_version.setdefault(added_field.version, []).append(added_field.field)
        added = [f"{v} added {', '.join(fields)}" for v, fields in by_version.items()]
        return (
            f"schema_version {version!r} is older than {current}, the version this package "
            f"reads ({'; '.join(added) or 'no field of this document changed'})",
            f"run `privacy-labels migrate {file}`: it upgrades the file in place, filling what "
            "can be derived and naming each field you must supply",
        )
    newer = _semver(version) is not None and _semver(version) > _semver(current)
    return (
        f"schema_version {version!r} is not one this package reads ({', '.join(versions)})",
        "upgrade privacy-labels to read it" if newer else f"set it to {current}",
    )


def _semver(version: object) -> tuple[int, ...] | None:
    parts = version.split(".") if isinstance(version, str) else []
    if len(parts) != 3 or not all(part.isdigit() for part in parts):
        return None
    return tuple(int(part) for part in parts)


def unnamed_scheme() -> dict[str, str]:
    """The scheme of anything written before files named their scheme (annotation documents
    before schema 1.2.0, and with them predictions files, Label Studio tasks and baseline
    models): the one scheme there was, as versions.json fills it in (`{"id", "version"}`)."""
    added = added_since(known_versions()[0], "annotation")
    return dict(next(a.fill for a in added if a.field == "scheme"))
