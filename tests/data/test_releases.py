"""The committed releases: intact, listed in the changelog, and cited by the repository."""

from __future__ import annotations

import shutil

import pytest

from privacy_labels.checksums import release_versions, verify
from privacy_labels.release import changelog_entry
from tests.conftest import REPO

RELEASES = REPO / "releases"
VERSIONS = release_versions(RELEASES)


def test_there_is_a_release():
    assert "0.1.0" in VERSIONS


@pytest.mark.parametrize("version", VERSIONS)
def test_a_committed_release_is_intact(version):
    assert verify(RELEASES / version) == []


@pytest.mark.parametrize("version", VERSIONS)
def test_a_release_has_its_changelog_entry(version):
    date, notes = changelog_entry(REPO / "CHANGELOG.md", version)
    card = (RELEASES / version / "README.md").read_text(encoding="utf-8")
    assert f"Released {date}." in card
    assert notes in card


def test_the_repository_cites_the_latest_release():
    latest = RELEASES / VERSIONS[-1] / "CITATION.cff"
    assert (REPO / "CITATION.cff").read_text(encoding="utf-8") == latest.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "path",
    sorted(p.relative_to(RELEASES).as_posix() for p in RELEASES.rglob("*") if p.is_file()),
)
def test_verify_names_any_file_with_a_flipped_byte(path, tmp_path, run):
    version, name = path.split("/", 1)
    copy = shutil.copytree(RELEASES / version, tmp_path / version)
    data = bytearray((copy / name).read_bytes())
    data[len(data) // 2] ^= 0x01
    (copy / name).write_bytes(bytes(data))
    code, _, err = run("verify", copy)
    assert code == 1
    if name == "SHA256SUMS":  # a damaged manifest: a line no longer parses or no longer matches
        assert "SHA256SUMS" in err or "changed" in err or "missing" in err
    else:
        assert f"{name}: changed" in err
