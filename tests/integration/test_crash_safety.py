"""`build` killed with SIGKILL at chosen and random moments, and run twice at once (`release`:
test_crash_safety_release.py, with the helpers here).

After every kill the output path holds the previous output or the complete new
one, byte for byte, never a part; and the next run succeeds.
"""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from privacy_labels._files import exclusive
from tests.conftest import REPO

# The moments a run is killed at, one a trial: "start" (at once: nothing of it written yet),
# "staging" (as soon as its staging folder appears: killed while writing, for certain),
# "run" (at random over its whole run) and "window" (at random while its staging folder
# lives: writing and swap). The first two give a known outcome that each trial asserts;
# the random ones may land anywhere, the swap included, and each must leave the old output
# or the new one. Each release trial runs the gate twice (killed, then the rerun), so the
# release gets fewer random trials than the build.
BUILD_MOMENTS = ("start", "staging", *("run", "window") * 5)
RELEASE_MOMENTS = ("start", "staging", "run", "window", "run", "window")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and flock are POSIX"),
]


def cli(*args: object) -> list[str]:
    return [sys.executable, "-m", "privacy_labels.cli.app", *map(str, args)]


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` by relative path; {} when it does not exist."""
    if not folder.exists():
        return {}
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def leftovers(target: Path) -> list[str]:
    """Staging folders of interrupted runs beside `target` (hidden, never at its path)."""
    return sorted(p.name for p in target.parent.glob(f".{target.name}.*.tmp"))


def timed_run(command: list[str], target: Path) -> tuple[float, float]:
    """Run `command` whole: its duration, and how long its staging folder beside `target` lived."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    started = time.monotonic()
    staged = unstaged = None
    while process.poll() is None:
        now, staging = time.monotonic(), leftovers(target)
        if staging and staged is None:
            staged = now
        if not staging and staged is not None and unstaged is None:
            unstaged = now
        time.sleep(0.002)
    assert process.returncode == 0
    ended = time.monotonic()
    assert staged is not None, "the run never staged its output"
    return ended - started, (unstaged or ended) - staged


def kill_at(
    command: list[str],
    target: Path,
    moment: str,
    rng: random.Random,
    *,
    duration: float,
    window: float,
) -> None:
    """Start `command` and SIGKILL it at `moment` (see BUILD_MOMENTS)."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if moment == "run":
        time.sleep(rng.uniform(0, duration))
    elif moment in ("staging", "window"):
        while not leftovers(target) and process.poll() is None:
            time.sleep(0.001)
        assert process.poll() is None, "the run ended before it was killed"
        if moment == "window":
            time.sleep(rng.uniform(0, window))
    else:
        assert moment == "start", moment
    process.send_signal(signal.SIGKILL)
    process.wait()


def assert_known_outcome(moment: str, trial: int, is_old: bool, staged: list[str]) -> None:
    """A run killed at once left nothing; one killed as its staging folder appeared left
    the old output and its staging folder (which the next run clears)."""
    if moment == "start":
        assert is_old and staged == [], f"trial {trial}: killed at once, yet it wrote"
    elif moment == "staging":
        assert is_old and staged, f"trial {trial}: killed while staging, yet {staged=}"


def test_build_killed_at_random_leaves_old_or_new_output(tmp_path):
    raw, raw_old = tmp_path / "raw", tmp_path / "raw-old"
    shutil.copytree(REPO / "data" / "raw", raw)
    # The previous output lacks one policy, so old and new differ in every table.
    shutil.copytree(raw, raw_old)
    dropped = sorted((raw_old / "policies").glob("*.json"))[0].stem
    for path in (raw_old / "policies").glob(f"{dropped}.*"):
        path.unlink()
    shutil.rmtree(raw_old / "annotations" / dropped)

    pristine, expected, out = (
        tmp_path / "pristine",
        tmp_path / "expected",
        tmp_path / "work" / "out",
    )
    subprocess.run(
        cli("build", "--quiet", "--raw", raw_old, "--out", pristine),
        check=True,
        capture_output=True,
    )
    duration, window = timed_run(cli("build", "--quiet", "--raw", raw, "--out", expected), expected)
    old, new = snapshot(pristine), snapshot(expected)
    assert old != new

    rng = random.Random(20261122)
    outcomes = {"old": 0, "new": 0, "killed while writing": 0}
    for trial, moment in enumerate(BUILD_MOMENTS):
        shutil.rmtree(out, ignore_errors=True)
        shutil.copytree(pristine, out)
        build = cli("build", "--quiet", "--raw", raw, "--out", out)
        kill_at(build, out, moment, rng, duration=duration, window=window)

        after = snapshot(out)
        assert after in (old, new), f"trial {trial}: {out} holds neither the old nor the new output"
        assert_known_outcome(moment, trial, after == old, leftovers(out))
        outcomes["old" if after == old else "new"] += 1
        outcomes["killed while writing"] += bool(leftovers(out))
        visible = sorted(p.name for p in out.parent.iterdir() if not p.name.startswith("."))
        assert visible == ["out"]

        rerun = subprocess.run(build, capture_output=True, text=True)
        assert rerun.returncode == 0, rerun.stderr
        assert snapshot(out) == new
        assert leftovers(out) == []
    print(f"build kill trials: {outcomes}")


def test_a_second_run_on_a_locked_output_is_refused(tmp_path):
    out = tmp_path / "out"
    subprocess.run(
        cli("build", "--quiet", "--raw", REPO / "tests/fixtures/raw", "--out", out), check=True
    )
    before = snapshot(out)
    with exclusive(out):  # as a running build holds it
        second = subprocess.run(
            cli("build", "--quiet", "--raw", REPO / "data" / "raw", "--out", out),
            capture_output=True,
            text=True,
        )
    assert second.returncode == 1
    assert f"{out} is being written by another run (process " in second.stderr
    assert "Traceback" not in second.stderr
    assert snapshot(out) == before


def test_concurrent_builds_never_interleave(tmp_path):
    out = tmp_path / "out"
    expected = tmp_path / "expected"
    raw = REPO / "data" / "raw"
    subprocess.run(
        cli("build", "--quiet", "--raw", raw, "--out", expected), check=True, capture_output=True
    )
    runs = [
        subprocess.Popen(
            cli("build", "--quiet", "--raw", raw, "--out", out), stderr=subprocess.PIPE, text=True
        )
        for _ in range(3)
    ]
    results = [(run.wait(), run.stderr.read()) for run in runs]
    for code, err in results:
        assert code == 0 or (code == 1 and "is being written by another run" in err), err
    assert any(code == 0 for code, _ in results)
    assert snapshot(out) == snapshot(expected)
    assert leftovers(out) == []
