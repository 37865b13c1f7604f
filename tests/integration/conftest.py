"""A release of the repository's current data, cut once per session into a temporary folder,
so that every consumer test and the metadata tests read what `privacy-labels release` would
commit next, without touching `releases/`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from privacy_labels.release.cut import release
from privacy_labels.release.sha256sums import release_versions
from tests.conftest import REPO


@dataclass(frozen=True)
class CurrentRelease:
    root: Path  # a repository-shaped folder: CHANGELOG.md, CITATION.cff, .zenodo.json, releases/
    folder: Path  # root / "releases" / version
    version: str


def next_minor(versions: list[str]) -> str:
    major, minor, _ = (int(part) for part in (versions[-1] if versions else "0.0.0").split("."))
    return f"{major}.{minor + 1}.0"


@pytest.fixture(scope="session")
def current_release(tmp_path_factory) -> CurrentRelease:
    version = next_minor(release_versions(REPO / "releases"))
    root = tmp_path_factory.mktemp("current-release")
    changelog = root / "CHANGELOG.md"
    changelog.write_text(
        f"# Changelog\n\n## [{version}] - 2026-12-01\n\n- The repository's current data.\n",
        encoding="utf-8",
    )
    result = release(
        version,
        raw=REPO / "data" / "raw",
        releases=root / "releases",
        changelog=changelog,
        citation=root / "CITATION.cff",
        metadata=REPO / "metadata" / "dataset.toml",
        progress=False,
    )
    return CurrentRelease(root, result.folder, version)
