"""Resource references: generated inputs name real resources of a fixture instead of random ids.

A fuzzer that sends random UUIDs as ``collaborationIdentifier`` learns little more than "unknown ids get
403/404". Generated parameters therefore hold :class:`Ref` values ("the fixture's collaboration", "the member's
account") that are bound to the ids of a fixture when the call is made, and written as templates
(``{{ collab }}``, ``{{ accounts.member }}``) when a failure becomes a reproducer scenario.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

RefKind = Literal["id", "account"]

#: Stands in for an id while a value is checked against the model (a real id of the right form).
PLACEHOLDER_ID = "00000000-0000-4000-8000-000000000000"
PLACEHOLDER_ACCOUNT = "000000000000"


@dataclass(frozen=True, slots=True)
class Ref:
    """A named resource of the fixture; ``name`` is its binding (``collab``, ``accounts.member``)."""

    name: str
    kind: RefKind = "id"

    def __repr__(self) -> str:
        return f"<{self.name}>"


class UnboundRef(LookupError):
    """A reference the fixture could not provide (the target refused the setup step that makes it)."""

    def __init__(self, ref: Ref) -> None:
        super().__init__(f"the fixture has no {ref.name!r} (its setup step failed on this target)")
        self.ref = ref


def resolve(value: Any, bindings: Mapping[str, str]) -> Any:
    """A copy of ``value`` with every :class:`Ref` replaced by its bound id; :class:`UnboundRef` if missing."""
    if isinstance(value, Ref):
        found = bindings.get(value.name)
        if found is None:
            raise UnboundRef(value)
        return found
    if isinstance(value, dict):
        return {resolve(k, bindings): resolve(v, bindings) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, bindings) for v in value]
    return value


def placeholders(value: Any) -> Any:
    """``value`` with references replaced by model-valid stand-ins, for checking it against the input shape."""
    if isinstance(value, Ref):
        return PLACEHOLDER_ACCOUNT if value.kind == "account" else PLACEHOLDER_ID
    if isinstance(value, dict):
        return {placeholders(k): placeholders(v) for k, v in value.items()}
    if isinstance(value, list):
        return [placeholders(v) for v in value]
    return value


def refs_in(value: Any) -> frozenset[Ref]:
    """Every reference inside ``value``."""
    if isinstance(value, Ref):
        return frozenset({value})
    if isinstance(value, dict):
        return frozenset().union(*(refs_in(k) | refs_in(v) for k, v in value.items()))
    if isinstance(value, list):
        return frozenset().union(*(refs_in(v) for v in value))
    return frozenset()
