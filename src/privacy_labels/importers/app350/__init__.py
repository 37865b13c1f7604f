"""Import the APP-350 corpus v1.1 (Zimmeck et al., PETS 2019) into the raw layout, whole.

    privacy-labels import app350 APP_350_v1_1/ --out app350-raw/
    privacy-labels build --raw app350-raw/ --out app350-labeled/

The source's facts (layout, split names, known problems, citation) are data beside
this module (`source.json`); its labels are the `app350` scheme's `source_names`.
What the import does, per `annotations/policy_<n>.yml`:

- **Text.** The policy `app350-<n>` is its segments' texts, unchanged, joined by a blank
  line, with one final LF; each segment keeps its place (its offsets in the sidecar).
  A segment whose `segment_text` is empty, whitespace only or null holds no text: it is
  kept out (the others keep their order; the sidecar's notes say which of the file's
  segments each is), and the report lists it with the annotations and sentences dropped
  with it. A file with no segment holding text (`segments: []`) is listed, not written.
  The report names segments by the file's `segment_id`. What a policy text may not
  hold (a CR, U+FEFF, NUL) is replaced (`writable`) and the segment listed.
- **Practices.** One practice per annotated (segment, practice, modality), in the file's
  order, in one layer `app350` per policy: the category is the party (1stParty,
  3rdParty, or single sign-on), `data_type` the practice's data type and `modality`
  performed or not_performed (mapped onto OPP-115 as does / does not). A pair repeated
  within a segment is one practice, counted in the report. A practice or modality
  APP-350 does not have is listed, not imported.
- **Evidence.** The first sentence of the segment that carries the (practice, modality)
  and is in it is located in the segment (`str.find`, then with runs of whitespace compared
  loosely) and becomes the data type's span. Where none is found the practice has no
  span, its `source_id` ends with the reason, and the report lists it.
- **Policies.** `contains_synthetic`, the official split (`policy_type`, as written, in
  `source_split`) and the original HTML's sha256 (`original_documents/` or
  `original_documents.tmp/`, in `original_sha256`) are sidecar fields, and in the import
  report per policy; a file without `contains_synthetic` leaves it out and is listed.
  Split sizes and synthetic policies are counted over every file, written or not.
- **YAML.** Plain scalars are read as the text they are (see yaml_loader).
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import privacy_labels
from privacy_labels._files import sha256_bytes
from privacy_labels.contract.schemes import Scheme, scheme
from privacy_labels.importers.writer import (
    SourceError,
    holds_text,
    imported_document,
    imported_sidecar,
    join_segments,
    kept_out,
    kept_out_note,
    loose_pattern,
    numeric_order,
    policy_files,
    read_source,
    writable,
    write_raw_corpus,
)
from privacy_labels.raw.documents import make_practice, make_provenance, practice_id

__all__ = ["ANNOTATOR", "SourceError", "import_app350", "locate"]

SOURCE = read_source(__file__)
ANNOTATOR = "app350"
SPAN_OUTCOMES = ("exact", "whitespace", "not_in_segment", "no_sentence")
# YAML 1.1's booleans, as the file's text has them (see yaml_loader).
BOOLEANS = dict.fromkeys(("true", "yes", "on"), True) | dict.fromkeys(("false", "no", "off"), False)
NORMALISATION = (
    "The segment_text of each segment of the APP-350 annotation file, unchanged, segments "
    "joined by a blank line; one final LF."
)
SEGMENTATION = {
    "rule": "app350",
    "version": SOURCE["year"],
    "description": (
        f"The {SOURCE['corpus']}'s own segments, as its annotators saw them: structurally "
        "related parts of the policy that loosely correspond to paragraphs."
    ),
}


@functools.cache
def yaml_loader() -> type:
    """The safe YAML loader the import reads with: libyaml's `CSafeLoader` where PyYAML was
    built with it (about ten times faster), else the pure-Python `SafeLoader`; the same data
    either way. Every plain scalar but `null`, `~` and nothing is read as the text it is:
    YAML 1.1 would read a policy_name `1234`, a segment `Yes` or `2018-05-25` or `10:30` as
    a number, a boolean or a date; the file's numbers and booleans are read from their text
    (`_number`, `_boolean`)."""
    import yaml  # here, not at the top: only an APP-350 import needs it

    class TextLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
        yaml_implicit_resolvers: ClassVar[dict] = {}

    TextLoader.add_implicit_resolver(
        "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
    )
    return TextLoader


def _load_yaml(text: str) -> object:
    """The YAML document in `text`, read by the safe loader (see yaml_loader)."""
    loader = yaml_loader()(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


@dataclass
class App350Summary:
    out: Path
    n_policies: int = 0
    n_segments: int = 0
    n_annotated_segments: int = 0
    n_annotations: int = 0  # as the files list them, in segments
    n_practices: int = 0
    n_does_not: int = 0
    n_repeated_annotations: int = 0  # a (practice, modality) listed twice in one segment
    n_sentences: int = 0
    sentences: Counter = field(default_factory=lambda: Counter(dict.fromkeys(SPAN_OUTCOMES[:3], 0)))
    spans: Counter = field(default_factory=lambda: Counter(dict.fromkeys(SPAN_OUTCOMES, 0)))
    n_sentence_labels_not_in_segment: int = 0
    empty_segments: list[dict] = field(default_factory=list)
    dropped: Counter = field(default_factory=lambda: Counter(annotations=0, sentences=0))
    without_segments: list[dict] = field(default_factory=list)
    splits: Counter = field(default_factory=Counter)
    synthetic: list[str] = field(default_factory=list)
    synthetic_unsaid: list[str] = field(default_factory=list)  # no contains_synthetic
    n_original_documents: int = 0
    policies: dict[str, dict] = field(default_factory=dict)
    not_anchored: list[dict] = field(default_factory=list)
    replaced: list[dict] = field(default_factory=list)  # segments `writable` changed
    unknown: list[dict] = field(default_factory=list)  # a practice or modality not APP-350's

    def to_dict(self) -> dict:
        return {
            "source": SOURCE["corpus"],
            "n_policies": self.n_policies,
            "n_segments": self.n_segments,
            "n_annotated_segments": self.n_annotated_segments,
            "n_annotations": self.n_annotations,
            "n_practices": self.n_practices,
            "n_does_not": self.n_does_not,
            "n_repeated_annotations": self.n_repeated_annotations,
            "n_sentences": self.n_sentences,
            "sentences": dict(self.sentences),
            "n_anchored_sentences": self.sentences["exact"] + self.sentences["whitespace"],
            "spans": dict(self.spans),
            "n_sentence_labels_not_in_segment": self.n_sentence_labels_not_in_segment,
            "n_empty_segments": len(self.empty_segments),
            "dropped_with_empty_segments": dict(self.dropped),
            "n_policies_without_segments": len(self.without_segments),
            "splits": dict(sorted(self.splits.items())),
            "n_synthetic_policies": len(self.synthetic),
            "synthetic_policies": self.synthetic,
            "contains_synthetic_missing": self.synthetic_unsaid,
            "n_original_documents": self.n_original_documents,
            "n_segments_with_characters_replaced": len(self.replaced),
            "n_unknown_practices": len(self.unknown),
        }


def import_app350(root: Path, out: Path) -> App350Summary:
    """Write APP-350 at `root` as a raw corpus in `out`; raises SourceError."""
    source = App350Source(root)
    summary = App350Summary(out)
    report: dict = {}

    def files() -> Iterator[tuple[str, str]]:
        yield from source.files(summary)
        report.update(
            summary.to_dict(),
            policies=summary.policies,
            not_anchored=summary.not_anchored,
            empty_segments=summary.empty_segments,
            segments_with_characters_replaced=summary.replaced,
            unknown_practices=summary.unknown,
            policies_without_segments=summary.without_segments,
        )

    write_raw_corpus(out, "import app350", {"APP-350 folder": root}, files(), report)
    return summary


class App350Source:
    """An APP-350 corpus root: yields each policy's text, sidecar and annotation document."""

    def __init__(self, root: Path) -> None:
        layout = SOURCE["layout"]
        self.root = root
        folder = root / layout["annotations"]
        self.annotation_files = sorted(
            folder.glob(layout["annotation_file"].format(n="*")), key=numeric_order
        )
        if not self.annotation_files:
            raise SourceError(
                f"{folder}: no policy_<n>.yml files; SRC must be the APP-350 corpus root "
                "folder (with annotations/)"
            )
        self.originals = next(
            (root / name for name in layout["original_documents"] if (root / name).is_dir()),
            None,
        )
        self.scheme = scheme(SOURCE["scheme"])
        self.practices = _practice_names(self.scheme)
        self.modalities = {
            name: value.id
            for value in self.scheme.categories[0].attribute("modality").values
            for name in value.source_names
        }

    def files(self, summary: App350Summary) -> Iterator[tuple[str, str]]:
        import yaml  # here, not at the top: only an APP-350 import needs it

        for path in self.annotation_files:
            try:
                policy = _load_yaml(path.read_text(encoding="utf-8"))
            except (yaml.YAMLError, UnicodeDecodeError) as error:
                raise SourceError(f"{path}: not readable YAML ({error}); restore it") from None
            imported = self._policy(path, policy, summary)
            if imported is None:  # no segment holds text: listed in the report
                continue
            policy_id, text, sidecar, document = imported
            layers = [(ANNOTATOR, document)] if document["practices"] else []
            yield from policy_files(policy_id, text, sidecar, layers)

    def _policy(self, path: Path, policy: object, summary: App350Summary):
        if not isinstance(policy, dict):
            raise SourceError(f"{path}: not an APP-350 annotation file (a mapping); restore it")
        number = _number(f"{path}: policy_id", policy.get("policy_id"))
        if f"policy_{number}" != path.stem:
            raise SourceError(f"{path}: policy_id {number} is not the file's number; restore it")
        split = SOURCE["policy_types"].get(_field(path, policy, "policy_type", str))
        if split is None:
            raise SourceError(
                f"{path}: policy_type {policy['policy_type']!r}; APP-350 has "
                + ", ".join(SOURCE["policy_types"])
            )
        is_synthetic = _boolean(path, policy.get("contains_synthetic"))
        segments = _field(path, policy, "segments", list)
        policy_id = f"{SOURCE['policy_id_prefix']}{number}"
        # Split sizes and synthetic policies as the files give them, written or not.
        summary.splits[split] += 1
        summary.synthetic += [policy_id] if is_synthetic else []
        summary.synthetic_unsaid += [policy_id] if is_synthetic is None else []
        relative = path.relative_to(self.root).as_posix()
        as_written = [_segment_text(f"{path}: segment {k}", s) for k, s in enumerate(segments)]
        texts = [writable(text) for text in as_written]
        summary.replaced += [
            {"policy_id": policy_id, "segment_id": _source_segment_id(segments[k], k)}
            for k, text in enumerate(texts)
            if text != as_written[k]
        ]
        kept = [k for k, t in enumerate(texts) if holds_text(t)]
        summary.n_segments += len(segments)
        for k in sorted(set(range(len(segments))) - set(kept)):
            self._keep_out(policy_id, relative, k, segments[k], summary)
        if not kept:
            summary.without_segments.append(
                {"policy_id": policy_id, "file": relative, "split": split}
            )
            return None
        text, spans = join_segments([texts[k] for k in kept], SOURCE["segment_joiner"], "\n")

        practices: list[dict] = []
        for segment_id, k in enumerate(kept):
            offset, before = spans[segment_id]["start"], len(practices)
            practices += self._practices(
                path, policy_id, segment_id, k, segments[k], texts[k], offset, summary, before
            )

        original = None
        if self.originals is not None:
            html = self.originals / SOURCE["layout"]["original_document"].format(n=number)
            original = sha256_bytes(html.read_bytes()) if html.is_file() else None
        facts = {"split": split, "contains_synthetic": is_synthetic, "original_sha256": original}
        summary.n_policies += 1
        summary.n_original_documents += original is not None
        summary.policies[policy_id] = facts
        sidecar = imported_sidecar(
            SOURCE,
            relative,
            text,
            policy_id=policy_id,
            organisation=str(_field(path, policy, "policy_name", str)),
            language="en",
            normalisation=NORMALISATION,
            notes=(
                f"Imported from the {SOURCE['corpus']}, policy {number} "
                f"({policy['policy_name']}), by privacy-labels {privacy_labels.__version__}. "
                f"Official split: {policy['policy_type']}; contains_synthetic: "
                f"{'absent' if is_synthetic is None else str(is_synthetic).lower()}; "
                f"original HTML sha256: {original or 'absent'}. "
                + kept_out_note([_source_segment_id(segments[k], k) for k in kept], len(segments))
                + f"Cite: {SOURCE['citation']}"
            ),
            segmentation=SEGMENTATION,
            segments=spans,
            source_split=policy["policy_type"],
            contains_synthetic=is_synthetic,
            original_sha256=original,
        )
        document = imported_document(
            SOURCE,
            sidecar,
            ANNOTATOR,
            method=(
                f"APP-350's annotators labelled each segment with practices and the sentences "
                f"stating them; imported from {relative} of the {SOURCE['corpus']} "
                f"({SOURCE['citation']}) by privacy-labels {privacy_labels.__version__}. "
                f"annotated_date is {SOURCE['dated']}, standing for the corpus's year "
                f"({SOURCE['year']}): the files give no dates."
            ),
            provenance=make_provenance(
                "person",
                process=(
                    f"The {SOURCE['corpus']}'s annotations as released (one set per policy); "
                    "sentences located in their segment as evidence spans."
                ),
                is_blind=True,
            ),
            practices=practices,
        )
        return policy_id, text, sidecar, document

    def _keep_out(self, policy_id, relative, k, segment, summary) -> None:
        """Count segment `k`, which holds no text, and the labels it drops (see holds_text)."""
        n_annotations = len(segment.get("annotations") or [])
        n_sentences = len(segment.get("sentences") or [])
        summary.n_annotations += n_annotations
        summary.n_annotated_segments += bool(n_annotations)
        summary.n_sentences += n_sentences
        summary.dropped["annotations"] += n_annotations
        summary.dropped["sentences"] += n_sentences
        summary.empty_segments.append(
            kept_out(
                policy_id,
                relative,
                _source_segment_id(segment, k),
                annotations=n_annotations,
                sentences=n_sentences,
            )
        )

    def _practices(
        self, path, policy_id, segment_id, k, segment, text, offset, summary, before
    ) -> list[dict]:
        """The practices of segment `k` of the file, `segment_id` here, whose `text` (as
        written into the policy's text) starts at `offset`, numbered after the policy's
        `before` ones."""
        where = f"{path}: segment {k}"
        source_segment_id = _source_segment_id(segment, k)
        pairs = [_pair(where, a) for a in segment.get("annotations") or []]
        summary.n_annotations += len(pairs)
        summary.n_annotated_segments += bool(pairs)
        # Each sentence located once; its (practice, modality) pairs point at it.
        evidence: dict[tuple[str, str], tuple[str, tuple[int, int] | None]] = {}
        for sentence in segment.get("sentences") or []:
            if not isinstance(sentence, dict) or "sentence_text" not in sentence:
                raise SourceError(f"{where}: a sentence has no sentence_text; restore the file")
            # `sentence_text: null` is a sentence of no text: located nowhere.
            outcome, found = locate(text, writable(sentence["sentence_text"] or ""))
            summary.n_sentences += 1
            summary.sentences[outcome] += 1
            for annotation in sentence.get("annotations") or []:
                pair = _pair(where, annotation)
                # The first sentence found in the segment is the evidence, if any is.
                if evidence.get(pair, ("", None))[1] is None:
                    evidence[pair] = (outcome, found)
                summary.n_sentence_labels_not_in_segment += pair not in pairs
        practices = []
        for practice_name, modality_name in dict.fromkeys(pairs):
            if practice_name not in self.practices or modality_name not in self.modalities:
                # A name the README's 58 practices and two modalities do not have (e.g. the
                # instructions' `Location_Wi-Fi_1stParty`): listed, not guessed at, and not
                # a reason to stop the import of the other 349 policies.
                summary.unknown.append(
                    {
                        "policy_id": policy_id,
                        "segment_id": source_segment_id,
                        "practice": practice_name,
                        "modality": modality_name,
                    }
                )
                continue
            category, data_type = self.practices[practice_name]
            modality = self.modalities[modality_name]
            outcome, found = evidence.get((practice_name, modality_name), ("no_sentence", None))
            summary.spans[outcome] += 1
            source_id = (
                f"policy_{policy_id.rpartition('-')[2]}:{source_segment_id}:"
                f"{practice_name}:{modality_name}"
            )
            value: dict = {"value": data_type}
            if found is None:
                source_id += f":{outcome}"
                summary.not_anchored.append(
                    {
                        "policy_id": policy_id,
                        "segment_id": source_segment_id,
                        "practice": practice_name,
                        "modality": modality_name,
                        "reason": outcome,
                    }
                )
            else:
                start, end = found
                value |= {
                    "span_start": offset + start,
                    "span_end": offset + end,
                    "span_text": text[start:end],
                }
            practices.append(
                make_practice(
                    practice_id(policy_id, ANNOTATOR, before + len(practices) + 1),
                    segment_id,
                    category,
                    {"data_type": value, "modality": {"value": modality}},
                    source_id=source_id,
                )
            )
            summary.n_practices += 1
            summary.n_does_not += modality == "not_performed"
        summary.n_repeated_annotations += len(pairs) - len(dict.fromkeys(pairs))
        return practices


