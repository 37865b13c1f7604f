"""Generate the reference pages in `docs/` from the schema; never edit them by hand.

privacy-labels docs            # rewrite docs/
privacy-labels docs --check    # exit 1 if docs/ differs from the schema
"""

from __future__ import annotations

from pathlib import Path

from privacy_labels._files import OutputRefused, write_text_atomic
from privacy_labels.contract.columns import Column
from privacy_labels.contract.crosswalk import MATCHES, TARGETS, attributes, crosswalk, hub
from privacy_labels.contract.scheme_set import package_schemes
from privacy_labels.contract.tables import TABLES
from privacy_labels.outputs.scheme_docs import scheme_pages

GENERATED = "<!-- Generated from schema/ by `privacy-labels docs`. Do not edit by hand. -->\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_taxonomy() -> str:
    tax = hub()
    n_slots = len(tax.slots)
    lines = [
        GENERATED,
        "# Taxonomy reference",
        "",
        f"Scheme `{tax.id}` {tax.version}, the hub every other scheme maps onto "
        f"(schema/schemes/{tax.id}/; all schemes: [schemes/](schemes/README.md)). The OPP-115 "
        "annotation scheme (Wilson et al., ACL 2016):",
        f"{len(tax.categories)} categories, {len(tax.attribute_ids)} attributes, "
        f"{n_slots} category–attribute slots, {sum(len(a.values) for _, a in tax.slots)} "
        "slot values. Ids are what the tables and annotation documents hold; names are "
        "OPP-115's display names.",
        "",
        "## Categories",
        "",
        "| id | name | attributes (required in bold) |",
        "|---|---|---|",
    ]
    for c in tax.categories:
        attrs = ", ".join(f"**{a.id}**" if a.is_required else a.id for a in c.attributes)
        lines.append(f"| [`{c.id}`](#{c.id}) | {_cell(c.name)} | {attrs} |")
    for c in tax.categories:
        lines += ["", f'<a id="{c.id}"></a>', f"## {c.name} (`{c.id}`)", "", _cell(c.description)]
        for a in c.attributes:
            need = "required" if a.is_required else "optional"
            default = (
                f", default `{a.default}`"
                if a.default
                else ("" if a.is_required else ", absent when not selected")
            )
            lines += [
                "",
                f"### {a.name} (`{a.id}`): {need}{default}",
                "",
                _cell(a.description),
                "",
                "| value id | name | description |",
                "|---|---|---|",
            ]
            lines += [f"| `{v.id}` | {_cell(v.name)} | {_cell(v.description)} |" for v in a.values]
    return "\n".join(lines) + "\n"


def render_tables() -> str:
    lines = [
        GENERATED,
        "# Tables",
        "",
        "Each table is written as `<table>.parquet` and `<table>.csv`; `build --partitioned` "
        "writes the Parquet of `practices` and `attribute_values` as datasets partitioned by "
        "category instead (`<table>/category=<category_id>/part-0.parquet`). Offsets are character "
        "offsets into the policy's full `text` (Python string indexing), end exclusive. "
        "Label columns hold ids of the label schemes (see [schemes/](schemes/README.md)); "
        "every row says its scheme, and the tables grow by rows, not columns, when a scheme "
        "is added. A build holds a copy of the schemes its tables are written in "
        "(`schemes/<scheme_id>/`, listed in `manifest.json`), and `load()` returns label "
        "columns as ordered categoricals over their full lists, read from there: the hub "
        "(opp115) first, then the others by id, each scheme's labels in its order.",
        "",
        "**Annotation layers.** Each annotation document is a layer, and the tables keep every "
        "one: `annotations`, `practices` and `attribute_values` have a row per layer's "
        "document, practice and value, with its `annotator`, so each annotator's labels are "
        "there as data (e.g. the segment labels of one annotator: the distinct `policy_id`, "
        "`segment_id`, `category` of its practices). The `consolidated` layer, written by "
        "`privacy-labels adjudicate` from two layers and an adjudication log, is one of them. "
        "The layers of one policy are in one scheme. The derived views count annotators "
        "without the consolidated layer: `segment_labels` gives per label the number "
        "(`n_labeled`) and share (`share_labeled`) of annotators who gave it in a segment and "
        "whether a majority did (`is_majority`). Their labels (`segment_labels.has_label`, "
        "`policy_labels`) come from each policy's labelling layer, named in the column "
        "`layer`: the consolidated layer when the policy has one, or the layer given to "
        "`build --layer`; null means all annotators (the majority in `segment_labels`, every "
        "practice in `policy_labels`).",
    ]
    for t in TABLES:
        lines += [
            "",
            f"## `{t.name}`",
            "",
            t.description,
            "",
            f"Primary key: {', '.join(f'`{k}`' for k in t.primary_key)}.",
        ]
        for fk in t.foreign_keys:
            lines.append(
                f"Foreign key: ({', '.join(fk.columns)}) → `{fk.table}` ({', '.join(fk.references)})."
            )
        for span in t.spans:
            lines.append(
                f"Span: `{span.text}` is the policy text from `{span.start}` to `{span.end}`."
            )
        lines += [
            "",
            "| column | type | nullable | constraints | source | description |",
            "|---|---|---|---|---|---|",
        ]
        for c in t.columns:
            kind = f"label ({c.labels})" if c.type == "label" else c.type
            source = _cell(f"`{c.source}`") if c.source else "computed"
            lines.append(
                f"| `{c.name}` | {kind} | {'yes' if c.is_nullable else 'no'} "
                f"| {_constraints(c)} | {source} | {_cell(c.description)} |"
            )
    return "\n".join(lines) + "\n"


