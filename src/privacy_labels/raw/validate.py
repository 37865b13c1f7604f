"""Validate annotation documents and policy sidecars, reporting every problem at once.

    privacy-labels validate data/raw                      # the whole corpus
    privacy-labels validate my-annotation.json --raw data/raw

The rules are raw/rules.py's, run here to the end: each problem names the file,
the JSON path and a fix. A valid corpus is passed by the same rules in their
stop-at-first mode (raw/inputs.py), without building a single message.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from privacy_labels.contract.scheme_set import SchemeSet, package_schemes
from privacy_labels.raw.conformance import conforms
from privacy_labels.raw.corpus import RawCorpus, is_slug
from privacy_labels.raw.inputs import counts_if_valid, policies_of
from privacy_labels.raw.jsonio import read_json
from privacy_labels.raw.problems import Problem
from privacy_labels.raw.rules import (
    annotation_problems,
    is_sound,
    one_scheme_problem,
    practice_problems,
    read_policy_text,
    scheme_id_of,
    segment_problems,
    sidecar_problems,
)
from privacy_labels.raw.schemes import corpus_schemes


@dataclass
class Validator:
    """Collects problems over many files; remembers ids to catch duplicates across files.

    `default_raw` is the corpus a document outside any corpus is checked against
    (the command's --raw); without one such a document is a problem.
    """

    default_raw: Path | None = None
    problems: list[Problem] = field(default_factory=list)
    n_files: int = 0
    n_practices: int = 0
    # What the rules across files compare, per corpus (by its root; None outside any): a
    # corpus is judged by its own files, whatever else is validated with it.
    _seen: dict[Path | None, _Seen] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what was read besides the paths given
    # Problems reported so far: two rules that find the same fault report it once.
    _reported: set[Problem] = field(default_factory=set)
    # Symbolic links refused (pointing outside the corpus or nowhere): reported, not read.
    _refused_links: set[Path] = field(default_factory=set)
    # The last policy text read, with its sha256: a corpus is validated policy by
    # policy, so its sidecar and every annotation document share one read.
    _last_text: tuple[Path, tuple[str, str] | None] | None = None

    # -- entry points ------------------------------------------------------
    def validate_paths(self, paths: Iterable[Path], *, workers: int = 1) -> list[Problem]:
        paths = list(paths)
        if len(paths) > 1 and self._valid_inside_corpus(paths, workers):
            return self.problems  # every path in one corpus, and that corpus valid
        remembered = False
        for path in paths:
            if path.is_symlink() and not path.exists():
                self._add(
                    str(path),
                    "",
                    f"is a symbolic link to {os.readlink(path)}, which does not exist",
                    "remove the link, or put the file itself in its place",
                )
            elif not path.exists():
                self._add(str(path), "", "no such file or folder", "check the path")
            elif (path / "policies").is_dir():
                self.validate_corpus(RawCorpus(path), workers=workers)
            elif len(paths) == 1 and self._valid_inside_corpus(paths, workers):
                pass  # valid, and passed as fast as a whole corpus
            else:
                if not remembered:
                    self._remember_ids_beside(paths)
                    remembered = True
                if path.is_dir():
                    self._validate_folder(path)
                else:
                    self.validate_file(path)
        return self.problems

    def _valid_inside_corpus(self, paths: list[Path], workers: int) -> bool:
        """Whether `paths`, documents or folders inside one raw corpus, are valid with the
        whole corpus, by the stop-at-first rules; paths that are not are explained file by
        file.

        The corpus is read whole (sidecars, texts, every annotation document), as the
        rules across files (practice ids unique in the corpus) need; `notes` says so.
        """
        found = [policies_of(path) for path in paths]
        roots = {None if f is None else f[0].root.resolve() for f in found}
        if None in roots or len(roots) != 1:
            return False
        corpus, _ = found[0]
        counts = counts_if_valid(corpus, workers=workers)
        if counts is None:
            return False
        self.n_files, self.n_practices = counts
        self.notes.append(
            f"read with every file of the corpus {corpus.root}, "
            "which the checks across files (practice ids unique in the corpus) need"
        )
        return True

    def _remember_ids_beside(self, paths: list[Path]) -> None:
        """Note the practice ids of the other annotation documents of the corpora `paths`
        lie in, so that an id a given file repeats is blamed on it, the file being
        validated, not on an untouched one."""
        given = [path.resolve() for path in paths]
        corpora = {c.root.resolve(): c for c in map(_corpus_around, paths) if c is not None}
        for corpus in corpora.values():
            seen = self._seen_in(corpus)
            for document in corpus.annotation_paths():
                here = document.resolve()
                if any(here == g or g in here.parents for g in given):
                    continue
                doc, problem = read_json(document)
                if problem or not is_sound(doc):
                    continue  # validating that file itself names its problem
                if scheme_id_of(doc) is not None:
                    seen.policy_schemes.setdefault(
                        doc["policy_id"], (scheme_id_of(doc), str(document))
                    )
                for i, practice in enumerate(doc["practices"]):
                    if isinstance(practice, dict) and isinstance(practice.get("practice_id"), str):
                        seen.practice_ids.setdefault(practice["practice_id"], (str(document), i))

    def validate_corpus(self, corpus: RawCorpus, *, workers: int = 1) -> list[Problem]:
        """Every sidecar, text and annotation document of a raw corpus.

        A valid corpus passes the stop-at-first rules (in `workers` processes); only
        a corpus with a problem is read again, file by file, to explain each one.
        """
        if corpus.root.resolve() not in self._seen:  # else its files met must be compared
            counts = counts_if_valid(corpus, workers=workers)
            if counts is not None:
                self.n_files += counts[0]
                self.n_practices += counts[1]
                return self.problems
        return self.explain_corpus(corpus)

    def explain_corpus(self, corpus: RawCorpus) -> list[Problem]:
        """Every problem of a raw corpus, each with its file, place and fix."""
        if not corpus.policies_dir.is_dir():
            self._add(
                str(corpus.root),
                "",
                "has no policies/ folder",
                "point to a raw corpus: a folder with policies/ and annotations/",
            )
            return self.problems
        self._refuse_links(corpus)
        if corpus.policies_dir in self._refused_links:
            return self.problems
        self._schemes(corpus)  # names the problems of the corpus's own schemes
        for text in sorted(corpus.policies_dir.glob("*.txt")):
            if text in self._refused_links:
                continue
            if not corpus.sidecar_path(text.stem).exists():
                self._add(
                    str(text),
                    "",
                    "policy text has no sidecar",
                    f"add {text.stem}.json, e.g. with `privacy-labels add-policy`",
                )
        for sidecar in sorted(corpus.policies_dir.glob("*.json")):
            self.validate_file(sidecar)
        for folder in sorted(corpus.annotations_dir.glob("*")):
            if folder in self._refused_links or corpus.annotations_dir in self._refused_links:
                continue
            if folder.is_dir() and not any(folder.glob("*.json")):
                self._add(
                    str(folder),
                    "",
                    "annotation folder holds no .json documents",
                    "remove the folder or add an annotation document",
                )
            for document in sorted(folder.glob("*")) if folder.is_dir() else [folder]:
                if document in self._refused_links:
                    continue
                if document.is_file() and document.suffix != ".json":
                    # Build refuses such a corpus too (it is not plain, see
                    # inputs.plain_policy_ids). The hint never names an existing file:
                    # `nc3.json~` is an editor's backup of nc3.json.
                    self._add(
                        str(document),
                        "",
                        "is not a .json file, and annotations/ may hold annotation "
                        "documents only (build refuses it too)",
                        "move it out of annotations/ (an editor's backup copy can be deleted); "
                        "an annotation document of its own is named <annotator>.json",
                    )
                    continue
                self.validate_file(document)
        return self.problems

    def _refuse_links(self, corpus: RawCorpus) -> None:
        """Refuse symbolic links that point outside the corpus or nowhere: build would
        otherwise read files no one put in the corpus, or fail on a missing one.
        """
        root = corpus.root.resolve()
        for folder, subfolders, files in os.walk(corpus.root):
            for name in sorted([*subfolders, *files]):
                path = Path(folder) / name
                if not path.is_symlink():
                    continue
                target = os.readlink(path)
                if not path.exists():
                    self._add(
                        str(path),
                        "",
                        f"is a symbolic link to {target}, which does not exist",
                        "remove the link, or put the file itself in its place",
                    )
                elif root != path.resolve() and root not in path.resolve().parents:
                    self._add(
                        str(path),
                        "",
                        f"is a symbolic link to {path.resolve()}, outside the corpus {corpus.root}",
                        "copy the file into the corpus instead of linking to it",
                    )
                else:
                    continue
                self._refused_links.add(path)

    def validate_file(self, path: Path) -> None:
        self.n_files += 1
        if path in self._refused_links:
            return
        doc, problem = read_json(path)
        if problem:
            self._report(problem)
            return
        if path.parent.name == "policies":
            self._validate_sidecar(path, doc, RawCorpus.containing(path))
        else:
            self.validate_document(path, doc)

    def validate_document(self, path: Path, doc: object, corpus: RawCorpus | None = None) -> None:
        """An annotation document (read from, or to be written at, `path`) against the
        policy it names, in `corpus` or else the one `path` is in, or else `default_raw`."""
        file = str(path)
        place = path if RawCorpus.containing(path) else None
        home = corpus or RawCorpus.containing(path)
        if home is None and self.default_raw is not None:
            home = RawCorpus(self.default_raw)
        self._report_all(annotation_problems(file, doc, place, self._schemes(home)))
        self._report_all(one_scheme_problem(file, doc, self._seen_in(home).policy_schemes))
        if not is_sound(doc):
            return
        policy_id = doc["policy_id"]
        if not is_slug(policy_id):
            return  # reported by the schema
        corpus = home or self._default_corpus(file)
        if corpus is None:
            return
        sidecar_path = corpus.sidecar_path(policy_id)
        if sidecar_path in self._refused_links:
            return  # reported as a link
        if not sidecar_path.is_file():
            self._add(
                file,
                "$.policy_id",
                f"policy {policy_id!r} does not exist in {corpus.root}",
                "add the policy first (privacy-labels add-policy), or fix the id",
            )
            return
        sidecar, problem = read_json(sidecar_path)
        if problem or not conforms("policy", sidecar):
            self._add(
                file,
                "$.policy_id",
                f"the sidecar of policy {policy_id!r} is invalid",
                f"run `privacy-labels validate {sidecar_path}` and fix it first",
            )
            return
        policy_text = self._policy_text(corpus, policy_id, file)
        if policy_text is None:
            return
        text, text_sha256 = policy_text
        if doc.get("text_sha256", text_sha256) == text_sha256:
            self.n_practices += sum(isinstance(p, dict) for p in doc["practices"])
        self._report_all(
            practice_problems(
                file,
                doc,
                corpus.text_path(policy_id),
                text,
                text_sha256,
                sidecar.get("segments", []),
                self._seen_in(corpus).practice_ids,
            )
        )

    # -- internals ---------------------------------------------------------
    def _seen_in(self, corpus: RawCorpus | None) -> _Seen:
        return self._seen.setdefault(None if corpus is None else corpus.root.resolve(), _Seen())

    def _add(self, file: str, path: str, message: str, hint: str = "") -> None:
        self._report(Problem(file, path, message, hint))

    def _report(self, problem: Problem) -> None:
        if problem not in self._reported:
            self._reported.add(problem)
            self.problems.append(problem)

    def _report_all(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            self._report(problem)

    def _schemes(self, corpus: RawCorpus | None) -> SchemeSet:
        """The schemes a document of `corpus` may name (the package's alone outside one),
        reporting the problems of the corpus's own."""
        if corpus is None:
            return package_schemes()
        schemes, problems = corpus_schemes(corpus)
        self._report_all(problems)
        return schemes

    def _default_corpus(self, file: str) -> RawCorpus | None:
        if self.default_raw is None:
            self._add(
                file,
                "",
                "is in no raw corpus, so its policy cannot be found",
                "give the raw corpus with --raw, or put the document in annotations/<policy_id>/",
            )
            return None
        return RawCorpus(self.default_raw)

    def _validate_folder(self, folder: Path) -> None:
        if (folder / "policies").is_dir():
            self.explain_corpus(RawCorpus(folder))
            return
        files = sorted(p for p in folder.rglob("*.json") if p.is_file())
        if not files:
            self._add(
                str(folder),
                "",
                "folder holds no .json files",
                "give annotation documents, sidecars or a raw corpus folder",
            )
        for file in files:
            self.validate_file(file)

    def _validate_sidecar(self, path: Path, doc: object, corpus: RawCorpus) -> None:
        file = str(path)
        self._report_all(sidecar_problems(file, doc, path.stem))
        if not conforms("policy", doc):
            return  # the text is checked against a sound sidecar only
        policy_text = self._policy_text(corpus, path.stem, file)
        if policy_text is None:
            return
        text, text_sha256 = policy_text
        self._report_all(segment_problems(file, doc, text, text_sha256))

    def _policy_text(self, corpus: RawCorpus, policy_id: str, file: str) -> tuple[str, str] | None:
        """The policy's text and its sha256, or None (reported once) if it is unusable."""
        path = corpus.text_path(policy_id)
        if self._last_text is None or self._last_text[0] != path:
            if path in self._refused_links:
                self._last_text = (path, None)  # reported as a link
            else:
                policy_text, problem = read_policy_text(path, file)
                if problem:
                    self._report(problem)
                self._last_text = (path, policy_text)
        return self._last_text[1]


@dataclass
class _Seen:
    """What the files of one corpus met so far hold for the rules across files: each
    practice id's first place, and the scheme of each policy's first document and that
    document (the policy's layers share one scheme)."""

    practice_ids: dict[str, tuple[str, int]] = field(default_factory=dict)
    policy_schemes: dict[str, tuple[str, str]] = field(default_factory=dict)


def _corpus_around(path: Path) -> RawCorpus | None:
    """The raw corpus a document, or a folder of documents, lies in, if any."""
    if path.is_dir():
        if path.name in ("policies", "annotations"):
            corpus = RawCorpus(path.parent)
        elif path.parent.name == "annotations":
            corpus = RawCorpus(path.parent.parent)
        else:
            return None
    else:
        corpus = RawCorpus.containing(path)
    return corpus if corpus is not None and corpus.policies_dir.is_dir() else None
