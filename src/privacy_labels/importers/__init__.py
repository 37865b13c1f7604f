"""Importers: turn existing corpora into the raw layout, to go through validate → build → check.

    privacy-labels import opp115 OPP-115/ --out opp115-raw/

Each importer writes a complete raw corpus (policies, sidecars, annotation
documents) into a staging folder and moves it into place only when complete;
`build` then validates it like any other raw corpus.
"""
