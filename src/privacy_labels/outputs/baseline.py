"""A CPU baseline for segment classification: TF-IDF and one logistic regression per label.

    privacy-labels baseline train --labeled DIR --out MODEL.npz [--labels 12] [--gold majority]
        [--split plue:train] [--language de]
    privacy-labels baseline predict --model MODEL.npz --raw DIR --out PREDICTIONS.json
        [--split plue:test] [--language de]

`train` fits on the annotated segments of one scheme (`--scheme`, needed when the
tables hold several) in a train part (`--split`, by default `default:train`; the `splits`
table), in one language or any (`--language`; see `outputs/selection.py`), of the tables in DIR:
their text from `segments`, their labels, of a label set of the scheme (`--labels`,
by default its last), by the gold rule of `score` (a majority of the policy's
annotators, by default). The model records its scheme and label set, which its
predictions files name. `predict` labels
every segment of a raw corpus (or of the policies of one part of a split and a language,
by their sidecars), a label where its probability is at least 0.5,
and writes a predictions file (`schema/predictions.schema.json`).

The model is the user's file, never shipped: trained on OPP-115 it carries
OPP-115's research-only terms. It is stored without pickle, as NumPy arrays in
an `.npz` read with `allow_pickle=False` (vocabulary, idf, coefficients,
intercepts, labels, and the settings as JSON), so loading a model runs no code
from it. Training is deterministic (lbfgs, a fixed seed), and so are the
predictions: the same model and corpus give the same bytes.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import re
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from privacy_labels import __version__
from privacy_labels._files import write_text_atomic
from privacy_labels.contract.splits import ALL
from privacy_labels.contract.versions import unnamed_scheme
from privacy_labels.errors import PrivacyLabelsError
from privacy_labels.outputs.predictions import (
    is_predictions_file,
    labels_of,
    predictions_document,
)
from privacy_labels.outputs.score import (
    ScoreError,
    default_label_set,
    kept,
    scored_scheme,
    table_layer,
)
from privacy_labels.outputs.selection import chosen_in_raw, chosen_policies, described
from privacy_labels.raw.corpus import RawCorpus
from privacy_labels.raw.inputs import read_policy_text_and_sidecar
from privacy_labels.raw.problems import InvalidInputs, Problem
from privacy_labels.store import read_rows

MODEL_FORMAT = "privacy-labels-baseline-v1"
THRESHOLD = 0.5
SEED = 0
# Settings of the vectoriser and the classifiers; stored in the model, so predict uses the same.
VECTORIZER = {"lowercase": True, "ngram_range": [1, 2], "min_df": 2, "sublinear_tf": True}
CLASSIFIER = {"C": 10.0, "class_weight": "balanced", "max_iter": 2000, "solver": "lbfgs"}
# A label with one class in the training data gets a constant score: the sigmoid of ±this.
CONSTANT_LOGIT = 30.0


class BaselineError(PrivacyLabelsError):
    """The baseline cannot run; the message names the input and the fix."""


def _sklearn():
    try:
        import sklearn  # noqa: F401
    except ImportError:
        raise BaselineError(
            "the baseline needs scikit-learn: pip install 'privacy-labels[baseline]'"
        ) from None


@dataclass(frozen=True)
class TrainSummary:
    out: Path
    label_set: str
    n_segments: int
    n_policies: int
    n_features: int
    constant_labels: list[str]


@dataclass(frozen=True)
class Model:
    settings: dict
    labels: list[str]
    terms: list[str]
    idf: np.ndarray
    coef: np.ndarray  # labels × terms
    intercept: np.ndarray

    @functools.cached_property
    def index(self) -> dict[str, int]:
        return {term: i for i, term in enumerate(self.terms)}


# scikit-learn's default token pattern: words of two or more word characters.
TOKEN_PATTERN = re.compile(r"(?u)\b\w\w+\b")


def _terms(text: str, settings: dict) -> list[str]:
    """The n-grams of a text as scikit-learn's word analyzer makes them."""
    vectorizer = settings["vectorizer"]
    tokens = TOKEN_PATTERN.findall(text.lower() if vectorizer["lowercase"] else text)
    low, high = vectorizer["ngram_range"]
    terms = []
    for n in range(low, high + 1):
        terms += (
            tokens if n == 1 else [" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]
        )
    return terms


def tfidf(model: Model, text: str) -> tuple[np.ndarray, np.ndarray]:
    """A text's TF-IDF vector (term indexes, weights), L2-normalised, from the stored
    vocabulary and idf: what TfidfVectorizer gives, with NumPy alone (tested against it).
    """
    counts = Counter(
        i for term in _terms(text, model.settings) if (i := model.index.get(term)) is not None
    )
    if not counts:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    indexes = np.fromiter(counts, dtype=np.int64, count=len(counts))
    tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
    if model.settings["vectorizer"]["sublinear_tf"]:
        tf = 1.0 + np.log(tf)
    weights = tf * model.idf[indexes]
    return indexes, weights / np.linalg.norm(weights)


def _is_model_file(path: Path) -> bool:
    try:
        with np.load(path, allow_pickle=False) as data:
            return json.loads(data["settings"].item())["format"] == MODEL_FORMAT
    except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile):
        return False


