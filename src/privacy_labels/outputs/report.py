"""A static HTML report of the built tables: the corpus at a glance, and a privacy label per policy.

    privacy-labels report [DIR] [--out reports/labels]

`index.html` counts practices per category, attribute values per attribute and
per value, scheme by scheme, with bar charts, and gives inter-annotator agreement
when policies have several annotators. `policies/<policy_id>.html` is the
policy's privacy label, a grid in the spirit of the privacy nutrition label
(Kelley et al., SOUPS 2009): rows are the types of information, columns what the
first party uses them for and whom they are shared with, in the hub's (OPP-115's)
terms whatever the policy's scheme, named in the policy's language. Every filled
cell links to the evidence, highlighted in the policy text below. The pages are plain HTML with
inline SVG, one stylesheet and a few lines of script (to highlight the practice
a link points to); they open from disk and need no server.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from privacy_labels._files import claim_output, owned_output
from privacy_labels.contract.crosswalk import crosswalk
from privacy_labels.contract.policy_labels import (
    NOT_ANNOTATED,
    Cell,
    Stated,
    grid,
    policy_label_rows,
    practices_from_rows,
    question,
    stated,
)
from privacy_labels.contract.scheme_set import SchemeSet, answers
from privacy_labels.contract.schemes import ENGLISH, Question, Scheme, in_language
from privacy_labels.contract.views import SPLITS, is_labelling
from privacy_labels.outputs.agreement import Agreement, AgreementError, agreement
from privacy_labels.outputs.metrics import figure
from privacy_labels.outputs.report_html import (
    CSS,
    SCRIPT,
    STYLE,
    bar_chart,
    escape,
    highlighted_text,
    page,
)
from privacy_labels.store import UnreadableTables, read_as_written, schemes_of

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


@dataclass(frozen=True)
class Label:
    """A policy's privacy label as policy_labels holds it."""

    n_annotators: int
    layer: str | None
    scheme: str | None  # the scheme its practices are written in
    cells: dict[tuple[str, str], Cell]  # (question, answer) -> status and practices


def _labels(rows: list[dict]) -> dict[str, Label]:
    """policy_id -> its label, from policy_labels rows."""
    found: dict[str, Label] = {}
    for r in rows:
        label = found.setdefault(
            r["policy_id"], Label(r["n_annotators"], r["layer"], r["scheme"], {})
        )
        label.cells[r["question"], r["answer"]] = Cell(
            r["status"], tuple((r["practice_ids"] or "").split())
        )
    return found


@dataclass(frozen=True)
class Tables:
    policies: list[dict]
    segments: dict[tuple[str, int], dict]  # (policy_id, segment_id) -> segment row
    annotations: list[dict]
    practices: list[dict]
    values: list[dict]
    labels: dict[str, Label]  # policy_id -> its privacy label
    schemes: SchemeSet  # the build's
    splits: list[dict]

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
            _labels(rows("policy_labels")),
            schemes_of(folder),
            rows("splits"),
        )
        unlabeled = sorted({p["policy_id"] for p in tables.policies} - set(tables.labels))
        if unlabeled:
            raise UnreadableTables(
                f"{folder / 'policy_labels.parquet'} does not match the other tables (no row "
                f"for {', '.join(unlabeled)}); rebuild with `privacy-labels build`"
            )
        return tables


# -- The corpus page -------------------------------------------------------------------


def _is_annotated(label: Label) -> bool:
    return label.n_annotators > 0 or label.layer is not None


def _labelling_layer_name(label: Label) -> str:
    if not _is_annotated(label):
        return "not annotated"
    return label.layer or "all annotators"


def _scheme_counts(s: Scheme, practices: list[dict], values: list[dict], heading: str) -> list:
    """The counts of one scheme's practices: per category, per attribute, per value."""
    categories = Counter(p["category"] for p in practices)
    attributes = Counter(v["attribute"] for v in values)
    # (attribute, value) → practices holding it: the tables hold the defaults too.
    by_value = Counter((v["attribute"], v["value"]) for v in values)
    parts = [
        f"<h2>Practices per category{heading}</h2>",
        bar_chart([(c.name, categories[c.id]) for c in s.categories], "practices per category"),
        f"<h2>Attribute values per attribute{heading}</h2>",
        bar_chart(
            [(s.display_name("attribute", a), attributes[a]) for a in s.attribute_ids],
            "attribute values per attribute",
        ),
        f"<h2>Values per attribute{heading}</h2>",
    ]
    for attribute_id in s.attribute_ids:
        slot_values = {v.id: v.name for v in s.values_of(attribute_id)}
        top = max((by_value[attribute_id, v] for v in slot_values), default=0) or 1
        anchor = f"attribute-{attribute_id}" + ("" if s.is_hub else f"-{s.id}")
        parts.append(
            f'<h3 id="{anchor}">{escape(s.display_name("attribute", attribute_id))}</h3><table><tbody>'
        )
        for value_id, name in slot_values.items():
            n = by_value[attribute_id, value_id]
            parts.append(
                f"<tr><td>{escape(name)}</td><td>{n:,}</td><td>"
                f'<span class="meter" style="width:{12 * n / top:.2f}rem"></span></td></tr>'
            )
        parts.append("</tbody></table>")
    return parts