def locate(segment: str, sentence: str) -> tuple[str, tuple[int, int] | None]:
    """Where `sentence` is in `segment`: `exact` (str.find), `whitespace` (runs of
    whitespace compared loosely, ends trimmed) or `not_in_segment`, with (start, end)."""
    start = segment.find(sentence)
    if start >= 0 and sentence:
        return "exact", (start, start + len(sentence))
    pattern = loose_pattern(sentence)
    found = pattern.search(segment) if pattern else None
    if found:
        return "whitespace", found.span()
    return "not_in_segment", None


@functools.cache
def _practice_names(s: Scheme) -> dict[str, tuple[str, str]]:
    """Each practice string APP-350 writes, to its (category, data type) in the scheme."""
    return {
        name: (category.id, value.id)
        for category in s.categories
        for value in category.attribute("data_type").values
        for name in value.source_names
    }


def _pair(where: str, annotation: object) -> tuple[str, str]:
    if not isinstance(annotation, dict) or not all(
        isinstance(annotation.get(k), str) for k in ("practice", "modality")
    ):
        raise SourceError(f"{where}: an annotation lacks practice or modality; restore the file")
    return annotation["practice"], annotation["modality"]


def _segment_text(where: str, segment: object) -> str:
    """A segment's text; `segment_text:` with nothing after it is the empty text."""
    if not isinstance(segment, dict) or "segment_text" not in segment:
        raise SourceError(f"{where}: no segment_text; restore the file")
    text = segment["segment_text"]
    if text is None:
        return ""
    if not isinstance(text, str):
        raise SourceError(f"{where}: segment_text is not text; restore the file")
    return text


def _source_segment_id(segment: dict, k: int) -> int:
    """The segment's `segment_id` in the file (its place there where it has none)."""
    given = segment.get("segment_id")
    return int(given) if isinstance(given, str) and given.isdecimal() else k


def _number(where: str, text: object) -> int:
    """A whole number written in the file (read as text, see yaml_loader)."""
    if not isinstance(text, str) or not text.isdecimal():
        raise SourceError(f"{where}: {text!r} is missing or not a whole number; restore the file")
    return int(text)


def _boolean(path: Path, text: object) -> bool | None:
    """`contains_synthetic` as written; None where the file leaves it out, as the corpus
    README's example of the format does (the report lists those policies)."""
    if text is None:
        return None
    if not isinstance(text, str) or text.lower() not in BOOLEANS:
        raise SourceError(f"{path}: contains_synthetic {text!r} is not true or false; restore it")
    return BOOLEANS[text.lower()]


def _field(path: Path, policy: dict, name: str, kind: type):
    value = policy.get(name)
    if not isinstance(value, kind):
        raise SourceError(f"{path}: {name} is missing or not a {kind.__name__}; restore the file")
    return value
