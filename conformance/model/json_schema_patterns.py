"""Model patterns as JSON Schema ``pattern`` values that ECMA-262 engines and Python's ``re`` read alike.

The OpenAPI converter (:mod:`conformance.model.openapi`) writes every model pattern through
:func:`pattern_for_json_schema`: it starts from the Python translation of :mod:`conformance.model.patterns` and
respells what only one of the two engines would read the same way (ASCII classes, the end of the value,
supplementary-plane escapes, named groups, character classes).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache

from conformance.model.patterns import python_pattern

__all__ = ["pattern_for_json_schema"]

#: ECMA ``\d``, ``\w`` (ASCII, as the model means them) as explicit classes: inside a class and outside one.
_ASCII_CLASSES: Mapping[str, tuple[str, str]] = {
    "d": ("0-9", "[0-9]"),
    "w": ("A-Za-z0-9_", "[A-Za-z0-9_]"),
    "D": ("", "[^0-9]"),
    "W": ("", "[^A-Za-z0-9_]"),
}
#: The end of the value, in a spelling ECMA-262 and Python's ``re`` read alike (``$`` also matches before a
#: final newline in Python; ``\Z`` is not ECMA).
_END = r"(?![\s\S])"
_NAMED_GROUP = re.compile(r"\(\?P<[A-Za-z_][A-Za-z0-9_]*>")


@cache
def pattern_for_json_schema(model_pattern: str, *, anchored: bool = True) -> str:
    r"""The model pattern as a JSON Schema ``pattern`` that ECMA-262 engines and Python's ``re`` read alike.

    Starts from the Python translation (:func:`conformance.model.patterns.python_pattern`), then: ``\d``/``\w``
    become ASCII classes (a JSON Schema engine compiles without :data:`re.ASCII`), ``\Z`` becomes a lookahead
    for "no character follows", supplementary-plane escapes (``\U0001F600``, Python only) become the literal
    characters, and named groups become plain groups. ``anchored`` wraps the whole in ``^(?:...)`` and the end
    lookahead (the full-match reading, A14); without it the pattern keeps Smithy's unanchored reading, which is
    also JSON Schema's. ``openapi-spec-validator`` checks every pattern as ECMA-262.

    A character class that covers most of Unicode with few ranges (the "XML characters" of the text members) is
    written as the negation of what it leaves out: the same set, but Hypothesis (and so schemathesis) builds a
    strategy for it in a millisecond instead of seconds, per draw. Lone surrogates, which no UTF-8 body can
    carry, are not listed in such a negation, since ECMA-262 without the ``u`` flag sees a supplementary
    character as two of them.
    """
    text = _NAMED_GROUP.sub("(?:", python_pattern(model_pattern))
    out: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            letter = text[index + 1]
            if letter in _ASCII_CLASSES:
                out.append(_ASCII_CLASSES[letter][1])
            elif letter == "U":
                out.append(chr(int(text[index + 2 : index + 10], 16)))
                index += 10
                continue
            elif letter == "Z":
                out.append(_END)
            else:
                out.append(text[index : index + 2])
            index += 2
            continue
        if char == "[":
            end = _class_end(text, index)
            out.append(_class(text[index + 1 : end]))
            index = end + 1
            continue
        out.append(char)
        index += 1
    body = "".join(out)
    return f"^(?:{body}){_END}" if anchored else body


def _class_end(text: str, start: int) -> int:
    """The index of the ``]`` that closes the class opened at ``start``."""
    index = start + 1
    if text.startswith("^", index):
        index += 1
    while index < len(text):
        if text[index] == "\\":
            index += 10 if text.startswith("U", index + 1) else 6 if text.startswith("u", index + 1) else 2
            continue
        if text[index] == "]":
            return index
        index += 1
    raise ValueError(f"unterminated character class in {text!r}")


def _class(body: str) -> str:
    """One character class (without brackets) in the portable spelling, negated when that is much smaller."""
    negated = body.startswith("^")
    items = _class_items(body[1:] if negated else body)
    if items is None:
        return f"[{body}]"  # a class this reader does not take apart: kept as it is
    merged = _merge(items)
    covered = sum(high - low + 1 for low, high in merged)
    outside = _complement(items)
    if not negated and covered > _DENSE * len(outside):
        return "[^" + "".join(_class_range(low, high) for low, high in outside) + "]"
    spelled = "".join(_class_range(low, high) for low, high in merged)
    return f"[{'^' if negated else ''}{spelled}]"


#: Hypothesis builds a class in time that grows with the code points it covers, and a negated class with the
#: ranges it lists (about a thousand times as much per range); a class is negated when that is cheaper.
_DENSE = 1000
_SURROGATES = (0xD800, 0xDFFF)
_SIMPLE_ESCAPES = {"t": 9, "n": 10, "v": 11, "f": 12, "r": 13, "0": 0}
_ASCII_SETS = {"d": ((48, 57),), "w": ((48, 57), (65, 90), (95, 95), (97, 122))}


def _class_items(body: str) -> list[tuple[int, int]] | None:
    """The code point ranges of a class body, or None for escapes this reader does not know."""
    points: list[tuple[int, int]] = []
    index = 0
    pending: int | None = None
    while index < len(body):
        code: int | None
        char = body[index]
        if char == "\\":
            letter = body[index + 1 : index + 2]
            if letter == "u":
                code, index = int(body[index + 2 : index + 6], 16), index + 6
            elif letter == "U":
                code, index = int(body[index + 2 : index + 10], 16), index + 10
            elif letter == "x":
                code, index = int(body[index + 2 : index + 4], 16), index + 4
            elif letter in _SIMPLE_ESCAPES:
                code, index = _SIMPLE_ESCAPES[letter], index + 2
            elif letter in _ASCII_SETS:
                points.extend(_ASCII_SETS[letter])
                index += 2
                continue
            elif letter and not letter.isalnum():
                code, index = ord(letter), index + 2
            else:
                return None
        else:
            code, index = ord(char), index + 1
        if pending is not None:
            points.append((pending, code))
            pending = None
        elif body[index : index + 1] == "-" and index + 1 < len(body):
            pending = code
            index += 1
        else:
            points.append((code, code))
    return points


def _merge(items: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for low, high in sorted(items):
        if merged and low <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(high, merged[-1][1]))
        else:
            merged.append((low, high))
    return merged


def _complement(items: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Code points outside ``items`` (surrogates excluded: see :func:`pattern_for_json_schema`)."""
    outside: list[tuple[int, int]] = []
    start = 0
    for low, high in _merge([*items, _SURROGATES]):
        if low > start:
            outside.append((start, low - 1))
        start = high + 1
    if start <= 0x10FFFF:
        outside.append((start, 0x10FFFF))
    return outside


def _class_range(low: int, high: int) -> str:
    return _class_char(low) if low == high else f"{_class_char(low)}-{_class_char(high)}"


def _class_char(code: int) -> str:
    # Printable ASCII as itself (but class syntax); \u escapes for the rest of the BMP (both dialects read
    # them); the character itself above the BMP (ECMA has no \U).
    if 0x21 <= code <= 0x7E and chr(code) not in "\\]^-[":
        return chr(code)
    return f"\\u{code:04x}" if code <= 0xFFFF else chr(code)