def indexpage(tables: Tables, folder: Path) -> str:
    """The corpus page. Its counts are of each policy's labelling layer (the layer its labels
    come from), so a policy annotated three times and consolidated counts once, not four times."""
    layer_of = {pid: label.layer for pid, label in tables.labels.items()}
    counted = [
        p for p in tables.practices if is_labelling(p["annotator"], layer_of[p["policy_id"]])
    ]
    counted_ids = {p["practice_id"] for p in counted}
    counted_values = [v for v in tables.values if v["practice_id"] in counted_ids]
    annotators = sorted({a["annotator"] for a in tables.annotations})
    layers = Counter(_labelling_layer_name(label) for label in tables.labels.values())
    parts = [
        "<h1>privacy-labels: the corpus</h1>",
        f"<p>{len(tables.policies):,} policies, {len(tables.practices):,} practices and "
        f"{len(tables.values):,} attribute values in all layers, by {len(annotators):,} "
        f"annotator(s): {escape(', '.join(annotators))}.</p>",
        f"<p>Counted below: {len(counted):,} practices and {len(counted_values):,} attribute "
        "values, those of each policy's labelling layer, the layer its labels come from "
        "(the policy's <code>layer</code> in policy_labels): "
        + escape(", ".join(f"{name} ({n:,})" for name, n in sorted(layers.items())))
        + " policies. A policy without a labelling layer counts every annotator's practices.</p>",
        "<h2>Policies</h2>",
        "<table><thead><tr><th>policy</th><th>organisation</th><th>language</th>"
        "<th>scheme</th><th>practices</th><th>labelling layer</th><th>annotators</th></tr>"
        "</thead><tbody>",
    ]
    per_policy = Counter(p["policy_id"] for p in counted)
    for policy in tables.policies:
        pid = policy["policy_id"]
        label = tables.labels[pid]
        parts.append(
            f'<tr><td><a href="policies/{escape(pid)}.html">{escape(pid)}</a></td>'
            f"<td>{escape(policy['organisation'])}</td><td>{escape(policy['language'])}</td>"
            f"<td>{escape(label.scheme or '')}</td><td>{per_policy[pid]:,}</td>"
            f"<td>{escape(_labelling_layer_name(label))}</td><td>{label.n_annotators}</td></tr>"
        )
    parts += ["</tbody></table>", _splits_section(tables.splits)]
    held = [s for s in tables.schemes if any(p["scheme"] == s.id for p in counted)]
    for s in held or [tables.schemes.hub]:
        heading = f" ({escape(s.title)}, <code>{escape(s.id)}</code>)" if len(held) > 1 else ""
        parts += _scheme_counts(
            s,
            [p for p in counted if p["scheme"] == s.id],
            [v for v in counted_values if v["scheme"] == s.id],
            heading,
        )
    parts.append(_agreement_section(folder, tables))
    return page("privacy-labels: the corpus", "\n".join(parts))