def _claim_file(out: Path, is_ours, what: str) -> None:
    """Outputs are owned: write where nothing is, or over our own earlier output."""
    if out.is_dir():
        raise BaselineError(f"{out} is a folder; give a file path for the {what}")
    if out.exists() and not is_ours(out):
        raise BaselineError(
            f"{out} exists and is not a {what} written by privacy-labels; "
            "choose another path or remove it"
        )
    if not out.parent.is_dir():
        raise BaselineError(f"{out.parent}: no such folder; create it first")


def _save(model: Model, out: Path) -> None:
    """An .npz with fixed timestamps, written atomically: same model, same bytes."""
    arrays = {
        "settings": np.array(json.dumps(model.settings, sort_keys=True)),
        "labels": np.array(model.labels, dtype=np.str_),
        "terms": np.array(model.terms, dtype=np.str_),
        "idf": model.idf,
        "coef": model.coef,
        "intercept": model.intercept,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, array in arrays.items():
            entry = io.BytesIO()
            np.lib.format.write_array(
                entry, np.require(array, requirements="C"), allow_pickle=False
            )
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, entry.getvalue())
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_bytes(buffer.getvalue())
    tmp.replace(out)


def load_model(path: Path) -> Model:
    """A model written by `train`; no pickle, so no code runs from the file."""
    if not path.is_file():
        raise BaselineError(
            f"{path}: no such file; train a model with `privacy-labels baseline train`"
        )
    if not _is_model_file(path):
        raise BaselineError(f"{path}: not a model written by `privacy-labels baseline train`")
    with np.load(path, allow_pickle=False) as data:
        model = Model(
            json.loads(data["settings"].item()),
            [str(x) for x in data["labels"]],
            [str(x) for x in data["terms"]],
            data["idf"],
            data["coef"],
            data["intercept"],
        )
    n_labels, n_terms = len(model.labels), len(model.terms)
    if not (
        model.coef.shape == (n_labels, n_terms)
        and model.idf.shape == (n_terms,)
        and model.intercept.shape == (n_labels,)
        and isinstance(model.settings.get("label_set"), str)
        and all(isinstance(label, str) and label for label in model.labels)
    ):
        raise BaselineError(f"{path}: its arrays do not fit together; train the model again")
    return model


def model_scheme(model: Model) -> dict[str, str]:
    """The scheme a model's labels are in (`Scheme.ref`); a model from before models named
    one was trained on the one scheme there was."""
    return model.settings.get("scheme") or unnamed_scheme()


def train(
    labeled: Path,
    out: Path,
    *,
    scheme: str | None = None,
    label_set: str | None = None,
    gold: str = "majority",
    seed: int = SEED,
    split: str = "train",
    language: str | None = None,
) -> TrainSummary:
    """Fit the baseline on the part `split` (NAME:PART; a bare part is the default split's)
    in `language` (None: any) of the tables in `labeled`, on a label set of `scheme` (see
    the module docstring); write it to `out`."""
    _sklearn()
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    _claim_file(out, _is_model_file, "model")
    chosen = chosen_policies(labeled, split, language)
    s = scored_scheme(labeled, scheme)
    label_set = label_set or default_label_set(s)
    labels = labels_of(s, label_set)
    layer = table_layer(labeled, with_details=False, scheme=s)
    rows = [
        row
        for row in read_rows(labeled, "segments", ["policy_id", "segment_id", "text"])
        if (chosen is None or row["policy_id"] in chosen) and row["policy_id"] in layer.n_annotators
    ]
    if not rows:
        raise BaselineError(f"{labeled}: no annotated segment in {split} to learn from")
    targets = np.zeros((len(rows), len(labels)), dtype=np.int8)
    for i, row in enumerate(rows):
        segment = (row["policy_id"], row["segment_id"])
        given = kept(layer.labels.get(segment, {}), layer.n_annotators[segment[0]], gold)
        targets[i] = [label in given for label in labels]
    texts = [row["text"] for row in rows]
    vectorizer = TfidfVectorizer(
        lowercase=VECTORIZER["lowercase"],
        ngram_range=tuple(VECTORIZER["ngram_range"]),
        min_df=VECTORIZER["min_df"] if len(rows) >= 2 * VECTORIZER["min_df"] else 1,
        sublinear_tf=VECTORIZER["sublinear_tf"],
        dtype=np.float64,
    )
    features = vectorizer.fit_transform(texts)
    coef = np.zeros((len(labels), features.shape[1]))
    intercept = np.zeros(len(labels))
    constant = []
    for k, label in enumerate(labels):
        y = targets[:, k]
        if y.min() == y.max():  # one class only: no classifier to fit
            intercept[k] = CONSTANT_LOGIT if y[0] else -CONSTANT_LOGIT
            constant.append(label)
            continue
        classifier = LogisticRegression(**CLASSIFIER, random_state=seed).fit(features, y)
        coef[k], intercept[k] = classifier.coef_[0], classifier.intercept_[0]
    digest = hashlib.sha256()
    for row, target in zip(rows, targets, strict=True):
        digest.update(json.dumps([row["policy_id"], row["segment_id"], row["text"]]).encode())
        digest.update(target.tobytes())
    import sklearn

    terms = [term for term, _ in sorted(vectorizer.vocabulary_.items(), key=lambda t: t[1])]
    settings = {
        "format": MODEL_FORMAT,
        "scheme": s.ref,
        "label_set": label_set,
        "gold": gold,
        "split": split,
        "language": language,
        "seed": seed,
        "threshold": THRESHOLD,
        "vectorizer": {**VECTORIZER, "min_df": vectorizer.min_df},
        "classifier": CLASSIFIER,
        "n_segments": len(rows),
        "n_policies": len({row["policy_id"] for row in rows}),
        "training_sha256": digest.hexdigest(),
        "privacy_labels": __version__,
        "scikit_learn": sklearn.__version__,
    }
    model = Model(settings, labels, terms, vectorizer.idf_, coef, intercept)
    _save(model, out)
    return TrainSummary(out, label_set, len(rows), settings["n_policies"], len(terms), constant)


