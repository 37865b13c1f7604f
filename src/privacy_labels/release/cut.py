"""Cut an immutable, citable release: rebuild, gate, describe, checksum.

    privacy-labels release 0.2.0

Versions follow semver for data: patch = documentation only; minor = new or
corrected data; major = renamed or removed tables, columns or labels. A
release needs a `## [VERSION] - YYYY-MM-DD` entry in CHANGELOG.md, whose date
becomes the release date (so a rebuilt release has the same bytes). It
rebuilds the tables from `data/raw/`, runs the quality gate, and writes
`releases/VERSION/`: the tables, `manifest.json`, the schema, the gate's
`quality/result.json`, the metadata of describe.py (`datapackage.json`,
`croissant.json`, a dataset card `README.md` with a datasheet, `LICENSE.md`,
`CITATION.cff`, `datacite.json`, `.zenodo.json`), described from
`metadata/dataset.toml` and the tables, and `SHA256SUMS`. An existing or lower
version is refused, and so is a bump smaller than the changes since the last
release need; the repository's `CITATION.cff` and `.zenodo.json` beside it are
updated to the new release.
"""

from __future__ import annotations

import datetime
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from privacy_labels._files import (
    claim_output,
    exclusive,
    project_folder,
    replace_dir_when_done,
    write_text_atomic,
)
from privacy_labels._json import dump_json
from privacy_labels.builder.pipeline import MANIFEST, BuildSettings, write_tables
from privacy_labels.contract.schema import SCHEMA_NAMES, schema_path
from privacy_labels.errors import PrivacyLabelsError
from privacy_labels.quality.gate import RESULT, GateResult, check, summary
from privacy_labels.raw.corpus import (
    DEFAULT_CHANGELOG,
    DEFAULT_CITATION,
    DEFAULT_METADATA,
    DEFAULT_RELEASES,
)
from privacy_labels.release.describe import write_metadata
from privacy_labels.release.metadata import ZENODO_FILE, Release, load_facts
from privacy_labels.release.sha256sums import (
    SEMVER,
    SHA256SUMS,
    read_sha256sums,
    release_versions,
    verify,
    write_sha256sums,
)

QUALITY = "quality"
_BUMPS = ("major", "minor", "patch")


class ReleaseError(PrivacyLabelsError):
    """The release cannot be cut; nothing was written."""


class GateFailed(ReleaseError):
    """The rebuilt tables fail the quality gate; `result` says which checks."""

    def __init__(self, result: GateResult):
        super().__init__(f"the quality gate failed {len(result.failures)} check(s)")
        self.result = result

    def details(self) -> list[str]:
        return [summary(self.result)]

    def to_dict(self) -> dict:
        return {"check": self.result.to_dict()}


def parse_version(version: str) -> tuple[int, int, int]:
    match = SEMVER.fullmatch(version)
    if match is None:
        raise ReleaseError(f"version {version!r} is not MAJOR.MINOR.PATCH (e.g. 0.2.0)")
    return tuple(int(part) for part in match.groups())  # type: ignore[return-value]


def changelog_entry(changelog: Path, version: str) -> tuple[str, str]:
    """The (date, text) of the `## [VERSION] - YYYY-MM-DD` section of a Keep-a-Changelog file."""
    if not changelog.is_file():
        raise ReleaseError(f"{changelog} does not exist; a release needs a changelog entry")
    text = changelog.read_text(encoding="utf-8")
    heading = re.compile(
        rf"^## \[{re.escape(version)}\] - (?P<date>\d{{4}}-\d{{2}}-\d{{2}})[ \t]*$", re.MULTILINE
    )
    match = heading.search(text)
    if match is None:
        raise ReleaseError(
            f"{changelog} has no entry for {version}; add a section headed "
            f"'## [{version}] - YYYY-MM-DD' saying what changed, then release again"
        )
    try:
        datetime.date.fromisoformat(match["date"])
    except ValueError:
        raise ReleaseError(
            f"{changelog}: {match['date']} in the {version} heading is not a date"
        ) from None
    following = re.compile(r"^## ", re.MULTILINE).search(text, match.end())
    notes = text[match.end() : following.start() if following else len(text)].strip()
    if not notes:
        raise ReleaseError(f"{changelog}: the entry for {version} is empty; say what changed")
    return match["date"], notes


def required_bump(previous: Path, new: Path) -> str:
    """The smallest semver bump from release folder `previous` to `new`.

    "major" when a table, column or label of `previous` is gone from `new`
    (as their datapackage.json describe them), "minor" when any table's bytes
    changed or a table, column or label was added, else "patch".
    """

    def contract(folder: Path) -> set[tuple]:
        package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
        return {
            (resource["name"], field["name"], label)
            for resource in package["resources"]
            for field in resource["schema"]["fields"]
            for label in field.get("constraints", {}).get("enum", [None])
        }

    def tables(folder: Path) -> dict[str, str]:
        sums = read_sha256sums(folder / SHA256SUMS)
        return {path: digest for path, digest in sums.items() if path.endswith(".parquet")}

    before, after = contract(previous), contract(new)
    if before - after:
        return "major"
    return "minor" if after - before or tables(previous) != tables(new) else "patch"


def bump(previous: str, version: str) -> str:
    """Which part of `previous` the new `version` raises: "major", "minor" or "patch"."""
    old, new = parse_version(previous), parse_version(version)
    return "major" if new[0] > old[0] else "minor" if new[1] > old[1] else "patch"


