"""File helpers shared by the stages: hashing, strict JSON, and writes that never leave half a file."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path


def package_data(name: str, repo_path: str) -> Path:
    """A data folder: bundled in the installed wheel, else the source checkout's `repo_path`."""
    bundled = Path(__file__).parent / "_bundled" / name
    return bundled if bundled.is_dir() else Path(__file__).resolve().parents[2] / repo_path


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
    keys = [k for k, _ in pairs]
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    if repeated:
        raise DuplicateKeyError(f"duplicate key {repeated[0]!r}")
    return dict(pairs)


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


@contextlib.contextmanager
def replace_dir_when_done(target: Path) -> Iterator[Path]:
    """Yield a fresh staging folder beside `target`; on success it replaces `target`.

    On any error the staging folder is removed and `target` is left as it was.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"))
    staging.chmod(0o755)  # mkdtemp makes it private; the result is a normal folder
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    previous = target.with_name(f".{target.name}.old")
    shutil.rmtree(previous, ignore_errors=True)
    if target.exists():
        os.replace(target, previous)
    os.replace(staging, target)
    shutil.rmtree(previous, ignore_errors=True)
