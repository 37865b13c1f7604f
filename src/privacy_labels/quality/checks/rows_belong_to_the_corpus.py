"""Every row names a policy of the corpus (or a practice of one): a part is read by its
policies, so a row of none would be read by no part."""

from functools import partial

from privacy_labels.contract.scheme_set import SchemeSet
from privacy_labels.contract.tables import TABLES
from privacy_labels.quality.checks import CORPUS, Check, Found


def _rows(name: str, owner: str, sql, schemes: SchemeSet) -> Found:
    owners = (
        "SELECT policy_id FROM policies"
        if owner == "policy_id"
        else "SELECT practice_id FROM practices WHERE policy_id IN (SELECT policy_id FROM policies)"
    )
    (n_rows,) = sql.execute(f"SELECT count(*) FROM {name}").fetchone()
    outside = sql.execute(
        f"SELECT {owner}, count(*) FROM {name} "
        f"WHERE {owner} IS NULL OR {owner} NOT IN ({owners}) "
        f"GROUP BY {owner} ORDER BY {owner} NULLS FIRST"
    ).fetchall()
    return n_rows, [
        f"{n:,} row(s) of {owner} {key}, which is no {owner.removesuffix('_id')} of the corpus"
        for key, n in outside
    ]


def _owner(spec) -> str:
    return "policy_id" if "policy_id" in spec.column_names else "practice_id"


CHECKS = [
    Check(
        "rows_belong_to_the_corpus",
        spec.name,
        f"{_owner(spec)} names a {_owner(spec).removesuffix('_id')} of the corpus",
        (spec.name, "policies") if _owner(spec) == "policy_id" else (spec.name, "practices"),
        CORPUS,
        partial(_rows, spec.name, _owner(spec)),
    )
    for spec in TABLES
    if spec.name != "policies"
]