def model_description(model: Model) -> str:
    s = model.settings
    # A model from before named splits was trained on the default split's train part.
    part = s.get("split", "train") + (f", language {s['language']}" if s.get("language") else "")
    return (
        f"privacy-labels baseline: TF-IDF (1-2-grams) and one-vs-rest logistic regression, "
        f"{model_scheme(model)['id']}'s {s['label_set']} labels, trained on "
        f"{s['n_segments']:,} segments of {s['n_policies']:,} policies ({part}, gold "
        f"{s['gold']}, training data sha256 {s['training_sha256'][:16]}), seed {s['seed']}, "
        f"scikit-learn {s['scikit_learn']}"
    )


def scores(model: Model, texts: list[str]) -> np.ndarray:
    """The probability of each label (columns, in model.labels order) for each text."""
    logits = np.empty((len(texts), len(model.labels)))
    for row, text in enumerate(texts):
        indexes, weights = tfidf(model, text)
        logits[row] = model.coef[:, indexes] @ weights + model.intercept
    return 1.0 / (1.0 + np.exp(-logits))


@dataclass(frozen=True)
class PredictSummary:
    out: Path
    n_policies: int
    n_segments: int
    n_labels: int


def predict(
    model_path: Path, raw: Path, out: Path, *, split: str = ALL, language: str | None = None
) -> PredictSummary:
    """Label every segment of the raw corpus `raw` (of its policies in the part `split` and
    in `language`, by their sidecars); write a predictions file to `out`. Needs NumPy only:
    the model's arrays give the TF-IDF vectors and the scores."""
    from privacy_labels.raw.validate import Validator

    model = load_model(model_path)
    _claim_file(out, is_predictions_file, "predictions file")
    corpus = RawCorpus(raw)
    if not corpus.policies_dir.is_dir():
        raise BaselineError(f"{raw}: no policies/ folder; give a raw corpus with --raw")
    keys, texts, sidecars, refused = [], [], {}, []
    validator = Validator(default_raw=raw)
    for policy_id in corpus.policy_ids():
        # Only texts and sidecars matter here, not annotations: read by the input rules to
        # the first problem, and explained in full by the validator when there is one.
        policy = read_policy_text_and_sidecar(corpus, policy_id)
        if isinstance(policy, Problem):
            refused.append(policy)
            validator.validate_file(corpus.sidecar_path(policy_id))
            continue
        sidecar, text = policy
        sidecars[policy_id] = sidecar
        for segment_id, segment in enumerate(sidecar["segments"]):
            keys.append((policy_id, segment_id))
            texts.append(text[segment["start"] : segment["end"]])
    if refused:
        raise InvalidInputs(validator.problems or refused)
    chosen = chosen_in_raw(sidecars, split, language)
    if not chosen:
        raise BaselineError(f"{raw}: no policy in {described(split, language)} to label")
    policies = {i: sidecars[i]["text_sha256"] for i in sorted(chosen)}
    texts = [t for (policy_id, _), t in zip(keys, texts, strict=True) if policy_id in chosen]
    keys = [key for key in keys if key[0] in chosen]
    probabilities = scores(model, texts) if texts else np.zeros((0, len(model.labels)))
    threshold = model.settings["threshold"]
    segments = []
    for (policy_id, segment_id), row in zip(keys, probabilities, strict=True):
        # Rounded before the threshold, so the file's scores alone decide its labels.
        rounded = [round(float(p), 6) for p in row]
        given = [
            (label, p) for label, p in zip(model.labels, rounded, strict=True) if p >= threshold
        ]
        segments.append((policy_id, segment_id, given))
    document = predictions_document(
        model_description(model),
        model_scheme(model),
        model.settings["label_set"],
        threshold,
        policies,
        segments,
    )
    write_text_atomic(out, document)
    return PredictSummary(
        out, len(policies), len(segments), sum(len(labels) for *_, labels in segments)
    )


__all__ = ["BaselineError", "ScoreError", "load_model", "predict", "train"]
