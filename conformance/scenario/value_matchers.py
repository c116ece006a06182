"""The matcher tags that judge one value, each on its own (the list tags are in another module).

``!uuid``, ``!timestamp``, ``!any``, ``!absent``, ``!regex``, ``!one_of``, ``!all_of``, ``!not``, ``!exact``,
``!len`` and the bounds ``!gt``, ``!gte``, ``!lt``, ``!lte``.

The comparison they take part in is :mod:`conformance.scenario.matchers`; the tags over lists are in
:mod:`conformance.scenario.list_matchers`.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from typing import Any, ClassVar

from conformance.scenario.matchers import (
    MISSING,
    Matcher,
    MatcherArgError,
    Mismatch,
    collect,
    collect_mapping,
    list_arg,
    matches,
    show,
)

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


class UuidMatcher(Matcher):
    """A lower-case UUID string, the form of every Clean Rooms resource id."""

    tag = "uuid"
    takes_arg = False
    __slots__ = ()

    def check(self, actual: object, path: str, out: list[Mismatch]) -> None:
        if self._missing(actual, path, out):
            return
        if not (isinstance(actual, str) and _UUID.fullmatch(actual)):
            out.append(Mismatch(path, self, actual, f"expected a lower-case UUID, got {show(actual)}"))


class TimestampMatcher(Matcher):
    """A timezone-aware datetime (what botocore parses a wire timestamp into)."""

    tag = "timestamp"
    takes_arg = False
    __slots__ = ()

    def check(self, actual: object, path: str, out: list[Mismatch]) -> None:
        if self._missing(actual, path, out):
            return
        if not (isinstance(actual, datetime) and actual.utcoffset() is not None):
            out.append(Mismatch(path, self, actual, f"expected a timezone-aware timestamp, got {show(actual)}"))


class AnyMatcher(Matcher):
    """The key is present, with any value."""

    tag = "any"
    takes_arg = False
    __slots__ = ()

    def check(self, actual: object, path: str, out: list[Mismatch]) -> None:
        self._missing(actual, path, out)


class AbsentMatcher(Matcher):
    """The key is not in the mapping at all."""

    tag = "absent"
    takes_arg = False
    only_as_mapping_value = True
    __slots__ = ()

    def check(self, actual: object, path: str, out: list[Mismatch]) -> None:
        if actual is not MISSING:
            out.append(Mismatch(path, self, actual, f"expected no such key, got {show(actual)}"))


class RegexMatcher(Matcher):
    """A string that the regular expression matches as a whole (:func:`re.fullmatch`)."""

    tag = "regex"
    __slots__ = ("_pattern",)

    def _setup(self, templated: bool) -> None:
        self._pattern: re.Pattern[str] | None = None
        if not isinstance(self.arg, str):
            raise MatcherArgError(f"!regex takes a pattern string, e.g. !regex 'cr-.*' (got {show(self.arg)})")
        if not templated:
            try:
                self._pattern = re.compile(self.arg)
            except re.error as exc:
                raise MatcherArgError(f"!regex {self.arg!r} is not a valid regular expression: {exc}") from None

    def check(self, actual: object, path: str, out: list[Mismatch]) -> None:
        if self._missing(actual, path, out):
            return
        pattern = self._pattern or re.compile(str(self.arg))
        if not (isinstance(actual, str) and pattern.fullmatch(actual)):
            out.append(Mismatch(path, self, actual, f"expected a string matching {self.arg!r}, got {show(actual)}"))


class OneOfMatcher(Matcher):
    """Any one of the listed expectations matches (``!one_of [403, 404]``)."""

    tag = "one_of"
    __slots__ = ()

    def _setup(self, templated: bool) -> None:
        list_arg(self, non_empty=True)

    def check(self, actual: object, path: str, out: list[Mismatch]) -> None:
        options = list_arg(self)
        if not any(matches(option, actual) for option in options):
            out.append(Mismatch(path, self, actual, f"expected one of {show(options)}, got {show(actual)}"))


class AllOfMatcher(Matcher):
    """Every listed expectation matches (``!all_of [!sorted_by createTime, !contains [...]]``)."""

    tag = "all_of"
    __slots__ = ()

    def _setup(self, templated: bool) -> None:
        list_arg(self, non_empty=True)

    def check(self, actual: object, path: str, out: list[Mismatch]) -> None:
        for part in list_arg(self):
            collect(part, actual, path, out)


class NotMatcher(Matcher):
    """The expectation does not match. The key must still be present, except in ``!not !absent``."""

    tag = "not"
    __slots__ = ()

    def check(self, actual: object, path: str, out: list[Mismatch]) -> None:
        if not isinstance(self.arg, AbsentMatcher) and self._missing(actual, path, out):
            return
        if matches(self.arg, actual):
            out.append(Mismatch(path, self, actual, f"expected anything but {show(self.arg)}, got {show(actual)}"))


class ExactMatcher(Matcher):
    """A mapping matched with no extra keys allowed (plain mappings ignore keys they do not mention)."""

    tag = "exact"
    __slots__ = ()

    def _setup(self, templated: bool) -> None:
        if not isinstance(self.arg, Mapping):
            raise MatcherArgError(f"!exact takes a mapping, e.g. !exact {{message: x}} (got {show(self.arg)})")

    def check(self, actual: object, path: str, out: list[Mismatch]) -> None:
        if self._missing(actual, path, out):
            return
        assert isinstance(self.arg, Mapping)
        collect_mapping(self.arg, actual, path, out, exact=True)


class LenMatcher(Matcher):
    """A list, mapping or string of the given length: ``!len 2`` or ``!len {min: 1, max: 10}``."""

    tag = "len"
    __slots__ = ("_high", "_low")

    def _setup(self, templated: bool) -> None:
        self._low, self._high = 0, None
        arg = self.arg
        if templated and isinstance(arg, str):
            return
        if isinstance(arg, Mapping):
            if not arg or set(arg) - {"min", "max"}:
                raise MatcherArgError(f"!len takes a number or {{min: N, max: M}} (got {show(arg)})")
            self._low = _count(arg.get("min", 0), arg)
            self._high = _count(arg["max"], arg) if "max" in arg else None
        else:
            # A tagged plain scalar reaches the matcher as text (`!len 3` → "3"): read it as the number it is.
            if isinstance(arg, str) and arg.strip().isdigit():
                arg = int(arg.strip())
            self._low = self._high = _count(arg, arg)

    def check(self, actual: object, path: str, out: list[Mismatch]) -> None:
        if self._missing(actual, path, out):
            return
        if not isinstance(actual, list | tuple | Mapping | str):
            out.append(Mismatch(path, self, actual, f"expected something with a length, got {show(actual)}"))
            return
        size, low, high = len(actual), self._low, self._high
        if size < low or (high is not None and size > high):
            want = f"length {low}" if low == high else f"length in {low}..{'' if high is None else high}"
            out.append(Mismatch(path, self, actual, f"expected {want}, got length {size}: {show(actual)}"))


def _count(value: object, arg: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise MatcherArgError(f"!len takes a non-negative integer or {{min: N, max: M}} (got {show(arg)})")
    return value


class _CompareMatcher(Matcher):
    """Base of ``!gt``/``!gte``/``!lt``/``!lte``: numbers with numbers, timestamps with timestamps."""

    symbol: ClassVar[str]
    test: ClassVar[Callable[[Any, Any], bool]]
    __slots__ = ("_bound",)

    def _setup(self, templated: bool) -> None:
        self._bound: object = None
        if templated:
            return
        self._bound = _comparable(self.arg)
        if self._bound is None:
            raise MatcherArgError(
                f"!{self.tag} takes a number or a timestamp (ISO 8601 text or a template such as"
                f" '{{{{ steps[0].collaboration.createTime }}}}'), got {show(self.arg)}"
            )

    def check(self, actual: object, path: str, out: list[Mismatch]) -> None:
        if self._missing(actual, path, out):
            return
        bound = self._bound if self._bound is not None else _comparable(self.arg)
        value = _comparable(actual) if not isinstance(actual, str) else None
        both_numbers = isinstance(bound, int | float) and isinstance(value, int | float)
        both_times = isinstance(bound, datetime) and isinstance(value, datetime)
        if not (both_numbers or both_times):
            kind = "a number" if isinstance(bound, int | float) else "a timestamp"
            out.append(Mismatch(path, self, actual, f"expected {kind} {self.symbol} {show(bound)}, got {show(actual)}"))
        elif not type(self).test(value, bound):
            message = f"expected a value {self.symbol} {show(bound)}, got {show(actual)}"
            out.append(Mismatch(path, self, actual, message))


def _comparable(value: object) -> int | float | datetime | None:
    """A number or an aware datetime to compare with (naive times and ISO texts are read as UTC)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    if isinstance(value, datetime):
        return value if value.utcoffset() is not None else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    return None


class GtMatcher(_CompareMatcher):
    """Greater than (``updateTime: !gt '{{ steps[0].collaboration.updateTime }}'``)."""

    tag, symbol = "gt", ">"
    test = operator.gt
    __slots__ = ()


class GteMatcher(_CompareMatcher):
    """Greater than or equal."""

    tag, symbol = "gte", ">="
    test = operator.ge
    __slots__ = ()


class LtMatcher(_CompareMatcher):
    """Less than."""

    tag, symbol = "lt", "<"
    test = operator.lt
    __slots__ = ()


class LteMatcher(_CompareMatcher):
    """Less than or equal."""

    tag, symbol = "lte", "<="
    test = operator.le
    __slots__ = ()
