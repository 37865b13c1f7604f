"""The policies `score` and `baseline` work on: one part of one split, in one language.

    chosen_policies(labeled, "plue:test", "en")   # ids, or None for every policy

`--split NAME:PART` names a part of a split of the `splits` table (`plue:test`; a bare
`test` is `default:test`, as before named splits; `all`, every policy); `--language` a
language of the `policies` table (`en`, `de`), so MAPP's languages are scored apart. A
raw corpus (`baseline predict`) is chosen from in the same way, by its sidecars.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from privacy_labels.contract.splits import ALL, selected, split_rows
from privacy_labels.errors import InvalidArgument
from privacy_labels.store import read_rows


class UnknownLanguage(InvalidArgument):
    """No policy of the tables is in the language asked for (a usage error, exit 2)."""


def chosen_policies(folder: Path, split: str = ALL, language: str | None = None) -> set[str] | None:
    """The policy ids of the tables in `folder` in part `split` and `language` (None: any);
    None when every policy is chosen."""
    chosen = selected(read_rows(folder, "splits", ["policy_id", "split_name", "part"]), split)
    if language is None:
        return chosen
    return _in_language(read_rows(folder, "policies", ["policy_id", "language"]), language, chosen)


def chosen_in_raw(sidecars: Mapping[str, Mapping], split: str, language: str | None) -> set[str]:
    """The ids of the policies of a raw corpus (their sidecars by id) in part `split` and
    `language` (None: any)."""
    rows = [row for i, s in sidecars.items() for row in split_rows({**s, "policy_id": i})]
    chosen = selected(rows, split)
    if language is not None:
        facts = [{"policy_id": i, "language": s.get("language")} for i, s in sidecars.items()]
        chosen = _in_language(facts, language, chosen)
    return set(sidecars) if chosen is None else chosen


def described(split: str, language: str | None) -> str:
    """The policies chosen as a message names them: `the plue:test split (language de)`."""
    return f"the {split} split" + (f" (language {language})" if language else "")


def _in_language(rows: Iterable[Mapping], language: str, chosen: set[str] | None) -> set[str]:
    rows = list(rows)
    held = sorted({r["language"] for r in rows if r["language"]})
    if language not in held:
        raise UnknownLanguage(
            f"--language {language}: no policy is in that language; the policies' languages "
            f"are {', '.join(held) or 'none'}"
        )
    in_language = {r["policy_id"] for r in rows if r["language"] == language}
    return in_language if chosen is None else chosen & in_language
