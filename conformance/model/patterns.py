r"""Translates the model's ECMA-262/Java-style ``pattern`` traits into Python ``re`` patterns, in one place.

Every layer that tests a string against a model pattern (the shape checker, the emulator's input validation,
the OpenAPI converter, the fuzz strategies) goes through :func:`compile_pattern`, so the traps below are
handled once:

* ``\p{L}``, ``\p{M}``, ``\p{N}``, ``\p{Pc}``, ``\p{Pd}``, ``\p{Zs}`` (three Clean Rooms patterns) are a
  ``re.error`` in Python. They become explicit character classes built from :mod:`unicodedata` general
  categories. This is hand-written because the ``regex`` package, which knows ``\p{..}``, is not a
  dependency of the suite and the model needs only whole general categories.
* The AWS "XML character" patterns end their class with ``\uD800\uDBFF-\uDC00\uDFFF``: surrogate code
  units meant as "any supplementary character". Read by Python that is three lone-surrogate items, so an
  emoji fails and a lone surrogate passes, the opposite of the intent. It becomes
  ``\U00010000-\U0010FFFF``.
* ECMA-262 ``\d`` and ``\w`` are ASCII-only, Python's are Unicode-wide (``'١٢٣'`` would pass ``\d+``), so
  every pattern is compiled with :data:`re.ASCII`. That flag would make ``\s`` ASCII-only too, while
  ECMA's ``\s`` also covers Unicode spaces, so ``\s`` is spelled out as ECMA's WhiteSpace and
  LineTerminator set.
* ECMA's ``$`` (no multiline flag) matches only at the very end; Python's also matches before a final
  ``\n``. An unescaped ``$`` outside a class becomes ``\Z``.
* ECMA's ``.`` (no ``s`` flag) stops at every LineTerminator (``\n``, ``\r``, U+2028, U+2029); Python's stops
  only at ``\n``, so ``secret:.*`` would fully match ``"secret:\r"`` in Python and not in ECMAScript (found by
  the Node.js oracle in ``tests/model/test_pattern_oracle.py``). An unescaped ``.`` outside a class becomes
  ``[^\n\r\u2028\u2029]``.
* ``(([C]+)*([C]+))?`` (``AthenaTableName``) backtracks exponentially in Python's engine on a near-miss such
  as ``"a" * 40 + "!"``; it is rewritten to the equivalent ``(?:[C]*)``.

The reading is ECMAScript's with the ``u`` flag. Smithy says only "the ECMA 262 regular expression dialect"
(SMITHY-C), but ``\p{L}`` exists in ECMA-262 only in Unicode mode (without ``u`` it is Annex B's literal
``p{L}``), Smithy counts lengths in Unicode scalar values, and Smithy's own TypeScript server validation
compiles every pattern with ``new RegExp(pattern, "u")`` (smithy-typescript ``server-common``
``PatternValidator``). In that mode ``\d``/``\w`` stay ASCII and a supplementary character is one character.

Smithy patterns are not implicitly anchored (SMITHY-C): a match anywhere in the value satisfies the trait,
so ``[\w!.=*/-]*`` accepts every string. Every AWS pattern is nevertheless written to describe the whole
value. :func:`pattern_verdict` tells the two readings apart: a value that matches only unanchored
(``search-only``) passes at model level and is reported, if at all, with ``inferred`` evidence (A14). Values
the suite *generates* as valid satisfy both readings.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from functools import cache
from typing import Literal

Verdict = Literal["match", "search-only", "no-match"]

#: The supplementary-plane tail of the AWS XML-character patterns, as written in the model.
_SURROGATE_TAIL = r"\uD800\uDBFF-\uDC00\uDFFF"
_SUPPLEMENTARY = r"\U00010000-\U0010FFFF"

#: ECMA-262 WhiteSpace and LineTerminator code points (ECMA-262 §12.2, §12.3), the meaning of ``\s`` there.
_ECMA_SPACE = r"\t\n\x0b\x0c\r \xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
#: ECMA-262 ``.`` without the ``s`` flag: any character but a LineTerminator (ECMA-262 §22.2.2.7).
_ECMA_DOT = r"[^\n\r\u2028\u2029]"

#: ``(([C]+)*([C]+))?`` — a star of a plus of the same class; matches exactly what ``[C]*`` matches.
_NESTED_PLUS = re.compile(r"\(\((\[[^\]]+\])\+\)\*\(\1\+\)\)\?")

_UNICODE_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})")
_PROPERTY_NAME = re.compile(r"\{([A-Za-z]{1,2})\}")  # the {Lu} after \p: a general category


class PatternTranslationError(ValueError):
    """A model pattern uses a construct this translator cannot render faithfully for Python's ``re``."""

    def __init__(self, pattern: str, reason: str) -> None:
        super().__init__(f"cannot translate model pattern {pattern!r}: {reason}")
        self.pattern = pattern
        self.reason = reason


@cache
def python_pattern(model_pattern: str) -> str:
    """The Python ``re`` spelling of a model pattern (compile it with :data:`re.ASCII`)."""
    text = model_pattern.replace(_SURROGATE_TAIL, _SUPPLEMENTARY)
    text = _NESTED_PLUS.sub(r"(?:\1*)", text)
    for match in _UNICODE_ESCAPE.finditer(text):
        if 0xD800 <= int(match.group(1), 16) <= 0xDFFF:
            # Any other surrogate escape would let lone surrogates through silently; refuse instead.
            raise PatternTranslationError(
                model_pattern, f"surrogate escape {match.group(0)} outside the known tail"
            )
    return _Translator(model_pattern, text).run()


