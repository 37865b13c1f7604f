"""Upgrade annotation documents and policy sidecars to the current schema version, in place.

    privacy-labels migrate data/raw/annotations/acme/alice.json   # one document
    privacy-labels migrate data/raw                               # every document of a corpus

What each version added is data (schema/versions.json, read by contract/versions.py):
a field that can be derived for an older document is filled, every other one is named
for a person to supply (validate then says what it means). The fields keep the schema's
order. Every file is read and judged before any is written: a file that is not an
annotation document or sidecar at a known version stops the run with nothing changed.
Each file is replaced atomically, and only if no one changed it meanwhile.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path

from privacy_labels._files import exclusive, write_text_atomic
from privacy_labels._json import dump_json
from privacy_labels.contract.schema import load_schema
from privacy_labels.contract.versions import (
    AddedField,
    added_since,
    current_version,
    known_versions,
    version_problem,
)
from privacy_labels.raw.corpus import RawCorpus
from privacy_labels.raw.jsonio import parse_document, read_document_bytes
from privacy_labels.raw.problems import InvalidInputs, Problem


@dataclass(frozen=True)
class Migration:
    """One file's upgrade: from which version, the fields filled and those left to a person."""

    path: Path
    kind: str  # "annotation" or "policy"
    from_version: str
    filled: list[AddedField]
    to_supply: list[AddedField]

    @property
    def is_changed(self) -> bool:
        return self.from_version != current_version()

    def to_dict(self) -> dict:
        return {
            "file": str(self.path),
            "kind": self.kind,
            "from_version": self.from_version,
            "to_version": current_version(),
            "filled": [a.field for a in self.filled],
            "to_supply": [
                {"field": a.field, "added_in": a.version, "description": a.description}
                for a in self.to_supply
            ],
        }


@dataclass(frozen=True)
class _Plan:
    migration: Migration
    original: bytes
    upgraded: dict


def migrate(paths: list[Path]) -> list[Migration]:
    """Upgrade every annotation document and sidecar in `paths` (files, or folders searched
    for them) to the current schema version; raises InvalidInputs, writing nothing, when
    any cannot be upgraded."""
    files = _documents(paths)
    plans, problems = [], []
    for path in files:
        plan = _plan(path)
        (problems if isinstance(plan, Problem) else plans).append(plan)
    if problems:
        raise InvalidInputs(problems)
    for plan in plans:
        if plan.migration.is_changed:
            _write(plan)
    return [plan.migration for plan in plans]


def _documents(paths: list[Path]) -> list[Path]:
    """The files `paths` name: files as given; in a raw corpus its sidecars and annotation
    documents; in any other folder every .json file under it."""
    files: list[Path] = []
    for path in paths:
        if not path.is_dir():
            files.append(path)
        elif (path / "policies").is_dir():
            corpus = RawCorpus(path)
            files += sorted(corpus.policies_dir.glob("*.json")) + corpus.annotation_paths()
        else:
            files += sorted(p for p in path.rglob("*.json") if p.is_file())
    return list(dict.fromkeys(files))


def _plan(path: Path) -> _Plan | Problem:
    file = str(path)
    if path.is_symlink():
        return Problem(
            file, "", "is a symbolic link", "migrate the file it points to, not the link"
        )
    data, problem = read_document_bytes(path)
    if problem:
        return problem
    doc, problem = parse_document(file, data)
    if problem:
        return problem
    kind = _kind(doc)
    if kind is None:
        return Problem(
            file,
            "",
            "is neither an annotation document (with practices) nor a policy sidecar "
            "(with segments)",
            "give annotation documents, sidecars or a raw corpus folder",
        )
    version = doc.get("schema_version")
    if version not in known_versions():
        message, hint = version_problem(version, kind, file)
        return Problem(file, "$.schema_version", message, hint)
    added = added_since(version, kind)
    upgraded = copy.deepcopy(doc)
    filled = [a for a in added if a.is_derivable and a.field not in doc]
    for field in filled:
        upgraded[field.field] = copy.deepcopy(field.fill)
    upgraded["schema_version"] = current_version()
    # An optional field added later (a sidecar's policy_group_id) is no one's to supply.
    required = load_schema(kind)["required"]
    to_supply = [a for a in added if a.field not in upgraded and a.field in required]
    order = list(load_schema(kind)["properties"])
    upgraded = {
        **{key: upgraded[key] for key in order if key in upgraded},
        **{key: value for key, value in upgraded.items() if key not in order},
    }
    return _Plan(Migration(path, kind, version, filled, to_supply), data, upgraded)


def _kind(doc: object) -> str | None:
    if isinstance(doc, dict) and "practices" in doc:
        return "annotation"
    if isinstance(doc, dict) and "segments" in doc:
        return "policy"
    return None


class ChangedMeanwhile(InvalidInputs):
    """A file changed between its reading and its upgrade; it was left as it is."""


def _write(plan: _Plan) -> None:
    path = plan.migration.path
    with exclusive(path):
        if path.read_bytes() != plan.original:
            raise ChangedMeanwhile(
                [
                    Problem(
                        str(path),
                        "",
                        "changed while migrate ran, so it was left as it is",
                        f"run `privacy-labels migrate {path}` again",
                    )
                ]
            )
        write_text_atomic(path, dump_json(plan.upgraded))
