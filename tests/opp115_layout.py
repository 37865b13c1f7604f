"""A synthetic raw corpus written back in OPP-115 v1.0's layout, for timing `import opp115`.

    write_opp115_layout(Path("raw"), Path("opp115"))    # raw: from tests/synthetic.py

OUT gets what the importer reads: `sanitized_policies/<uid>_<site>.html` (one
HTML segment per segment of the text, joined by `|||`), `annotations/<uid>_<site>.csv`
(one row per practice, OPP-115's nine columns, the attribute values as a JSON
column with display names and offsets into the HTML segment) and
`documentation/policies_opp115.csv`. The HTML carries what the import has to
undo: `<p>` around each segment, `<br>` for line breaks, `&amp;`, `&lt;`, `&gt;`
and `&nbsp;` after sentence ends; every optional attribute a practice leaves out
is written `not-selected`, as OPP-115 does; and one span in 50 has its offsets
shifted, as OPP-115's errata list, so that it is relocated. No OPP-115 data is
used: the text and labels are tests/synthetic.py's.
"""

from __future__ import annotations

import bisect
import csv
import json
import re
from pathlib import Path

from privacy_labels._json import parse_json
from privacy_labels.contract.schemes import scheme

# Text characters and the HTML that stands for them in the sanitized policies.
_HTML_OF = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\n": "<br>", ". ": ".&nbsp; "}
_SPECIAL = re.compile(r"[&<>\n]|\. ")
SHIFTED_EVERY = 50  # one span in this many gets offsets two characters off
NOT_SELECTED = {
    "endIndexInSegment": -1,
    "startIndexInSegment": -1,
    "selectedText": "null",
    "value": "not-selected",
}


def _html_segment(text: str) -> tuple[str, list[int], list[int]]:
    """The HTML of one segment's text, and the map of text offsets to HTML offsets: a text
    offset s is at 3 + s + adds[k] in the HTML, k the last change before s (see html_offset)."""
    pieces, ends, adds = ["<p>"], [], []
    last = added = 0
    for match in _SPECIAL.finditer(text):
        replacement = _HTML_OF[match.group()]
        pieces += [text[last : match.start()], replacement]
        last = match.end()
        added += len(replacement) - len(match.group())
        ends.append(match.end())
        adds.append(added)
    pieces += [text[last:], "</p>"]
    return "".join(pieces), ends, adds


def html_offset(offset: int, ends: list[int], adds: list[int]) -> int:
    k = bisect.bisect_right(ends, offset) - 1
    return 3 + offset + (adds[k] if k >= 0 else 0)


def write_opp115_layout(raw: Path, out: Path) -> int:
    """Write the raw corpus at `raw` into `out` (new) in OPP-115's layout; returns the
    number of practices."""
    names = {
        c.id: (
            c.name,
            {a.id: (a.name, {v.id: v.name for v in a.values}) for a in c.attributes},
            [a for a in c.attributes if not a.is_required],
        )
        for c in scheme("opp115").categories
    }
    for folder in ("annotations", "sanitized_policies", "documentation"):
        (out / folder).mkdir(parents=True)
    n_practices = n_spans = 0
    with open(
        out / "documentation" / "policies_opp115.csv", "w", encoding="utf-8", newline=""
    ) as f:
        metadata = csv.writer(f)
        metadata.writerow(
            ["Policy UID", "Policy URL", "Policy collection date", "Policy last updated date"]
        )
        for uid, sidecar_path in enumerate(sorted((raw / "policies").glob("*.json")), 1):
            sidecar = parse_json(sidecar_path.read_text(encoding="utf-8"))
            text = sidecar_path.with_suffix(".txt").read_text(encoding="utf-8")
            site = sidecar["url"].split("/")[2].removeprefix("www.")
            stem = f"{uid}_{site}"
            metadata.writerow(
                [uid, sidecar["url"], sidecar["retrieved_date"], sidecar["effective_date"] or ""]
            )
            segments = [text[s["start"] : s["end"]] for s in sidecar["segments"]]
            html = [_html_segment(segment) for segment in segments]
            (out / "sanitized_policies" / f"{stem}.html").write_text(
                "|||".join(h for h, _, _ in html), encoding="utf-8"
            )
            rows = []
            for document_path in sorted(
                (raw / "annotations" / sidecar["policy_id"]).glob("*.json")
            ):
                document = parse_json(document_path.read_text(encoding="utf-8"))
                for practice in document["practices"]:
                    n_practices += 1
                    segment_id = practice["segment_id"]
                    segment_start = sidecar["segments"][segment_id]["start"]
                    _, ends, adds = html[segment_id]
                    category, attributes, optional = names[practice["category"]]
                    cell = {}
                    for attribute_id, chosen in practice["attributes"].items():
                        attribute, values = attributes[attribute_id]
                        value = {
                            "endIndexInSegment": -1,
                            "startIndexInSegment": -1,
                            "selectedText": "null",
                            "value": values[chosen["value"]],
                        }
                        if "span_start" in chosen:
                            n_spans += 1
                            shift = 2 if n_spans % SHIFTED_EVERY == 0 else 0
                            start = chosen["span_start"] - segment_start
                            end = chosen["span_end"] - segment_start
                            value["startIndexInSegment"] = html_offset(start, ends, adds) + shift
                            value["endIndexInSegment"] = html_offset(end, ends, adds) + shift
                            value["selectedText"] = chosen["span_text"]
                        cell[attribute] = value
                    for attribute in optional:
                        cell.setdefault(attribute.name, NOT_SELECTED)
                    rows.append(
                        [
                            n_practices,
                            f"synthetic_batch_{uid % 7}",
                            document["annotator"],
                            uid,
                            segment_id,
                            category,
                            json.dumps(cell),
                            sidecar["url"],
                            "1/1/15",
                        ]
                    )
            with open(out / "annotations" / f"{stem}.csv", "w", encoding="utf-8", newline="") as g:
                csv.writer(g).writerows(rows)
    return n_practices
