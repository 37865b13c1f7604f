"""Where `build` spends its time per practice, and JSON decoders that refuse duplicate keys.

    .venv/bin/python -m benchmarks.decoders RAW [--policies N]   # RAW: e.g. tests/synthetic.py's

Runs in this one process, on the first N policies of the raw corpus (all by
default), each step over the same documents, read into memory first (the file
reads are timed on their own), with the cycle collector paused as build_part
runs:

- **budget**: the steps of build's per-policy path, as build_part runs them:
  read, parse (`parse_strict`), schema check (jsonschema-rs
  `is_valid`), the remaining input rules (offsets, span texts, ids, labels),
  the rows as Arrow tables (`policy_tables`), Parquet and CSV writing; CPU
  microseconds per practice.
- **decoders**: the annotation documents parsed, each way that is installed:
  json with the duplicate-key hook (`parse_json`, build's parser before),
  `json.loads`, orjson, msgspec and pysimdjson alone (each keeps the last of
  two equal keys silently), and `parse_strict`, build's parser: orjson, with
  a duplicate key caught by counting colons.

msgspec is in the `bench` extra; pysimdjson is measured when installed.
"""

from __future__ import annotations

import argparse
import functools
import gc
import io
import json
import sys
import tempfile
import time
from pathlib import Path

REPEATS = 3  # each step's best of this many runs over all the documents


def _best(fn, repeats: int = REPEATS) -> float:
    """The least CPU seconds of `repeats` runs of fn(): the least disturbed by other work."""
    times = []
    for _ in range(repeats):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return min(times)


def _each(parse, documents) -> None:
    """Parse every document, keeping none: memory stays as flat as in a build."""
    for document in documents:
        parse(document)


def _decoders() -> list[tuple[str, object, bool]]:
    """(name, parse, takes bytes) of each decoder installed; the last is build's."""
    import orjson

    from privacy_labels._json import parse_json
    from privacy_labels.raw.jsonio import parse_strict

    found = [
        ("json + duplicate-key hook (parse_json, before)", parse_json, False),
        ("json.loads alone (no duplicate-key check)", json.loads, False),
        ("orjson.loads alone (no duplicate-key check)", orjson.loads, True),
    ]
    try:
        import msgspec

        found.append(("msgspec.json.decode alone (no check)", msgspec.json.decode, True))
    except ImportError:
        pass
    try:
        import simdjson

        parser = simdjson.Parser()
        found.append(
            ("pysimdjson alone (no check)", lambda data: parser.parse(data).as_dict(), True)
        )
    except ImportError:
        pass
    found.append(
        (
            "orjson + colon count (parse_strict, build's)",
            lambda d: parse_strict(d, d.decode()),
            True,
        )
    )
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("raw", type=Path, help="a raw corpus (tests/synthetic.py writes one)")
    parser.add_argument("--policies", type=int, help="the first N policies only")
    args = parser.parse_args(argv)
    if not (args.raw / "policies").is_dir():
        print(f"{args.raw}: no policies/ folder; give a raw corpus", file=sys.stderr)
        return 2

    import pyarrow as pa
    import pyarrow.parquet as pq

    from privacy_labels.builder.rows import policy_tables
    from privacy_labels.builder.writers import csv_writer
    from privacy_labels.raw.conformance import conforms
    from privacy_labels.raw.corpus import RawCorpus
    from privacy_labels.raw.inputs import PolicyInputs, read_policy
    from privacy_labels.raw.jsonio import parse_document
    from privacy_labels.raw.schemes import corpus_schemes

    corpus = RawCorpus(args.raw)
    schemes, _ = corpus_schemes(corpus)
    policy_ids = corpus.policy_ids()[: args.policies]
    paths = [p for i in policy_ids for p in corpus.annotation_paths(i)]
    sidecars = [corpus.sidecar_path(i) for i in policy_ids]
    gc.disable()  # as build_part runs (without_cycle_collector)

    read_s = _best(lambda: [p.read_bytes() for p in paths + sidecars])
    raw_documents = [p.read_bytes() for p in paths]
    texts = [b.decode("utf-8") for b in raw_documents]
    documents = [json.loads(t) for t in texts]
    n = sum(len(d["practices"]) for d in documents)
    inputs = [read_policy(corpus, i) for i in policy_ids]
    assert all(isinstance(i, PolicyInputs) for i in inputs), (
        "the corpus is not valid: run privacy-labels validate"
    )
    parse_s = _best(
        lambda: _each(lambda d: parse_document("", d, limit_depth=False), raw_documents)
    )
    schema_s = _best(lambda: _each(lambda d: conforms("annotation", d), documents))
    whole_s = _best(lambda: _each(lambda i: read_policy(corpus, i), policy_ids))
    rows_s = _best(lambda: _each(lambda p: policy_tables(p, schemes), inputs))
    parts = [policy_tables(p, schemes) for p in inputs]
    tables = {name: pa.concat_tables(p[name] for p in parts) for name in parts[0]}
    with tempfile.TemporaryDirectory() as tmp:

        def write():
            for name, table in tables.items():
                pq.write_table(table, f"{tmp}/{name}.parquet", compression="zstd")
                writer = csv_writer(io.BytesIO(), table.schema)
                writer.write_table(table)
                writer.close()

        write_s = _best(write)
    # read_policy reads and hashes every file, parses, checks the schema and the rules.
    rules_s = max(0.0, whole_s - read_s - parse_s - schema_s)
    per = 1e6 / n
    print(f"{len(policy_ids):,} policies, {n:,} practices, {len(paths):,} annotation documents")
    print(f"build's per-practice path, CPU µs per practice (best of {REPEATS}):")
    budget = [
        ("read the files", read_s),
        ("parse (parse_strict: orjson + colon count)", parse_s),
        ("schema check (jsonschema-rs is_valid)", schema_s),
        ("the other input rules (labels, offsets, spans)", rules_s),
        ("rows as Arrow tables (policy_tables)", rows_s),
        ("Parquet (zstd) and CSV writing", write_s),
    ]
    total = sum(s for _, s in budget)
    for name, seconds in budget:
        print(f"  {name:<48} {seconds * per:7.1f}  {seconds / total:4.0%}")
    print(f"  {'total':<48} {total * per:7.1f}  ({n / total:,.0f} practices/s on one core)")

    print(f"parsing the annotation documents, CPU µs per practice (best of {REPEATS}):")
    baseline = None
    for name, parse, takes_bytes in _decoders():
        seconds = _best(functools.partial(_each, parse, raw_documents if takes_bytes else texts))
        baseline = baseline or seconds
        print(f"  {name:<48} {seconds * per:7.2f}  {baseline / seconds:5.2f}× the hook's speed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
