"""A static HTML report of the built tables: the corpus at a glance, and a privacy label per policy.

    privacy-labels report [DIR] [--out reports/labels]

`index.html` counts practices per category, attribute values per attribute and
per value, with bar charts, and gives inter-annotator agreement when policies
have several annotators. `policies/<policy_id>.html` is the policy's privacy
label, a grid in the spirit of the privacy nutrition label (Kelley et al.,
SOUPS 2009): rows are the types of information, columns what the first party
uses them for and whom they are shared with. Every filled cell links to the
evidence, highlighted in the policy text below. The pages are plain HTML with
inline SVG, one stylesheet and a few lines of script (to highlight the practice
a link points to); they open from disk and need no server.
"""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from privacy_labels._files import claim_output, owned_output
from privacy_labels.contract.crosswalk import crosswalk
from privacy_labels.contract.policy_labels import (
    NOT_ANNOTATED,
    Cell,
    Practice,
    Question,
    cell_column,
    evidence_column,
    grid,
    policy_label_row,
    practices_from_rows,
    question,
)
from privacy_labels.contract.schema import taxonomy
from privacy_labels.contract.tables import table
from privacy_labels.contract.views import is_labelling
from privacy_labels.outputs.agreement import Agreement, AgreementError, agreement
from privacy_labels.outputs.metrics import figure
from privacy_labels.store import UnreadableTables, read_as_written

STYLE = "style.css"
SYMBOLS = {"does": "●", "does_not": "✕", "mixed": "◐", "not_stated": "", NOT_ANNOTATED: "?"}
STATUS_WORDS = {
    "does": "stated",
    "does_not": "stated as not done",
    "mixed": "stated both ways",
    "not_stated": "not stated",
    NOT_ANNOTATED: "not annotated yet",
}
UNFILLED = ("not_stated", NOT_ANNOTATED)  # statuses no practice supports
# The label's rows, and its column groups: uses by the first party, then sharing.
ROWS = "collected"
# (the question of the group's first column, the question crossed with the rows,
#  the group's title, its first column's title)
COLUMN_GROUPS = (
    ("collected", "collected_for", "Collected and used by the first party for", "collected"),
    ("shared", "shared_with", "Shared with", "shared"),
)
# Answers listed below the grid.
LISTED = (
    "collected_for",
    "shared_for",
    "choice",
    "access",
    "retention",
    "security",
    "audience",
    "change_notice",
    "do_not_track",
)

