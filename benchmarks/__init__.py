"""Benchmarks: synthetic corpora and the scale benchmark (`python -m benchmarks.run`)."""
