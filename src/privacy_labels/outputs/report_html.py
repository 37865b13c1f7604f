"""The report's HTML parts: its stylesheet and script, the page frame, bar charts, and
the policy text with the evidence highlighted (outputs/report.py makes the pages).
"""

from __future__ import annotations

import html
from itertools import pairwise

STYLE = "style.css"

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


def escape(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def page(title: str, body: str, depth: int = 0) -> str:
    up = "../" * depth
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<title>{escape(title)}</title>\n<link rel="stylesheet" href="{up}{STYLE}">\n'
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
            f'<text class="bar-label" x="{label_width - 6}" y="{y + 14}" text-anchor="end">{escape(label)}</text>'
            f'<rect class="bar" x="{label_width}" y="{y + 3}" width="{width:.1f}" height="{row - 6}">'
            f"<title>{escape(label)}: {n:,}</title></rect>"
            f'<text class="bar-label" x="{label_width + width + 4:.1f}" y="{y + 14}">{n:,}</text>'
        )
    return (
        f'<svg role="img" aria-label="{escape(title)}" width="{label_width + bar_width + 60}" '
        f'height="{height}" xmlns="http://www.w3.org/2000/svg">{"".join(bars)}</svg>'
    )


# -- Reading the tables ----------------------------------------------------------------


def highlighted_text(text: str, ranges: dict[str, list[tuple[int, int]]]) -> str:
    """The policy text with each practice's evidence in <mark> elements, and an anchor
    `practice-<id>` where the practice's evidence begins."""
    cuts = sorted({0, len(text), *(o for spans in ranges.values() for span in spans for o in span)})
    anchors: dict[int, list[str]] = {}
    for practice_id, spans in sorted(ranges.items()):
        anchors.setdefault(min(spans)[0], []).append(practice_id)
    out = []
    for start, end in pairwise(cuts):
        out += [f'<a class="anchor" id="practice-{escape(p)}"></a>' for p in anchors.get(start, [])]
        covering = sorted(
            p for p, spans in ranges.items() if any(s <= start and end <= e for s, e in spans)
        )
        piece = escape(text[start:end])
        out.append(
            f'<mark class="evidence" data-practices="{escape(" ".join(covering))}">{piece}</mark>'
            if covering
            else piece
        )
    return "".join(out)
