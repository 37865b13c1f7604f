"""SHA256SUMS and `privacy-labels verify`: every changed, missing or extra file is named."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from privacy_labels.release.sha256sums import (
    SHA256SUMS,
    ChecksumError,
    read_sha256sums,
    shipped_sums,
    verify,
    write_sha256sums,
)


@pytest.fixture
def release(tmp_path):
    folder = tmp_path / "99.0.0"  # a version the package does not ship
    (folder / "schema").mkdir(parents=True)
    (folder / "practices.csv").write_text("practice_id\np-1\n", encoding="utf-8")
    (folder / "schema" / "taxonomy.schema.json").write_text("{}\n", encoding="utf-8")
    write_sha256sums(folder)
    return folder


def test_sha256sum_reads_the_file(release):
    done = subprocess.run(
        ["sha256sum", "-c", "SHA256SUMS"], cwd=release, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "schema/taxonomy.schema.json: OK" in done.stdout


def test_an_intact_release_verifies(release, run):
    assert verify(release) == []
    code, out, _ = run("verify", release)
    assert code == 0
    assert "intact" in out
    assert "not a release this package ships, so only its own checksums" in out


@pytest.fixture
def copy_of_0_2_0(tmp_path):
    """A copy of the shipped release 0.2.0, under a name that does not say its version."""
    assert shipped_sums("0.2.0") is not None
    copy = tmp_path / "downloaded"
    shutil.copytree(shipped_sums("0.2.0").parent, copy)
    return copy


def test_a_copy_of_a_shipped_release_verifies_against_both_references(copy_of_0_2_0, run):
    code, out, _ = run("verify", copy_of_0_2_0, "--format", "json")
    report = json.loads(out)
    assert code == 0 and report["is_intact"] is True
    assert report["references"] == [str(copy_of_0_2_0 / SHA256SUMS), str(shipped_sums("0.2.0"))]


def test_a_file_doctored_with_its_checksum_line_is_found(copy_of_0_2_0, run):
    splits = copy_of_0_2_0 / "splits.csv"
    splits.write_bytes(splits.read_bytes().replace(b'"test"', b'"train"', 1))
    write_sha256sums(copy_of_0_2_0)  # the copy's own SHA256SUMS now agrees with the edit
    assert verify(copy_of_0_2_0) == []
    code, _, err = run("verify", copy_of_0_2_0)
    assert code == 1
    assert f"splits.csv: changed (its sha256 differs from {shipped_sums('0.2.0')})" in err
    assert f"verified against {copy_of_0_2_0 / SHA256SUMS} and {shipped_sums('0.2.0')}" in err


def test_the_version_is_the_releases_own_not_the_building_packages(copy_of_0_2_0, run):
    """A new release is cut by a package still at the last release's version: its manifest
    says package_version 0.2.0, its datapackage.json the version it is. It verifies
    against its own checksums, not 0.2.0's."""
    datapackage = copy_of_0_2_0 / "datapackage.json"
    data = json.loads(datapackage.read_text(encoding="utf-8"))
    datapackage.write_text(json.dumps({**data, "version": "0.3.0"}), encoding="utf-8")
    write_sha256sums(copy_of_0_2_0)
    manifest = json.loads((copy_of_0_2_0 / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["package_version"] == "0.2.0"
    code, out, _ = run("verify", copy_of_0_2_0, "--format", "json")
    report = json.loads(out)
    assert code == 0 and report["is_shipped"] is False
    assert report["references"] == [str(copy_of_0_2_0 / SHA256SUMS)]


@pytest.mark.parametrize("offset", [0, -1])
def test_a_flipped_byte_is_named(release, run, offset):
    file = release / "schema" / "taxonomy.schema.json"
    data = bytearray(file.read_bytes())
    data[offset] ^= 0x01
    file.write_bytes(bytes(data))
    code, _, err = run("verify", release)
    assert code == 1
    assert "schema/taxonomy.schema.json: changed" in err


def test_missing_and_extra_files_are_named(release, run):
    (release / "practices.csv").unlink()
    (release / "notes.txt").write_text("added later\n", encoding="utf-8")
    code, out, _ = run("verify", release, "--format", "json")
    assert code == 1
    report = json.loads(out)
    assert report["is_intact"] is False
    assert report["references"] == [str(release / SHA256SUMS)]
    assert report["mismatches"] == [
        {"path": "notes.txt", "status": "extra", "reference": SHA256SUMS},
        {"path": "practices.csv", "status": "missing", "reference": SHA256SUMS},
    ]


def test_a_folder_without_sha256sums_is_refused(tmp_path, run):
    code, _, err = run("verify", tmp_path)
    assert code == 1
    assert "SHA256SUMS does not exist" in err


@pytest.mark.parametrize(
    "line", ["not a checksum line", f"{'0' * 64}  ../outside.csv", f"{'0' * 63}  short.csv"]
)
def test_a_malformed_line_is_refused_with_its_number(tmp_path, line):
    sums = tmp_path / "SHA256SUMS"
    sums.write_text(f"{'a' * 64}  ok.csv\n{line}\n", encoding="utf-8")
    with pytest.raises(ChecksumError, match="line 2"):
        read_sha256sums(sums)