@dataclass(frozen=True)
class ReleaseResult:
    folder: Path
    version: str
    date: str
    n_rows: dict[str, int]
    citation: Path  # the repository's citation file it updated
    finished_interrupted: bool = False  # only CITATION.cff was left to write


def release(
    version: str,
    *,
    raw: Path,
    releases: Path | None = None,
    changelog: Path | None = None,
    citation: Path | None = None,
    metadata: Path | None = None,
    progress: bool | None = None,
) -> ReleaseResult:
    """Write `releases/<version>/`; raises ReleaseError, writing nothing, when it cannot.

    `citation` is the repository's CITATION.cff; `.zenodo.json` beside it is
    updated too. `metadata` holds the facts the tables cannot tell. Paths not
    given are the defaults in the project of `raw` (see _files.project_folder):
    releases/, CHANGELOG.md, CITATION.cff and metadata/dataset.toml.

    One release runs at a time per releases folder (Busy otherwise). A run
    killed after the folder was in place but before CITATION.cff was updated
    is finished by running it again.
    """
    parse_version(version)
    root = project_folder(raw)
    releases = root / DEFAULT_RELEASES if releases is None else releases
    changelog = root / DEFAULT_CHANGELOG if changelog is None else changelog
    citation = root / DEFAULT_CITATION if citation is None else citation
    metadata = root / DEFAULT_METADATA if metadata is None else metadata
    target = releases / version
    # The releases folder is the output: it may hold releases only, and never the inputs.
    inputs = {"raw corpus": raw, "changelog": changelog, "citation file": citation}
    claim_output(releases, "release", inputs)
    with exclusive(releases):
        if target.exists():
            return _finish_interrupted(target, version, changelog, citation)
        previous = release_versions(releases)
        if previous and parse_version(previous[-1]) >= parse_version(version):
            raise ReleaseError(f"{version} is not above the latest release, {previous[-1]}")
        date, notes = changelog_entry(changelog, version)
        facts = load_facts(metadata)
        _refuse_foreign_zenodo(releases, previous, citation.parent / ZENODO_FILE)
        # The lock on the releases folder covers the new release's folder.
        with replace_dir_when_done(target, lock=False) as staging:
            built = write_tables(raw, staging, BuildSettings(progress=progress))
            gate = check(staging)
            if not gate.success:
                raise GateFailed(gate)
            (staging / QUALITY).mkdir()
            (staging / QUALITY / RESULT).write_text(dump_json(gate.to_dict()), encoding="utf-8")
            (staging / "schema").mkdir()
            for name in SCHEMA_NAMES:
                shutil.copyfile(schema_path(name), staging / "schema" / f"{name}.schema.json")
            write_metadata(Release(staging, version, date, notes, built.n_rows, facts, raw))
            write_sha256sums(staging)
            if previous:
                needed, given = (
                    required_bump(releases / previous[-1], staging),
                    bump(previous[-1], version),
                )
                if _BUMPS.index(given) > _BUMPS.index(needed):
                    raise ReleaseError(
                        f"the changes since {previous[-1]} need a {needed} release (semver for "
                        "data: major = a table, column or label removed or renamed; minor = new "
                        f"or corrected data), not a {given} one; release a higher version"
                    )
        _update_repository_citation(target, citation)
    return ReleaseResult(target, version, date, built.n_rows, citation)


def _refuse_foreign_zenodo(releases: Path, versions: list[str], zenodo: Path) -> None:
    """A .zenodo.json that no release wrote is someone's own: never overwrite it."""
    if not zenodo.exists():
        return
    ours = (releases / version / ZENODO_FILE for version in versions)
    if not any(own.is_file() and own.read_bytes() == zenodo.read_bytes() for own in ours):
        raise ReleaseError(
            f"{zenodo} was not written by a release (it differs from every release's) and "
            "would be replaced; move it away (its facts belong in metadata/dataset.toml), "
            "then release again"
        )


def _update_repository_citation(release_folder: Path, citation: Path) -> None:
    """The repository's CITATION.cff and .zenodo.json become the release's (.zenodo.json first,
    so that a CITATION.cff equal to the release's means both were written)."""
    own_zenodo = release_folder / ZENODO_FILE
    if own_zenodo.is_file():  # releases before 0.2.0 have none
        write_text_atomic(citation.parent / ZENODO_FILE, own_zenodo.read_text(encoding="utf-8"))
    write_text_atomic(citation, (release_folder / "CITATION.cff").read_text(encoding="utf-8"))


def _finish_interrupted(
    target: Path, version: str, changelog: Path, citation: Path
) -> ReleaseResult:
    """Finish a release whose run was killed between its folder and CITATION.cff; else refuse.

    Its own CITATION.cff is what the repository's must become, so the folder,
    once intact and the latest release, holds all that is left to do.
    """
    own = target / "CITATION.cff"
    own_citation = own.read_bytes() if own.is_file() else None
    is_latest = release_versions(target.parent)[-1:] == [version]
    if (
        own_citation is None
        or not is_latest
        or verify(target)
        or (citation.is_file() and citation.read_bytes() == own_citation)
    ):
        raise ReleaseError(
            f"{target} already exists and releases are immutable; "
            "add a CHANGELOG.md entry for a new version and release that"
        )
    _update_repository_citation(target, citation)
    manifest = json.loads((target / MANIFEST).read_text(encoding="utf-8"))
    date, _ = changelog_entry(changelog, version)
    return ReleaseResult(
        target, version, date, manifest["n_rows"], citation, finished_interrupted=True
    )
