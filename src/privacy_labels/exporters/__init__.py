"""Exporters: annotation documents and Label Studio tasks made from the corpus or the tables."""
