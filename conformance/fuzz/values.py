"""Deterministic values from shapes: strings of a given length that fit a pattern, values that break one rule.

The systematic generators need *specific* values (the longest valid name, a blank display name, a wrong type),
the same on every run, so reports and reproducers are stable. Where a pattern is involved, a first matching
string comes from Hypothesis' ``from_regex`` (generate phase only, derandomized: deterministic and fast) over
printable ASCII, and is then padded with a character that keeps the whole value matching.
"""

from __future__ import annotations

import string
from functools import cache
from typing import Any

from botocore.model import Shape
from hypothesis import Phase, find, settings
from hypothesis import strategies as st
from hypothesis.errors import NoSuchExample

from conformance.model.patterns import compile_pattern, pattern_verdict
from conformance.model.vocabulary import EvidenceLevel

#: Characters tried, in order, to fill a string up to a length (readable first).
_FILLERS = ("a", "0", "x", "b", "1", "z", "-", ".", "_", "A")
#: Whole-value candidates for a string that breaks a pattern at a valid length.
_PATTERN_BREAKERS = (" ", "!", "A", "a", "-", "0", "\u00e9", ".", "/", "Z", "\t")
_WRONG_TYPE_TEXT = "not-of-this-type"

_SEED_SETTINGS = settings(database=None, derandomize=True, phases=[Phase.generate], max_examples=500, deadline=None)
_ASCII = st.characters(codec="ascii", categories=("L", "N", "P", "S"))


def bounds(shape: Shape) -> tuple[int | None, int | None]:
    """The model's ``min`` and ``max`` (length for strings, items for lists/maps, value for numbers)."""
    meta = shape.metadata
    low, high = meta.get("min"), meta.get("max")
    return (int(low) if low is not None else None, int(high) if high is not None else None)


def number_bounds(shape: Shape) -> tuple[float | None, float | None]:
    """The ``min``/``max`` of a float or double shape, unrounded (``0.0001`` stays ``0.0001``)."""
    meta = shape.metadata
    low, high = meta.get("min"), meta.get("max")
    return (float(low) if low is not None else None, float(high) if high is not None else None)


def sample_string(shape: Shape, length: int) -> str | None:
    """A string of exactly ``length`` code points that satisfies the shape's pattern, or None if none is found."""
    pattern = shape.metadata.get("pattern")
    return _sample(pattern, length)


