"""A fourth label scheme made in a test, and a corpus that holds it in its own `schemes/`.

`tiny` 0.1.0 maps onto opp115: one category, `keeps` (data retention), with a required
`how_long` (forever or a_while) and an optional `is_stated` (default yes); one label set,
`2`, of the labels `keeps_forever` and `keeps_a_while`. A corpus of it needs no change
to the package: the scheme is a folder beside the policies.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from privacy_labels._files import sha256_bytes
from privacy_labels._json import dump_json
from privacy_labels.raw.documents import (
    annotation_document,
    make_practice,
    make_provenance,
    policy_sidecar,
    practice_id,
)

TEXT = "Storage\n\nWe keep your photos forever.\n"
SCHEME = {"id": "tiny", "version": "0.1.0"}


def _names(en: str, de: str) -> dict:
    return {"en": en, "de": de}


def _value(value_id: str, en: str, de: str) -> dict:
    return {
        "id": value_id,
        "names": _names(en, de),
        "descriptions": {"en": en},
        "source_names": [en],
    }


def _row(source: dict, targets: list[dict], kind: str = "exact") -> dict:
    return {"from": source, "to": targets, "kind": kind, "note": ""}


def write_tiny_scheme(folder: Path) -> Path:
    """The scheme's files in `folder` (made), checked by scheme.schema.json in the tests."""
    folder.mkdir(parents=True)
    attributes = [
        {
            "id": "how_long",
            "names": _names("How long", "Wie lange"),
            "descriptions": {"en": "How long the data is kept."},
            "is_required": True,
            "default": None,
            "source_names": ["How long"],
            "values": [
                _value("forever", "Forever", "Für immer"),
                _value("a_while", "A while", "Eine Weile"),
            ],
        },
        {
            "id": "is_stated",
            "names": _names("Stated", "Angegeben"),
            "descriptions": {"en": "Whether the text says it."},
            "is_required": False,
            "default": "yes",
            "source_names": ["Stated"],
            "values": [_value("yes", "Yes", "Ja"), _value("no", "No", "Nein")],
        },
    ]
    scheme = {
        **SCHEME,
        "title": "Tiny",
        "description": "A scheme made by a test: what is kept, and how long.",
        "citation": "None: made for the test suite.",
        "languages": ["en", "de"],
        "relation": {"kind": "maps_onto", "scheme": "opp115", "version": "1.0.0"},
        "categories": [
            {
                "id": "keeps",
                "names": _names("Keeps data", "Speichert Daten"),
                "descriptions": {"en": "The service keeps data."},
                "source_names": ["Keeps data"],
                "attributes": attributes,
            }
        ],
    }
    labels = [
        {
            "id": f"keeps_{value}",
            "names": _names(f"Keeps {value}", f"Speichert {value}"),
            "match": {"category": "keeps", "attributes": {"how_long": value}},
        }
        for value in ("forever", "a_while")
    ]
    retention = {"category": "data_retention", "attribute": "retention_period"}
    mapping = {
        "scheme": "opp115",
        "version": "1.0.0",
        "rows": [
            _row({"category": "keeps"}, [{"category": "data_retention"}]),
            _row({"category": "keeps", "attribute": "how_long"}, [retention]),
            _row(
                {"category": "keeps", "attribute": "how_long", "value": "forever"},
                [{**retention, "value": "indefinitely"}],
            ),
            _row(
                {"category": "keeps", "attribute": "how_long", "value": "a_while"},
                [{**retention, "value": "limited"}],
                "broader",
            ),
            _row({"category": "keeps", "attribute": "is_stated"}, [], "none"),
            _row({"category": "keeps", "attribute": "is_stated", "value": "yes"}, [], "none"),
            _row({"category": "keeps", "attribute": "is_stated", "value": "no"}, [], "none"),
        ],
    }
    (folder / "scheme.json").write_text(dump_json(scheme), encoding="utf-8")
    (folder / "label_sets.json").write_text(
        dump_json({"label_sets": [{"id": "2", "names": _names("Two", "Zwei"), "labels": labels}]}),
        encoding="utf-8",
    )
    (folder / "mapping.json").write_text(dump_json(mapping), encoding="utf-8")
    return folder


def tiny_corpus(root: Path, base: Path | None = None) -> Path:
    """A raw corpus at `root`: the corpus `base` (if any), its scheme `tiny` in `schemes/`,
    and the policy `photos`, annotated by `dana` in it."""
    if base is not None:
        shutil.copytree(base, root)
    write_tiny_scheme(root / "schemes" / "tiny")
    (root / "policies").mkdir(parents=True, exist_ok=True)
    (root / "policies" / "photos.txt").write_text(TEXT, encoding="utf-8")
    sha = sha256_bytes(TEXT.encode())
    sidecar = policy_sidecar(
        policy_id="photos",
        organisation="Photos",
        legal_entity=None,
        service_names=[],
        source="written for the test suite",
        url=None,
        retrieved_date=None,
        effective_date=None,
        language="en",
        license="CC0-1.0 (written for the test suite)",
        text_sha256=sha,
        normalisation="None: written as it is.",
        redactions=[],
        segmentation={"rule": "paragraphs", "version": "1", "description": "One a segment."},
        segments=[{"start": 0, "end": 7}, {"start": 9, "end": len(TEXT) - 1}],
    )
    (root / "policies" / "photos.json").write_text(dump_json(sidecar), encoding="utf-8")
    start = TEXT.index("forever")
    document = annotation_document(
        policy_id="photos",
        annotator="dana",
        scheme=SCHEME,
        text_sha256=sha,
        annotated_date="2026-12-10",
        method="Written by hand for the test suite.",
        provenance=make_provenance("person", process="By hand.", is_blind=True),
        practices=[
            make_practice(
                practice_id("photos", "dana", 1),
                1,
                "keeps",
                {
                    "how_long": {
                        "value": "forever",
                        "span_start": start,
                        "span_end": start + len("forever"),
                        "span_text": "forever",
                    }
                },
            )
        ],
    )
    folder = root / "annotations" / "photos"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "dana.json").write_text(dump_json(document), encoding="utf-8")
    return root
