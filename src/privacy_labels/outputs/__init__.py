"""Outputs for researchers: the report, the docs, agreement, the scorer, predictions and the baseline."""
