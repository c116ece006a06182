"""Compares an expected value from a scenario with an actual response and lists every mismatch.

Plain values match structurally: a mapping is a *partial* match (keys it does not mention are ignored), a
list matches element by element with equal length, a scalar by equality (``True`` never equals ``1``).
Matchers (the YAML tags ``!uuid``, ``!contains`` ...) are :class:`Matcher` objects placed anywhere in the
expected value; they compose, so ``!contains [{id: !uuid, status: !one_of [PENDING, APPROVED]}]`` works.
All mismatches are reported, not only the first, each with the path of the value it concerns.

This module is the comparison and the :class:`Matcher` base every tag implements; the tags themselves are in
:mod:`~conformance.scenario.value_matchers` and :mod:`~conformance.scenario.list_matchers`, registered by name in
:mod:`~conformance.scenario.matcher_tags`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar


class _Missing:
    """The "value" of a key the actual mapping does not have."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<missing>"


MISSING: Any = _Missing()
"""Passed to :meth:`Matcher.check` when the key is absent, so ``!absent`` and ``!not`` can decide."""


@dataclass(frozen=True, slots=True)
class Mismatch:
    """One place where the actual value is not what was expected."""

    path: str
    """Where in the response: ``collaborationChangeRequest.changes[0].types``; ``""`` for the whole value."""
    expected: object
    actual: object
    message: str
    """What was expected and what was found, for a human (the path is not repeated in it)."""

    def __str__(self) -> str:
        return f"{self.path or '(response)'}: {self.message}"


class MatcherArgError(ValueError):
    """A matcher tag was given an argument it cannot use (``!regex '('``, ``!one_of 3``)."""


def match(expected: object, actual: object, path: str = "") -> list[Mismatch]:
    """Every mismatch between ``expected`` (plain values and matchers) and ``actual``."""
    out: list[Mismatch] = []
    collect(expected, actual, path, out)
    return out


