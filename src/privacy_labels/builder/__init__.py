"""Build: validated raw inputs turned into the Parquet and CSV tables and their manifest.

pipeline  build and write_tables: read once, validate, write, swap into place
rows      the rows a policy gives each table; a run of policies as Arrow tables
writers   streaming Parquet and CSV writers with deterministic row groups
manifest  the sha256 of every input and output; whether an output is up to date
"""
