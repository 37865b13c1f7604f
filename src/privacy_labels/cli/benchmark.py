"""The benchmark's subcommands of `privacy-labels`: `score` and `baseline train|predict`."""

from __future__ import annotations

import argparse
from pathlib import Path

from privacy_labels.cli.answer import Answer, written
from privacy_labels.cli.options import Parents, command, out_option, path_option, whole_number
from privacy_labels.errors import UsageError
from privacy_labels.raw.corpus import DEFAULT_RAW, is_slug


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
        scheme=args.scheme,
        label_set=args.labels,
        gold=args.gold,
        seed=args.seed,
        split=args.split,
        language=args.language,
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
    from privacy_labels.outputs.baseline import predict

    result = predict(args.model, args.raw, args.out, split=args.split, language=args.language)
    return Answer(
        written(result),
        [
            f"wrote {result.out}: {result.n_labels:,} labels for {result.n_segments:,} segments "
            f"of {result.n_policies:,} policies",
            f"next: privacy-labels score LABELED {result.out} --split "
            + (args.split if args.split != "all" else "test"),
        ],
    )


def add_commands(sub, common: Parents) -> None:
    """Add `score` and `baseline` to the subcommands of `privacy-labels`."""
    from privacy_labels.outputs.score import GOLD_RULES

    labels = argparse.ArgumentParser(add_help=False)
    labels.add_argument(
        "--scheme",
        metavar="ID",
        help="the scheme whose labels are scored: needed when the tables hold several "
        "(opp115, mapp, app350, or a corpus's own)",
    )
    labels.add_argument(
        "--labels",
        metavar="SET",
        help="a label set of the scheme (its label_sets.json); default: its last, the finest. "
        "For opp115, 10: the categories; 12 (the default): the nine categories other than "
        "Other and Other's three types (introductory/generic, practice not covered, privacy "
        "contact information), as Polisis and PrivacyGLUE use; app350's one set: 58",
    )
    labels.add_argument(
        "--gold",
        choices=GOLD_RULES,
        default="majority",
        help="a segment has a label when a majority (more than half) or any of the policy's "
        "annotators gave it; default: majority",
    )

    p = command(
        sub,
        "score",
        cmd_score,
        help="score an annotation layer or a model's predictions against a reference layer",
        description="Segment-level precision, recall and F1 per label, micro and macro, with "
        "support; attribute-value P/R/F1 on the (segment, category) pairs both label, the "
        "values as the tables publish them (an attribute left out holds the scheme's "
        "default, does or unspecified, in every layer); "
        "token-level F1 of the evidence spans. Over the segments both cover. A layer is a "
        "folder of built tables (every annotator) or an annotator id in --labeled; the "
        "candidate may be a predictions file (schema/predictions.schema.json). Exit 1 when "
        "an input is invalid or no segment is covered by both.",
        parents=[common.fmt, labels, common.labeled],
    )
    p.add_argument("reference", metavar="REFERENCE", help="folder of tables, or annotator id")
    p.add_argument(
        "candidate", metavar="CANDIDATE", help="folder of tables, annotator id, or predictions file"
    )
    _selection_options(p, "score only the policies of", "all")

    p = command(
        sub,
        "baseline",
        None,
        help="a CPU baseline: TF-IDF and logistic regression (needs the 'baseline' extra)",
        description="Train a TF-IDF and one-vs-rest logistic regression segment classifier on "
        "a train part (--split NAME:PART), and predict labels for a raw corpus. Models are "
        "your files (stored as NumPy arrays, no pickle); never ship one trained on OPP-115.",
    )
    steps = p.add_subparsers(dest="step", required=True, metavar="STEP")
    p = command(
        steps,
        "train",
        cmd_baseline_train,
        help="fit on a train part of built tables (default:train, or --split NAME:PART)",
        description="Fit on the segments of a train part (--split) of the tables in --labeled: "
        "their text from segment_labels, their labels by the gold rule. Deterministic (seeded). "
        "Writes --out where nothing is, or over a model it wrote.",
        parents=[common.fmt, labels, common.labeled],
        reads=("--labeled",),
    )
    out_option(p, "model file (.npz)", "MODEL")
    _selection_options(p, "fit only on the policies of", "train")
    p.add_argument("--seed", type=whole_number(0), default=0, help="random seed (default: 0)")
    p = command(
        steps,
        "predict",
        cmd_baseline_predict,
        help="label every segment of a raw corpus",
        description="Write a predictions file (schema/predictions.schema.json) with the labels "
        "whose probability is at least 0.5, with their scores, for every segment of the raw "
        "corpus. The same model and corpus give the same bytes.",
        parents=[common.fmt],
        reads=("--model", "--raw"),
        unchanged="{out} is unchanged",
    )
    p.add_argument("--model", type=Path, required=True, metavar="MODEL", help="a trained model")
    path_option(p, "--raw", DEFAULT_RAW, "raw corpus folder")
    out_option(p, "predictions file", "FILE")
    _selection_options(p, "label only the policies of", "all")


def _selection_options(parser: argparse.ArgumentParser, does: str, default: str) -> None:
    """--split and --language: which policies a benchmark command works on."""
    parser.add_argument(
        "--split",
        metavar="NAME:PART",
        default=default,
        help=f"{does} one part of a split of the splits table: NAME:PART, e.g. plue:test or "
        f"mapp:train (schema/splits/); a bare part (test) is the default split's, all is every "
        f"policy; default: {default}",
    )
    parser.add_argument(
        "--language",
        metavar="LANG",
        help=f"{does} this language (the policies' language, e.g. en or de); default: any",
    )
