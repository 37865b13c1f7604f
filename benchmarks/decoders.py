"""Where `build` spends its time per practice, and a typed decoder (msgspec) against json + jsonschema-rs.

    .venv/bin/python -m benchmarks.decoders RAW [--policies N]   # RAW: e.g. tests/synthetic.py's

Runs in this one process, on the first N policies of the raw corpus (all by
default), each step over the same documents, read into memory first (the file
reads are timed on their own):

- **budget**: the steps of build's per-policy path, as build_part runs them:
  read, parse (`parse_json`: json with the duplicate-key check), schema check
  (jsonschema-rs `is_valid`), the remaining input rules (offsets, span texts,
  ids), row making (`policy_rows`), Arrow tables, Parquet and CSV writing;
  CPU microseconds per practice.
- **decoders**: parsing and checking the annotation documents, four ways:
  today's `parse_json` + jsonschema-rs; `json.loads` alone; msgspec decoding
  into plain objects + jsonschema-rs; msgspec decoding into typed Structs that
  check types, required fields, slugs, the category list and integer bounds as
  they parse (what a Struct can say of the schema; the per-category attribute
  and value sets, formats and the `if`/`then` rules would still need checking).

msgspec is in the `bench` extra only; the decision is in the README (Performance).
"""

from __future__ import annotations

import argparse
import gc
import io
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


