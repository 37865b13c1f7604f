"""Several raw corpora made one, for one build of them all: e.g. OPP-115, MAPP and APP-350,
each imported into a folder of its own, with a corpus of the user's.

    combine_raw_corpora(["corpora/opp115", "corpora/mapp", "corpora/app350"], "corpus/raw")
    privacy-labels build --raw corpus/raw --out corpus/labeled

Every file of the raw layout (policies, annotation documents, adjudication logs, the
corpus's own schemes) is copied byte for byte into a new folder, written like every
import's (refused before any work unless empty, absent or this function's own earlier
output; staged and moved into place when complete). The inputs are never written. A path
two inputs hold is copied once where their bytes are equal (the same policy imported for
two layers) and refused where they differ, naming both files. Each input's
`import-report.json` is kept, whole, in the combined one; any other file beside the
layout is listed there, not copied. `build` then validates the whole.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from privacy_labels._files import OUTPUT_MARKER, read_json_object
from privacy_labels.importers.writer import REPORT, SourceError, write_raw_corpus
from privacy_labels.raw.corpus import RawCorpus

# The owner named in the output folder's marker and in refusals.
COMMAND = "combine raw corpora"
# The raw layout's folders (raw/corpus.py), each copied whole.
LAYOUT = ("policies", "annotations", "adjudication", "schemes")


def combine_raw_corpora(roots: list[str | Path], out: str | Path) -> dict:
    """Write the raw corpora at `roots` as one raw corpus in `out`; returns its report (also
    written as `import-report.json`). Raises SourceError, writing nothing, where an input is
    no raw corpus or two inputs hold one path with different contents, and OutputRefused
    where `out` holds files it did not write."""
    roots, out = [Path(root) for root in roots], Path(out)
    for root in roots:
        if not RawCorpus(root).policies_dir.is_dir():
            raise SourceError(
                f"{root}: no policies/ folder, so no raw corpus; give the --out folder of an "
                "import, or a raw corpus such as data/raw"
            )
    origin: dict[str, Path] = {}  # each path of the layout -> the first input holding it
    inputs = []
    for root in roots:
        paths = sorted(p for name in LAYOUT for p in (root / name).rglob("*") if p.is_file())
        relatives = [path.relative_to(root).as_posix() for path in paths]
        for relative, path in zip(relatives, paths, strict=True):
            first = origin.setdefault(relative, path)
            if first != path and first.read_bytes() != path.read_bytes():
                raise SourceError(
                    f"{path}: differs from {first}, which the corpora to combine also hold; "
                    "two corpora may share a policy only as the same files (rename one's "
                    "policy ids, or leave one of them out)"
                )
        inputs.append(_input_report(root, relatives))
    report = {
        "n_inputs": len(roots),
        **_counts(list(origin)),
        "n_files_shared": sum(i["n_files"] for i in inputs) - len(origin),
        "inputs": inputs,
    }

    def files() -> Iterator[tuple[str, str]]:
        for relative, path in sorted(origin.items()):
            yield relative, _text(path)

    write_raw_corpus(out, COMMAND, {f"raw corpus {root}": root for root in roots}, files(), report)
    return report


def _input_report(root: Path, relatives: list[str]) -> dict:
    """One input as the combined report lists it: its counts (of its files of the layout,
    `relatives`), the command that wrote it, its own import report and the files beside the
    layout, which are not copied."""
    marker = read_json_object(root / OUTPUT_MARKER)
    beside = sorted(
        p.relative_to(root).as_posix()
        for p in root.iterdir()
        if p.name not in (*LAYOUT, REPORT, OUTPUT_MARKER)
    )
    return {
        "folder": str(root),
        "written_by": marker.get("command") if marker else None,
        **_counts(relatives),
        "not_copied": beside,
        "import_report": read_json_object(root / REPORT),
    }


def _counts(relatives: list[str]) -> dict:
    """The policies (a sidecar, `policies/<policy_id>.json`, each), annotation documents and
    files among the files of the layout at `relatives`."""
    return {
        "n_policies": sum(r.startswith("policies/") and r.endswith(".json") for r in relatives),
        "n_annotation_documents": sum(r.startswith("annotations/") for r in relatives),
        "n_files": len(relatives),
    }


def _text(path: Path) -> str:
    """A file of the layout as it is (every one is UTF-8 text; its line ends kept)."""
    try:
        with open(path, encoding="utf-8", newline="") as f:
            return f.read()
    except UnicodeDecodeError as error:
        raise SourceError(
            f"{path}: byte {error.start} is not UTF-8; the raw layout holds UTF-8 text only "
            "(privacy-labels validate names the fix)"
        ) from None
