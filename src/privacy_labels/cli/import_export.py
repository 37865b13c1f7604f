"""The `import` and `export` subcommands as data (see `commands`): other corpora and
annotation tools' exports into the raw layout, and the corpus out to annotation tools."""

from __future__ import annotations

from pathlib import Path

from privacy_labels.cli import annotation, imports
from privacy_labels.cli.options import (
    FORMAT,
    QUIET,
    RAW,
    SOURCE,
    WORKERS,
    Command,
    Group,
    OneOf,
    annotator,
    arg,
    flag,
    out,
)
from privacy_labels.contract.schema import GUIDELINES_VERSION
from privacy_labels.importers.opp115 import CONSOLIDATION_THRESHOLDS

IMPORT = Group(
    "import",
    help="import an existing corpus into the raw layout",
    description="Convert an existing annotated corpus into a raw corpus (policies, "
    "sidecars, annotation documents) that validate, build and check take as is.",
    dest="source",
    metavar="SOURCE",
    commands=(
        Command(
            "opp115",
            imports.cmd_import_opp115,
            help="the OPP-115 corpus v1.0 (Wilson et al., ACL 2016)",
            description="Import every policy and practice of OPP-115 v1.0: text from "
            "sanitized_policies/ with markup removed, segments kept, labels mapped to the "
            "opp115 scheme's ids, spans re-anchored into the text (exact, relocated or "
            "unanchorable, listed in import-report.json). OPP-115 is for research only: "
            "import it into a folder of your own, never into data/.",
            arguments=(
                FORMAT,
                WORKERS,
                SOURCE,
                out("raw corpus to write"),
                arg(
                    "--consolidation",
                    choices=CONSOLIDATION_THRESHOLDS,
                    help="import the consolidated layer at this overlap threshold instead "
                    "of the annotators' practices",
                ),
                QUIET,
            ),
            unchanged="{out} is unchanged",
        ),
        Command(
            "app350",
            imports.cmd_import_app350,
            help="the APP-350 corpus v1.1 (Zimmeck et al., PETS 2019)",
            description="Import every policy, segment and annotation of APP-350 v1.1: each "
            "policy's text built from its segments (joined by a blank line), one practice "
            "per annotated (segment, practice, modality) in the app350 scheme, the stating "
            "sentence located as its evidence span (the reason recorded where it is not), "
            "the official split, contains_synthetic and the original HTML's sha256 kept "
            "(import-report.json). APP-350 is for research only: import it into a folder "
            "of your own, never into data/.",
            arguments=(FORMAT, SOURCE, out("raw corpus to write")),
            unchanged="{out} is unchanged",
        ),
        Command(
            "mapp",
            imports.cmd_import_mapp,
            help="the MAPP corpus v1.0 (Arora et al., LREC 2022), English and German",
            description="Import every policy, segment and label of MAPP v1.0: a policy per "
            "(language, file), its text and segments as MAPP cuts them, one "
            "mapp-consolidated layer whose labels are value sets (one per labelled segment "
            "and category, no spans), every source problem counted in import-report.json. "
            "MAPP is for research only: import it into a folder of your own, never into "
            "data/.",
            arguments=(
                FORMAT,
                arg("src", type=Path, metavar="MAPP_ROOT", help="the corpus root folder"),
                out("raw corpus to write"),
            ),
            unchanged="{out} is unchanged",
        ),
        Command(
            "raw",
            imports.cmd_import_raw,
            help="several raw corpora (imports' outputs, a corpus of your own) as one",
            description="Copy the raw corpora given, file for file, into one raw corpus for "
            "one build (e.g. OPP-115, MAPP and APP-350, each imported into a folder of its "
            "own). A file two inputs hold is copied once where their bytes are equal and "
            "refused where they differ, naming both; each input's import-report.json is kept "
            "in the combined one. The inputs are never written.",
            arguments=(
                FORMAT,
                arg("roots", type=Path, nargs="+", metavar="RAW", help="a raw corpus folder"),
                out("raw corpus to write"),
            ),
            unchanged="{out} is unchanged",
        ),
        Command(
            "label-studio",
            annotation.cmd_import_label_studio,
            help="a Label Studio JSON export of tasks made by `export label-studio`",
            description="Convert the annotations of a Label Studio JSON export into "
            "annotation documents, one per task and annotator, with offsets mapped back to "
            "the policy text (Label Studio counts \\r\\n and emoji as two). Writes a raw "
            "corpus to --out: the annotated policies, copied from --raw, and the documents, "
            "validated with the corpus in --raw; or, with --into-raw, adds the documents to "
            "--raw as layers, never replacing an annotator's document there unless given "
            "--replace. Nothing is written while a problem remains.",
            arguments=(
                FORMAT,
                RAW,
                arg("export", type=Path, metavar="EXPORT.json", help="the JSON export"),
                OneOf(
                    (
                        out("raw corpus to write", required=False),
                        flag("--into-raw", "add the documents to the corpus in --raw as layers"),
                    )
                ),
                flag(
                    "--replace",
                    "with --into-raw: replace an annotator's existing document of a policy "
                    "(without it, the import is refused, naming the document)",
                ),
                arg(
                    "--annotator",
                    type=annotator,
                    help="annotator id (a lowercase slug) for every annotation; without it, "
                    "the local part of the user's e-mail when the export carries one (Label "
                    "Studio's JSON export names users by number only)",
                ),
                arg(
                    "--annotated-date",
                    metavar="YYYY-MM-DD",
                    help="date of the annotations (default: each annotation's last update)",
                ),
                arg("--method", help="how the annotations were made, kept in each document"),
                arg(
                    "--guidelines-version",
                    default=GUIDELINES_VERSION,
                    help=f"the docs/guidelines.md version followed (default: {GUIDELINES_VERSION})",
                ),
                arg(
                    "--annotator-kind",
                    choices=("person", "model", "adjudication", "import"),
                    default="person",
                    help="what made the annotations (default: person)",
                ),
                arg(
                    "--model",
                    help="the model and version, with --annotator-kind model (required) or "
                    "adjudication",
                ),
                arg("--process", help="how the annotations were made (default: --method's text)"),
                flag(
                    "--blind",
                    "the annotator saw no other annotation of the policy (export with "
                    "--no-predictions)",
                ),
                flag("--reviewed", "a person reviewed the annotations afterwards"),
            ),
            unchanged="nothing was written",
        ),
    ),
)

