"""The handlers of the benchmark's subcommands: `score` and `baseline train|predict`."""

from __future__ import annotations

import argparse
from pathlib import Path

from privacy_labels.cli.answer import Answer, written
from privacy_labels.cli.options import keywords
from privacy_labels.errors import UsageError
from privacy_labels.raw.corpus import is_slug


def _layer(given: str, labeled: Path, role: str, scheme, *, with_details: bool = True):
    """(layer, predictions or None, folder or None) for a REFERENCE or CANDIDATE argument,
    its labels in `scheme`."""
    from privacy_labels.contract.scheme_set import SchemeSet
    from privacy_labels.outputs.predictions import read_predictions
    from privacy_labels.outputs.score import predictions_layer, table_layer

    path = Path(given)
    if path.is_dir():
        return table_layer(path, with_details=with_details, scheme=scheme), None, path
    if path.is_file():
        if role == "REFERENCE":
            raise UsageError(f"REFERENCE {given} is a file; the reference is a folder of tables "
                             "or an annotator id (a predictions file can only be the CANDIDATE)")  # fmt: skip
        predictions = read_predictions(path, SchemeSet.of([scheme]))
        return predictions_layer(predictions), predictions, None
    if is_slug(given):
        return table_layer(labeled, given, with_details=with_details, scheme=scheme), None, labeled
    raise UsageError(
        f"{role} {given!r}: no such file or folder, and not an annotator id; give a folder of "
        "built tables, an annotator id in --labeled, or a predictions file"
    )


def cmd_score(args: argparse.Namespace) -> Answer:
    from privacy_labels.outputs.score import (
        require_same_texts,
        score,
        scored_scheme,
        table,
    )
    from privacy_labels.outputs.selection import chosen_policies

    tables = Path(args.reference) if Path(args.reference).is_dir() else args.labeled
    scheme = scored_scheme(tables, args.scheme)
    # A predictions file has no attribute values or spans: the reference's are not read.
    candidate, predictions, candidate_folder = _layer(
        args.candidate, args.labeled, "CANDIDATE", scheme
    )
    reference, _, folder = _layer(
        args.reference, args.labeled, "REFERENCE", scheme, with_details=predictions is None
    )
    require_same_texts(reference, candidate, predictions)
    chosen = chosen_policies(folder or candidate_folder or args.labeled, args.split, args.language)
    result = score(
        reference,
        candidate,
        scheme=scheme,
        label_set=args.labels,
        gold=args.gold,
        split=args.split,
        language=args.language,
        chosen=chosen,
    )
    return Answer(result.to_dict(), [table(result)])


def cmd_baseline_train(args: argparse.Namespace) -> Answer:
    from privacy_labels.outputs.baseline import train

    result = train(
        args.labeled,
        args.out,
        label_set=args.labels,
        **keywords(args, "scheme", "gold", "seed", "split", "language"),
    )
    constant = (
        ["one class only in the training segments (a constant score): "
         + ", ".join(result.constant_labels)]
        if result.constant_labels
        else []
    )  # fmt: skip
    return Answer(
        written(result),
        [
            f"trained {result.out}: {result.label_set} labels on {result.n_segments:,} segments "
            f"of {result.n_policies:,} policies ({args.split}), {result.n_features:,} features",
            *constant,
            f"next: privacy-labels baseline predict --model {result.out} --raw DIR --out FILE",
        ],
    )


def cmd_baseline_predict(args: argparse.Namespace) -> Answer:
    from privacy_labels.contract.splits import ALL
    from privacy_labels.outputs.baseline import predict

    result = predict(args.model, args.raw, args.out, split=args.split, language=args.language)
    return Answer(
        written(result),
        [
            f"wrote {result.out}: {result.n_labels:,} labels for {result.n_segments:,} segments "
            f"of {result.n_policies:,} policies",
            f"next: privacy-labels score LABELED {result.out} --split "
            + (args.split if args.split != ALL else "test"),
        ],
    )
