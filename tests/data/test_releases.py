"""The committed releases: intact, listed in the changelog, and cited by the repository."""

from __future__ import annotations

import json
import re
import shutil

import pandas as pd
import pytest

import privacy_labels as pl
from privacy_labels.release.cut import changelog_entry
from privacy_labels.release.metadata import LICENSE_FILE, ZENODO_FILE, load_facts
from privacy_labels.release.sha256sums import release_versions, verify
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


def _citation(path) -> list[str]:
    """A CITATION.cff's data: every line but the comments of its header."""
    return [
        line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")
    ]


def test_the_repository_cites_the_latest_release():
    """Field for field; the header's comment is the current generator's (a release is
    immutable, so an older release keeps the comment it was cut with)."""
    latest = RELEASES / VERSIONS[-1] / "CITATION.cff"
    assert _citation(REPO / "CITATION.cff") == _citation(latest)


def test_the_citation_header_names_files_that_exist():
    header = [
        line
        for line in (REPO / "CITATION.cff").read_text(encoding="utf-8").splitlines()
        if line.startswith("#")
    ]
    named = re.findall(r"[\w./-]+\.(?:py|toml)", " ".join(header))
    assert named, "the header says what to edit instead"
    assert [path for path in named if not (REPO / path).is_file()] == []


def test_the_repository_archives_the_latest_release():
    """.zenodo.json, like CITATION.cff, is the latest release's (releases before 0.2.0 have none)."""
    latest, repository = RELEASES / VERSIONS[-1] / ZENODO_FILE, REPO / ZENODO_FILE
    if latest.is_file():
        assert repository.read_bytes() == latest.read_bytes()
        assert json.loads(repository.read_text(encoding="utf-8"))["version"] == VERSIONS[-1]
    else:
        assert not repository.exists(), f"{repository} describes no release; it is generated"


@pytest.mark.parametrize("version", VERSIONS)
def test_every_table_loads_from_every_release_with_its_own_columns_and_labels(version):
    """Each table a release holds loads whole, every column its datapackage.json describes,
    and no label lost: a label column's categories are the release's own (0.1.0 and 0.2.0,
    from before schemes/, by their datapackage.json), never the installed package's."""
    n_rows = json.loads((RELEASES / version / "manifest.json").read_text())["n_rows"]
    package = json.loads((RELEASES / version / "datapackage.json").read_text())
    for resource in package["resources"]:
        frame = pl.load(resource["name"], version=version)
        assert len(frame) == n_rows[resource["name"]]
        fields = resource["schema"]["fields"]
        assert list(frame.columns) == [f["name"] for f in fields]
        for field in fields:
            if "enum" in field.get("constraints", {}):
                column = frame[field["name"]]
                assert list(column.cat.categories) == field["constraints"]["enum"]
                assert (
                    column.isna().sum()
                    == pd.read_parquet(
                        RELEASES / version / f"{resource['name']}.parquet", columns=[field["name"]]
                    )[field["name"]]
                    .isna()
                    .sum()
                )


def test_the_readme_states_both_licences():
    facts = load_facts(REPO / "metadata" / "dataset.toml")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    licence = readme[readme.index("\n## License") :]
    spdx = facts["licenses"]["annotations"]["spdx"]  # CC-BY-4.0, written CC BY 4.0
    assert spdx.replace("-", " ") in licence
    assert "`license` column" in licence and LICENSE_FILE in licence


def _flip_a_byte(file):
    data = bytearray(file.read_bytes())
    data[len(data) // 2] ^= 0x01
    file.write_bytes(bytes(data))


def _truncate(file):
    file.write_bytes(file.read_bytes()[: file.stat().st_size // 2])


DAMAGES = {"flipped-byte": _flip_a_byte, "truncated": _truncate, "missing": lambda f: f.unlink()}
RELEASE_FILES = sorted(
    p.relative_to(RELEASES).as_posix() for p in RELEASES.rglob("*") if p.is_file()
)


@pytest.mark.parametrize("damage", DAMAGES)
@pytest.mark.parametrize("path", RELEASE_FILES)
def test_verify_names_every_damaged_file(path, damage, tmp_path, run):
    version, name = path.split("/", 1)
    copy = shutil.copytree(RELEASES / version, tmp_path / version)
    DAMAGES[damage](copy / name)
    code, out, err = run("verify", copy)
    assert code == 1 and "Traceback" not in out + err
    if name == "SHA256SUMS":  # the manifest itself: its loss or damage is named
        assert "SHA256SUMS" in err
    else:
        status = "missing" if damage == "missing" else "changed"
        assert err.splitlines()[0] == f"{copy / name}: {status}" + (
            " (listed in SHA256SUMS)"
            if status == "missing"
            else " (its sha256 differs from SHA256SUMS)"
        )


@pytest.mark.parametrize("version", sorted({p.split("/")[0] for p in RELEASE_FILES}))
def test_verify_names_an_extra_file(version, tmp_path, run):
    copy = shutil.copytree(RELEASES / version, tmp_path / version)
    (copy / "data" / "extra.csv").parent.mkdir(exist_ok=True)
    (copy / "data" / "extra.csv").write_text("smuggled")
    code, _, err = run("verify", copy)
    assert code == 1
    assert f"{copy / 'data' / 'extra.csv'}: extra (not listed in SHA256SUMS)" in err
