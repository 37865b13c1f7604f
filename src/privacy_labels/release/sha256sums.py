"""SHA256SUMS: the sha256 manifest of a release, in the format `sha256sum -c` reads.

    privacy-labels verify releases/0.1.0

Every file of a release folder but SHA256SUMS itself is listed, one line each,
`<64 hex digits>  <path relative to the folder>`, sorted by path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from privacy_labels._files import sha256_file
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

    @property
    def reason(self) -> str:
        return {
            "changed": "changed (its sha256 differs from SHA256SUMS)",
            "missing": "missing (listed in SHA256SUMS)",
            "extra": "extra (not listed in SHA256SUMS)",
        }[self.status]


def verify(folder: Path) -> list[Mismatch]:
    """Recompute every checksum of a release folder; [] when it is intact."""
    expected = read_sha256sums(folder / SHA256SUMS)
    present = set(release_files(folder))
    mismatches = [
        Mismatch(path, "missing" if path not in present else "changed")
        for path, sha256 in expected.items()
        if path not in present or sha256_file(folder / path) != sha256
    ]
    mismatches += [Mismatch(path, "extra") for path in sorted(present - expected.keys())]
    return sorted(mismatches, key=lambda m: m.path)


def release_versions(releases: Path) -> list[str]:
    """Versions released under `releases` (MAJOR.MINOR.PATCH folders with a SHA256SUMS), oldest first."""
    found = [
        p.name
        for p in releases.glob("*")
        if SEMVER.fullmatch(p.name) and (p / SHA256SUMS).is_file()
    ]
    return sorted(found, key=lambda v: tuple(int(part) for part in v.split(".")))
