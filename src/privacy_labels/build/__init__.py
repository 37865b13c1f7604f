"""Build: validated raw inputs turned into the Parquet and CSV tables and their manifest."""
