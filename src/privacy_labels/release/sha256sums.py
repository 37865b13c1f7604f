"""SHA256SUMS: the sha256 manifest of a release, in the format `sha256sum -c` reads.

    privacy-labels verify releases/0.1.0

Every file of a release folder but SHA256SUMS itself is listed, one line each,
`<64 hex digits>  <path relative to the folder>`, sorted by path. A copy of a release
the package ships is verified against the shipped SHA256SUMS as well as its own, so a
file edited together with its checksum line is still found.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from privacy_labels._files import package_data, sha256_file
from privacy_labels.errors import PrivacyLabelsError

SHA256SUMS = "SHA256SUMS"
SEMVER = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)")
_LINE = re.compile(r"(?P<sha256>[0-9a-f]{64}) [ *](?P<path>\S.*)")


class ChecksumError(PrivacyLabelsError, ValueError):
    """SHA256SUMS is missing or malformed."""


def release_files(folder: Path) -> list[str]:
    """Every file of a release folder except SHA256SUMS, as sorted relative POSIX paths."""
    return sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and p.name != SHA256SUMS
    )


def write_sha256sums(folder: Path) -> Path:
    """Write `folder/SHA256SUMS` for every file in `folder`."""
    lines = [f"{sha256_file(folder / path)}  {path}\n" for path in release_files(folder)]
    target = folder / SHA256SUMS
    target.write_text("".join(lines), encoding="utf-8", newline="\n")
    return target


def read_sha256sums(path: Path) -> dict[str, str]:
    """Parse a SHA256SUMS file into {relative path: sha256}."""
    if not path.is_file():
        raise ChecksumError(f"{path} does not exist; is this a release folder?")
    sums: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = _LINE.fullmatch(line)
        if match is None or ".." in Path(match["path"]).parts or match["path"].startswith("/"):
            raise ChecksumError(
                f"{path}, line {number}: expected '<sha256>  <relative path>', got {line!r}"
            )
        sums[match["path"]] = match["sha256"]
    return sums


@dataclass(frozen=True)
class Mismatch:
    path: str
    status: str  # "changed" | "missing" | "extra"
    reference: str = SHA256SUMS  # the SHA256SUMS file it differs from

    @property
    def reason(self) -> str:
        return {
            "changed": f"changed (its sha256 differs from {self.reference})",
            "missing": f"missing (listed in {self.reference})",
            "extra": f"extra (not listed in {self.reference})",
        }[self.status]


def shipped_releases() -> Path:
    """The releases shipped with the installed package, else the source checkout's releases/."""
    return package_data("releases", "releases")


def shipped_sums(version: str) -> Path | None:
    """The SHA256SUMS the package ships for release `version`, if it ships that release."""
    file = shipped_releases() / version / SHA256SUMS
    return file if SEMVER.fullmatch(version) and file.is_file() else None


def claimed_versions(folder: Path) -> list[str]:
    """The versions a release folder says it is: its name, and the version its
    datapackage.json declares. (Not the manifest's package_version: that is the version of
    the package that built the tables, which a new release is cut with before it is bumped.)"""
    claimed = [folder.resolve().name]
    try:
        datapackage = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
        claimed.append(str(datapackage["version"]))
    except (OSError, ValueError, KeyError, TypeError):
        pass  # no readable datapackage.json: the name alone says the version
    return sorted({v for v in claimed if SEMVER.fullmatch(v)})


@dataclass(frozen=True)
class Verification:
    """What `verify` compared a release folder with, and every file that differs."""

    folder: Path
    references: list[Path]  # the SHA256SUMS files checked against, the folder's own first
    is_shipped: bool  # the package ships this folder's version (references name it)
    mismatches: list[Mismatch] = field(default_factory=list)

    @property
    def is_intact(self) -> bool:
        return not self.mismatches


def verify_release(folder: Path) -> Verification:
    """Verify a release folder against its own SHA256SUMS and, for a version the package
    ships, against the shipped one: each file must match both."""
    own = folder / SHA256SUMS
    references = [own]
    shipped = [s for s in map(shipped_sums, claimed_versions(folder)) if s is not None]
    references += [s for s in shipped if s.resolve() != own.resolve()]
    found: dict[tuple[str, str], Mismatch] = {}
    for reference in references:
        for mismatch in verify(folder, reference):
            found.setdefault((mismatch.path, mismatch.status), mismatch)
    return Verification(folder, references, bool(shipped), [found[key] for key in sorted(found)])


def verify(folder: Path, sums: Path | None = None) -> list[Mismatch]:
    """Recompute every checksum of a release folder against `sums` (by default the folder's
    own SHA256SUMS); [] when it is intact."""
    sums = folder / SHA256SUMS if sums is None else sums
    reference = SHA256SUMS if sums == folder / SHA256SUMS else str(sums)
    expected = read_sha256sums(sums)
    present = set(release_files(folder))
    mismatches = [
        Mismatch(path, "missing" if path not in present else "changed", reference)
        for path, sha256 in expected.items()
        if path not in present or sha256_file(folder / path) != sha256
    ]
    mismatches += [Mismatch(path, "extra", reference) for path in sorted(present - expected.keys())]
    return sorted(mismatches, key=lambda m: m.path)


def release_versions(releases: Path) -> list[str]:
    """Versions released under `releases` (MAJOR.MINOR.PATCH folders with a SHA256SUMS), oldest first."""
    found = [
        p.name
        for p in releases.glob("*")
        if SEMVER.fullmatch(p.name) and (p / SHA256SUMS).is_file()
    ]
    return sorted(found, key=lambda v: tuple(int(part) for part in v.split(".")))
