"""Faults of the machine, not the data: one line naming the file or the cause, the right exit
code, the previous output byte-identical and no staging left beside it.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from privacy_labels import _files
from tests.conftest import FIXTURE_RAW, REPO


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


@pytest.fixture
def labeled(tmp_path, run):
    out = tmp_path / "labeled"
    assert run("build", "--quiet", "--raw", FIXTURE_RAW, "--out", out)[0] == 0
    return out


@pytest.fixture
def previous_site(tmp_path, labeled, run):
    """An earlier report: the output a failed run must leave as it was."""
    site = tmp_path / "site"
    assert run("report", labeled, "--out", site)[0] == 0
    return site


def failing(code: int, text: str):
    def fail(self, *args, **kwargs):
        raise OSError(code, text, str(self))

    return fail


@pytest.mark.parametrize(
    ("code", "text", "cure"),
    [
        (errno.ENOSPC, "No space left on device", "the disk is full; free some space"),
        (errno.EROFS, "Read-only file system", "the file system is read-only; write elsewhere"),
        (errno.EACCES, "Permission denied", "permission denied; write elsewhere"),
    ],
    ids=["disk-full", "read-only", "permission-denied"],
)
def test_a_write_that_fails_is_one_line_and_keeps_the_previous_output(
    run, monkeypatch, tmp_path, labeled, previous_site, code, text, cure
):
    before = snapshot(previous_site)
    monkeypatch.setattr(Path, "write_text", failing(code, text))  # simulated: as the OS says it
    status, _, err = run("report", labeled, "--out", previous_site)
    assert status == 1
    line = one_line(err)
    assert (
        line.startswith("report stopped: ")
        and cure in line
        and line.endswith("; outputs are unchanged")
    )
    assert str(previous_site.parent) in line  # names the file it could not write
    assert snapshot(previous_site) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["labeled", "site"]


def test_a_folder_that_cannot_be_created_is_one_line(run, monkeypatch, tmp_path, labeled):
    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system", str(tmp_path / "site"))

    monkeypatch.setattr(_files.tempfile, "mkdtemp", read_only)
    status, _, err = run("report", labeled, "--out", tmp_path / "site")
    assert status == 1
    assert "the file system is read-only" in one_line(err)
    assert not (tmp_path / "site").exists()


@pytest.fixture
def small_disk(tmp_path):
    """A 1 MB tmpfs, where this test may mount one (root, Linux); else the test is skipped
    (the simulated faults above cover the same code)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if sys.platform != "linux" or os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a tmpfs needs root on Linux")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(disk)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def test_a_real_full_disk_and_read_only_mount(run, small_disk, labeled):
    out = small_disk / "export"
    assert run("export", "label-studio", "--raw", FIXTURE_RAW, "--out", out)[0] == 0
    before = snapshot(out)
    # Fill the disk, leaving less than a second copy of the output needs.
    fd = os.open(small_disk / "filler", os.O_WRONLY | os.O_CREAT)
    try:
        while os.write(fd, b"\0" * 4096):
            pass
    except OSError as error:
        assert error.errno == errno.ENOSPC
    finally:
        os.close(fd)
    status, _, err = run("export", "label-studio", "--raw", FIXTURE_RAW, "--out", out)
    assert status == 1
    line = one_line(err)
    assert "the disk is full" in line and str(small_disk) in line
    assert snapshot(out) == before
    assert sorted(p.name for p in small_disk.iterdir()) == ["export", "filler"]

    (small_disk / "filler").unlink()
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    status, _, err = run("export", "label-studio", "--raw", FIXTURE_RAW, "--out", out)
    assert status == 1
    assert "the file system is read-only" in one_line(err)
    assert snapshot(out) == before


def test_a_missing_optional_dependency_names_the_extra(run, monkeypatch, labeled, tmp_path):
    monkeypatch.setitem(sys.modules, "great_expectations", None)  # as after a plain install
    status, _, err = run("check", labeled, "--report", tmp_path / "quality")
    assert status == 1
    assert one_line(err) == (
        "check needs great_expectations, which is not installed: "
        "pip install 'privacy-labels[check]'"
    )
    assert not (tmp_path / "quality").exists()


def test_an_interrupt_midway_keeps_the_previous_output(run, monkeypatch, tmp_path, labeled):
    before = snapshot(labeled)
    from privacy_labels.builder import pipeline as build

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(build, "manifest_of", interrupted)  # after every table is staged
    status, _, err = run("build", "--quiet", "--force", "--raw", FIXTURE_RAW, "--out", labeled)
    assert status == 130
    assert one_line(err) == "interrupted; outputs are unchanged"
    assert snapshot(labeled) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["labeled"]


@pytest.mark.slow
def test_ctrl_c_at_any_moment_is_one_line_and_exit_130(tmp_path):
    """SIGINT to the whole process group (as a terminal sends it) from start-up to the end."""
    out = tmp_path / "out"
    command = [
        *(sys.executable, "-m", "privacy_labels.cli.app"),
        *("build", "--quiet", "--workers", "2", "--raw", REPO / "data" / "raw", "--out", out),
    ]
    started = time.monotonic()
    subprocess.run(command, check=True, capture_output=True)
    duration = time.monotonic() - started
    previous = snapshot(out)
    for trial in range(8):
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
        )
        time.sleep(duration * trial / 8)
        with __import__("contextlib").suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGINT)
        _, err = process.communicate(timeout=60)
        err = err.decode()
        assert "Traceback" not in err, f"trial {trial}: {err}"
        assert process.returncode in (0, 130, -signal.SIGINT), (trial, process.returncode, err)
        assert len(err.strip().splitlines()) <= 1, err
        assert snapshot(out) == previous
        assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
