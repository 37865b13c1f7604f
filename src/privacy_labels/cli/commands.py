"""Every subcommand of `privacy-labels` as data, in the order `privacy-labels --help` lists
them: its name, handler, help, arguments, the paths it reads and what a failure leaves
unchanged (`options.Command`). `options.add_commands` turns the table into parsers, the one
place that does; `import` and `export` are declared in `import_export`.
"""

from __future__ import annotations

from pathlib import Path

from privacy_labels.cli import annotation, benchmark, data, import_export, release
from privacy_labels.cli.options import (
    FORMAT,
    LABELED,
    LABELED_DIR,
    QUIET,
    RAW,
    WORKERS,
    Arg,
    Command,
    Group,
    annotator,
    arg,
    flag,
    layer,
    layer_list,
    out,
    path_arg,
    policy_ids,
    redaction,
    scheduler,
    whole_number,
)
from privacy_labels.contract.splits import ALL
from privacy_labels.outputs.score import GOLD_RULES
from privacy_labels.raw.corpus import (
    DEFAULT_CHANGELOG,
    DEFAULT_CITATION,
    DEFAULT_LABELED,
    DEFAULT_METADATA,
    DEFAULT_RELEASES,
    DEFAULT_REPORT,
    DEFAULT_SITE,
)

# The labels `score` and `baseline train` work on.
SCORED_LABELS = (
    arg(
        "--scheme",
        metavar="ID",
        help="the scheme whose labels are scored: needed when the tables hold several "
        "(opp115, mapp, app350, or a corpus's own)",
    ),
    arg(
        "--labels",
        metavar="SET",
        help="a label set of the scheme (its label_sets.json); default: its last, the finest. "
        "For opp115, 10: the categories; 12 (the default): the nine categories other than "
        "Other and Other's three types (introductory/generic, practice not covered, privacy "
        "contact information), as Polisis and PrivacyGLUE use; app350's one set: 58",
    ),
    arg(
        "--gold",
        choices=GOLD_RULES,
        default="majority",
        help="a segment has a label when a majority (more than half) or any of the policy's "
        "annotators gave it; default: majority",
    ),
)


def selection(does: str, default: str) -> tuple[Arg, Arg]:
    """--split and --language: which policies a benchmark command works on."""
    return (
        arg(
            "--split",
            metavar="NAME:PART",
            default=default,
            help=f"{does} one part of a split of the splits table: NAME:PART, e.g. plue:test "
            f"or mapp:train (schema/splits/); a bare part (test) is the default split's, all is "
            f"every policy; default: {default}",
        ),
        arg(
            "--language",
            metavar="LANG",
            help=f"{does} this language (the policies' language, e.g. en or de); default: any",
        ),
    )


