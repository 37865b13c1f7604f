"""SHA256SUMS and `privacy-labels verify`: every changed, missing or extra file is named."""

from __future__ import annotations

import json
import subprocess

import pytest

from privacy_labels.release.sha256sums import (
    ChecksumError,
    read_sha256sums,
    verify,
    write_sha256sums,
)


@pytest.fixture
def release(tmp_path):
    folder = tmp_path / "1.0.0"
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
    assert report["mismatches"] == [
        {"path": "notes.txt", "status": "extra"},
        {"path": "practices.csv", "status": "missing"},
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
