"""Importers: turn existing corpora into the raw layout, to go through validate → build → check.

    privacy-labels import opp115 OPP-115/ --out opp115-raw/

Each importer writes a complete raw corpus (policies, sidecars, annotation
documents) into a staging folder, validates it, and only then moves it into place.
"""
