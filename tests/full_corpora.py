"""Made-up corpora in the layouts of MAPP v1.0 and APP-350 v1.1, at the full corpora's size,
with every variety their documentation states or allows mixed in: the importers' trial on
the whole corpora, which this project does not have. No text or label of either corpus is
in here; label strings are the schemes' `source_names`, texts are made up.

    write_mapp(root, seed)    MAPP_Corpus/ layout: 64 English and 91 German policies
    write_app350(root, seed)  APP_350_v1_1/ layout: policy_1.yml .. policy_350.yml
"""

from __future__ import annotations

import csv
from pathlib import Path
from random import Random

import yaml

from privacy_labels.contract.schemes import scheme

# MAPP v1.0: apps in both languages, those split differently by language, and the size
# of each language (policies, segments).
MAPP_BOTH, MAPP_SPLIT_DIFFERS = 59, 21
MAPP_SIZES = {"en": (64, 3976), "de": (91, 6871)}
MAPP_FOLDERS = {"en": "English", "de": "German"}
MAPP_CATEGORIES = {
    "first_party_collection_use": "First Party",
    "third_party_sharing_collection": "Third Party",
}
LEGAL_BASIS = "Legal Basis for Collection"
WORDS = {
    language: text.split()
    for language, text in {
        "en": "we collect your data for advertising, analytics and the service's security",
        "de": "wir erheben Ihre Daten für Werbung, Analysen und die Sicherheit des Dienstes",
    }.items()
}
DEBRIS = ["Home | Login | »", "12.", "© 2022", "* * *", "Menü"]

# APP-350 v1.1: policies per split, segments and annotations of the whole corpus.
APP350_SPLITS = {"TRAINING": 188, "VALIDATION": 62, "TEST": 100}
APP350_SEGMENTS = 15507


def _sentence(rng: Random, language: str = "en") -> str:
    words = rng.choices(WORDS[language], k=rng.randint(5, 14))
    return " ".join(words).capitalize() + rng.choice([".", ".", ":", "?", ' ("quoted").'])


def _sizes(rng: Random, n: int, total: int) -> list[int]:
    """`n` positive sizes adding up to `total`."""
    cuts = sorted(rng.sample(range(1, total), n - 1))
    return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]


def _mapp_attributes() -> dict[str, dict[str, list[str]]]:
    """Per MAPP category name: each attribute name MAPP writes to its value strings."""
    attributes: dict[str, dict[str, list[str]]] = {}
    for category in scheme("mapp").categories:
        if category.id in MAPP_CATEGORIES:
            named = attributes.setdefault(MAPP_CATEGORIES[category.id], {})
            for a in category.attributes:
                for v in a.values:
                    for name in v.source_names:
                        named.setdefault(name.partition("_")[0], []).append(name)
    return attributes


def _mapp_row(rng: Random, attributes: dict, text: str) -> tuple[list[str], list[str], list[str]]:
    """One segment's category, attribute and value lists, with MAPP's known problems."""
    if rng.random() < (0.9 if not text.strip() else 0.55):
        return [], [], []
    draw = rng.random()
    categories = (
        ["First Party", "Third Party", "First Party"]  # a category listed twice
        if draw < 0.02
        else ["First Party", "Third Party"]
        if draw < 0.12
        else [rng.choice(["First Party", "First Party", "Third Party"])]
    )
    names, values = [], []
    for category in dict.fromkeys(categories):
        slots = attributes[category]
        for name in rng.sample(sorted(set(slots) - {LEGAL_BASIS}), rng.randint(1, 3)):
            names.append(name)
            values += rng.sample(slots[name], min(len(slots[name]), rng.randint(1, 3)))
        if category == "First Party" and rng.random() < 0.3:  # most rows leave it out
            names.append(LEGAL_BASIS)
            values += rng.sample(slots[LEGAL_BASIS], rng.randint(1, 2))
    if categories == ["Third Party"] and rng.random() < 0.05:  # fits no slot of the row
        values.append(f"{LEGAL_BASIS}_Consent")
    if rng.random() < 0.05:
        names.append("User Type (opt)")
        values.append("User Type (opt)_not-selected")
    if rng.random() < 0.1 and len(names) > 1:
        names.remove(rng.choice(names))  # a value whose attribute is not listed
    if rng.random() < 0.1:
        names.append("Purpose")  # an attribute with no value, perhaps
    return categories, list(dict.fromkeys(names)), values


