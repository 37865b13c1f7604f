"""The tables: the public data contract, with their Arrow and pandas types.

The column model (types, constraints, keys) is in `contract/columns.py`. Each column owns
its constraints (`Column.constraints`) and names the document field it comes from
(`Column.source`): the gate's suites, `datapackage.json`, Croissant and docs/tables.md are
generated from them. The tables grow by rows, not columns: a label column's list of labels
is that of the schemes of a build (`SchemeSet`), read from the build's own `schemes/`
folder, so the columns are the same whichever schemes a corpus holds.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import replace

import pandas as pd
import pyarrow as pa

from privacy_labels.contract.columns import SPLIT, TYPES, Column, ForeignKey, Span, Table
from privacy_labels.contract.scheme_set import SchemeSet
from privacy_labels.errors import InvalidArgument

# Where a value comes from: the policy's sidecar (`policies/<policy_id>.json`), its text, or
# an annotation document (`annotations/<policy_id>/<annotator>.json`).
SIDECAR, ANNOTATION = "sidecar: ", "annotation: "
PROVENANCE = ANNOTATION + "provenance."
ATTRIBUTE = ANNOTATION + "practices[].attributes."

POLICY_ID = Column(
    "policy_id", "string", "Policy id, a lowercase slug.", source=SIDECAR + "policy_id"
)
PRACTICE_ID = Column(
    "practice_id",
    "string",
    "Practice id, unique across the corpus.",
    source=ANNOTATION + "practices[].practice_id",
)
SEGMENT_ID = Column(
    "segment_id",
    "integer",
    "0-based position of the segment in its policy.",
    minimum=0,
)
TEXT_SHA256 = Column(
    "text_sha256", "string", "sha256 of the policy text (UTF-8).", source=SIDECAR + "text_sha256"
)
ANNOTATOR = Column(
    "annotator",
    "string",
    "Annotator id; the document's file name.",
    source=ANNOTATION + "annotator",
)

N_ANNOTATORS = Column(
    "n_annotators",
    "integer",
    "Annotators of the policy: its annotation documents but the consolidated layer.",
    minimum=0,
)
LAYER = Column(
    "layer",
    "string",
    "The annotator whose layer gives the labels: the one `build --layer` named, by default "
    "`consolidated` when the policy has that layer; null for the majority of all annotators "
    "(segment_labels) or all their practices (policy_labels).",
    is_nullable=True,
)
SCHEME = Column(
    "scheme",
    "label",
    "The label scheme the row's labels are written in (schemes/<scheme>/ of the build).",
    labels="scheme",
    source=ANNOTATION + "scheme.id",
)

CATEGORY = Column(
    "category",
    "label",
    "Practice category, in its scheme.",
    labels="category",
    source=ANNOTATION + "practices[].category",
)

SEGMENT_KEY = ForeignKey(("policy_id", "segment_id"), "segments", ("policy_id", "segment_id"))
POLICY_KEY = ForeignKey(("policy_id",), "policies", ("policy_id",))


def _define_tables() -> tuple[Table, ...]:
    """The tables, in the order of their foreign keys."""
    return (
        Table(
            "policies",
            "One row per policy: provenance and full text.",
            (
                POLICY_ID,
                *(
                    Column(name, "string", description, is_nullable, source=SIDECAR + name)
                    for name, description, is_nullable in (
                        ("organisation", "Organisation whose policy it is.", False),
                        ("source", "Where the text was obtained.", False),
                        ("url", "Web address of the policy, when known.", True),
                        ("retrieved_date", "Collection date (ISO 8601), when known.", True),
                        ("effective_date", "Effective date the text states (ISO 8601).", True),
                        ("language", "Language of the text, BCP 47 (en, de, pt-BR).", False),
                        (
                            "policy_group_id",
                            "Shared by the language versions of one policy; null when it has "
                            "no other.",
                            True,
                        ),
                        ("license", "Terms under which the text is redistributed.", False),
                    )
                ),
                # A source corpus's facts about the policy, as it states them.
                *(
                    Column(name, kind, f"{text}; null when unsaid.", True, source=SIDECAR + name)
                    for name, kind, text in (
                        ("source_split", "string", "Part of the corpus's own split (TRAIN, TEST)"),
                        ("contains_synthetic", "boolean", "The text holds synthetic (edited) text"),
                        ("original_sha256", "string", "sha256 of the corpus's original document"),
                    )
                ),
                TEXT_SHA256,
                Column("n_chars", "integer", "Length of the text in characters.", minimum=0),
                Column("n_segments", "integer", "Number of segments.", minimum=0),
                Column(
                    "text",
                    "string",
                    "Full policy text; all offsets index into it.",
                    source="policies/<policy_id>.txt",
                ),
            ),
            primary_key=("policy_id",),
        ),
        Table(
            "segments",
            "One row per segment of a policy: paragraph-like units that annotators label.",
            (
                POLICY_ID,
                SEGMENT_ID,  # the segment's place in the sidecar's list
                Column(
                    "start",
                    "integer",
                    "Offset of the first character in the policy text.",
                    source=SIDECAR + "segments[].start",
                    minimum=0,
                ),
                Column(
                    "end",
                    "integer",
                    "Offset after the last character (exclusive).",
                    source=SIDECAR + "segments[].end",
                    minimum=0,
                ),
                Column("text", "string", "The segment's text: the policy text from start to end."),
            ),
            primary_key=("policy_id", "segment_id"),
            foreign_keys=(POLICY_KEY,),
            spans=(Span("start", "end", "text"),),
        ),
        Table(
            "annotations",
            "One row per annotation document: who annotated a policy, when and how.",
            (
                replace(POLICY_ID, source=ANNOTATION + "policy_id"),
                ANNOTATOR,
                replace(SCHEME, description="The label scheme the document is written in."),
                Column(
                    "scheme_version",
                    "string",
                    "The version of that scheme.",
                    source=ANNOTATION + "scheme.version",
                ),
                *(
                    Column(name, "string", description, source=ANNOTATION + name)
                    for name, description in (
                        ("annotated_date", "When the annotation was finished (ISO 8601)."),
                        ("method", "How it was made: who, with which guidelines and tools."),
                        ("schema_version", "The schema version the document was written against."),
                        (
                            "guidelines_version",
                            "The annotation guidelines followed (docs/guidelines.md version, or "
                            "the source's).",
                        ),
                    )
                ),
                *(
                    Column(name, kind, description, is_nullable, source=PROVENANCE + name)
                    for name, kind, description, is_nullable in (
                        (
                            "annotator_kind",
                            "string",
                            "What made it: model, person, adjudication or import.",
                            False,
                        ),
                        ("model", "string", "The model that generated it, when a model did.", True),
                        (
                            "process",
                            "string",
                            "How the document was made: input, steps, corrections.",
                            False,
                        ),
                        (
                            "is_blind",
                            "boolean",
                            "Made without seeing another annotation of the policy.",
                            False,
                        ),
                        (
                            "is_reviewed",
                            "boolean",
                            "Reviewed by a person after it was made.",
                            False,
                        ),
                    )
                ),
            ),
            primary_key=("policy_id", "annotator"),
            foreign_keys=(POLICY_KEY,),
            places=(("scheme", "scheme_version"),),
        ),
        Table(
            "practices",
            "One row per annotated data practice: who found it, where, and its category.",
            (
                PRACTICE_ID,
                replace(POLICY_ID, source=ANNOTATION + "policy_id"),
                replace(SEGMENT_ID, source=ANNOTATION + "practices[].segment_id"),
                replace(ANNOTATOR, description="Annotator id."),
                SCHEME,
                CATEGORY,
                Column(
                    "is_value_set",
                    "boolean",
                    "True for a source's value set (MAPP): a row per value, none with a span.",
                ),
                Column(
                    "source_id",
                    "string",
                    "Id in the source corpus, when imported.",
                    True,
                    source=ANNOTATION + "practices[].source_id",
                ),
            ),
            primary_key=("practice_id",),
            foreign_keys=(
                POLICY_KEY,
                SEGMENT_KEY,
                ForeignKey(
                    ("policy_id", "annotator", "scheme"),
                    "annotations",
                    ("policy_id", "annotator", "scheme"),
                ),
            ),
            places=(("scheme", "category"),),
        ),
        Table(
            "attribute_values",
            "One row per attribute of a practice, every attribute of its category in its "
            "scheme, with its evidence span when it has one. An attribute its annotator left "
            "out holds the scheme's default (in OPP-115, `does` for does_does_not, "
            "`unspecified` for the others) with is_annotated false and no span, so a value "
            "means the same whichever layer or corpus it came from; filter is_annotated for "
            "what the annotator wrote. An optional attribute without a default has a row only "
            "when written. A value set (practices.is_value_set) has a row per value it gives.",
            (
                PRACTICE_ID,
                SCHEME,
                replace(CATEGORY, description="Category of the practice."),
                *(
                    Column(
                        name,
                        kind,
                        description,
                        is_nullable,
                        labels,
                        key and ATTRIBUTE + key,  # is_annotated: computed by the build
                        minimum=minimum,
                    )
                    for name, kind, description, is_nullable, labels, key, minimum in (
                        ("attribute", "label", "Attribute id.", False, "attribute", "<key>", None),
                        (
                            "value",
                            "label",
                            "Value id, within the (category, attribute) slot.",
                            False,
                            "value",
                            "value",
                            None,
                        ),
                        (
                            "is_annotated",
                            "boolean",
                            "True when the annotator wrote the value (also when it is the "
                            "default); false when the annotator left the attribute out and the row "
                            "holds the scheme's default, without a span.",
                            False,
                            None,
                            None,
                            None,
                        ),
                        (
                            "span_start",
                            "integer",
                            "Evidence span start offset in the policy text.",
                            True,
                            None,
                            "span_start",
                            0,
                        ),
                        (
                            "span_end",
                            "integer",
                            "Evidence span end offset (exclusive).",
                            True,
                            None,
                            "span_end",
                            0,
                        ),
                        (
                            "span_text",
                            "string",
                            "Evidence: text[span_start:span_end].",
                            True,
                            None,
                            "span_text",
                            None,
                        ),
                    )
                ),
            ),
            primary_key=("practice_id", "attribute", "value"),
            # The scheme and category are repeated for filtering without a join; the key keeps
            # them consistent.
            foreign_keys=(
                ForeignKey(
                    ("practice_id", "scheme", "category"),
                    "practices",
                    ("practice_id", "scheme", "category"),
                ),
            ),
            spans=(Span("span_start", "span_end", "span_text"),),
            places=(
                ("scheme", "category", "attribute"),
                ("scheme", "category", "attribute", "value"),
            ),
        ),
        # Derived views (see views.py): computed from the tables above by build.
        Table(
            "segment_labels",
            "One row per segment of an annotated policy and label of its scheme's first label "
            "set (OPP-115: its 10 categories): how many of the policy's annotators gave the "
            "label there, their share, whether a majority did, and the label in the policy's "
            "labelling layer (the consolidated layer by default). For segment classification; "
            "`load('segment_labels', wide=True, scheme=...)` gives a column per label. A policy "
            "without annotations has no rows here: its segments are unlabeled, not negative. "
            "The text is in `segments`.",
            (
                POLICY_ID,
                SEGMENT_ID,
                replace(SCHEME, source=None, description="The scheme of the policy's layers."),
                Column("label_set", "label", "The scheme's first label set.", labels="label_set"),
                Column("label", "label", "A label of that set.", labels="label"),
                N_ANNOTATORS,
                LAYER,
                Column(
                    "n_labeled",
                    "integer",
                    "Annotators who gave the label here (a practice of theirs in the segment "
                    "matches it).",
                    minimum=0,
                ),
                Column(
                    "share_labeled",
                    "number",
                    "Their share: n_labeled / n_annotators (null without annotators).",
                    is_nullable=True,
                    minimum=0,
                ),
                Column("is_majority", "boolean", "More than half of the annotators gave it."),
                Column(
                    "has_label",
                    "boolean",
                    "The label: the layer gave it here (when layer is null, a majority of the "
                    "annotators did).",
                ),
            ),
            primary_key=("policy_id", "segment_id", "scheme", "label"),
            foreign_keys=(SEGMENT_KEY,),
            places=(("scheme", "label_set", "label"),),
        ),
        Table(
            "splits",
            "One row per policy and split that covers it, whole policies: `default`, every policy "
            "(80/10/10 by a seeded hash of policy_group_id, else policy_id; stable as the corpus "
            "grows), and the field's named splits (schema/splits/), each only the policies it "
            "covers. No synthetic policy is in validation or test (contract/splits.py).",
            (
                POLICY_ID,
                Column("split_name", "string", "default, or a named split (schema/splits/)."),
                Column("part", "label", "train, validation or test.", labels=SPLIT),
            ),
            primary_key=("policy_id", "split_name"),
            foreign_keys=(POLICY_KEY,),
        ),
        Table(
            "policy_labels",
            "One row per policy, question and possible answer of the hub's policy-label "
            "questions (schema/schemes/opp115/questions.json), answered from the practices of "
            "the policy's labelling layer mapped onto the hub: whether the policy states the "
            "answer (does), states the opposite (does_not), both (mixed) or is silent "
            "(not_stated), with the supporting practice_ids; not_annotated for a policy "
            "without annotations.",
            (
                POLICY_ID,
                replace(
                    SCHEME,
                    source=None,
                    is_nullable=True,
                    description="The scheme the practices were written in (null for a policy "
                    "without annotations); the answers are the hub's.",
                ),
                N_ANNOTATORS,
                LAYER,
                Column("question", "label", "A question of the hub.", labels="question"),
                Column(
                    "answer",
                    "label",
                    "A possible answer: a value of the hub's slots that answer the question.",
                    labels="answer",
                ),
                Column(
                    "status",
                    "label",
                    "does, does_not, mixed, not_stated or not_annotated.",
                    labels="status",
                ),
                Column(
                    "practice_ids",
                    "string",
                    "The supporting practices, space-separated (null when none).",
                    is_nullable=True,
                ),
            ),
            primary_key=("policy_id", "question", "answer"),
            foreign_keys=(POLICY_KEY,),
            places=(("question", "answer"),),
        ),
        Table(
            "mapped_values",
            "One row per attribute value of a practice in the hub's terms (OPP-115's): the hub "
            "value each published value stands for, through its scheme's mapping (several "
            "for a merged value, none for a value without a counterpart; the hub's own values "
            "as they are). For queries across corpora of different schemes.",
            (
                PRACTICE_ID,
                POLICY_ID,
                replace(SCHEME, source=None, description="The scheme the practice is written in."),
                *(
                    Column(name, "label", description, labels=name)
                    for name, description in (
                        ("category", "The practice's category in the hub."),
                        ("attribute", "A hub attribute."),
                        ("value", "A hub value of that attribute."),
                    )
                ),
                Column(
                    "mapping_kind",
                    "label",
                    "How the practice's value relates to it: exact, broader, narrower or merged.",
                    labels="mapping_kind",
                ),
            ),
            primary_key=("practice_id", "attribute", "value"),
            foreign_keys=(
                ForeignKey(("practice_id", "scheme"), "practices", ("practice_id", "scheme")),
            ),
            places=(("category", "attribute", "value"),),
        ),
    )


class _Tables(Sequence[Table]):
    """The tables, defined on first use."""

    @functools.cached_property
    def _tables(self) -> tuple[Table, ...]:
        return _define_tables()

    def __getitem__(self, index):
        return self._tables[index]

    def __len__(self) -> int:
        return len(self._tables)


TABLES: Sequence[Table] = _Tables()


class UnknownTable(InvalidArgument, KeyError):
    """No table has that name; a KeyError too, as a lookup by name."""

    __str__ = InvalidArgument.__str__  # the message as given, not KeyError's repr of it


def table(name: str) -> Table:
    """A table's definition by name; unknown names get the list of known ones."""
    for t in TABLES:
        if t.name == name:
            return t
    known = ", ".join(t.name for t in TABLES)
    raise UnknownTable(f"unknown table {name!r}; the tables are: {known}")


@functools.cache  # a build asks for it once per policy and table
def arrow_schema(name: str) -> pa.Schema:
    """The Parquet schema: labels are stored as plain strings so every reader gets text."""
    return pa.schema(
        [
            pa.field(
                c.name,
                TYPES[c.type].arrow,
                nullable=c.is_nullable,
                metadata={"description": c.description},
            )
            for c in table(name).columns
        ]
    )


@functools.cache
def pandas_dtypes(name: str, schemes: SchemeSet) -> dict[str, object]:
    """pandas dtypes: nullable strings, integers and booleans, ordered categoricals for labels
    (their categories over `schemes`, those of the build or release read)."""
    return {
        c.name: (
            pd.CategoricalDtype(c.label_ids(schemes), ordered=True)
            if c.type == "label"
            else TYPES[c.type].pandas
        )
        for c in table(name).columns
    }
