"""The annotation layers of a build, read from its tables for comparing them: each policy's
layers (annotator -> practices, their published values), its segments and its scheme.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from privacy_labels.contract.layers import LayerPractice
from privacy_labels.contract.schemes import Scheme
from privacy_labels.errors import PrivacyLabelsError
from privacy_labels.store import read_rows, require, schemes_of


class AgreementError(PrivacyLabelsError):
    """Agreement cannot be computed; the message says why."""


@dataclass(frozen=True)
class PolicyLayers:
    """One policy's layers: annotator -> practices, its number of segments and its scheme."""

    policy_id: str
    n_segments: int
    layers: dict[str, list[LayerPractice]]
    scheme: Scheme | None = None


def read_layers(folder: Path) -> dict[str, PolicyLayers]:
    """Every policy's layers from the tables of a build."""
    folder = Path(folder)
    require(folder, ["annotations", "segments", "practices", "attribute_values"])
    schemes = schemes_of(folder)
    scheme_of = {
        row["policy_id"]: schemes[row["scheme"]]
        for row in read_rows(folder, "annotations", columns=["policy_id", "scheme"])
    }
    n_segments: dict[str, int] = {}
    for row in read_rows(folder, "segments", columns=["policy_id"]):
        n_segments[row["policy_id"]] = n_segments.get(row["policy_id"], 0) + 1
    layers: dict[str, dict[str, list[LayerPractice]]] = {}
    for row in read_rows(folder, "annotations", columns=["policy_id", "annotator"]):
        layers.setdefault(row["policy_id"], {})[row["annotator"]] = []
    values: dict[str, dict[str, list[str]]] = {}
    columns = ["practice_id", "attribute", "value"]
    for row in read_rows(folder, "attribute_values", columns=columns):
        values.setdefault(row["practice_id"], {}).setdefault(row["attribute"], []).append(
            row["value"]
        )
    columns = ["practice_id", "policy_id", "segment_id", "annotator", "category", "is_value_set"]
    for row in read_rows(folder, "practices", columns=columns):
        written = values.get(row["practice_id"], {})
        layers[row["policy_id"]][row["annotator"]].append(
            LayerPractice(
                row["practice_id"],
                row["segment_id"],
                row["category"],
                # A value set's values together; any other attribute has one row.
                {a: tuple(v) if row["is_value_set"] else v[0] for a, v in written.items()},
                scheme_of[row["policy_id"]],
            )
        )
    return {
        policy_id: PolicyLayers(
            policy_id, n_segments.get(policy_id, 0), policy_layers, scheme_of.get(policy_id)
        )
        for policy_id, policy_layers in sorted(layers.items())
    }


def compared_scheme(corpus: dict[str, PolicyLayers], scheme: str | None, where: str) -> Scheme:
    """The scheme whose policies are compared: `scheme`, else the one the policies have."""
    held = {p.scheme.id: p.scheme for p in corpus.values() if p.scheme is not None}
    if scheme is None and len(held) > 1:
        raise AgreementError(
            f"{where}: the policies are in the schemes {', '.join(sorted(held))}; "
            "choose one with --scheme"
        )
    if scheme is not None and scheme not in held:
        raise AgreementError(
            f"{where}: no policy is annotated in scheme {scheme!r} (found: "
            f"{', '.join(sorted(held)) or 'none'})"
        )
    s = held[scheme] if scheme is not None else next(iter(held.values()), None)
    if s is None:
        raise AgreementError(f"{where}: no policy has annotations")
    if s.first_label_set is None:
        raise AgreementError(f"{where}: scheme {s.id} has no label set to compare")
    return s