EXPORT = Group(
    "export",
    help="export the corpus to an annotation tool",
    description="Write the corpus in an annotation tool's formats, with its annotations.",
    dest="target",
    metavar="TOOL",
    commands=(
        Command(
            "label-studio",
            annotation.cmd_export_label_studio,
            help="a Label Studio labeling configuration and tasks",
            description="Write config.xml, a Label Studio labeling configuration generated "
            "from the policies' label scheme (categories, and per category only its "
            "attributes and their values, named in the policies' language), and tasks.json, "
            "one task per policy with its annotation documents as predictions; a folder of "
            "both per scheme and language, <scheme>-<language>/, when the corpus holds "
            "several.",
            arguments=(
                FORMAT,
                RAW,
                out("folder to write"),
                arg(
                    "--scheme",
                    metavar="ID",
                    help="the scheme a policy not annotated yet is offered in (default: the "
                    "hub, opp115)",
                ),
                flag("--no-predictions", "tasks without the existing annotations"),
                arg(
                    "--predictions",
                    type=Path,
                    metavar="FILE",
                    help="a predictions file (`baseline predict`): its labels become "
                    "pre-annotations, one region per segment and label, attributes left to "
                    "the annotator",
                ),
            ),
            reads=("--raw",),
            unchanged="{out} is unchanged",
        ),
    ),
)