def _constraints(column: Column) -> str:
    """A column's constraints besides `required` (the nullable cell), in words."""
    words = {
        "unique": lambda _: "unique",
        "enum": lambda _: (
            f"one of the {column.labels.replace('_', ' ')} ids of the build's schemes"
        ),
        "minimum": lambda v: f"≥ {v}",
        "maximum": lambda v: f"≤ {v}",
        "pattern": lambda v: _cell(f"matches `{v}`"),
    }
    said = [
        words[k](v) for k, v in column.constraints(package_schemes()).items() if k != "required"
    ]
    return ", ".join(said) or "—"


def render_crosswalk() -> str:
    cw = crosswalk()
    tax = hub()

    def concepts(target: str, names: tuple[str, ...]) -> str:
        if target == "dpv":
            return ", ".join(f"[`{c}`]({cw.iri(c)})" for c in names)
        return ", ".join(_cell(c) for c in names)

    lines = [
        GENERATED,
        "# Crosswalk to the Apple privacy label and W3C DPV",
        "",
        f"Crosswalk version {cw.version}, from `schema/crosswalk.json`. For every value of "
        f"{len(attributes())} attributes of the hub scheme `{tax.id}` {tax.version}, the "
        "closest concepts of the "
        f"[{cw.target_names['apple']}]({cw.target_urls['apple']}) (data types and purposes) "
        f"and of the [{cw.target_names['dpv']}]({cw.target_urls['dpv']}) (prefixes "
        + ", ".join(f"`{p}:` = <{iri}>" for p, iri in cw.prefixes.items())
        + "). **exact**: the same meaning; **approximate**: the concepts overlap but one side "
        "is broader, narrower or split differently (the note says how); **none**: no "
        "counterpart. Read it from Python with `privacy_labels.contract.crosswalk.crosswalk()`.",
        "",
        "| target | " + " | ".join(MATCHES) + " |",
        "|---|" + "---|" * len(MATCHES),
    ]
    for target in TARGETS:
        counts = [sum(m.target(target).match == match for m in cw.mappings) for match in MATCHES]
        lines.append(f"| {target} | " + " | ".join(str(n) for n in counts) + " |")
    for attribute_id in attributes():
        names = {v.id: v.name for v in tax.values_of(attribute_id)}
        lines += [
            "",
            f"## {tax.display_name('attribute', attribute_id)} (`{attribute_id}`)",
            "",
            "| value id | name | Apple | Apple concepts | Apple note "
            "| DPV | DPV concepts | DPV note |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for m in cw.for_attribute(attribute_id):
            cells = [f"`{m.value}`", _cell(names[m.value])]
            for target in TARGETS:
                t = m.target(target)
                cells += [t.match, concepts(target, t.concepts), _cell(t.note)]
            lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "## Sources", ""] + [f"- {_cell(s)}" for s in cw.sources]
    return "\n".join(lines) + "\n"


def generated_docs() -> dict[str, str]:
    """File name in docs/ → its content."""
    return {
        "taxonomy.md": render_taxonomy(),
        "tables.md": render_tables(),
        "crosswalk.md": render_crosswalk(),
        **{name: GENERATED + page for name, page in scheme_pages().items()},
    }


def stale_docs(folder: Path, docs: dict[str, str] | None = None) -> list[str]:
    """Names of generated files that are missing from `folder` or differ from the schema."""
    return [
        name
        for name, content in (docs or generated_docs()).items()
        if not (folder / name).is_file() or (folder / name).read_text(encoding="utf-8") != content
    ]


def write_docs(folder: Path, docs: dict[str, str] | None = None) -> list[str]:
    """Write the generated pages into `folder` (which holds hand-written pages too); returns
    the names of those that changed. A page is ours to replace when it is missing or begins
    with GENERATED; any other file of that name is a user's, and is refused, before anything
    is written (OutputRefused, a usage error).
    """
    folder = Path(folder)
    docs = docs or generated_docs()
    if folder.exists() and not folder.is_dir():
        raise OutputRefused(f"docs: the output {folder} is a file; give a folder")
    for name in docs:
        path = folder / name
        if path.is_symlink() or (path.exists() and not _is_generated(path)):
            raise OutputRefused(
                f"docs: {path} was not written by privacy-labels docs (it lacks the line "
                f"{GENERATED.strip()!r} at its top); move it away or give --out another folder"
            )
    stale = stale_docs(folder, docs)
    for name in stale:
        write_text_atomic(folder / name, docs[name])
    return stale


def _is_generated(path: Path) -> bool:
    try:
        with open(path, encoding="utf-8") as f:
            return f.readline() == GENERATED
    except (OSError, UnicodeDecodeError):
        return False