def join_path(path: str, key: object) -> str:
    """``path`` extended by a mapping key or a list index, in the shape checker's notation."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    text = str(key)
    suffix = _SUFFIXES.get(text)
    if suffix is None:
        quoted = text.replace("\\", "\\\\").replace("'", "\\'")
        suffix = _SUFFIXES[text] = f".{text}" if text.isidentifier() else f"['{quoted}']"
    return path + suffix if path or suffix[0] != "." else text


# Key → its path suffix. Matching joins a path for every expected key of every step, so the spelling of each
# key is worked out once; keys come from scenario files and rendered templates, a small, bounded set.
_SUFFIXES: dict[str, str] = {}


def show(value: object, limit: int = 100) -> str:
    """A short, readable rendering of a value for messages."""
    if value is MISSING:
        text = "<missing>"
    elif isinstance(value, datetime):
        text = value.isoformat()
    elif isinstance(value, Matcher):
        text = repr(value)
    else:
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def collect(expected: object, actual: object, path: str, out: list[Mismatch]) -> None:
    """Append every mismatch between ``expected`` and ``actual`` at ``path`` to ``out`` (what a matcher calls)."""
    # Concrete types first: the loader builds plain dicts and lists, and an ABC isinstance costs more.
    if isinstance(expected, dict):
        if actual is MISSING:
            out.append(Mismatch(path, expected, actual, f"missing (expected {show(expected)})"))
        else:
            collect_mapping(expected, actual, path, out, exact=False)
    elif isinstance(expected, Matcher):
        expected.check(actual, path, out)
    elif actual is MISSING:
        out.append(Mismatch(path, expected, actual, f"missing (expected {show(expected)})"))
    elif isinstance(expected, list):
        _check_list(expected, actual, path, out)
    elif isinstance(expected, Mapping):
        collect_mapping(expected, actual, path, out, exact=False)
    elif not _equal(expected, actual):
        out.append(Mismatch(path, expected, actual, f"expected {show(expected)}, got {show(actual)}"))


def collect_mapping(
    expected: Mapping[Any, object], actual: object, path: str, out: list[Mismatch], *, exact: bool
) -> None:
    """Append the mismatches of a mapping; ``exact``: keys ``expected`` does not name are mismatches too."""
    if not isinstance(actual, dict | Mapping):
        out.append(Mismatch(path, expected, actual, f"expected a mapping, got {show(actual)}"))
        return
    for key, value in expected.items():
        collect(value, actual.get(key, MISSING), join_path(path, key), out)
    if exact:
        for key in actual:
            if key not in expected:
                out.append(
                    Mismatch(join_path(path, key), MISSING, actual[key], f"unexpected key (value {show(actual[key])})")
                )


def _check_list(expected: list[object], actual: object, path: str, out: list[Mismatch]) -> None:
    if not isinstance(actual, list | tuple):
        out.append(Mismatch(path, expected, actual, f"expected a list, got {show(actual)}"))
        return
    if len(expected) != len(actual):
        out.append(
            Mismatch(
                path,
                expected,
                actual,
                f"expected {len(expected)} item(s), got {len(actual)}: {show(list(actual))}"
                " (use !contains to allow other items)",
            )
        )
        return
    for index, (want, got) in enumerate(zip(expected, actual, strict=True)):
        collect(want, got, f"{path}[{index}]", out)


def _equal(expected: object, actual: object) -> bool:
    kind = type(expected)
    if kind is str or (kind is type(actual) and kind is not bool):
        return expected == actual  # the common case: two strings (or two values of one type)
    # bool is an int in Python; a JSON true must not match 1, nor "1" match 1.
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    if isinstance(expected, int | float) and isinstance(actual, int | float):
        return expected == actual
    if isinstance(expected, str) or isinstance(actual, str):
        return False
    return expected == actual


def matches(expected: object, actual: object) -> bool:
    """Whether ``actual`` matches ``expected`` with no mismatch at all."""
    return not match(expected, actual)


class Matcher:
    """An expectation written as a YAML tag. Subclasses set ``tag`` and implement :meth:`check`.

    ``arg`` is the tag's argument as plain data (it may hold other matchers). When it still holds
    unrendered templates (``templated=True``), checks that need the final value (compiling a regex) wait
    until the runner renders it and calls :meth:`rebuild`.
    """

    tag: ClassVar[str]
    takes_arg: ClassVar[bool] = True
    only_as_mapping_value: ClassVar[bool] = False
    """True for ``!absent``: it is about a key, so it cannot stand for a list item or a whole response."""
    __slots__ = ("arg",)

    def __init__(self, arg: object = None, *, templated: bool = False) -> None:
        if not self.takes_arg:
            if arg not in (None, ""):
                raise MatcherArgError(f"!{self.tag} takes no argument (got {show(arg)})")
            arg = None
        self.arg = arg
        self._setup(templated)

    def _setup(self, templated: bool) -> None:
        """Validate ``self.arg`` and precompute what :meth:`check` needs; raise :class:`MatcherArgError`."""

    def check(self, actual: object, path: str, out: list[Mismatch]) -> None:
        raise NotImplementedError

    def rebuild(self, arg: object) -> Matcher:
        """The same matcher with a rendered argument."""
        return type(self)(arg)

    def _missing(self, actual: object, path: str, out: list[Mismatch]) -> bool:
        if actual is MISSING:
            out.append(Mismatch(path, self, actual, f"missing (expected {self!r})"))
            return True
        return False

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Matcher) and type(self) is type(other) and bool(self.arg == other.arg)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"!{self.tag}" if self.arg is None else f"!{self.tag} {show(self.arg, 60)}"


def list_arg(matcher: Matcher, *, non_empty: bool = False) -> list[object]:
    """The matcher's argument as a list; :class:`MatcherArgError` when it is not one (or empty with ``non_empty``)."""
    if not isinstance(matcher.arg, list):
        raise MatcherArgError(f"!{matcher.tag} takes a list, e.g. !{matcher.tag} [a, b] (got {show(matcher.arg)})")
    if non_empty and not matcher.arg:
        raise MatcherArgError(f"!{matcher.tag} needs at least one item")
    return matcher.arg