@cache
def _sample(pattern: str | None, length: int) -> str | None:
    if length < 0:
        return None
    if pattern is None:
        return (string.ascii_lowercase * (length // 26 + 1))[:length]
    compiled = compile_pattern(pattern)
    if length == 0:
        return "" if compiled.fullmatch("") else None
    for filler in _FILLERS:
        if compiled.fullmatch(filler * length):
            return filler * length
    seed = _seed(pattern)
    if seed is None:
        return None
    if len(seed) == length:
        return seed
    candidates: list[str] = []
    if len(seed) < length:
        missing = length - len(seed)
        # Insert a run of one character somewhere; the end first (keeps prefixes such as "arn:" intact).
        for filler in (*_FILLERS, *dict.fromkeys(seed)):
            candidates += [seed[:p] + filler * missing + seed[p:] for p in (len(seed), 0, *range(1, len(seed)))]
    else:
        extra = len(seed) - length
        candidates += [seed[:p] + seed[p + extra :] for p in range(len(seed) - extra + 1)]
    return next((c for c in candidates if compiled.fullmatch(c)), None)


@cache
def _seed(pattern: str) -> str | None:
    """A short non-empty matching string of printable ASCII (deterministic), or None."""
    compiled = compile_pattern(pattern)
    strategy = st.from_regex(compiled, fullmatch=True, alphabet=_ASCII)
    try:
        found: str = find(strategy, lambda s: len(s) > 0, settings=_SEED_SETTINGS)
    except NoSuchExample:
        return None
    return found


def sized_string(shape: Shape, preferred: int) -> str | None:
    """A valid string near ``preferred`` code points long (clamped to the shape's length bounds)."""
    low, high = bounds(shape)
    length = max(preferred, low or 0)
    if high is not None:
        length = min(length, high)
    return sample_string(shape, length)


def valid_string(shape: Shape, preferred: int) -> str | None:
    """A valid string, near ``preferred`` code points long when the pattern allows (ARNs are longer)."""
    found = sized_string(shape, preferred)
    pattern = shape.metadata.get("pattern")
    if found is not None or pattern is None:
        return found
    seed = _seed(pattern)
    if seed is None:
        return None
    low, high = bounds(shape)
    return sized_string(shape, max(len(seed), low or 0)) if high is None or len(seed) <= high else None


def too_long_string(shape: Shape) -> str | None:
    """One code point over ``max``: pattern-valid when possible (None when there is no max)."""
    _, high = bounds(shape)
    if high is None:
        return None
    pattern = shape.metadata.get("pattern")
    found = _sample(pattern, high + 1)
    if found is not None:
        return found
    # No matching string is that long (a fixed-length id): the valid one plus a character.
    valid = _sample(pattern, high)
    return (valid + valid[-1]) if valid else _sample(None, high + 1)


def too_short_string(shape: Shape) -> str | None:
    """One code point under ``min``: pattern-valid when possible (None when ``min`` is 0 or absent)."""
    low, _ = bounds(shape)
    if not low:
        return None
    pattern = shape.metadata.get("pattern")
    found = _sample(pattern, low - 1)
    if found is not None:
        return found
    valid = _sample(pattern, low)
    return valid[:-1] if valid else _sample(None, low - 1)


def pattern_breaker(shape: Shape) -> tuple[str, EvidenceLevel] | None:
    """A string of valid length that the pattern rejects, and how firmly.

    ``model`` when not even Smithy's unanchored reading finds a match; ``inferred`` when only a full match fails
    (the pattern matches the empty string somewhere, so nothing breaks it under the unanchored reading).
    """
    pattern = shape.metadata.get("pattern")
    if pattern is None or shape.metadata.get("enum"):
        return None
    low, high = bounds(shape)
    length = max(low or 0, 3)
    if high is not None:
        length = min(length, high)
    weaker: tuple[str, EvidenceLevel] | None = None
    for piece in _PATTERN_BREAKERS:
        candidate = piece * length
        verdict = pattern_verdict(pattern, candidate)
        if verdict == "no-match":
            return candidate, EvidenceLevel.MODEL
        if verdict == "search-only" and weaker is None:
            weaker = (candidate, EvidenceLevel.INFERRED)
    return weaker


def unknown_enum(shape: Shape) -> str | None:
    """A value outside the shape's enum (None when the shape has no enum)."""
    values = shape.metadata.get("enum")
    if not values:
        return None
    candidate = "NOT_A_VALUE"
    while candidate in values:
        candidate += "_"
    return candidate


def wrong_types(shape: Shape, *, in_query: bool = False) -> list[tuple[str, Any]]:
    """JSON values of other types than the shape's, each named by its JSON type.

    Values a lenient parser might coerce are still sent (a number for a string, text for a boolean): restJson1
    is typed, and accepting them is a finding in its own right. A query value is text on the wire, so a query
    member can only be sent text that does not read as its type.
    """
    kind = shape.type_name
    if in_query:
        return [("text", _WRONG_TYPE_TEXT)] if kind != "string" else []
    text = ("string", _WRONG_TYPE_TEXT)
    number = ("number", 12345)
    boolean = ("boolean", True)
    array = ("array", [_WRONG_TYPE_TEXT])
    obj = ("object", {"unexpected": _WRONG_TYPE_TEXT})
    if kind == "string":
        return [number, boolean, array, obj]
    if kind in ("integer", "long", "float", "double", "timestamp"):
        return [text, boolean, array, obj]
    if kind == "boolean":
        return [text, number, array, obj]
    if kind == "list":
        return [text, number, obj]
    return [text, number, array]  # structure, union, map, blob


def middle(low: int, high: int) -> int:
    return (low + high) // 2
