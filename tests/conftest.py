"""Shared paths and helpers for the test tiers (unit, schema, data), and the guard that no
test writes into the repository."""

from __future__ import annotations

import json
import os
import stat
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis.configuration import set_hypothesis_home_dir

from privacy_labels.cli.app import main

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
FIXTURE_RAW = FIXTURES / "raw"
# ../shared beside the repository; PRIVACY_LABELS_SHARED names it elsewhere (e.g. from a worktree).
SHARED = Path(os.environ.get("PRIVACY_LABELS_SHARED") or REPO.parent / "shared")
OPP115_SAMPLE = SHARED / "fixtures" / "opp115-sample"


@pytest.fixture
def run(capsys):
    """Run the CLI in-process; returns (exit code, stdout, stderr)."""

    def _run(*args: object) -> tuple[int, str, str]:
        try:
            code = main([str(a) for a in args])
        except SystemExit as exit_:  # argparse usage errors and --help
            code = exit_.code
        out, err = capsys.readouterr()
        return code, out, err

    return _run


def read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder`, by its path there, with its bytes."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


# What Python, pytest and the environment write into the repository themselves; everything
# else a test run leaves behind is a test writing into the repository.
NOT_OURS = {".git", ".venv", "__pycache__", ".pytest_cache", ".ruff_cache"}
_BEFORE = pytest.StashKey[dict]()
_CHANGED = pytest.StashKey[list]()


def repository_files(root: Path = REPO) -> dict[str, tuple[int, int] | None]:
    """Every path under `root` but NOT_OURS: a file's (size, mtime), None for a folder."""
    found: dict[str, tuple[int, int] | None] = {}
    for folder, folders, files in os.walk(root):
        folders[:] = [name for name in folders if name not in NOT_OURS]
        for name in folders + [name for name in files if name not in NOT_OURS]:
            path = Path(folder, name)
            info = path.lstat()  # a fixture's dangling symlink is a file like any other
            key = path.relative_to(root).as_posix()
            found[key] = None if stat.S_ISDIR(info.st_mode) else (info.st_size, info.st_mtime_ns)
    return found


def changed_files(before: dict, after: dict) -> list[str]:
    """What changed between two `repository_files`, one line a path."""
    return [
        f"{'added' if key not in before else 'removed' if key not in after else 'changed'}: {key}"
        for key in sorted(before.keys() | after.keys())
        if before.get(key, ()) != after.get(key, ())
    ]


# Hypothesis keeps no example database, and its caches live in the system's temporary folder:
# by default both are .hypothesis/ in the current folder, the repository. A failure still
# prints the example and the blob that reproduces it. Each property runs `dev`'s examples in
# the edit loop and `ci`'s 1,000 where CI is set; HYPOTHESIS_PROFILE chooses either.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "privacy-labels-hypothesis")
HYPOTHESIS_PROFILES = {"dev": 100, "ci": 1_000}
for _profile, _examples in HYPOTHESIS_PROFILES.items():
    settings.register_profile(
        _profile, database=None, print_blob=True, max_examples=_examples, deadline=None
    )


def hypothesis_profile(environ=os.environ) -> str:
    """The profile HYPOTHESIS_PROFILE names, else `ci` where CI is set (true or 1), else `dev`."""
    named = environ.get("HYPOTHESIS_PROFILE")
    if named:
        if named not in HYPOTHESIS_PROFILES:
            known = ", ".join(HYPOTHESIS_PROFILES)
            raise pytest.UsageError(
                f"HYPOTHESIS_PROFILE={named}: not a profile; use one of {known}"
            )
        return named
    return "ci" if environ.get("CI", "").lower() in ("true", "1") else "dev"


settings.load_profile(hypothesis_profile())


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")  # pytest-xdist: the controller checks the whole run


def pytest_sessionstart(session: pytest.Session) -> None:
    if not _is_worker(session.config):
        session.config.stash[_BEFORE] = repository_files()


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    before = session.config.stash.get(_BEFORE, None)
    if before is None:
        return
    changed = changed_files(before, repository_files())
    if changed:
        session.config.stash[_CHANGED] = changed
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    changed = config.stash.get(_CHANGED, [])
    if changed:
        terminalreporter.section("tests wrote into the repository", sep="=", red=True, bold=True)
        for line in changed:
            terminalreporter.write_line(line)
        terminalreporter.write_line(
            "a test must write only under its tmp_path (or tmp_path_factory); find the one that "
            "writes these paths (unless you changed them yourself during the run)"
        )
