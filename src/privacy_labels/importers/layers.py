"""Imported annotation documents written as layers of a raw corpus: validated first, and
never over an annotator's document unless asked, nor over the consolidated layer.

    refuse_replacing(corpus, documents, existing, replace_layers)
    write_validated(source, documents, staging, target)
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

from privacy_labels._json import dump_json
from privacy_labels.contract.layers import CONSOLIDATED
from privacy_labels.errors import UsageError
from privacy_labels.raw.corpus import RawCorpus
from privacy_labels.raw.problems import InvalidInputs
from privacy_labels.raw.validate import Validator


class LayerExists(UsageError):
    """An imported document would replace an annotator's document in the corpus (exit 2)."""


def refuse_replacing(
    corpus: RawCorpus, documents: dict, existing: list[str], replace_layers: bool
) -> None:
    generated = [str(corpus.annotation_path(p, n)) for p, n in documents if n == CONSOLIDATED]
    if generated:
        raise LayerExists(
            f"{generated[0]}: the consolidated layer is written by `privacy-labels adjudicate` "
            "from the layers and the adjudication log; put changes into the log "
            f"({corpus.adjudication_dir}/<policy_id>.json), or import under another --annotator"
        )
    if existing and not replace_layers:
        others = f" (and {len(existing) - 1} more)" if len(existing) > 1 else ""
        raise LayerExists(
            f"{existing[0]}{others}: the annotator's document exists; pass --replace to "
            "replace it with the export's, or --annotator to import under another id"
        )


def write_validated(source: RawCorpus, documents: dict, staging: Path, target: Path) -> None:
    """Write the annotated policies and the documents as a raw corpus at `staging` and validate
    it; problems name their files as they will be in `target`."""
    corpus = RawCorpus(staging)
    corpus.policies_dir.mkdir()
    for policy_id in sorted({p for p, _ in documents}):
        for path in (source.text_path(policy_id), source.sidecar_path(policy_id)):
            shutil.copyfile(path, corpus.policies_dir / path.name)
    for (policy_id, name), document in documents.items():
        path = corpus.annotation_path(policy_id, name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dump_json(document), encoding="utf-8")
    problems = Validator(default_raw=staging).validate_corpus(corpus)
    if problems:  # the staging folder is dropped
        raise InvalidInputs(
            [replace(p, file=p.file.replace(str(staging), str(target), 1)) for p in problems]
        )
