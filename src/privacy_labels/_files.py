"""File helpers shared by the stages: hashing, strict JSON, and writes that never leave half a file."""

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
from collections.abc import Iterator
from pathlib import Path

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


def without_cycle_collector(fn):
    """Run `fn` with Python's cycle collector paused.

    Parsing a corpus makes millions of small objects, none in a cycle, that
    reference counting frees; the collector would only scan them again and
    again as they pile up, which doubles the time to parse them.
    """

    @functools.wraps(fn)
    def paused(*args, **kwargs):
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return fn(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()

    return paused


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class DuplicateKeyError(ValueError):
    """A JSON object repeats a key; parsers keep the last one and silently lose data."""


def _refuse_duplicate_keys(pairs: list[tuple[str, object]]) -> dict:
    obj = dict(pairs)
    if len(obj) < len(pairs):  # the common case costs one comparison
        keys = [k for k, _ in pairs]
        repeated = sorted({k for k in keys if keys.count(k) > 1})
        raise DuplicateKeyError(f"duplicate key {repeated[0]!r}")
    return obj


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


def parse_json(text: str) -> object:
    """Parse strict JSON: no NaN or Infinity, no duplicate keys."""
    return json.loads(
        text, object_pairs_hook=_refuse_duplicate_keys, parse_constant=_refuse_constant
    )


def dump_json(data: object) -> str:
    """The one JSON style of the project: two-space indent, UTF-8 kept, final newline."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def write_text_atomic(path: Path, text: str) -> None:
    """Write a text file (UTF-8, LF) so that readers see the old or the new file, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


class Busy(Exception):
    """Another run is writing the same output."""


@contextlib.contextmanager
def exclusive(target: Path) -> Iterator[None]:
    """Hold the lock of `target` (the file `.<name>.lock` beside it), or raise Busy at once.

    An flock dies with its process, so a killed run never leaves a stale lock.
    """
    lock = target.with_name(f".{target.name}.lock")
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "a+", encoding="utf-8") as handle:
        if fcntl is not None:  # no fcntl on Windows: runs there are not locked
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.seek(0)
                holder = handle.read().strip() or "unknown"
                raise Busy(
                    f"{target} is being written by another run (process {holder}); "
                    "wait for it to finish, then run again"
                ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        yield


@contextlib.contextmanager
def replace_dir_when_done(target: Path, *, lock: bool = True) -> Iterator[Path]:
    """Yield a fresh staging folder beside `target`; on success it replaces `target`.

    Readers of `target` see the old folder or the new one, whole, never a mix
    and never nothing; the swap is one atomic rename where the system has one.
    On any error the staging folder is removed and `target` is left as it was.
    With `lock`, a second run on the same target fails with Busy; pass False
    only when the caller holds a lock that covers `target`.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    with exclusive(target) if lock else contextlib.nullcontext():
        _clear_interrupted_runs(target)
        staging = Path(
            tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        )
        staging.chmod(0o755)  # mkdtemp makes it private; the result is a normal folder
        try:
            yield staging
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        if not target.exists():
            os.rename(staging, target)
        elif _exchange(staging, target):
            shutil.rmtree(staging)  # it now holds the previous folder
        else:
            previous = _previous(target)
            os.rename(target, previous)
            os.rename(staging, target)
            shutil.rmtree(previous)


def _previous(target: Path) -> Path:
    return target.with_name(f".{target.name}.old")


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
