"""The MAPP corpus v1.0 (English and German, GDPR): its files read as they are
(`source.py`); the facts about them are data (`source.json`)."""
