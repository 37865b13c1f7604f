"""The build's manifest: the sha256 of every input and output, the schemes the tables are
written in, and whether an output folder was built from exactly the inputs now in a raw
corpus.

    built_from(Path("data/raw"), Path("data/labeled"))   # row counts, or None
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import privacy_labels
from privacy_labels._files import MANIFEST, sha256_file
from privacy_labels.builder.writers import PARTITIONED_TABLES
from privacy_labels.contract.schema import SCHEMA_NAMES, schema_path, schema_version
from privacy_labels.contract.scheme_set import SchemeSet
from privacy_labels.contract.schemes import SchemeError
from privacy_labels.contract.tables import TABLES
from privacy_labels.raw.corpus import RawCorpus
from privacy_labels.raw.schemes import corpus_schemes

SCHEMES = "schemes"  # the build's own copy of the schemes its tables are written in


def write_schemes(folder: Path, schemes: SchemeSet) -> None:
    """Copy each scheme's files into `folder/schemes/<scheme_id>/`, so the tables describe
    their own labels wherever they go (`load` reads them from there)."""
    for s in schemes:
        (Path(folder) / SCHEMES / s.id).mkdir(parents=True)
        for name in s.files:
            shutil.copyfile(s.folder / name, Path(folder) / SCHEMES / s.id / name)


def built_from(
    raw: Path, out: Path, *, partitioned: bool = False, layer: str | None = None
) -> dict[str, int] | None:
    """The row counts of `out` when its manifest says it was built from exactly the files
    now in `raw`, by this package and schema, in this layout, and no output changed since;
    otherwise None. Hashing is far cheaper than building, and never wrong about a change.
    """
    try:
        manifest = json.loads((Path(out) / MANIFEST).read_text(encoding="utf-8"))
        n_rows = manifest["n_rows"]
        scheme_ids = list(manifest[SCHEMES])
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
        return None
    if not Path(raw).is_dir() or partitioned != any(
        (Path(out) / name).is_dir() for name in PARTITIONED_TABLES
    ):
        return None
    corpus = RawCorpus(Path(raw).resolve())
    try:
        schemes = corpus_schemes(corpus)[0].closure(scheme_ids)
    except SchemeError:  # a scheme the build had is gone
        return None
    current = manifest_of(corpus, Path(out), n_rows, {}, schemes, layer)
    return n_rows if current == manifest else None


def contract_sha256() -> str:
    """A digest of the table contract: every table's columns with their types, nullability
    and descriptions. Tables written under another contract are not up to date, whatever
    their inputs (a new column would otherwise be missing until `--force`)."""
    contract = [
        [t.name, [[c.name, c.type, c.is_nullable, c.description] for c in t.columns]]
        for t in TABLES
    ]
    return hashlib.sha256(json.dumps(contract, ensure_ascii=False).encode()).hexdigest()


def manifest_of(
    corpus: RawCorpus,
    built: Path,
    n_rows: dict[str, int],
    input_sha256: dict[str, str],
    schemes: SchemeSet,
    layer: str | None = None,
) -> dict:
    """sha256 of every output and input, so a build can be traced to what made it, and the
    `schemes` its tables are written in, each with its version and files' sha256.

    `input_sha256` holds the files the build read; any other file is hashed here.
    A build from one `layer` says so (the default build's manifest has no such key).
    """
    inputs = sorted(
        p.relative_to(corpus.root).as_posix()
        for p in corpus.root.rglob("*")
        if p.is_file() and not p.name.startswith(".")
    )
    return {
        "package_version": privacy_labels.__version__,
        "schema_version": schema_version(),
        "contract_sha256": contract_sha256(),
        **({"layer": layer} if layer is not None else {}),
        "n_rows": n_rows,
        SCHEMES: {s.id: {"version": s.version, "files": s.files} for s in schemes},
        "outputs": {
            p.relative_to(built).as_posix(): sha256_file(p)
            for p in sorted(built.rglob("*"))
            if p.is_file() and p.name != MANIFEST
        },
        "inputs": {p: input_sha256.get(p) or sha256_file(corpus.root / p) for p in inputs},
        "schema": {f"{name}.schema.json": sha256_file(schema_path(name)) for name in SCHEMA_NAMES},
    }
