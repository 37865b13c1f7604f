"""The reference pages of the label schemes: `docs/schemes/<scheme_id>.md` and an index.

Generated from the scheme folders by `privacy-labels docs` and drift-tested with
the other generated pages; never edited by hand.
"""

from __future__ import annotations

from privacy_labels.contract.schemes import Place, Scheme, scheme, schemes

FOLDER = "schemes"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _names(names: dict[str, str], languages: tuple[str, ...]) -> str:
    return " | ".join(_cell(names.get(lang, "")) for lang in languages)


def _place(place: Place) -> str:
    return "`" + ".".join(p for p in (place.category, place.attribute, place.value) if p) + "`"


def _relation(s: Scheme) -> str:
    if s.is_hub:
        return "the hub: other schemes map onto it"
    verb = "extends" if s.relation["kind"] == "extends" else "maps onto"
    return f"{verb} [{s.relation['scheme']}]({s.relation['scheme']}.md) {s.relation['version']}"


def render_scheme(s: Scheme) -> str:
    langs = s.languages
    names_header = " | ".join(f"name ({lang})" for lang in langs)
    lines = [
        f"# {s.title} (`{s.id}` {s.version})",
        "",
        _cell(s.description),
        "",
        f"- relation: {_relation(s)}",
        f"- cite: {_cell(s.citation)}",
        f"- languages: {', '.join(langs)}",
    ]
    if s.notes:
        lines.append(f"- notes: {_cell(s.notes)}")
    lines += ["", "## Categories", "", f"| id | {names_header} |", "|---" * (len(langs) + 1) + "|"]
    lines += [f"| `{c.id}` | {_names(c.names, langs)} |" for c in s.categories]
    for c in s.categories:
        lines += ["", f"## {_cell(c.name)} (`{c.id}`)", "", _cell(c.description)]
        if c.notes:
            lines += ["", f"Note: {_cell(c.notes)}"]
        for a in c.attributes:
            required = "required" if a.is_required else f"optional, default `{a.default}`"
            if not a.is_required and a.default is None:
                required = "optional, no default"
            lines += [
                "",
                f"### {_cell(a.name)} (`{c.id}.{a.id}`, {required})",
                "",
                _cell(a.description),
                "",
                f"| value | {names_header} | description |",
                "|---" * (len(langs) + 2) + "|",
            ]
            lines += [
                f"| `{v.id}` | {_names(v.names, langs)} | {_cell(v.description)} |"
                for v in a.values
            ]
    for set_id, labels in s.label_sets.items():
        lines += ["", f"## Label set `{set_id}`", "", f"| label | {names_header} | matches |"]
        lines.append("|---" * (len(langs) + 2) + "|")
        for label in labels:
            match = f"`{label.category}`" + "".join(
                f", `{a}` in {', '.join(f'`{v}`' for v in values)}"
                for a, values in label.attributes.items()
            )
            lines.append(f"| `{label.id}` | {_names(label.names, langs)} | {match} |")
    if s.questions:
        lines += ["", "## Policy-label questions", "", "| question | name | answered by |"]
        lines.append("|---|---|---|")
        for q in s.questions.questions:
            slots = ", ".join(f"`{c}.{a}`" for c, a in q.slots)
            negatable = " (a `does_not` denies it)" if q.is_negatable else ""
            lines.append(f"| `{q.id}` | {_cell(q.names['en'])} | {slots}{negatable} |")
    if s.mapping:
        lines += [
            "",
            f"## Mapping onto `{s.mapping.scheme}` {s.mapping.version}",
            "",
            "| from | to | kind | note |",
            "|---|---|---|---|",
        ]
        for row in s.mapping.rows:
            targets = ", ".join(map(_place, row.targets)) or "—"
            lines.append(f"| {_place(row.source)} | {targets} | {row.kind} | {_cell(row.note)} |")
    return "\n".join(lines) + "\n"


def render_index() -> str:
    lines = [
        "# Label schemes",
        "",
        "Each scheme is a folder of data under `schema/schemes/`; these pages are made from it.",
        "",
        "| scheme | version | title | relation | categories |",
        "|---|---|---|---|---|",
    ]
    for scheme_id in schemes():
        s = scheme(scheme_id)
        lines.append(
            f"| [`{s.id}`]({s.id}.md) | {s.version} | {_cell(s.title)} | {_relation(s)} "
            f"| {len(s.categories)} |"
        )
    return "\n".join(lines) + "\n"


def scheme_pages() -> dict[str, str]:
    """Path under docs/ → content, for the index and every scheme (outputs/docs.py heads each
    page with the line that marks it as generated)."""
    pages = {f"{FOLDER}/README.md": render_index()}
    pages.update({f"{FOLDER}/{i}.md": render_scheme(scheme(i)) for i in schemes()})
    return pages