@cache
def compile_pattern(model_pattern: str) -> re.Pattern[str]:
    """The compiled translation of a model pattern (cached per pattern)."""
    try:
        return re.compile(python_pattern(model_pattern), re.ASCII)
    except re.error as exc:
        raise PatternTranslationError(model_pattern, f"Python's re rejects the translation: {exc}") from exc


def pattern_verdict(model_pattern: str, value: str) -> Verdict:
    """How ``value`` fares against a model pattern: ``match``, ``search-only`` or ``no-match``.

    ``search-only`` means only a part of the value matches, which Smithy's unanchored reading accepts.
    """
    compiled = compile_pattern(model_pattern)
    if compiled.fullmatch(value) is not None:
        return "match"
    if compiled.search(value) is not None:
        return "search-only"
    return "no-match"


class _Translator:
    """One left-to-right pass over a pattern, tracking whether it is inside a character class."""

    def __init__(self, original: str, text: str) -> None:
        self.original = original
        self.text = text
        self.pos = 0
        self.in_class = False
        self.out: list[str] = []

    def run(self) -> str:
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if char == "\\":
                self._escape()
                continue
            if self.in_class:
                if char == "]":
                    self.in_class = False
                self.out.append(char)
            elif char == "[":
                self._open_class()
                continue
            elif char == "$":
                self.out.append(r"\Z")
            elif char == ".":
                self.out.append(_ECMA_DOT)
            elif text.startswith("(?<", self.pos) and text[self.pos + 3 : self.pos + 4] not in ("=", "!"):
                self.out.append("(?P<")  # ECMA named group; Python spells it (?P<name>...)
                self.pos += 3
                continue
            else:
                self.out.append(char)
            self.pos += 1
        if self.in_class:
            raise PatternTranslationError(self.original, "unterminated character class")
        return "".join(self.out)

    def _open_class(self) -> None:
        rest = self.text[self.pos :]
        if rest.startswith(("[]", "[^]")):
            # ECMA reads [] as "nothing" and [^] as "anything"; Python reads a leading ] as a literal.
            raise PatternTranslationError(self.original, "empty character class")
        self.in_class = True
        self.out.append("[")
        self.pos += 1

    def _escape(self) -> None:
        text = self.text
        if self.pos + 1 >= len(text):
            raise PatternTranslationError(self.original, "trailing backslash")
        letter = text[self.pos + 1]
        if letter in "pP":
            self._property(negated=letter == "P")
            return
        if letter in "sS":
            self._space(negated=letter == "S")
            return
        width = 6 if letter == "u" else 2
        self.out.append(text[self.pos : self.pos + width])
        self.pos += width

    def _property(self, *, negated: bool) -> None:
        match = _PROPERTY_NAME.match(self.text, self.pos + 2)
        if match is None:
            raise PatternTranslationError(self.original, f"unsupported property escape at offset {self.pos}")
        name = match.group(1)
        ranges = _category_class(name)
        if not ranges:
            raise PatternTranslationError(self.original, f"unknown Unicode general category {name!r}")
        if self.in_class:
            if negated:
                raise PatternTranslationError(self.original, r"\P{..} inside a character class")
            self.out.append(ranges)
        else:
            self.out.append(f"[{'^' if negated else ''}{ranges}]")
        self.pos = match.end()

    def _space(self, *, negated: bool) -> None:
        if self.in_class:
            if negated:
                raise PatternTranslationError(self.original, r"\S inside a character class")
            self.out.append(_ECMA_SPACE)
        else:
            self.out.append(f"[{'^' if negated else ''}{_ECMA_SPACE}]")
        self.pos += 2


@cache
def _category_class(name: str) -> str:
    """The body of a character class (no brackets) for a one- or two-letter general category, "" if none.

    Built from the running Python's :mod:`unicodedata` (``unicodedata.unidata_version``); Java and ECMA
    engines may be on another Unicode version, which only matters for code points assigned in between.
    """
    ranges = _category_ranges().get(name, ())
    return "".join(_class_item(start, end) for start, end in ranges)


@cache
def _category_ranges() -> dict[str, tuple[tuple[int, int], ...]]:
    """Every general category (``Lu``) and major class (``L``) → sorted, merged code point ranges."""
    found: dict[str, list[tuple[int, int]]] = {}
    previous: str | None = None
    start = 0
    for code in range(sys.maxunicode + 1):
        category = unicodedata.category(chr(code))
        if category != previous:
            if previous is not None:
                found.setdefault(previous, []).append((start, code - 1))
            previous, start = category, code
    if previous is not None:
        found.setdefault(previous, []).append((start, sys.maxunicode))
    found.pop("Cs", None)  # surrogates are never valid text; keep them out of every class, C included
    majors: dict[str, list[tuple[int, int]]] = {}
    for category, spans in found.items():
        majors.setdefault(category[0], []).extend(spans)
    result = {category: tuple(spans) for category, spans in found.items()}
    result.update({major: _merge(spans) for major, spans in majors.items()})
    return result


def _merge(spans: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)


def _class_item(start: int, end: int) -> str:
    return _escape_code(start) if start == end else f"{_escape_code(start)}-{_escape_code(end)}"


def _escape_code(code: int) -> str:
    # Escaping every code point keeps class metacharacters (-, ], \\, ^) and invisible ones inert.
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"