CSS = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 78rem; padding: 0 1rem; color: #111; }
h1, h2, h3 { line-height: 1.2; }
table { border-collapse: collapse; }
th, td { border: 1px solid #bbb; padding: .2rem .4rem; }
th { background: #f2f2f2; text-align: left; font-weight: 600; }
.label { border: 3px solid #111; }
.label th.group { text-align: center; background: #111; color: #fff; }
.label thead th.answer { writing-mode: vertical-rl; transform: rotate(180deg); font-weight: 500; font-size: 13px; white-space: nowrap; }
.label td.cell { text-align: center; width: 1.6rem; font-size: 18px; }
.label td.cell a { text-decoration: none; color: inherit; display: block; }
.does { background: #1f5fa8; color: #fff; }
.does_not { background: #f4c7c3; color: #7a1010; }
.mixed { background: #b9d3ef; color: #0b2e55; }
.not_stated { background: #fff; }
.not_annotated { background: #fff; color: #999; }
.na { background: #eee; color: #999; }
.legend span { display: inline-block; min-width: 1.4rem; text-align: center; border: 1px solid #bbb; margin-right: .3rem; }
.crosswalk { color: #555; font-size: 11px; font-weight: 400; }
.policy-text { white-space: pre-wrap; border-top: 1px solid #ccc; padding-top: 1rem; }
mark.evidence { background: #fff1a8; }
a.anchor { scroll-margin-top: 4rem; }  /* keep the line above the evidence in view */
mark.evidence.current { background: #ff9d00; outline: 2px solid #c25e00; }
.answers li { margin: .15rem 0; }
.status { display: inline-block; padding: 0 .35rem; border-radius: .2rem; font-size: 13px; }
.bar { fill: #1f5fa8; }
.bar-label { font-size: 12px; }
.meter { display: inline-block; height: .7rem; background: #1f5fa8; vertical-align: middle; }
"""

# Highlights the marks of the practice named in the address (#practice-<id>), on load
# and whenever a label cell is followed.
SCRIPT = """
function showPractice() {
  const id = decodeURIComponent(location.hash.replace(/^#practice-/, ""));
  for (const mark of document.querySelectorAll("mark.evidence")) {
    mark.classList.toggle("current", mark.dataset.practices.split(" ").includes(id));
  }
}
window.addEventListener("hashchange", showPractice);
showPractice();
"""


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _page(title: str, body: str, depth: int = 0) -> str:
    up = "../" * depth
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<title>{_e(title)}</title>\n<link rel="stylesheet" href="{up}{STYLE}">\n'
        f"</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def bar_chart(items: list[tuple[str, int]], title: str) -> str:
    """A horizontal bar chart as inline SVG."""
    row, label_width, bar_width = 20, 300, 420
    top = max((n for _, n in items), default=0) or 1
    height = row * len(items) + 10
    bars = []
    for i, (label, n) in enumerate(items):
        y = 5 + i * row
        width = bar_width * n / top
        bars.append(
            f'<text class="bar-label" x="{label_width - 6}" y="{y + 14}" text-anchor="end">{_e(label)}</text>'
            f'<rect class="bar" x="{label_width}" y="{y + 3}" width="{width:.1f}" height="{row - 6}">'
            f"<title>{_e(label)}: {n:,}</title></rect>"
            f'<text class="bar-label" x="{label_width + width + 4:.1f}" y="{y + 14}">{n:,}</text>'
        )
    return (
        f'<svg role="img" aria-label="{_e(title)}" width="{label_width + bar_width + 60}" '
        f'height="{height}" xmlns="http://www.w3.org/2000/svg">{"".join(bars)}</svg>'
    )


# -- Reading the tables ----------------------------------------------------------------


@dataclass(frozen=True)
class Tables:
    policies: list[dict]
    segments: dict[tuple[str, int], dict]  # (policy_id, segment_id) -> segment row
    annotations: list[dict]
    practices: list[dict]
    values: list[dict]
    labels: dict[str, dict]  # policy_id -> policy_labels row

    @classmethod
    def read(cls, folder: Path) -> Tables:
        """The tables of a build; raises UnreadableTables, naming what to do, when they are
        missing, unreadable or do not belong together."""
        frames = read_as_written(folder)

        def rows(name: str) -> list[dict]:
            frame = frames[name].astype(object)
            return frame.where(frame.notna(), None).to_dict("records")

        tables = cls(
            rows("policies"),
            {(r["policy_id"], r["segment_id"]): r for r in rows("segments")},
            rows("annotations"),
            rows("practices"),
            rows("attribute_values"),
            {r["policy_id"]: r for r in rows("policy_labels")},
        )
        unlabeled = sorted({p["policy_id"] for p in tables.policies} - set(tables.labels))
        columns = set(table("policy_labels").column_names) - set(frames["policy_labels"].columns)
        if unlabeled or columns:
            raise UnreadableTables(
                f"{folder / 'policy_labels.parquet'} does not match the other tables (no "
                f"{'row for ' + ', '.join(unlabeled) if unlabeled else 'column ' + min(columns)}); "
                "rebuild with `privacy-labels build`"
            )
        return tables


# -- The corpus page -------------------------------------------------------------------


def _is_annotated(label_row: dict) -> bool:
    return label_row["n_annotators"] > 0 or label_row["layer"] is not None


def _labelling_layer_name(label_row: dict) -> str:
    if not _is_annotated(label_row):
        return "not annotated"
    return label_row["layer"] or "all annotators"


def index_page(tables: Tables, folder: Path) -> str:
    """The corpus page. Its counts are of each policy's labelling layer (the layer its labels
    come from), so a policy annotated three times and consolidated counts once, not four times."""
    tax = taxonomy()
    layer_of = {pid: row["layer"] for pid, row in tables.labels.items()}
    counted = [
        p for p in tables.practices if is_labelling(p["annotator"], layer_of[p["policy_id"]])
    ]
    counted_ids = {p["practice_id"] for p in counted}
    counted_values = [v for v in tables.values if v["practice_id"] in counted_ids]
    categories = Counter(p["category"] for p in counted)
    attributes = Counter(v["attribute"] for v in counted_values)
    # (attribute, value) → practices holding it: the tables hold the defaults too.
    values = Counter((v["attribute"], v["value"]) for v in counted_values)
    annotators = sorted({a["annotator"] for a in tables.annotations})
    layers = Counter(_labelling_layer_name(row) for row in tables.labels.values())
    parts = [
        "<h1>privacy-labels: the corpus</h1>",
        f"<p>{len(tables.policies):,} policies, {len(tables.practices):,} practices and "
        f"{len(tables.values):,} attribute values in all layers, by {len(annotators):,} "
        f"annotator(s): {_e(', '.join(annotators))}.</p>",
        f"<p>Counted below: {len(counted):,} practices and {len(counted_values):,} attribute "
        "values, those of each policy's labelling layer, the layer its labels come from "
        "(the policy's <code>layer</code> in policy_labels): "
        + _e(", ".join(f"{name} ({n:,})" for name, n in sorted(layers.items())))
        + " policies. A policy without a labelling layer counts every annotator's practices.</p>",
        "<h2>Policies</h2>",
        "<table><thead><tr><th>policy</th><th>organisation</th><th>practices</th>"
        "<th>labelling layer</th><th>annotators</th></tr></thead><tbody>",
    ]
    per_policy = Counter(p["policy_id"] for p in counted)
    for policy in tables.policies:
        pid = policy["policy_id"]
        parts.append(
            f'<tr><td><a href="policies/{_e(pid)}.html">{_e(pid)}</a></td>'
            f"<td>{_e(policy['organisation'])}</td><td>{per_policy[pid]:,}</td>"
            f"<td>{_e(_labelling_layer_name(tables.labels[pid]))}</td>"
            f"<td>{tables.labels[pid]['n_annotators']}</td></tr>"
        )
    parts += [
        "</tbody></table>",
        "<h2>Practices per category</h2>",
        bar_chart([(c.name, categories[c.id]) for c in tax.categories], "practices per category"),
        "<h2>Attribute values per attribute</h2>",
        bar_chart(
            [(tax.attribute_name(a), attributes[a]) for a in tax.attribute_ids],
            "attribute values per attribute",
        ),
        "<h2>Values per attribute</h2>",
    ]
    for attribute_id in tax.attribute_ids:
        slot_values = {v.id: v.name for v in tax.values_of(attribute_id)}
        top = max((values[attribute_id, v] for v in slot_values), default=0) or 1
        parts.append(
            f'<h3 id="attribute-{attribute_id}">{_e(tax.attribute_name(attribute_id))}</h3>'
            "<table><tbody>"
        )
        for value_id, name in slot_values.items():
            n = values[attribute_id, value_id]
            parts.append(
                f"<tr><td>{_e(name)}</td><td>{n:,}</td><td>"
                f'<span class="meter" style="width:{12 * n / top:.2f}rem"></span></td></tr>'
            )
        parts.append("</tbody></table>")
    parts.append(_agreement_section(folder, tables))
    return _page("privacy-labels: the corpus", "\n".join(parts))


def _agreement_section(folder: Path, tables: Tables) -> str:
    try:
        result = agreement(folder)
    except AgreementError as error:
        return f"<h2>Agreement</h2>\n<p>Not computed: {_e(error)}</p>"
    names = {c.id: c.name for c in taxonomy().categories}

    def number(value: float | None) -> str:
        return figure(value, undefined="")

    rows = "".join(
        f"<tr><td>{_e(names[c.category])}</td><td>{number(c.kappa)}</td>"
        f"<td>{c.n_at_least_one:,}</td><td>{c.n_majority:,}</td><td>{c.n_all:,}</td>"
        f"<td>{number(c.f1)}</td><td>{number(c.attribute_agreement)}</td></tr>"
        for c in result.categories
    )
    statistic = {"cohen": "Cohen's", "fleiss": "Fleiss'"}[result.statistic]
    return (
        "<h2>Agreement</h2>\n"
        f"<p>{statistic} kappa per category over {result.n_segments:,} segments of "
        f"{result.n_policies:,} policies with {result.n_annotators} annotators each "
        "(the consolidated layer excepted); pairwise segment-level F1 "
        f"{figure(result.f1)}; attribute-value agreement on matched practices "
        f"{figure(result.attribute_agreement)}.</p>"
        f"{_left_out(result, tables)}"
        "<table><thead><tr><th>category</th><th>kappa</th><th>≥ 1 annotator</th>"
        "<th>majority</th><th>all</th><th>F1</th><th>attribute agreement</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def _left_out(result: Agreement, tables: Tables) -> str:
    """The policies the agreement figures leave out, each with its reason."""
    compared = {p.policy_id for p in result.policies}
    reasons = []
    for policy in tables.policies:
        pid = policy["policy_id"]
        if pid in compared:
            continue
        n = tables.labels[pid]["n_annotators"]
        if not _is_annotated(tables.labels[pid]):
            reasons.append(f"{pid} (not annotated)")
        elif result.layers is not None:
            reasons.append(f"{pid} (lacks a layer of {', '.join(result.layers)})")
        else:
            reasons.append(
                f"{pid} ({n} annotator{'s' if n != 1 else ''}, not {result.n_annotators})"
            )
    if not reasons:
        return ""
    return f"<p>Left out of these figures: {_e('; '.join(reasons))}.</p>"


# -- The policy pages ------------------------------------------------------------------


def _cell_html(cell: Cell, what: str) -> str:
    """A label cell: its symbol, linking to the first supporting practice's evidence."""
    if cell.status in UNFILLED:
        return (
            f'<td class="cell {cell.status}" title="{_e(what)}: {STATUS_WORDS[cell.status]}">'
            f"{SYMBOLS[cell.status]}</td>"
        )
    title = f"{what}: {STATUS_WORDS[cell.status]} ({', '.join(cell.practice_ids)})"
    return (
        f'<td class="cell {cell.status}"><a href="#practice-{_e(cell.practice_ids[0])}" '
        f'title="{_e(title)}">{SYMBOLS[cell.status]}</a></td>'
    )


def _crosswalk(q: Question, value_id: str) -> str:
    """Where an answer lands on the Apple privacy label and in DPV; ≈ marks an approximation."""
    words = []
    for target, name in (("apple", "Apple"), ("dpv", "DPV")):
        mapped = crosswalk().mapping(q.slots[0][1], value_id, target)
        if mapped.match != "none":
            sign = "≈ " if mapped.match == "approximate" else ""
            words.append(f"{name}: {sign}{', '.join(mapped.concepts)}")
    return (
        f'<br><span class="crosswalk" title="see docs/crosswalk.md">{_e(" · ".join(words))}</span>'
    )


def label_grid(practices: list[Practice], label_row: dict) -> str:
    """The nutrition-label grid: information types × (first-party uses, recipients)."""
    rows = question(ROWS)
    groups = [(question(r), question(c), title, first) for r, c, title, first in COLUMN_GROUPS]
    head_groups = "".join(
        f'<th class="group" colspan="{1 + len(c.values)}">{_e(title)}</th>'
        for _, c, title, _ in groups
    )
    head_answers = "".join(
        f'<th class="answer">{_e(first)}</th>'
        + "".join(f'<th class="answer">{_e(v.name)}</th>' for v in c.values)
        for _, c, _, first in groups
    )
    crossed = {r.id: grid(practices, r, c) for r, c, _, _ in groups}
    body = []
    for value in rows.values:
        cells = []
        for r, c, _, _ in groups:
            if value.id not in {v.id for v in r.values}:  # e.g. social media data is never shared
                na = f'<td class="cell na" title="{_e(value.name)}: not in the scheme here">–</td>'
                cells += [na] * (1 + len(c.values))
                continue
            own = Cell(
                label_row[cell_column(r.id, value.id)],
                tuple((label_row[evidence_column(r.id, value.id)] or "").split()),
            )
            cells.append(_cell_html(own, f"{value.name} {r.id}"))
            cells += [
                _cell_html(crossed[r.id][value.id, v.id], f"{value.name} {r.id}: {v.name}")
                for v in c.values
            ]
        body.append(
            f'<tr><th scope="row">{_e(value.name)}{_crosswalk(rows, value.id)}</th>'
            f"{''.join(cells)}</tr>"
        )
    return (
        '<table class="label"><thead>'
        f'<tr><th rowspan="2">Types of information</th>{head_groups}</tr>'
        f"<tr>{head_answers}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def answer_lists(label_row: dict) -> str:
    parts = []
    for question_id in LISTED:
        q = question(question_id)
        items = []
        for v in q.values:
            status = label_row[cell_column(q.id, v.id)]
            if status in UNFILLED:
                continue
            ids = label_row[evidence_column(q.id, v.id)].split()
            links = ", ".join(f'<a href="#practice-{_e(i)}">{_e(i)}</a>' for i in ids)
            items.append(
                f'<li><span class="status {status}">{SYMBOLS[status]} '
                f"{_e(STATUS_WORDS[status])}</span> {_e(v.name)}: {links}</li>"
            )
        silent = "Not stated." if _is_annotated(label_row) else "Not annotated yet."
        listed = f"<ul>{''.join(items)}</ul>" if items else f"<p>{silent}</p>"
        parts.append(f'<h3 id="question-{q.id}">{_e(q.title)}</h3>{listed}')
    return '<div class="answers">' + "\n".join(parts) + "</div>"


def highlighted_text(text: str, ranges: dict[str, list[tuple[int, int]]]) -> str:
    """The policy text with each practice's evidence in <mark> elements, and an anchor
    `practice-<id>` where the practice's evidence begins."""
    cuts = sorted({0, len(text), *(o for spans in ranges.values() for span in spans for o in span)})
    anchors: dict[int, list[str]] = {}
    for practice_id, spans in sorted(ranges.items()):
        anchors.setdefault(min(spans)[0], []).append(practice_id)
    out = []
    for start, end in pairwise(cuts):
        out += [f'<a class="anchor" id="practice-{_e(p)}"></a>' for p in anchors.get(start, [])]
        covering = sorted(
            p for p, spans in ranges.items() if any(s <= start and end <= e for s, e in spans)
        )
        piece = _e(text[start:end])
        out.append(
            f'<mark class="evidence" data-practices="{_e(" ".join(covering))}">{piece}</mark>'
            if covering
            else piece
        )
    return "".join(out)


def policy_page(policy: dict, tables: Tables, layer: str | None = None) -> str:
    """The policy's label from `layer`, by default the labelling layer it was built with."""
    pid = policy["policy_id"]
    label_row = tables.labels[pid]
    built_layer = label_row["layer"]
    layer = layer or built_layer
    rows = [
        p for p in tables.practices if p["policy_id"] == pid and is_labelling(p["annotator"], layer)
    ]
    ids = {p["practice_id"] for p in rows}
    values = [v for v in tables.values if v["practice_id"] in ids]
    ranges: dict[str, list[tuple[int, int]]] = {p["practice_id"]: [] for p in rows}
    for v in values:
        if v["span_start"] is not None:
            ranges[v["practice_id"]].append((v["span_start"], v["span_end"]))
    for p in rows:  # a practice without spans points to its whole segment
        if not ranges[p["practice_id"]]:
            segment = tables.segments[pid, p["segment_id"]]
            ranges[p["practice_id"]].append((segment["start"], segment["end"]))
    practices = practices_from_rows(rows, values)
    if layer != built_layer:
        label_row = policy_label_row(pid, label_row["n_annotators"], practices, layer)
    annotators = [a for a in tables.annotations if a["policy_id"] == pid]
    shown = (
        f"the labels of the layer <code>{_e(layer)}</code>"
        if layer
        else "the labels of all annotators together"
        if _is_annotated(label_row)
        else "no labels: the policy is not annotated yet"
    )
    legend = " ".join(
        f'<span class="{s}">{SYMBOLS[s]}</span>{_e(STATUS_WORDS[s])}' for s in SYMBOLS
    )
    source = (
        f'<a href="{_e(policy["url"])}">{_e(policy["url"])}</a>'
        if str(policy.get("url")).startswith(("https://", "http://"))  # never javascript:
        else _e(policy["source"])
    )
    body = "\n".join(
        [
            '<p><a href="../index.html">← the corpus</a></p>',
            f"<h1>{_e(policy['organisation'])}: privacy label</h1>",
            f"<p>Policy <code>{_e(pid)}</code>, from {source}"
            + (
                f", retrieved {_e(policy['retrieved_date'])}"
                if policy.get("retrieved_date")
                else ""
            )
            + f". Annotation layers: {_e(', '.join(a['annotator'] for a in annotators))}; "
            + f"shown: {shown}, {len(rows):,} practices.</p>",
            f'<p class="legend">{legend}. Each filled cell links to its evidence in the text.</p>',
            label_grid(practices, label_row),
            "<h2>What the policy says</h2>",
            answer_lists(label_row),
            "<h2>Policy text</h2>",
            f'<div class="policy-text">{highlighted_text(policy["text"], ranges)}</div>',
            f"<script>{SCRIPT}</script>",
        ]
    )
    return _page(f"{policy['organisation']}: privacy label", body, depth=1)


@dataclass(frozen=True)
class ReportResult:
    out: Path
    n_pages: int


def write_report(folder: Path, out: Path, layer: str | None = None) -> ReportResult:
    """Write the report for the built tables in `folder` to `out`, replaced when complete;
    each policy's label from `layer`, by default the layer its labels were built from."""
    inputs = {"tables folder": folder}
    claim_output(out, "report", inputs)  # before any work: a refused output is a usage error
    tables = Tables.read(folder)
    if layer is not None:
        have = {(a["policy_id"], a["annotator"]) for a in tables.annotations}
        without = [p["policy_id"] for p in tables.policies if (p["policy_id"], layer) not in have]
        if without:
            raise UnreadableTables(
                f"{folder}: no layer {layer!r} in {', '.join(without)}; choose another --layer "
                "or leave it out (the layer the tables were built with)"
            )
    with owned_output(out, "report", inputs) as staging:
        (staging / STYLE).write_text(CSS.lstrip(), encoding="utf-8")
        (staging / "index.html").write_text(index_page(tables, folder), encoding="utf-8")
        (staging / "policies").mkdir()
        for policy in tables.policies:
            page = policy_page(policy, tables, layer)
            (staging / "policies" / f"{policy['policy_id']}.html").write_text(
                page, encoding="utf-8"
            )
    return ReportResult(out, 1 + len(tables.policies))