def _mapp_text(rng: Random, language: str, n: int) -> list[str]:
    segments = []
    for _ in range(n):
        draw = rng.random()
        segments.append(
            rng.choice(["", "   "])
            if draw < 0.01
            else rng.choice(DEBRIS)
            if draw < 0.06
            else " ".join(_sentence(rng, language) for _ in range(rng.randint(1, 4)))
        )
        if draw > 0.99:  # what a policy text may not hold: a CR, a zero-width mark
            segments[-1] = segments[-1].replace(" ", rng.choice(["\r", " \ufeff"]), 1)
    return segments


def write_mapp(root: Path, seed: int = 28) -> None:
    """A made-up MAPP v1.0 corpus at `root` (MAPP_Corpus/), full size: 59 apps in both
    languages (21 split differently, a few German texts byte-identical to the English),
    the rest in one; names with dots, underscores, spaces and umlauts; rows in order or
    sorted as text; a byte-order mark and Windows line ends in some files; a text without
    labels and a copy's system files."""
    rng = Random(seed)
    attributes = _mapp_attributes()
    for name in MAPP_FOLDERS.values():
        for kind in ("consolidation", "sanitized_policies"):
            (root / f"{name}_{kind}").mkdir(parents=True)
    n_en, n_de = (MAPP_SIZES[k][0] for k in ("en", "de"))
    numbers = {
        "en": list(range(1, n_en + 1)),
        "de": [*range(1, MAPP_BOTH + 1), *range(n_en + 1, n_en + n_de - MAPP_BOTH + 1)],
    }
    apps = {
        n: rng.choice(
            ["com.example.app{}", "org.example_app{}", "de.bäcker.app{}", "app {}"]
        ).format(n)
        for n in range(1, n_en + n_de)
    }
    en_splits = {n: rng.choice(["TRAIN", "TRAIN", "TRAIN", "TEST"]) for n in numbers["en"]}
    differs = set(rng.sample(range(1, MAPP_BOTH + 1), MAPP_SPLIT_DIFFERS))
    identical = set(rng.sample(sorted(set(range(1, MAPP_BOTH + 1)) - differs), 3))
    for language in ("en", "de"):
        folder = MAPP_FOLDERS[language]
        for n, size in zip(numbers[language], _sizes(rng, *MAPP_SIZES[language]), strict=True):
            stem = f"{n}_{apps[n]}"
            if language == "de" and n in identical:  # the English files, byte for byte
                for kind, suffix in (("sanitized_policies", ".txt"), ("consolidation", ".csv")):
                    english = root / f"English_{kind}" / f"{stem}{suffix}"
                    (root / f"German_{kind}" / english.name).write_bytes(english.read_bytes())
                continue
            segments = _mapp_text(rng, language, size)
            split = en_splits.get(n) or rng.choice(["TRAIN", "TEST"])
            if language == "de" and n in differs:
                split = {"TRAIN": "TEST", "TEST": "TRAIN"}[split]
            url = f'https://example.org/{n}/privacy?lang={language},"x"'
            mapp_59 = str(n <= MAPP_BOTH)
            rows = [
                [str(n), str(k), *map(repr, _mapp_row(rng, attributes, s)), split, url, mapp_59]
                for k, s in enumerate(segments, 1)
            ]
            for row in rows:
                if row[2] == "[]" and rng.random() < 0.01:
                    row[2:5] = ["", "", ""]  # an empty cell lists nothing
            if rng.random() < 0.1:
                rows = sorted(rows, key=lambda r: r[1])  # sorted as text: 1, 10, 11, 2
            other_tool = rng.random() < 0.05  # a byte-order mark and Windows line ends
            text = "".join(s + "\n\n" for s in segments)
            (root / f"{folder}_sanitized_policies" / f"{stem}.txt").write_bytes(
                (("\ufeff" + text.replace("\n", "\r\n")) if other_tool else text).encode("utf-8")
            )
            with (root / f"{folder}_consolidation" / f"{stem}.csv").open(
                "w", encoding="utf-8-sig" if other_tool else "utf-8", newline=""
            ) as f:
                csv.writer(f).writerows([_mapp_header(), *rows])
                f.write("\r\n" if rng.random() < 0.05 else "")  # a blank last line
    lone = root / "German_sanitized_policies" / "999_org.example.lone.txt"
    lone.write_text("A policy nobody labelled.\n\n", encoding="utf-8")
    for folder in ("English_consolidation", "German_sanitized_policies"):
        (root / folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
        (root / folder / f"._1_{apps[1]}.csv").write_bytes(b"\x00\x05\x16\x07")


def _mapp_header() -> list[str]:
    return [
        "policy id",
        "segment_id",
        "category name",
        "attribute name",
        "value name",
        "policy_type",
        "privacy_policy_link",
        "MAPP_59",
    ]


def app350_practices() -> list[str]:
    """The 58 practice strings APP-350 writes, from the app350 scheme's source names."""
    return [
        name
        for category in scheme("app350").categories
        for value in category.attribute("data_type").values
        for name in value.source_names
    ]


def _app350_segment(rng: Random, practices: list[str], segment_id: int) -> dict:
    sentences = [_sentence(rng) for _ in range(rng.randint(1, 5))]
    text = " ".join(sentences)
    draw = rng.random()
    if draw < 0.01:
        text = rng.choice(["", "  ", None])  # holds no text
    elif draw < 0.02:
        text = rng.choice(["Yes", "2018-05-25", "10:30", "No", "1234"])  # YAML 1.1 types them
    elif draw < 0.1:
        text = text.replace(". ", ".\n\n", 1) + " Café & Co: #1 – 50 % off – 'quoted' €"
    elif draw < 0.11:  # what a policy text may not hold; YAML writes them as escapes
        text = text.replace(" ", rng.choice(["\r\n", "\r", "\ufeff ", " \x00"]), 1)
    segment = {"segment_id": segment_id, "segment_text": text, "annotations": [], "sentences": []}
    if rng.random() > (0.3 if text and text.strip() else 0.5):
        return segment
    pairs = [
        (rng.choice(practices), "NOT_PERFORMED" if rng.random() < 0.1 else "PERFORMED")
        for _ in range(rng.randint(1, 3))
    ]
    if rng.random() < 0.02:
        pairs.append(pairs[0])  # a pair listed twice in one segment
    if rng.random() < 0.002:  # a name the annotator instructions use, the README does not
        pairs.append(("Location_Wi-Fi_1stParty", "PERFORMED"))
    segment["annotations"] = [{"practice": p, "modality": m} for p, m in pairs]
    for pair in dict.fromkeys(pairs):
        draw = rng.random()
        if draw < 0.05:
            continue  # an annotation with no sentence
        sentence = rng.choice(sentences)
        if draw < 0.1:
            sentence = sentence.replace(" ", "  \n ", 1)  # whitespace differs
        elif draw < 0.15:
            sentence = "Edited: " + sentence  # not in the segment
        labels = [{"practice": pair[0], "modality": pair[1]}]
        if rng.random() < 0.02:  # a sentence label the segment does not list
            labels.append({"practice": rng.choice(practices), "modality": "PERFORMED"})
        segment["sentences"].append({"sentence_text": sentence, "annotations": labels})
    return segment


def write_app350(root: Path, seed: int = 350) -> None:
    """A made-up APP-350 v1.1 corpus at `root` (APP_350_v1_1/), full size: 350 policies
    in the official split's sizes, synthetic ones among training and validation, a few
    without `contains_synthetic` (as the README's example), one with no segments; texts
    with YAML's quirks (multi-line, special characters, null, plain `Yes` and dates);
    most originals in `original_documents/`."""
    rng = Random(seed)
    practices = app350_practices()
    (root / "annotations").mkdir(parents=True)
    (root / "original_documents").mkdir()
    types = [t for t, n in APP350_SPLITS.items() for _ in range(n)]
    rng.shuffle(types)
    sizes = _sizes(rng, len(types), APP350_SEGMENTS)
    for number, (policy_type, size) in enumerate(zip(types, sizes, strict=True), 1):
        policy: dict = {
            "policy_id": number,
            "policy_name": rng.choice(
                [f"com.example.app{number}", str(1000 + number), "Café & Co"]
            ),
            "policy_type": policy_type,
            "contains_synthetic": policy_type != "TEST" and rng.random() < 0.15,
        }
        if policy_type == "TEST" and rng.random() < 0.05:
            del policy["contains_synthetic"]
        first = rng.choice([0, 0, 0, 11])  # the README's example starts at 11
        policy["segments"] = (
            [] if number == 7 else [_app350_segment(rng, practices, first + k) for k in range(size)]
        )
        text = yaml.safe_dump(policy, sort_keys=False, allow_unicode=True, width=80)
        for plain in ("Yes", "2018-05-25", "10:30", "No", "1234", str(1000 + number)):
            # as a YAML 1.2 writer leaves them: plain, not quoted
            text = text.replace(f": '{plain}'\n", f": {plain}\n")
        (root / "annotations" / f"policy_{number}.yml").write_text(text, encoding="utf-8")
        if rng.random() < 0.97:
            html = f"<html><body>policy {number}</body></html>\n"
            (root / "original_documents" / f"{number}.html").write_text(html, encoding="utf-8")
