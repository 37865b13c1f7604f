"""A policy's inputs read once, in the rules' stop-at-first mode: what `build` reads,
and how `validate` passes a valid corpus without building a single message.

    inputs = read_policy(RawCorpus(Path("data/raw")), "acme")   # PolicyInputs or a Problem
    counts_if_valid(RawCorpus(Path("data/raw")), workers=2)     # (files, practices) or None

The rules are those of raw/rules.py, run until the first problem. A corpus with a
problem, or laid out unusually (links, stray files), goes to raw/validate.py,
which runs the same rules to the end and names every problem.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from privacy_labels._files import sha256_bytes, without_cycle_collector
from privacy_labels._parallel import map_in_order
from privacy_labels.raw.corpus import RawCorpus
from privacy_labels.raw.jsonio import parse_document, read_document_bytes
from privacy_labels.raw.problems import Problem
from privacy_labels.raw.rules import (
    annotation_problems,
    first,
    one_scheme_problem,
    practice_problems,
    read_policy_text,
    segment_problems,
    sidecar_problems,
)
from privacy_labels.raw.schemes import corpus_schemes

POLICIES_PER_CHUNK = 25


@dataclass(frozen=True)
class PolicyInputs:
    """A policy's inputs, read once and found valid: what build needs of them."""

    policy_id: str
    sidecar: dict
    text: str
    documents: list[dict]  # annotation documents, in file-name order
    sha256: dict[str, str]  # each file read (path relative to the corpus) -> sha256


def _read(corpus: RawCorpus, path: Path, sha256: dict[str, str]) -> tuple[object, Problem | None]:
    """A JSON input parsed, its sha256 noted under its path in the corpus."""
    data, problem = read_document_bytes(path)
    if problem:
        return None, problem
    sha256[path.relative_to(corpus.root).as_posix()] = sha256_bytes(data)
    # Every document must conform to its schema next, which bounds its depth.
    return parse_document(str(path), data, limit_depth=False)


def read_policy_text_and_sidecar(
    corpus: RawCorpus, policy_id: str, sha256: dict[str, str] | None = None
) -> tuple[dict, str] | Problem:
    """A policy's sidecar and text, or the first problem they have (its annotation documents
    are not read); the files' sha256 go into `sha256` when given."""
    sha256 = {} if sha256 is None else sha256
    sidecar_path = corpus.sidecar_path(policy_id)
    file = str(sidecar_path)
    sidecar, problem = _read(corpus, sidecar_path, sha256)
    problem = problem or first(sidecar_problems(file, sidecar, policy_id))
    if problem:
        return problem
    text_path = corpus.text_path(policy_id)
    policy_text, problem = read_policy_text(text_path, file)
    if problem:
        return problem
    text, text_sha256 = policy_text
    sha256[text_path.relative_to(corpus.root).as_posix()] = text_sha256
    return first(segment_problems(file, sidecar, text, text_sha256)) or (sidecar, text)


def read_policy(corpus: RawCorpus, policy_id: str) -> PolicyInputs | Problem:
    """A policy's sidecar, text and annotation documents, or the first problem they have.

    Practice ids are unique within the policy here; `repeats_any` compares them
    across policies.
    """
    schemes, problems = corpus_schemes(corpus)
    if problems:
        return problems[0]
    sha256: dict[str, str] = {}
    policy = read_policy_text_and_sidecar(corpus, policy_id, sha256)
    if isinstance(policy, Problem):
        return policy
    sidecar, text = policy
    text_path = corpus.text_path(policy_id)
    text_sha256 = sidecar["text_sha256"]  # the text's, as segment_problems found
    documents = []
    seen: dict[str, tuple[str, int]] = {}
    scheme_of: dict[str, tuple[str, str]] = {}
    segments = sidecar["segments"]
    for path in corpus.annotation_paths(policy_id):
        name = str(path)
        doc, problem = _read(corpus, path, sha256)
        problem = (
            problem
            or first(annotation_problems(name, doc, path, schemes))
            or first(one_scheme_problem(name, doc, scheme_of))
            or first(practice_problems(name, doc, text_path, text, text_sha256, segments, seen))
        )
        if problem:
            return problem
        documents.append(doc)
    return PolicyInputs(policy_id, sidecar, text, documents, sha256)


