"""The raw corpus layout: where policies, sidecars and annotation documents live.

data/raw/policies/<policy_id>.txt               policy text, UTF-8, LF
data/raw/policies/<policy_id>.json              provenance sidecar
data/raw/annotations/<policy_id>/<annotator>.json
data/raw/adjudication/<policy_id>.json          adjudication log (see adjudicate.py)
data/raw/schemes/<scheme_id>/scheme.json        a scheme of the corpus's own (see schemes.py)
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from privacy_labels.contract.schema import load_schema

# Where the pipeline's stages read and write, relative to the repository root.
DEFAULT_RAW = Path("data/raw")
DEFAULT_LABELED = Path("data/labeled")
DEFAULT_REPORT = Path("reports/quality")
DEFAULT_SITE = Path("reports/labels")
DEFAULT_RELEASES = Path("releases")
DEFAULT_CHANGELOG = Path("CHANGELOG.md")
DEFAULT_CITATION = Path("CITATION.cff")
DEFAULT_METADATA = Path("metadata/dataset.toml")


@cache
def slug_schema() -> dict:
    """The schema's slug rule; ids that pass it are safe file names (no '/', no '..')."""
    return load_schema("annotation")["$defs"]["slug"]


@cache
def _slug() -> re.Pattern:
    return re.compile(slug_schema()["pattern"])


def is_date(value: str) -> bool:
    """A real calendar date written YYYY-MM-DD, as the schemas' `date` format (2026-13-45 and
    ISO week dates such as 2026-W48-2 are not)."""
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        return False
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def is_slug(value: object) -> bool:
    """Lowercase slug: safe as a file name, never a path (no '/', no '..')."""
    return (
        isinstance(value, str)
        and len(value) <= slug_schema()["maxLength"]
        and _slug().fullmatch(value) is not None
    )


def _folder(name: str) -> property:
    """A folder of the corpus: `name` in its root."""
    return property(lambda corpus: corpus.root / name, doc=f"ROOT/{name}")


@dataclass(frozen=True)
class RawCorpus:
    root: Path

    policies_dir = _folder("policies")
    annotations_dir = _folder("annotations")
    schemes_dir = _folder("schemes")
    adjudication_dir = _folder("adjudication")

    def adjudication_path(self, policy_id: str) -> Path:
        return self.adjudication_dir / f"{policy_id}.json"

    def annotation_path(self, policy_id: str, annotator: str) -> Path:
        return self.annotations_dir / policy_id / f"{annotator}.json"

    def text_path(self, policy_id: str) -> Path:
        return self.policies_dir / f"{policy_id}.txt"

    def sidecar_path(self, policy_id: str) -> Path:
        return self.policies_dir / f"{policy_id}.json"

    def policy_ids(self) -> list[str]:
        """Policies that have a sidecar, sorted."""
        return sorted(p.stem for p in self.policies_dir.glob("*.json"))

    def annotation_paths(self, policy_id: str | None = None) -> list[Path]:
        """Annotation documents, of one policy or all, sorted."""
        pattern = f"{policy_id}/*.json" if policy_id else "*/*.json"
        return sorted(self.annotations_dir.glob(pattern))

    @classmethod
    def containing(cls, path: Path) -> RawCorpus | None:
        """The corpus a file belongs to by its place in the layout, if it is in one.

        The path is kept as given, so messages name files as the user did; it is
        resolved only when too short to show its place (e.g. `alice.json`).
        """
        for candidate in (path, path.resolve()):
            if candidate.parent.name == "policies":
                return cls(candidate.parent.parent)
            if candidate.parent.parent.name == "annotations":
                return cls(candidate.parent.parent.parent)
        return None