def _splits_section(splits: list[dict]) -> str:
    """Policies per part of each split the tables hold."""
    counts = Counter((row["split_name"], row["part"]) for row in splits)
    rows = [
        f"<tr><td>{escape(name)}</td>"
        + "".join(f"<td>{counts[name, p]:,}</td>" for p in SPLITS)
        + "</tr>"
        for name in sorted({name for name, _ in counts})
    ]
    return (
        "<h2>Splits</h2>\n<p>Policies per part: <code>default</code>, every policy by a seeded "
        "hash of its id; the field's named splits, the policies each covers. No synthetic "
        "policy is in validation or test. <code>score</code> and <code>baseline</code> choose "
        "one with <code>--split NAME:PART</code>.</p>\n<table><thead><tr><th>split</th>"
        + "".join(f"<th>{p}</th>" for p in SPLITS)
        + "</tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )


def _agreement_section(folder: Path, tables: Tables) -> str:
    try:
        result = agreement(folder)
    except AgreementError as error:
        return f"<h2>Agreement</h2>\n<p>Not computed: {escape(error)}</p>"
    s = tables.schemes[result.scheme]
    names = {
        label.id: in_language(label.names, ENGLISH) for label in s.label_sets[result.label_set]
    }

    def number(value: float | None) -> str:
        return figure(value, undefined="")

    rows = "".join(
        f"<tr><td>{escape(names[c.category])}</td><td>{number(c.kappa)}</td>"
        f"<td>{c.n_at_least_one:,}</td><td>{c.n_majority:,}</td><td>{c.n_all:,}</td>"
        f"<td>{number(c.f1)}</td><td>{number(c.attribute_agreement)}</td></tr>"
        for c in result.categories
    )
    statistic = {"cohen": "Cohen's", "fleiss": "Fleiss'"}[result.statistic]
    return (
        "<h2>Agreement</h2>\n"
        f"<p>{statistic} kappa per label of {escape(s.id)}'s {escape(result.label_set)}-label set over "
        f"{result.n_segments:,} segments of "
        f"{result.n_policies:,} policies with {result.n_annotators} annotators each "
        "(the consolidated layer excepted); pairwise segment-level F1 "
        f"{figure(result.f1)}; attribute-value agreement on matched practices "
        f"{figure(result.attribute_agreement)}.</p>"
        f"{_left_out(result, tables)}"
        "<table><thead><tr><th>label</th><th>kappa</th><th>≥ 1 annotator</th>"
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
        label = tables.labels[pid]
        n = label.n_annotators
        if not _is_annotated(label):
            reasons.append(f"{pid} (not annotated)")
        elif label.scheme != result.scheme:
            reasons.append(f"{pid} (in scheme {label.scheme})")
        elif result.layers is not None:
            reasons.append(f"{pid} (lacks a layer of {', '.join(result.layers)})")
        else:
            reasons.append(
                f"{pid} ({n} annotator{'s' if n != 1 else ''}, not {result.n_annotators})"
            )
    if not reasons:
        return ""
    return f"<p>Left out of these figures: {escape('; '.join(reasons))}.</p>"


# -- The policy pages ------------------------------------------------------------------


def _cell_html(cell: Cell, what: str) -> str:
    """A label cell: its symbol, linking to the first supporting practice's evidence."""
    if cell.status in UNFILLED:
        return (
            f'<td class="cell {cell.status}" title="{escape(what)}: {STATUS_WORDS[cell.status]}">'
            f"{SYMBOLS[cell.status]}</td>"
        )
    title = f"{what}: {STATUS_WORDS[cell.status]} ({', '.join(cell.practice_ids)})"
    return (
        f'<td class="cell {cell.status}"><a href="#practice-{escape(cell.practice_ids[0])}" '
        f'title="{escape(title)}">{SYMBOLS[cell.status]}</a></td>'
    )


def _crosswalk(q: Question, value_id: str) -> str:
    """Where an answer lands on the Apple privacy label and in DPV; ≈ marks an approximation."""
    words = []
    for target, name in (("apple", "Apple"), ("dpv", "DPV")):
        mapped = crosswalk().mapping(q.slots[0][1], value_id, target)
        if mapped.match != "none":
            sign = "≈ " if mapped.match == "approximate" else ""
            words.append(f"{name}: {sign}{', '.join(mapped.concepts)}")
    return f'<br><span class="crosswalk" title="see docs/crosswalk.md">{escape(" · ".join(words))}</span>'


def label_grid(practices: list[Stated], label: Label, hub: Scheme, language: str) -> str:
    """The nutrition-label grid: information types × (first-party uses, recipients), the
    answers named in `language`."""
    rows = question(hub, ROWS)
    groups = [
        (question(hub, r), question(hub, c), title, first) for r, c, title, first in COLUMN_GROUPS
    ]

    def name(value) -> str:
        return in_language(value.names, language)

    head_groups = "".join(
        f'<th class="group" colspan="{1 + len(answers(hub, c))}">{escape(title)}</th>'
        for _, c, title, _ in groups
    )
    head_answers = "".join(
        f'<th class="answer">{escape(first)}</th>'
        + "".join(f'<th class="answer">{escape(name(v))}</th>' for v in answers(hub, c))
        for _, c, _, first in groups
    )
    crossed = {r.id: grid(practices, hub, r, c) for r, c, _, _ in groups}
    body = []
    for value in answers(hub, rows):
        cells = []
        for r, c, _, _ in groups:
            if value.id not in {v.id for v in answers(hub, r)}:  # social media data: never shared
                na = f'<td class="cell na" title="{escape(name(value))}: not in the scheme here">–</td>'
                cells += [na] * (1 + len(answers(hub, c)))
                continue
            own = label.cells[r.id, value.id]
            cells.append(_cell_html(own, f"{name(value)} {r.id}"))
            cells += [
                _cell_html(crossed[r.id][value.id, v.id], f"{name(value)} {r.id}: {name(v)}")
                for v in answers(hub, c)
            ]
        body.append(
            f'<tr><th scope="row">{escape(name(value))}{_crosswalk(rows, value.id)}</th>'
            f"{''.join(cells)}</tr>"
        )
    return (
        '<table class="label"><thead>'
        f'<tr><th rowspan="2">Types of information</th>{head_groups}</tr>'
        f"<tr>{head_answers}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def answer_lists(label: Label, hub: Scheme, language: str) -> str:
    parts = []
    for question_id in LISTED:
        q = question(hub, question_id)
        items = []
        for v in answers(hub, q):
            cell = label.cells[q.id, v.id]
            if cell.status in UNFILLED:
                continue
            links = ", ".join(
                f'<a href="#practice-{escape(i)}">{escape(i)}</a>' for i in cell.practice_ids
            )
            items.append(
                f'<li><span class="status {cell.status}">{SYMBOLS[cell.status]} '
                f"{escape(STATUS_WORDS[cell.status])}</span> {escape(in_language(v.names, language))}: "
                f"{links}</li>"
            )
        silent = "Not stated." if _is_annotated(label) else "Not annotated yet."
        listed = f"<ul>{''.join(items)}</ul>" if items else f"<p>{silent}</p>"
        title = in_language(q.names, language)
        parts.append(f'<h3 id="question-{q.id}">{escape(title)}</h3>{listed}')
    return '<div class="answers">' + "\n".join(parts) + "</div>"


def policypage(policy: dict, tables: Tables, layer: str | None = None) -> str:
    """The policy's label from `layer`, by default the labelling layer it was built with;
    its answers named in the policy's language."""
    pid = policy["policy_id"]
    label = tables.labels[pid]
    built_layer = label.layer
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
    hub = tables.schemes.hub
    own = tables.schemes[label.scheme] if label.scheme else hub
    practices = stated(practices_from_rows(rows, values), own, hub)
    if layer != built_layer:
        label = _labels(
            policy_label_rows(pid, label.scheme, label.n_annotators, practices, hub, layer)
        )[pid]
    annotators = [a for a in tables.annotations if a["policy_id"] == pid]
    shown = (
        f"the labels of the layer <code>{escape(layer)}</code>"
        if layer
        else "the labels of all annotators together"
        if _is_annotated(label)
        else "no labels: the policy is not annotated yet"
    )
    legend = " ".join(
        f'<span class="{s}">{SYMBOLS[s]}</span>{escape(STATUS_WORDS[s])}' for s in SYMBOLS
    )
    source = (
        f'<a href="{escape(policy["url"])}">{escape(policy["url"])}</a>'
        if str(policy.get("url")).startswith(("https://", "http://"))  # never javascript:
        else escape(policy["source"])
    )
    language = policy["language"]
    in_scheme = (
        f" Its practices are in the scheme <code>{escape(own.id)}</code>, shown in "
        f"<code>{escape(hub.id)}</code>'s terms."
        if own.id != hub.id
        else ""
    )
    body = "\n".join(
        [
            '<p><a href="../index.html">← the corpus</a></p>',
            f"<h1>{escape(policy['organisation'])}: privacy label</h1>",
            f"<p>Policy <code>{escape(pid)}</code>, from {source}"
            + (
                f", retrieved {escape(policy['retrieved_date'])}"
                if policy.get("retrieved_date")
                else ""
            )
            + f". Annotation layers: {escape(', '.join(a['annotator'] for a in annotators))}; "
            + f"shown: {shown}, {len(rows):,} practices.{in_scheme}</p>",
            f'<p class="legend">{legend}. Each filled cell links to its evidence in the text.</p>',
            label_grid(practices, label, hub, language),
            "<h2>What the policy says</h2>",
            answer_lists(label, hub, language),
            "<h2>Policy text</h2>",
            f'<div class="policy-text" lang="{escape(language)}">'
            f"{highlighted_text(policy['text'], ranges)}</div>",
            f"<script>{SCRIPT}</script>",
        ]
    )
    return page(f"{policy['organisation']}: privacy label", body, depth=1)


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
        (staging / "index.html").write_text(indexpage(tables, folder), encoding="utf-8")
        (staging / "policies").mkdir()
        for policy in tables.policies:
            page = policypage(policy, tables, layer)
            (staging / "policies" / f"{policy['policy_id']}.html").write_text(
                page, encoding="utf-8"
            )
    return ReportResult(out, 1 + len(tables.policies))
