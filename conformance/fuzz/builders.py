"""Valid values built from a shape: the smallest one (required members only) and a full one (every member).

These are the baselines of operations the seeds do not describe by hand, and the fillers of every nested value
the seeds leave out. Members named in ``refs`` (``collaborationIdentifier`` ...) get a resource reference, so
even a generic baseline points at real resources.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from botocore.model import Shape

from conformance.fuzz.refs import Ref
from conformance.fuzz.values import bounds, number_bounds, sized_string, valid_string

#: Readable length of a built string when the shape allows it.
_PREFERRED_LENGTH = 6
#: An epoch-seconds time inside every plausibility window (2023-11-14).
_EPOCH = 1_700_000_000


class UnbuildableShape(ValueError):
    """No valid value could be built (a pattern this builder cannot satisfy)."""


def minimal_value(shape: Shape, refs: Mapping[str, Ref] | None = None) -> Any:
    """The smallest valid value: required members only, lists and maps at their minimum size."""
    return _Builder(refs or {}, full=False).build(shape, ())


def full_value(shape: Shape, refs: Mapping[str, Ref] | None = None) -> Any:
    """A valid value with every member set: lists and maps with one entry, unions with their first member."""
    return _Builder(refs or {}, full=True).build(shape, ())


class _Builder:
    def __init__(self, refs: Mapping[str, Ref], *, full: bool) -> None:
        self.refs = refs
        self.full = full

    def build(self, shape: Shape, stack: tuple[str, ...]) -> Any:
        if shape.name in stack:  # recursive shapes: stop at the smallest form
            return _Builder(self.refs, full=False).build(shape, ())
        stack = (*stack, shape.name)
        kind = shape.type_name
        if kind == "structure":
            if shape.metadata.get("document"):
                return {}
            names = list(shape.members)
            if shape.metadata.get("union"):
                return {names[0]: self.member(shape, names[0], stack)}
            chosen = names if self.full else [n for n in names if n in shape.required_members]
            return {name: self.member(shape, name, stack) for name in chosen}
        if kind == "list":
            low, _ = bounds(shape)
            count = max(low or 0, 1 if self.full else 0)
            return [self.build(shape.member, stack) for _ in range(count)]
        if kind == "map":
            low, _ = bounds(shape)
            count = max(low or 0, 1 if self.full else 0)
            return {self._key(shape.key, index): self.build(shape.value, stack) for index in range(count)}
        return scalar(shape)

    def member(self, shape: Shape, name: str, stack: tuple[str, ...]) -> Any:
        member = shape.members[name]
        ref = self.refs.get(name)
        if ref is not None and member.type_name == "string":
            return ref
        return self.build(member, stack)

    def _key(self, shape: Shape, index: int) -> str:
        low, _ = bounds(shape)
        text = sized_string(shape, max(_PREFERRED_LENGTH, (low or 0)))
        if text is None:
            raise UnbuildableShape(f"no valid map key for {shape.name}")
        if index == 0:
            return text
        # Distinct keys of the same length: change the last character.
        return text[:-1] + "bcdefghijk"[index % 10]


def scalar(shape: Shape) -> Any:
    """A valid scalar of the shape (first enum value, a short matching string, the lowest number ...)."""
    kind = shape.type_name
    meta = shape.metadata
    if kind == "string":
        values = meta.get("enum")
        if values:
            return values[0]
        text = valid_string(shape, _PREFERRED_LENGTH)
        if text is None:
            raise UnbuildableShape(f"no string fits the pattern of {shape.name}: {meta.get('pattern')!r}")
        return text
    if kind in ("integer", "long"):
        low, high = bounds(shape)
        value = max(low if low is not None else 1, 1)
        return min(value, high) if high is not None else value
    if kind in ("float", "double"):
        floor, ceiling = number_bounds(shape)
        number = floor if floor is not None else 1.0
        return min(number, ceiling) if ceiling is not None else number
    if kind == "boolean":
        return False
    if kind == "timestamp":
        return _EPOCH
    if kind == "blob":
        return "AAAA"  # base64 of three zero bytes
    raise UnbuildableShape(f"shape {shape.name} has type {kind!r}")