SUBCOMMANDS: tuple[Command | Group, ...] = (
    Command(
        "validate",
        data.cmd_validate,
        help="validate annotation documents and policy sidecars",
        description="Check annotation documents, sidecars or whole raw corpora and report every "
        "problem with file, JSON path and a hint. Files outside the data/raw layout are "
        "validated against the corpus given by --raw.",
        arguments=(
            FORMAT,
            RAW,
            WORKERS,
            arg("paths", nargs="+", type=Path, metavar="PATH", help="files or folders"),
        ),
        reads=("paths",),
    ),
    Command(
        "migrate",
        data.cmd_migrate,
        help="upgrade annotation documents and sidecars to the current schema version",
        description="Rewrite annotation documents and policy sidecars written at an earlier "
        "schema version in place, at the current one (schema/versions.json says what each "
        "version added): fill each added field that can be derived and name each one a "
        "person must supply. Every file is judged before any is written; a file at an "
        "unknown version stops the run with nothing changed.",
        arguments=(
            FORMAT,
            arg(
                "paths",
                nargs="+",
                type=Path,
                metavar="PATH",
                help="files, or folders such as data/raw",
            ),
        ),
        reads=("paths",),
    ),
    Command(
        "build",
        data.cmd_build,
        help="build the tables from the raw corpus",
        description="Validate the whole raw corpus, then write the tables (Parquet and CSV) "
        "and manifest.json. Writes nothing if any input is invalid. Policies are validated and "
        "turned into rows in parallel (--workers, or a Dask cluster with --scheduler); the "
        "output is the same bytes however the work is spread.",
        arguments=(
            FORMAT,
            RAW,
            WORKERS,
            path_arg(
                "--out", DEFAULT_LABELED, "output folder, replaced when complete", in_project=True
            ),
            QUIET,
            scheduler(
                "run the per-policy work on the Dask distributed cluster at ADDRESS "
                "(e.g. tcp://10.0.0.5:8786; its workers must see --raw at the same path); "
                "needs the 'distributed' extra"
            ),
            flag(
                "--partitioned",
                "write practices and attribute_values as Parquet datasets partitioned by "
                "category (<table>/category=<id>/part-0.parquet), for corpora too large to read "
                "whole",
            ),
            flag(
                "--force",
                "build even when OUT's manifest.json shows it was built from these very inputs "
                "(by default that is verified by sha256 and nothing is written)",
            ),
            layer("derive segment_labels.has_* and policy_labels"),
        ),
        reads=("--raw",),
        unchanged="{out} is unchanged",
    ),
    Command(
        "check",
        data.cmd_check,
        help="run the quality gate on built tables",
        description="Run the great-expectations suites generated from the schema, and the "
        "project checks, on the tables in DIR, and that every table file is the one in "
        "manifest.json. Prints each failed check with examples, and writes result.json (and, "
        "with --data-docs, GX Data Docs as HTML) to the report folder. A passing result in the "
        "report folder for the same table files (by sha256), code, schema and versions is "
        "reused, and said so. Exit 1 on any failure.",
        arguments=(
            FORMAT,
            LABELED_DIR,
            path_arg("--report", DEFAULT_REPORT, "report folder, replaced when complete"),
            flag(
                "--data-docs",
                "also render GX Data Docs (HTML) into REPORT/data_docs; takes several seconds more",
            ),
            flag(
                "--force",
                "run the gate even when REPORT holds a passing result for the same table files, "
                "code and versions (by default that result is reused, verified by sha256)",
            ),
            scheduler(
                "check each table's suite on the Dask distributed cluster at ADDRESS "
                "(its workers must see DIR at the same path), the rules across tables "
                "here after them; same verdict as a local run (with --data-docs all run here); "
                "needs the 'distributed' extra"
            ),
        ),
        reads=("dir",),
    ),
    Command(
        "release",
        release.cmd_release,
        help="cut an immutable release into releases/VERSION",
        description="Rebuild from the raw corpus, run the quality gate, and write "
        "releases/VERSION with the tables, metadata (datapackage.json, croissant.json, "
        "dataset card with datasheet, LICENSE.md, CITATION.cff, datacite.json, .zenodo.json), "
        "schema, quality report and SHA256SUMS. Needs a "
        "'## [VERSION] - YYYY-MM-DD' entry in the changelog; never overwrites a release. "
        "Semver for data: patch = docs only, minor = new or corrected data, major = renamed "
        "or removed tables, columns or labels.",
        arguments=(
            FORMAT,
            RAW,
            arg("version", metavar="VERSION", help="MAJOR.MINOR.PATCH"),
            path_arg("--releases", DEFAULT_RELEASES, "folder of releases", in_project=True),
            path_arg(
                "--changelog",
                DEFAULT_CHANGELOG,
                "changelog with the version's entry",
                metavar="FILE",
                in_project=True,
            ),
            path_arg(
                "--citation",
                DEFAULT_CITATION,
                "the repository's citation file to update (and .zenodo.json beside it)",
                metavar="FILE",
                in_project=True,
            ),
            path_arg(
                "--metadata",
                DEFAULT_METADATA,
                "what the project knows about the dataset: licences, uses, biases, maintenance",
                metavar="FILE",
                in_project=True,
            ),
            QUIET,
        ),
        reads=("--raw",),
        unchanged="nothing was written",
    ),
    Command(
        "verify",
        release.cmd_verify,
        help="verify a release folder against its SHA256SUMS and the package's own",
        description="Recompute the sha256 of every file in DIR and report each changed, "
        "missing or extra file. A release of a version the package ships (by its folder "
        "name or manifest.json) is checked against the shipped SHA256SUMS as well as its "
        "own, so a file edited together with its checksum is found; the output names the "
        "references used. Exit 1 on any difference.",
        arguments=(
            FORMAT,
            arg("dir", type=Path, metavar="DIR", help="a release folder, e.g. releases/0.1.0"),
        ),
        reads=("dir",),
    ),
    import_export.IMPORT,
    import_export.EXPORT,
    Command(
        "agreement",
        annotation.cmd_agreement,
        help="inter-annotator agreement per category, per policy and for the corpus",
        description="Compare the annotation layers of the tables in DIR (the consolidated "
        "layer excepted): segment-level Cohen's kappa (a fixed pair of layers) or Fleiss' "
        "kappa per category, the number of segments labeled by at least one, a majority and "
        "all annotators, pairwise segment-level F1 (micro and per category), and "
        "attribute-value agreement on practices matched by attribute overlap; per policy and "
        "for the corpus. Attribute values are compared as the tables publish them: an "
        "attribute left out holds the scheme's default (does, unspecified) in every layer. "
        "The formulas are in the module privacy_labels.outputs.agreement.",
        arguments=(
            FORMAT,
            LABELED_DIR,
            arg(
                "--annotators",
                type=whole_number(2),
                metavar="N",
                help="use the policies with N annotators (default: the most common number)",
            ),
            arg(
                "--layers",
                type=layer_list,
                metavar="A,B[,...]",
                help="compare these annotators' layers, over the policies that have all of them",
            ),
            arg(
                "--candidate",
                type=annotator,
                metavar="LAYER",
                help="compare the layer LAYER with the layers made by people (annotator_kind "
                "person) over the policies that have it, beside those people among themselves; "
                "figures pooled over every (pair, policy)",
            ),
            arg(
                "--scheme",
                metavar="ID",
                help="compare the policies annotated in this scheme, over the labels of its "
                "first label set (needed when the tables hold several schemes)",
            ),
        ),
        reads=("dir",),
    ),
    Command(
        "score",
        benchmark.cmd_score,
        help="score an annotation layer or a model's predictions against a reference layer",
        description="Segment-level precision, recall and F1 per label, micro and macro, with "
        "support; attribute-value P/R/F1 on the (segment, category) pairs both label, the "
        "values as the tables publish them (an attribute left out holds the scheme's "
        "default, does or unspecified, in every layer); "
        "token-level F1 of the evidence spans. Over the segments both cover. A layer is a "
        "folder of built tables (every annotator) or an annotator id in --labeled; the "
        "candidate may be a predictions file (schema/predictions.schema.json). Exit 1 when "
        "an input is invalid or no segment is covered by both.",
        arguments=(
            FORMAT,
            *SCORED_LABELS,
            LABELED,
            arg("reference", metavar="REFERENCE", help="folder of tables, or annotator id"),
            arg(
                "candidate",
                metavar="CANDIDATE",
                help="folder of tables, annotator id, or predictions file",
            ),
            *selection("score only the policies of", ALL),
        ),
    ),
    Group(
        "baseline",
        help="a CPU baseline: TF-IDF and logistic regression (needs the 'baseline' extra)",
        description="Train a TF-IDF and one-vs-rest logistic regression segment classifier on "
        "a train part (--split NAME:PART), and predict labels for a raw corpus. Models are "
        "your files (stored as NumPy arrays, no pickle); never ship one trained on OPP-115.",
        dest="step",
        metavar="STEP",
        commands=(
            Command(
                "train",
                benchmark.cmd_baseline_train,
                help="fit on a train part of built tables (default:train, or --split NAME:PART)",
                description="Fit on the segments of a train part (--split) of the tables in "
                "--labeled: their text from segment_labels, their labels by the gold rule. "
                "Deterministic (seeded). Writes --out where nothing is, or over a model it wrote.",
                arguments=(
                    FORMAT,
                    *SCORED_LABELS,
                    LABELED,
                    out("model file (.npz)", "MODEL"),
                    *selection("fit only on the policies of", "train"),
                    arg("--seed", type=whole_number(0), default=0, help="random seed (default: 0)"),
                ),
                reads=("--labeled",),
            ),
            Command(
                "predict",
                benchmark.cmd_baseline_predict,
                help="label every segment of a raw corpus",
                description="Write a predictions file (schema/predictions.schema.json) with the "
                "labels whose probability is at least 0.5, with their scores, for every segment "
                "of the raw corpus. The same model and corpus give the same bytes.",
                arguments=(
                    FORMAT,
                    arg(
                        "--model", type=Path, required=True, metavar="MODEL", help="a trained model"
                    ),
                    RAW,
                    out("predictions file", "FILE"),
                    *selection("label only the policies of", ALL),
                ),
                reads=("--model", "--raw"),
                unchanged="{out} is unchanged",
            ),
        ),
    ),
    Command(
        "adjudicate",
        annotation.cmd_adjudicate,
        help="resolve the disagreements of the layers into the consolidated layer",
        description="For each policy with two or more annotation layers (or --layers), keep "
        "what more than half of the layers give and list every other disagreement (a label, a "
        "practice, an attribute value no majority gives). Without an adjudication log "
        "(RAW/adjudication/<policy_id>.json) it writes one as a template to fill in; with a "
        "complete log, one decision per disagreement, it writes the consolidated layer "
        "RAW/annotations/<policy_id>/consolidated.json. Exit 1 while any disagreement is "
        "undecided or the log has problems. The rule is in the module privacy_labels.raw.adjudicate.",
        arguments=(
            FORMAT,
            RAW,
            policy_ids("adjudicate"),
            arg(
                "--layers",
                type=layer_list,
                metavar="BASE,OTHER[,...]",
                help="the annotators to adjudicate, the base layer first (default: the policy's "
                "annotators other than consolidated, in alphabetical order)",
            ),
            flag(
                "--check",
                "write nothing; exit 1 if a log is missing or incomplete or a consolidated layer "
                "is not what the layers and the log give now",
            ),
        ),
        reads=("--raw",),
    ),
    Command(
        "report",
        data.cmd_report,
        help="write a static HTML report with a privacy label per policy",
        description="Write index.html (counts per category, attribute and value, with bar "
        "charts, and agreement when policies have several annotators) and "
        "policies/<policy_id>.html (the policy's privacy label: a grid of information types "
        "against uses and recipients whose cells link to the evidence, highlighted in the "
        "policy text) from the tables in DIR.",
        arguments=(
            FORMAT,
            LABELED_DIR,
            path_arg("--out", DEFAULT_SITE, "output folder, replaced when complete"),
            layer("show each policy's label"),
        ),
        reads=("dir",),
        unchanged="{out} is unchanged",
    ),
    Command(
        "add-policy",
        annotation.cmd_add_policy,
        help="add a policy text with its provenance sidecar",
        description="Normalise line ends and surrounding whitespace, segment the text into "
        "paragraphs, and write <policy_id>.txt and <policy_id>.json into the raw corpus.",
        arguments=(
            RAW,
            arg("file", type=Path, metavar="TEXT_FILE", help="the policy as plain UTF-8 text"),
            arg("--policy-id", required=True, help="lowercase slug naming the policy"),
            arg("--organisation", required=True, help="organisation named in the policy"),
            arg("--license", required=True, help="terms under which the text is shared"),
            arg("--source", help="where the text came from (default: the file name)"),
            arg("--url", help="the policy's web address"),
            arg("--retrieved-date", metavar="YYYY-MM-DD", help="when the text was collected"),
            arg("--effective-date", metavar="YYYY-MM-DD", help="effective date it states"),
            arg(
                "--legal-entity",
                help="the legal entity the text names as responsible (default: none)",
            ),
            arg(
                "--service-name",
                action="append",
                default=[],
                metavar="NAME",
                help="a service, product or brand name the text uses beside the organisation "
                "(repeatable)",
            ),
            arg(
                "--redaction",
                action="append",
                default=[],
                type=redaction,
                metavar="PLACEHOLDER=WHAT",
                help="a placeholder the text has in place of removed content, and what it "
                "replaced (repeatable), e.g. '[email protected]=an e-mail address'",
            ),
        ),
        reads=("file",),
    ),
    Command(
        "resegment",
        annotation.cmd_resegment,
        help="cut policies into segments again by the current rule, moving their annotations",
        description="Segment each policy's text again by the current segmentation rule "
        "(docs/guidelines.md, section 1), record the rule in its sidecar, and re-derive every "
        "practice's segment_id from its spans; no span changes. A policy with a practice "
        "whose spans would fall into two segments is refused, and nothing of it is written.",
        arguments=(FORMAT, RAW, policy_ids("resegment")),
        reads=("--raw",),
    ),
    Command(
        "docs",
        data.cmd_docs,
        help="generate the taxonomy, table, crosswalk and scheme reference in docs/",
        description="Write docs/taxonomy.md, docs/tables.md, docs/crosswalk.md and "
        "docs/schemes/ from the schema and the schemes.",
        arguments=(
            path_arg("--out", Path("docs"), "folder to write"),
            flag("--check", "write nothing; exit 1 if the files differ from the schema"),
        ),
    ),
)
