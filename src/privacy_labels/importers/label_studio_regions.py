"""Label Studio results read back as practices: regions, their choices and relations
(importers/label_studio.py turns a whole export into annotation documents; the way a
practice looks in Label Studio is exporters/label_studio.py's docstring).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from privacy_labels.contract.schemes import Category, Scheme
from privacy_labels.exporters.label_studio_interface import (
    CATEGORY,
    NO_SPAN,
    PRACTICE_ID,
    SOURCE_ID,
    Offsets,
    slot_control,
)
from privacy_labels.raw.documents import make_practice
from privacy_labels.raw.problems import Problem, closest


@dataclass
class Region:
    id: str
    start: int  # our offsets
    end: int
    text: str
    where: str  # JSON path of its labels result
    category: str | None = None
    practice_id: str | None = None
    source_id: str | None = None
    values: dict[str, str] = field(default_factory=dict)
    no_span: set[str] = field(default_factory=set)


@dataclass
class Conversion:
    file: str
    problems: list[Problem] = field(default_factory=list)

    def add(self, where: str, message: str, hint: str = "") -> None:
        self.problems.append(Problem(self.file, where, message, hint))


def _label_id(
    given: object, scheme: Scheme, category: Category | None, attribute_id: str | None
) -> str | None:
    """A category (or a value of the category's attribute) by id, or by display name in any
    of the scheme's languages."""
    if category is None:
        options = {c.id: c.id for c in scheme.categories} | {
            name: c.id for c in scheme.categories for name in c.names.values()
        }
    else:
        attribute = category.attribute(attribute_id)
        options = {v.id: v.id for v in attribute.values} | {
            name: v.id for v in attribute.values for name in v.names.values()
        }
    return options.get(given) if isinstance(given, str) else None


def _object(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def as_list(value: object) -> list:
    """A list as Label Studio writes it; anything else is taken as empty (and reported)."""
    return value if isinstance(value, list) else []


def _id(value: object) -> str | None:
    """A region id as Label Studio writes it (a string; a number is taken as one), or None."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    return str(value)


def read_regions(
    results: list, offsets: Offsets, where: str, conv: Conversion, scheme: Scheme
) -> tuple[dict, list]:
    """The regions of one annotation in `scheme`, by id, and its relations as (from_id, to_id)."""
    regions: dict[str, Region] = {}
    rejected = set()  # regions already reported: their per-region results say nothing more
    relations = []
    pending = []  # per-region results, applied once every region's category is known
    for i, result in enumerate(results):
        here = f"{where}.result[{i}]"
        if not isinstance(result, dict):
            conv.add(here, "expected an object")
            continue
        kind, region_id = result.get("type"), _id(result.get("id"))
        if kind == "relation":
            relations.append((_id(result.get("from_id")), _id(result.get("to_id"))))
            continue
        value = _object(result.get("value"))
        if kind == "labels" and result.get("from_name") == CATEGORY:
            start, end = offsets.ours(value.get("start")), offsets.ours(value.get("end"))
            if start is None or end is None or start >= end:
                conv.add(
                    here,
                    f"region offsets {value.get('start')}..{value.get('end')} are not a span "
                    f"of the task text ({len(offsets.text)} characters)",
                    "the export does not belong to this task's text; export the project again",
                )
                rejected.add(region_id)
                continue
            labels = as_list(value.get("labels"))
            category_id = _label_id(labels[0], scheme, None, None) if len(labels) == 1 else None
            if category_id is None:
                names = scheme.category_ids
                conv.add(
                    here + ".value.labels",
                    f"expected one category, got {labels!r}",
                    f"use the generated configuration; did you mean {closest(labels[0], names)!r}?"
                    if len(labels) == 1 and closest(labels[0], names)
                    else "label the region with one category",
                )
                rejected.add(region_id)
                continue
            text = offsets.text[start:end]
            given_text = value.get("text")
            if isinstance(given_text, str) and given_text.replace("\r\n", "\n") != text:
                conv.add(
                    here + ".value.text",
                    f"region text {given_text[:40]!r} differs from the task text at its offsets "
                    f"({text[:40]!r})",
                    "the task text was changed after annotation; re-import the policy text",
                )
            if region_id is None:
                conv.add(here + ".id", "the region has no id", "export the project again")
                continue
            regions[region_id] = Region(region_id, start, end, text, here, category_id)
        else:
            pending.append((here, result))
    for here, result in pending:
        region = regions.get(_id(result.get("id")))
        if region is None:
            if _id(result.get("id")) not in rejected:
                conv.add(
                    here,
                    f"no labeled region {result.get('id')!r} for this {result.get('type')} result",
                    "give every region a category label",
                )
            continue
        name, value = result.get("from_name"), _object(result.get("value"))
        if name in (PRACTICE_ID, SOURCE_ID):
            typed = [
                t.strip() for t in as_list(value.get("text")) if isinstance(t, str) and t.strip()
            ]
            setattr(region, name, typed[0] if typed else None)
        elif name == NO_SPAN:
            region.no_span |= {c for c in as_list(value.get("choices")) if isinstance(c, str)}
        else:
            category, _, attribute_id = (name if isinstance(name, str) else "").partition("__")
            choices = as_list(value.get("choices"))
            cat = scheme.category(region.category)
            if category != region.category or cat.attribute(attribute_id) is None:
                conv.add(
                    here + ".from_name",
                    f"{name!r} is not an attribute of the region's category {region.category}",
                    f"choose among {', '.join(slot_control(region.category, a) for a in cat.attribute_ids)}",
                )
                continue
            value_id = (
                _label_id(choices[0], scheme, cat, attribute_id) if len(choices) == 1 else None
            )
            if value_id is None:
                conv.add(
                    here + ".value.choices",
                    f"expected one value of {attribute_id}, got {choices!r}",
                )
                continue
            region.values[attribute_id] = value_id
    return regions, relations


def grouped_practices(regions: dict[str, Region], relations: list) -> list[list[Region]]:
    """Regions grouped into practices: the same practice_id, or related, directly or through
    other regions (Label Studio's relations)."""
    parent = {region_id: region_id for region_id in regions}

    def root(region_id: str) -> str:
        while parent[region_id] != region_id:
            region_id = parent[region_id] = parent[parent[region_id]]
        return region_id

    first_with: dict[str, str] = {}  # practice_id -> a region that has it
    for region in regions.values():
        if region.practice_id:
            parent[root(region.id)] = root(first_with.setdefault(region.practice_id, region.id))
    for a, b in relations:
        if a in regions and b in regions:
            parent[root(a)] = root(b)
    groups: dict[str, list[Region]] = {}
    for region in sorted(regions.values(), key=lambda r: (r.start, r.end, r.id)):
        groups.setdefault(root(region.id), []).append(region)
    return list(groups.values())


def document_practice(
    group: list[Region], practice_id: str, segments: list[dict], conv: Conversion, scheme: Scheme
) -> dict | None:
    first = group[0]
    categories = {r.category for r in group}
    if len(categories) > 1:
        conv.add(
            first.where,
            f"practice {practice_id}: regions labeled {', '.join(sorted(categories))}",
            "a practice has one category; give the regions one label or different practice ids",
        )
        return None
    start, end = min(r.start for r in group), max(r.end for r in group)
    segment_id = next(
        (i for i, s in enumerate(segments) if s["start"] <= start and end <= s["end"]), None
    )
    if segment_id is None:
        conv.add(
            first.where,
            f"practice {practice_id}: its regions ({start}..{end}) do not lie in one segment",
            "split the practice into one per segment",
        )
        return None
    attributes: dict[str, dict] = {}
    for region in group:
        for attribute in sorted(region.no_span - set(region.values)):
            conv.add(
                region.where,
                f"practice {practice_id}: {NO_SPAN} lists {attribute}, which has no value on "
                "this region",
                f"choose a value of {attribute} on the region, or untick it in {NO_SPAN}",
            )
        for attribute, value in region.values.items():
            chosen = {"value": value}
            if attribute not in region.no_span:
                chosen |= {
                    "span_start": region.start,
                    "span_end": region.end,
                    "span_text": region.text,
                }
            if attribute in attributes and attributes[attribute] != chosen:
                conv.add(
                    region.where,
                    f"practice {practice_id}: {attribute} is given on two regions",
                    "choose each attribute on one region of the practice",
                )
            attributes[attribute] = chosen
    order = {a: i for i, a in enumerate(scheme.category(first.category).attribute_ids)}
    return make_practice(
        practice_id,
        segment_id,
        first.category,
        dict(sorted(attributes.items(), key=lambda item: order[item[0]])),
    )