def plain_policy_ids(corpus: RawCorpus) -> list[str] | None:
    """The corpus's policy ids if its folders hold nothing unexpected, else None.

    Expected: a sidecar for every text, and under annotations/ only folders of
    existing policies, each with at least one document and nothing but `.json` files.
    Anything else (a link, a stray file) is for raw/validate.py to judge.
    """
    try:
        if corpus.policies_dir.is_symlink() or corpus.annotations_dir.is_symlink():
            return None
        entries = list(os.scandir(corpus.policies_dir))
        folders = os.listdir(corpus.annotations_dir) if corpus.annotations_dir.exists() else []
    except OSError:
        return None
    if any(entry.is_symlink() for entry in entries):
        return None
    policy_files = [entry.name for entry in entries]
    ids = {name[:-5] for name in policy_files if name.endswith(".json")}
    if any(name[:-4] not in ids for name in policy_files if name.endswith(".txt")):
        return None
    for name in folders:
        folder = corpus.annotations_dir / name
        if name not in ids or folder.is_symlink() or not folder.is_dir():
            return None
        documents = list(os.scandir(folder))
        if not documents or not all(
            d.name.endswith(".json") and d.is_file(follow_symlinks=False) for d in documents
        ):
            return None
    return sorted(ids)


def practice_keys(practice_ids: Iterable[str]) -> np.ndarray:
    """64-bit digests of practice ids: a corpus-wide uniqueness test in 8 bytes per id."""
    return np.array(
        [
            int.from_bytes(hashlib.blake2b(i.encode(), digest_size=8).digest(), "little")
            for i in practice_ids
        ],
        dtype=np.uint64,
    )


def repeats_any(keys: list[np.ndarray]) -> bool:
    """Whether two practices may share an id. A digest collision, vanishingly rare,
    only sends the corpus through raw/validate.py, which compares the ids themselves.
    """
    merged = np.sort(np.concatenate(keys)) if keys else np.array([], dtype=np.uint64)
    return bool((merged[1:] == merged[:-1]).any())


def chunked(items: list, size: int = POLICIES_PER_CHUNK) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)]


@dataclass(frozen=True)
class _Counts:
    is_valid: bool
    n_files: int = 0
    n_practices: int = 0
    keys: np.ndarray | None = None


@without_cycle_collector
def _count_policies(root: str, policy_ids: list[str]) -> _Counts:
    corpus = RawCorpus(Path(root))
    n_files = n_practices = 0
    keys = []
    for policy_id in policy_ids:
        inputs = read_policy(corpus, policy_id)
        if isinstance(inputs, Problem):
            return _Counts(False)
        n_files += 1 + len(inputs.documents)
        ids = [p["practice_id"] for doc in inputs.documents for p in doc["practices"]]
        n_practices += len(ids)
        keys.append(practice_keys(ids))
    return _Counts(True, n_files, n_practices, np.concatenate(keys) if keys else None)


def counts_if_valid(
    corpus: RawCorpus,
    *,
    workers: int = 1,
    scheduler: str | None = None,
    policy_ids: list[str] | None = None,
) -> tuple[int, int] | None:
    """(files, practices) read if the corpus (or its `policy_ids`) is plain and valid, else
    None: the rules stop at the first problem, and raw/validate.py names them all."""
    if policy_ids is None:
        policy_ids = plain_policy_ids(corpus)
    if policy_ids is None:
        return None
    n_files = n_practices = 0
    keys = []
    work = functools.partial(_count_policies, str(corpus.root))
    chunks = chunked(policy_ids)
    for counts in map_in_order(
        work, chunks, workers=min(workers, len(chunks)), scheduler=scheduler
    ):
        if not counts.is_valid:
            return None
        n_files += counts.n_files
        n_practices += counts.n_practices
        keys += [] if counts.keys is None else [counts.keys]
    return None if repeats_any(keys) else (n_files, n_practices)


def policies_of(path: Path) -> tuple[RawCorpus, list[str]] | None:
    """The corpus and policies a document or folder inside a plain raw corpus belongs to."""
    if path.is_file() and path.suffix == ".json":
        corpus = RawCorpus.containing(path)
        policy_id = path.stem if path.parent.name == "policies" else path.parent.name
    elif path.is_dir() and path.name in ("policies", "annotations"):
        corpus, policy_id = RawCorpus(path.parent), None
    elif path.is_dir() and path.parent.name == "annotations":
        corpus, policy_id = RawCorpus(path.parent.parent), path.name
    else:
        return None
    if corpus is None or not corpus.policies_dir.is_dir():
        return None
    plain = plain_policy_ids(corpus)
    if plain is None or (policy_id is not None and policy_id not in plain):
        return None
    if policy_id is not None and corpus.sidecar_path(policy_id).is_symlink():
        return None
    return corpus, plain if policy_id is None else [policy_id]
