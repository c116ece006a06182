"""Hypothesis strategies from shapes: valid values of any input shape, and values that break one constraint.

* :func:`values` — valid wire-level (JSON) values for a shape: enums, lengths and patterns (``from_regex`` on the
  translated pattern, or filtered text for the permissive "any text but blank" patterns, whose character classes
  make ``from_regex`` slow to build), ranges, item counts, maps, unions (exactly one member), nested structures.
  Members that name resources (``collaborationIdentifier``, account ids) mostly get references to the fixture's
  real resources, so generated calls reach the code behind the 404s.
* :func:`invalid_variant` — a valid input with exactly one constraint broken, tagged with the constraint kind and
  the member path (checked against the model, as the systematic ``negative`` generator does).
* :func:`valid_variant` — a valid input and a caller.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from functools import cache
from typing import Any

from botocore.model import Shape
from hypothesis import assume
from hypothesis import strategies as st

from conformance.fuzz.builders import UnbuildableShape, minimal_value
from conformance.fuzz.execute import Broken, Variant
from conformance.fuzz.refs import Ref
from conformance.fuzz.refusals import planned_refusal
from conformance.fuzz.seeds import ID_REFS, NEW_ACCOUNT, OPAQUE_MEMBERS, account, seed_for
from conformance.fuzz.sites import walk
from conformance.fuzz.systematic import breaker_label, breakers, broken_path, checked
from conformance.fuzz.values import bounds, number_bounds
from conformance.model.patterns import compile_pattern
from conformance.model.releases import LATEST_MODEL, ModelAt
from conformance.model.vocabulary import ACTORS

#: How many items a generated list or map holds at most, unless its minimum is higher.
MAX_ITEMS = 3
#: Nesting depth after which structures are built at their smallest (recursive shapes).
MAX_DEPTH = 6
_TEXT = st.characters(codec="utf-8", categories=("L", "M", "N", "P", "S", "Zs"), include_characters="\t\n\r")
_FILLERS = ("a", "0", "x")
_EPOCH_RANGE = (946_684_800, 4_102_444_799)


def values(shape: Shape, *, refs: Mapping[str, Ref] | None = None) -> st.SearchStrategy[Any]:
    """Valid JSON values of ``shape``; members named in ``refs`` (default :data:`ID_REFS`) prefer references."""
    return _values(shape, refs if refs is not None else ID_REFS, 0)


def _values(shape: Shape, refs: Mapping[str, Ref], depth: int) -> st.SearchStrategy[Any]:
    kind = shape.type_name
    if kind == "structure":
        if shape.metadata.get("document"):
            return st.just({})
        if depth > MAX_DEPTH:
            return st.just(minimal_value(shape, refs))
        members = {name: _member(name, member, refs, depth + 1) for name, member in shape.members.items()}
        if shape.metadata.get("union"):
            return st.one_of([st.fixed_dictionaries({name: s}) for name, s in members.items()])
        required = {n: s for n, s in members.items() if n in shape.required_members}
        optional = {n: s for n, s in members.items() if n not in shape.required_members and n not in OPAQUE_MEMBERS}
        return st.fixed_dictionaries(required, optional=optional)
    if kind == "list":
        low, high = bounds(shape)
        size = _sizes(low, high)
        return st.lists(_values(shape.member, refs, depth + 1), min_size=size[0], max_size=size[1])
    if kind == "map":
        low, high = bounds(shape)
        size = _sizes(low, high)
        keys = strings(shape.key)
        return st.dictionaries(keys, _values(shape.value, refs, depth + 1), min_size=size[0], max_size=size[1])
    return scalars(shape)


def _member(name: str, shape: Shape, refs: Mapping[str, Ref], depth: int) -> st.SearchStrategy[Any]:
    ref = refs.get(name)
    if ref is not None and shape.type_name == "string":
        # Mostly a real resource (what shrinking ends at too); otherwise any well-formed id (an unknown one).
        return _mostly(st.just(ref), strings(shape))
    if name == "accountId" and shape.type_name == "string":
        known = [account(actor) for actor in ACTORS] + [NEW_ACCOUNT]
        return _mostly(st.sampled_from(known), strings(shape))
    return _values(shape, refs, depth)


def _mostly(usual: st.SearchStrategy[Any], other: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """``usual`` three times in four, ``other`` otherwise (``one_of`` would pick each half the time)."""
    return st.sampled_from((True, True, True, False)).flatmap(lambda pick: usual if pick else other)


def _sizes(low: int | None, high: int | None) -> tuple[int, int]:
    floor = low or 0
    ceiling = max(floor, MAX_ITEMS) if high is None else min(high, max(floor, MAX_ITEMS))
    return floor, ceiling


def scalars(shape: Shape) -> st.SearchStrategy[Any]:
    kind = shape.type_name
    low, high = bounds(shape)
    if kind == "string":
        return strings(shape)
    if kind in ("integer", "long"):
        return st.integers(min_value=low, max_value=high)
    if kind in ("float", "double"):
        floor, ceiling = number_bounds(shape)
        return st.floats(min_value=floor, max_value=ceiling, allow_nan=False, allow_infinity=False)
    if kind == "boolean":
        return st.booleans()
    if kind == "timestamp":
        return st.integers(*_EPOCH_RANGE)
    if kind == "blob":
        return st.binary(min_size=low or 0, max_size=min(high or 64, 64)).map(lambda b: base64.b64encode(b).decode())
    raise ValueError(f"shape {shape.name} has type {kind!r}")


@cache
def strings(shape: Shape) -> st.SearchStrategy[str]:
    """Valid strings of a string shape (enum, length bounds and pattern)."""
    meta = shape.metadata
    if meta.get("enum"):
        return st.sampled_from(list(meta["enum"]))
    low, high = bounds(shape)
    low = low or 0
    pattern = meta.get("pattern")
    if pattern is None:
        return st.text(_TEXT, min_size=low, max_size=high if high is not None else max(low, 40))
    compiled = compile_pattern(pattern)
    if any(compiled.fullmatch(c * max(low, 1)) for c in _FILLERS):
        # A permissive pattern ("any text but blank"): draw text, keep what matches.
        text = st.text(_TEXT, min_size=max(low, 1) if low else 0, max_size=high if high is not None else max(low, 40))
        return text.filter(lambda s: compiled.fullmatch(s) is not None)

    def fit(text: str) -> str:
        # from_regex rarely draws long strings; pad with a character that keeps the value matching.
        if len(text) < low:
            for filler in (*_FILLERS, *text[-1:]):
                padded: str = text + filler * (low - len(text))
                if compiled.fullmatch(padded):
                    return padded
        return text

    def fits(text: str) -> bool:
        return low <= len(text) <= (high if high is not None else len(text))

    return st.from_regex(compiled, fullmatch=True).map(fit).filter(fits)


@cache
def _input_values(operation_name: str, at: ModelAt) -> st.SearchStrategy[dict[str, Any]]:
    shape = at.operation(operation_name).input_shape
    if shape is None:
        return st.just({})
    strategy: st.SearchStrategy[dict[str, Any]] = values(shape)
    return strategy


def valid_variant(operation_name: str, *, at: ModelAt = LATEST_MODEL) -> st.SearchStrategy[Variant]:
    """A valid input (of the model at ``at``) called by any actor (the usual caller first, where shrinking ends)."""
    seed = seed_for(operation_name, at)
    actors = [seed.actor, *(a for a in ACTORS if a != seed.actor)]

    def variant(params: dict[str, Any], actor: str) -> Variant:
        label = f"random valid input as {actor}"
        refusal = planned_refusal(operation_name, actor, params, at)
        return Variant("random-valid", operation_name, actor, params, label, refusal=refusal)

    return st.builds(variant, _input_values(operation_name, at), st.sampled_from(actors))


@st.composite
def invalid_variant(draw: st.DrawFn, operation_name: str, *, at: ModelAt = LATEST_MODEL) -> Variant:
    """A valid input (of the model at ``at``) with one constraint broken at a drawn site, by the usual caller.

    Its level is ``inferred`` when the broken constraint is a pattern only the anchored reading refuses.
    """
    seed = seed_for(operation_name, at)
    shape = at.operation(operation_name).input_shape
    assume(shape is not None)
    assert shape is not None
    base = draw(_input_values(operation_name, at))
    sites = [site for site in walk(shape, base) if list(breakers(site))]
    assume(sites)
    site = draw(st.sampled_from(sites))
    name, edit = draw(st.sampled_from(list(breakers(site))))
    try:
        params = edit(base)
    except (UnbuildableShape, KeyError):
        assume(False)
        raise  # unreachable: assume(False) stops the example
    kind = name.split(":", 1)[0]
    broken = Broken(kind, broken_path(site, base, params), site.name)
    raw = kind == "wrong-type" and site.in_body
    label = breaker_label(site, name)
    candidate = Variant("random-invalid", operation_name, seed.actor, params, label, broken, raw)
    result = checked(candidate, at=at)
    assume(not isinstance(result, str))
    assert not isinstance(result, str)
    return result
