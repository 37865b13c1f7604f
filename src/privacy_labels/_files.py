"""File helpers shared by the stages: hashing, and writes that never leave half a file
(strict JSON is `_json`)."""

from __future__ import annotations

import contextlib
import ctypes
import errno as _errno
import functools
import gc
import hashlib
import json
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

from privacy_labels._json import dump_json
from privacy_labels.errors import PrivacyLabelsError, UsageError

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

try:
    _libc = ctypes.CDLL(None, use_errno=True)  # the C library this Python runs on
except (OSError, TypeError):  # Windows has no such handle
    _libc = None


def package_data(name: str, repo_path: str) -> Path:
    """A data folder: bundled in the installed wheel, else the source checkout's `repo_path`."""
    bundled = Path(__file__).parent / "_bundled" / name
    return bundled if bundled.is_dir() else Path(__file__).resolve().parents[2] / repo_path


_pause_lock = threading.Lock()
_n_pauses = 0  # calls inside a pause now; the collector resumes when the last one returns
_was_enabled = False


@contextlib.contextmanager
def cycle_collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector for the `with` block; restore it as it was after.

    Parsing a corpus makes millions of small objects, none in a cycle, that
    reference counting frees; the collector would only scan them again and
    again as they pile up, which doubles the time to parse them. The switch is
    process-wide, so pauses are counted: with threads (a Dask worker), the
    collector resumes when the last pause ends, and only if it ran before the first.
    """
    global _n_pauses, _was_enabled
    with _pause_lock:
        if _n_pauses == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _n_pauses += 1
    try:
        yield
    finally:
        with _pause_lock:
            _n_pauses -= 1
            if _n_pauses == 0 and _was_enabled:
                gc.enable()


def without_cycle_collector(fn):
    """Run `fn` with the cycle collector paused (see cycle_collector_paused)."""

    @functools.wraps(fn)
    def paused(*args, **kwargs):
        with cycle_collector_paused():
            return fn(*args, **kwargs)

    return paused


def project_folder(raw: Path) -> Path:
    """The project a raw corpus belongs to, against which default paths (data/labeled,
    releases/, CHANGELOG.md, ...) are resolved: ROOT for a corpus at ROOT/data/raw, else
    the current folder (a corpus kept on its own, e.g. an importer's output).
    """
    raw = Path(raw)
    return raw.parent.parent if raw.absolute().parts[-2:] == ("data", "raw") else Path()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def current_umask() -> int:
    """The process's umask, read without changing it where the system shows it."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)  # elsewhere the only way to read it is to set it, and back
    os.umask(mask)
    return mask


def as_if_created(path: Path | int, *, folder: bool = False, like: Path | None = None) -> None:
    """Give a staged file (path or descriptor) or folder the mode of the file `like` it
    replaces, else a plain create's: 0666 (0777 for a folder) less the umask. mkstemp and
    mkdtemp make them private, locking a shared machine's other users out of our outputs."""
    try:
        mode = like.stat().st_mode & 0o7777 if like is not None else None
    except FileNotFoundError:
        mode = None
    if mode is None:
        mode = (0o777 if folder else 0o666) & ~current_umask()
    if isinstance(path, int):
        os.fchmod(path, mode)
    else:
        os.chmod(path, mode)


def write_text_atomic(path: Path, text: str) -> None:
    """Write a text file (UTF-8, LF) so that readers see the old or the new file, never half.

    The file keeps the mode of the one it replaces; a new one gets the umask's.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        as_if_created(fd, like=path)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


class Busy(PrivacyLabelsError):
    """Another run is writing the same output."""

    def line(self, command: str, unchanged: str | None = None) -> str:
        return str(self)  # it names the output, the other run and what to do


def _lock_folder() -> Path:
    """Where locks live: a private folder of this user's, never beside an output."""
    uid = os.getuid() if hasattr(os, "getuid") else 0
    folder = Path(tempfile.gettempdir()) / f"privacy-labels-locks-{uid}"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def _lock_path(target: Path) -> Path:
    key = sha256_bytes(os.fsencode(Path(target).absolute().resolve()))[:32]
    return _lock_folder() / f"{key}.lock"


@contextlib.contextmanager
def exclusive(target: Path) -> Iterator[None]:
    """Hold the lock of `target`, or raise Busy at once.

    The lock is a file named after `target`'s absolute path in a private temp
    folder, removed when released, so nothing is left beside the output. An
    flock dies with its process, so a killed run never leaves a stale lock.
    """
    if fcntl is None:  # no fcntl on Windows: runs there are not locked
        yield
        return
    lock = _lock_path(target)
    while True:
        handle = open(lock, "a+", encoding="utf-8")  # noqa: SIM115 (closed below)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            handle.close()
            raise Busy(
                f"{target} is being written by another run (process {holder}); "
                "wait for it to finish, then run again"
            ) from None
        # The previous holder may have removed the file between our open and flock:
        # the lock is ours only if the file we hold is still the one at the path.
        try:
            same = os.path.samestat(os.fstat(handle.fileno()), os.stat(lock))
        except FileNotFoundError:
            same = False
        if same:
            break
        handle.close()
    try:
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        yield
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(lock)  # while still held, so no other run holds a removed file
        handle.close()


# -- Outputs are owned ------------------------------------------------------------------
#
# A command writes a folder only where nothing is, into an empty folder, or over
# its own earlier output. `build` recognises its output by its manifest.json,
# `release` its releases folder by the SHA256SUMS of each release; every other
# command leaves OUTPUT_MARKER in its folder, listing the files it wrote.

OUTPUT_MARKER = ".privacy-labels-output.json"
MANIFEST = "manifest.json"
_SEMVER_NAME = re.compile(r"\d+\.\d+\.\d+")
# What a release killed midway leaves in the releases folder; the next run removes it.
_LEFTOVER_RELEASE = re.compile(r"\.\d+\.\d+\.\d+\.(?:[a-z0-9_]{8}\.tmp|old)")


class OutputRefused(UsageError, ValueError):
    """An output path the command may not write; nothing was changed (a usage error)."""


def _files_under(folder: Path) -> Iterator[str]:
    for path in sorted(folder.rglob("*")):
        if not path.is_dir() or path.is_symlink():
            yield path.relative_to(folder).as_posix()


def read_json_object(path: Path) -> dict | None:
    """The JSON object in `path`, or None where it is missing, unreadable or no object."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _written_by(folder: Path, command: str) -> set[str] | None:
    """The files `command` says it wrote in `folder`, or None if it left no sign there."""
    if command == "build":
        manifest = read_json_object(folder / MANIFEST)
        if manifest is None or not isinstance(manifest.get("outputs"), dict):
            return None
        if not {"schema_version", "inputs", "n_rows"} <= manifest.keys():
            return None
        return {MANIFEST, *manifest["outputs"]}
    if command == "release":
        return _releases_written(folder)
    marker = read_json_object(folder / OUTPUT_MARKER)
    if marker is None or marker.get("command") != command:
        return None
    files = marker.get("files")
    return {OUTPUT_MARKER, *files} if isinstance(files, list) else None


def _releases_written(folder: Path) -> set[str] | None:
    """Every file of the releases in a releases folder (each listed by its SHA256SUMS)."""
    written: set[str] = set()
    for entry in folder.iterdir():
        if _LEFTOVER_RELEASE.fullmatch(entry.name) and entry.is_dir():
            written.update(f"{entry.name}/{f}" for f in _files_under(entry))  # a killed run's
            continue
        sums = entry / "SHA256SUMS"
        if not (entry.is_dir() and _SEMVER_NAME.fullmatch(entry.name) and sums.is_file()):
            return None
        lines = sums.read_text(encoding="utf-8", errors="replace").splitlines()
        listed = {line.split("  ", 1)[-1] for line in lines}
        written.update(f"{entry.name}/{name}" for name in (*listed, "SHA256SUMS"))
    return written


def claim_output(out: Path, command: str, inputs: dict[str, Path | None] | None = None) -> None:
    """Raise OutputRefused unless `command` may write the folder `out`.

    It may write where nothing is, into an empty folder, or over a folder it
    wrote itself (see _written_by); never `.` or a folder holding it, a file,
    a folder holding anything else, nor a folder that is, holds or lies inside
    one of its `inputs` (a description of each input, e.g. "raw corpus", and its path).
    """
    out = Path(out)
    where = out.absolute().resolve()

    def refuse(reason: str, fix: str = "write to a folder of its own") -> None:
        raise OutputRefused(f"{command}: the output {out} {reason}; {fix}")

    for name, given in (inputs or {}).items():
        if given is None:
            continue
        source = Path(given).absolute().resolve()
        if where == source:
            refuse(f"is the input {name} {given}")
        if where in source.parents:
            refuse(f"holds the input {name} {given}")
        if source in where.parents:
            refuse(f"lies inside the input {name} {given}")
    here = Path.cwd().resolve()
    if where == here or where in here.parents:
        refuse("is the current folder" if where == here else "holds the current folder")
    if out.is_symlink():
        refuse("is a symbolic link", "give the folder itself")
    if not out.exists():
        above = next(p for p in out.absolute().parents if p.exists())
        if not above.is_dir():
            refuse(f"lies inside the file {above}", "give a folder")
        return
    if not out.is_dir():
        refuse("is a file", "give a folder: a new or empty one, or an earlier output of " + command)
    written = _written_by(out, command)
    files = list(_files_under(out))
    if written is None and not files and not any(out.iterdir()):
        return  # an empty folder
    foreign = [f for f in files if f not in written] if written is not None else files
    if written is None or foreign:
        shown = ", ".join(foreign[:3]) + (
            f" and {len(foreign) - 3} more" if len(foreign) > 3 else ""
        )
        refuse(
            f"holds files privacy-labels {command} did not write ({shown or 'empty folders'})",
            "give a new or empty folder, or move those files away",
        )


def _mark(staging: Path, command: str) -> None:
    """Leave the marker that lets `command` recognise this folder as its own next time."""
    if command in ("build", "release"):
        return  # recognised by their manifest and checksums
    files = [f for f in _files_under(staging) if f != OUTPUT_MARKER]
    marker = {"written_by": "privacy-labels", "command": command, "files": files}
    (staging / OUTPUT_MARKER).write_text(dump_json(marker), encoding="utf-8")


@contextlib.contextmanager
def owned_output(
    out: Path, command: str, inputs: dict[str, Path | None] | None = None
) -> Iterator[Path]:
    """Claim `out` for `command` (see claim_output), then yield a staging folder that
    replaces `out` when complete (see replace_dir_when_done).

    The claim is made again under the lock, just before the swap, so a folder
    that changed hands during the run is still never replaced.
    """
    claim_output(out, command, inputs)
    try:
        with replace_dir_when_done(
            out, before_swap=lambda: claim_output(out, command, inputs)
        ) as staging:
            yield staging
            _mark(staging, command)
    except OSError as error:
        if error.filename is not None or error.errno is None:
            raise
        # A write into a full disk names no file: name the output it was for.
        raise OSError(error.errno, error.strerror, str(out)) from error


@contextlib.contextmanager
def replace_dir_when_done(target: Path, *, lock: bool = True, before_swap=None) -> Iterator[Path]:
    """Yield a fresh staging folder beside `target`; on success it replaces `target`.

    Readers of `target` see the old folder or the new one, whole, never a mix
    and never nothing; the swap is one atomic rename where the system has one.
    On any error the staging folder is removed, and so are the folders above
    `target` made for it, and `target` is left as it was.
    With `lock`, a second run on the same target fails with Busy; pass False
    only when the caller holds a lock that covers `target`. Commands write
    through owned_output, which first checks that `target` is theirs to replace.
    """
    made = [folder for folder in (target.parent, *target.parent.parents) if not folder.exists()]
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with _replacing(target, lock, before_swap) as staging:
            yield staging
    except BaseException:
        for folder in made:  # deepest first; one another run has filled since is kept
            try:
                folder.rmdir()
            except OSError:
                break
        raise


@contextlib.contextmanager
def _replacing(target: Path, lock: bool, before_swap) -> Iterator[Path]:
    """replace_dir_when_done's work, once the folder `target` goes into exists."""
    with exclusive(target) if lock else contextlib.nullcontext():
        _clear_interrupted_runs(target)
        staging = Path(
            tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        )
        try:
            as_if_created(staging, folder=True)
            yield staging
            if before_swap is not None:
                before_swap()
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        try:
            if not target.exists():
                os.rename(staging, target)
            elif _exchange(staging, target):
                shutil.rmtree(staging)  # it now holds the previous folder
            else:
                previous = _previous(target)
                os.rename(target, previous)
                try:
                    os.rename(staging, target)
                except BaseException:
                    os.rename(previous, target)
                    raise
                shutil.rmtree(previous)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise


def _previous(target: Path) -> Path:
    return target.with_name(f".{target.name}.old")


def clear_interrupted_runs(target: Path) -> None:
    """Clear what a killed run left beside `target` when a command finds it up to date
    and writes nothing (a run killed after its swap leaves the previous output staged);
    left to the run that holds `target` when another does."""
    with contextlib.suppress(Busy), exclusive(target):
        _clear_interrupted_runs(target)


def _clear_interrupted_runs(target: Path) -> None:
    """Remove what a killed run left beside `target`: staging folders and a half-done swap."""
    previous = _previous(target)
    if previous.exists() and not target.exists():
        os.rename(previous, target)  # killed between the two renames of the fallback swap
    shutil.rmtree(previous, ignore_errors=True)
    staging = re.compile(rf"\.{re.escape(target.name)}\.[a-z0-9_]{{8}}\.tmp")
    for leftover in target.parent.iterdir():
        if staging.fullmatch(leftover.name):
            shutil.rmtree(leftover, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux renameat2); False where it is unavailable."""
    renameat2 = getattr(_libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    errno = ctypes.get_errno()
    if errno in (_errno.EINVAL, _errno.ENOSYS, _errno.ENOTSUP):
        return False  # a file system or kernel without RENAME_EXCHANGE
    raise OSError(errno, os.strerror(errno), str(b))
