"""Importers: turn existing corpora into the raw layout, to go through validate → build → check.

    privacy-labels import opp115 OPP-115/ --out opp115-raw/      (and mapp, app350)

A corpus's importer is a folder (`opp115/`, `mapp/`, `app350/`): its facts as data in
`source.json`, the class or functions that yield each policy's text, sidecar and annotation
documents, and the shared writer (`writer.py`), which writes a complete raw corpus into a
staging folder and moves it into place only when complete; `build` then validates it like
any other raw corpus. `combine.py` makes several raw corpora one, for one build of them all.
"""