def _typed_document():
    """msgspec Structs for an annotation document: as much of the schema as types can say."""
    from typing import Annotated, Literal

    import msgspec

    from privacy_labels.contract.schemes import scheme

    slug = Annotated[str, msgspec.Meta(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]
    category = Literal[tuple(c.id for c in scheme("opp115").categories)]  # type: ignore[valid-type]
    offset = Annotated[int, msgspec.Meta(ge=0)]

    # defstruct, not class bodies: this module's annotations are strings (PEP 563).
    unset = msgspec.UNSET

    def struct(name, fields):
        return msgspec.defstruct(name, fields, forbid_unknown_fields=True)

    value = struct(
        "Value",
        [
            ("value", str),
            ("span_start", offset | msgspec.UnsetType, unset),
            ("span_end", offset | msgspec.UnsetType, unset),
            ("span_text", str | msgspec.UnsetType, unset),
        ],
    )
    practice = struct(
        "Practice",
        [
            ("practice_id", slug),
            ("segment_id", offset),
            ("category", category),
            ("attributes", dict[str, value]),
            ("source_id", str | msgspec.UnsetType, unset),
        ],
    )
    provenance = struct(
        "Provenance",
        [
            ("annotator_kind", Literal["model", "person", "adjudication", "import"]),
            ("process", str),
            ("is_blind", bool),
            ("is_reviewed", bool),
            ("model", str | msgspec.UnsetType, unset),
        ],
    )
    sha256 = Annotated[str, msgspec.Meta(pattern=r"^[0-9a-f]{64}$")]
    scheme_ref = struct("Scheme", [("id", slug), ("version", str)])
    document = struct(
        "Document",
        [
            ("schema_version", str),
            ("policy_id", slug),
            ("annotator", slug),
            ("scheme", scheme_ref),
            ("text_sha256", sha256),
            ("annotated_date", str),
            ("method", str),
            ("guidelines_version", str),
            ("provenance", provenance),
            ("practices", list[practice]),
        ],
    )
    return document


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("raw", type=Path, help="a raw corpus (tests/synthetic.py writes one)")
    parser.add_argument("--policies", type=int, help="the first N policies only")
    args = parser.parse_args(argv)
    try:
        import msgspec
    except ImportError:
        parser.error("this needs msgspec: pip install -e '.[bench]'")
    if not (args.raw / "policies").is_dir():
        print(f"{args.raw}: no policies/ folder; give a raw corpus", file=sys.stderr)
        return 2

    import jsonschema_rs  # noqa: F401 (the validator below is built on it)
    import pyarrow.csv as pa_csv
    import pyarrow.parquet as pq

    from privacy_labels._files import parse_json
    from privacy_labels.builder.rows import _arrow_table, policy_rows
    from privacy_labels.contract.tables import TABLES
    from privacy_labels.raw.conformance import _decider, conforms
    from privacy_labels.raw.corpus import RawCorpus
    from privacy_labels.raw.inputs import PolicyInputs, read_policy

    corpus = RawCorpus(args.raw)
    policy_ids = corpus.policy_ids()[: args.policies]
    paths = [p for i in policy_ids for p in corpus.annotation_paths(i)]
    sidecars = [corpus.sidecar_path(i) for i in policy_ids]
    gc.disable()  # as build_part runs (without_cycle_collector)

    def read_all():
        return [p.read_bytes() for p in paths + sidecars]

    read_s = _best(read_all)
    raw_documents = [p.read_bytes() for p in paths]
    texts = [b.decode("utf-8") for b in raw_documents]
    documents = [parse_json(t) for t in texts]
    n = sum(len(d["practices"]) for d in documents)
    _decider("annotation")  # compiled once per process, as in a build
    inputs = [read_policy(corpus, i) for i in policy_ids]
    assert all(isinstance(i, PolicyInputs) for i in inputs), (
        "the corpus is not valid: run privacy-labels validate"
    )
    rows: dict[str, list] = {t.name: [] for t in TABLES}
    for policy in inputs:
        for name, table_rows in policy_rows(policy).items():
            rows[name] += table_rows

    parse_s = _best(lambda: [parse_json(t) for t in texts])
    schema_s = _best(lambda: [conforms("annotation", d) for d in documents])
    whole_s = _best(lambda: [read_policy(corpus, i) for i in policy_ids])
    rows_s = _best(lambda: [policy_rows(p) for p in inputs])
    arrow_s = _best(lambda: {t.name: _arrow_table(t.name, rows[t.name]) for t in TABLES})
    tables = {t.name: _arrow_table(t.name, rows[t.name]) for t in TABLES}
    with tempfile.TemporaryDirectory() as tmp:

        def write():
            for name, table in tables.items():
                pq.write_table(table, f"{tmp}/{name}.parquet", compression="zstd")
                pa_csv.write_csv(table, io.BytesIO())

        write_s = _best(write)
    # read_policy reads and hashes every file, parses, checks the schema and the rules.
    rules_s = max(0.0, whole_s - read_s - parse_s - schema_s)
    per = 1e6 / n
    print(f"{len(policy_ids):,} policies, {n:,} practices, {len(paths):,} annotation documents")
    print("build's per-practice path, CPU µs per practice (best of 3):")
    budget = [
        ("read and hash the files", read_s),
        ("parse (parse_json: json + duplicate keys)", parse_s),
        ("schema check (jsonschema-rs is_valid)", schema_s),
        ("the other input rules (offsets, spans, ids)", rules_s),
        ("row making (policy_rows)", rows_s),
        ("Arrow tables", arrow_s),
        ("Parquet (zstd) and CSV writing", write_s),
    ]
    total = sum(s for _, s in budget)
    for name, seconds in budget:
        print(f"  {name:<46} {seconds * per:7.1f}  {seconds / total:4.0%}")
    print(f"  {'total':<46} {total * per:7.1f}  ({n / total:,.0f} practices/s on one core)")

    Document = _typed_document()
    typed = msgspec.json.Decoder(Document)
    untyped = msgspec.json.Decoder()
    validator = _decider("annotation")
    import json

    decoders = [
        ("parse_json + jsonschema-rs (today)",
         lambda: [validator.is_valid(parse_json(t)) for t in texts]),
        ("json.loads alone (no duplicate-key check)", lambda: [json.loads(t) for t in texts]),
        ("msgspec to objects + jsonschema-rs",
         lambda: [validator.is_valid(untyped.decode(b)) for b in raw_documents]),
        ("msgspec typed Structs (partial schema)",
         lambda: [typed.decode(b) for b in raw_documents]),
    ]  # fmt: skip
    print("parsing and checking the annotation documents, CPU µs per practice (best of 3):")
    baseline = None
    for name, fn in decoders:
        seconds = _best(fn)
        baseline = baseline or seconds
        print(f"  {name:<46} {seconds * per:7.1f}  {baseline / seconds:5.2f}× today's speed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
