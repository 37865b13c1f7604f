"""Reuse of a passing result: what a result is the result of (`checked.json`).

A passing report records the sha256 of every table file and of the manifest, the
sha256 of the package's code and of the schema its suites are generated from, the
versions of the package, GX, pandas, pyarrow and Python, and the batch sizes. When
all of those are the same again, the gate returns that result instead of running
GX again, without importing it. Any changed byte of a table file gives another
key, so tables that would fail are never passed on an earlier result.
"""

from __future__ import annotations

import hashlib
import json
import platform
from pathlib import Path

from privacy_labels._files import MANIFEST, package_data, sha256_bytes, sha256_file
from privacy_labels.quality.integrity import table_files
from privacy_labels.quality.result import CheckResult, GateResult

RESULT = "result.json"
CHECKED = "checked.json"


def checked_key(folder: Path) -> dict:
    """What a result is the result of: every input the gate reads and everything that
    decides what it does with them, without importing GX (its version comes from its
    installed metadata). The suites are generated from the gate's code and the schema,
    so their sources are hashed: the package's modules and the schema documents.
    """
    from importlib.metadata import PackageNotFoundError, version

    def installed(name: str) -> str | None:
        try:
            return version(name)
        except PackageNotFoundError:
            return None

    package = Path(__file__).parents[1]
    code = hashlib.sha256()
    sources = [(path.relative_to(package).as_posix(), path) for path in package.rglob("*.py")]
    schemas = [(path.name, path) for path in package_data("schema", "schema").glob("*.json")]
    for name, source in sorted(sources) + sorted(schemas):
        code.update(name.encode() + b"\0" + source.read_bytes() + b"\0")
    files = {relative: sha256_file(path) for relative, path in table_files(folder).items()}
    manifest = folder / MANIFEST
    return {
        "table_files_sha256": files,
        "manifest_sha256": sha256_file(manifest) if manifest.is_file() else None,
        "gate_code_and_schema_sha256": code.hexdigest(),
        "versions": {
            name: installed(name)
            for name in (
                "privacy-labels",
                "great_expectations",
                "duckdb",
                "pandas",
                "pyarrow",
                "numpy",
            )
        }
        | {"python": platform.python_version()},
    }


def reused_result(report: Path, key: dict) -> GateResult | None:
    """The passing result in `report` if it was checked with `key`, else None."""
    try:
        checked = json.loads((report / CHECKED).read_text(encoding="utf-8"))
        text = (report / RESULT).read_text(encoding="utf-8")
        if not isinstance(checked, dict) or checked.pop("result_sha256", None) != sha256_bytes(
            text.encode()
        ):
            return None  # the result is not the one this key was written with
        if checked != key:
            return None
        earlier = json.loads(text)
        if earlier.get("success") is not True:
            return None
        checks = [CheckResult(**c) for c in earlier["checks"]]
        result = GateResult(checks, earlier["great_expectations_version"], is_reused=True)
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
        return None  # no earlier result, or not one this version wrote: run the gate
    return result if result.success else None
