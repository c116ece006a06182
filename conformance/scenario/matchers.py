"""Compares an expected value from a scenario with an actual response and lists every mismatch.

Plain values match structurally: a mapping is a *partial* match (keys it does not mention are ignored), a
list matches element by element with equal length, a scalar by equality (``True`` never equals ``1``).
Matchers (the YAML tags ``!uuid``, ``!contains`` ...) are :class:`Matcher` objects placed anywhere in the
expected value; they compose, so ``!contains [{id: !uuid, status: !one_of [PENDING, APPROVED]}]`` works.
All mismatches are reported, not only the first, each with the path of the value it concerns.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, ClassVar

import jmespath
from jmespath.exceptions import JMESPathError


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
    _check(expected, actual, path, out)
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


def _check(expected: object, actual: object, path: str, out: list[Mismatch]) -> None:
    # Concrete types first: the loader builds plain dicts and lists, and an ABC isinstance costs more.
    if isinstance(expected, dict):
        if actual is MISSING:
            out.append(Mismatch(path, expected, actual, f"missing (expected {show(expected)})"))
        else:
            _check_mapping(expected, actual, path, out, exact=False)
    elif isinstance(expected, Matcher):
        expected.check(actual, path, out)
    elif actual is MISSING:
        out.append(Mismatch(path, expected, actual, f"missing (expected {show(expected)})"))
    elif isinstance(expected, list):
        _check_list(expected, actual, path, out)
    elif isinstance(expected, Mapping):
        _check_mapping(expected, actual, path, out, exact=False)
    elif not _equal(expected, actual):
        out.append(Mismatch(path, expected, actual, f"expected {show(expected)}, got {show(actual)}"))


def _check_mapping(
    expected: Mapping[Any, object], actual: object, path: str, out: list[Mismatch], *, exact: bool
) -> None:
    if not isinstance(actual, dict | Mapping):
        out.append(Mismatch(path, expected, actual, f"expected a mapping, got {show(actual)}"))
        return
    for key, value in expected.items():
        _check(value, actual.get(key, MISSING), join_path(path, key), out)
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
        _check(want, got, f"{path}[{index}]", out)


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


def _matches(expected: object, actual: object) -> bool:
    return not match(expected, actual)


# --- matchers ---------------------------------------------------------------------------------------------


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


def _list_arg(matcher: Matcher, *, non_empty: bool = False) -> list[object]:
    if not isinstance(matcher.arg, list):
        raise MatcherArgError(f"!{matcher.tag} takes a list, e.g. !{matcher.tag} [a, b] (got {show(matcher.arg)})")
    if non_empty and not matcher.arg:
        raise MatcherArgError(f"!{matcher.tag} needs at least one item")
    return matcher.arg


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
        _list_arg(self, non_empty=True)

    def check(self, actual: object, path: str, out: list[Mismatch]) -> None:
        options = _list_arg(self)
        if not any(_matches(option, actual) for option in options):
            out.append(Mismatch(path, self, actual, f"expected one of {show(options)}, got {show(actual)}"))


class AllOfMatcher(Matcher):
    """Every listed expectation matches (``!all_of [!sorted_by createTime, !contains [...]]``)."""

    tag = "all_of"
    __slots__ = ()

    def _setup(self, templated: bool) -> None:
        _list_arg(self, non_empty=True)

    def check(self, actual: object, path: str, out: list[Mismatch]) -> None:
        for part in _list_arg(self):
            _check(part, actual, path, out)


class NotMatcher(Matcher):
    """The expectation does not match. The key must still be present, except in ``!not !absent``."""

    tag = "not"
    __slots__ = ()

    def check(self, actual: object, path: str, out: list[Mismatch]) -> None:
        if not isinstance(self.arg, AbsentMatcher) and self._missing(actual, path, out):
            return
        if _matches(self.arg, actual):
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
        _check_mapping(self.arg, actual, path, out, exact=True)


class _ListMatcher(Matcher):
    """Base of the matchers that compare a list with a list of item expectations."""

    __slots__ = ()

    def _setup(self, templated: bool) -> None:
        _list_arg(self)

    def _actual_list(self, actual: object, path: str, out: list[Mismatch]) -> Sequence[object] | None:
        if self._missing(actual, path, out):
            return None
        if not isinstance(actual, list | tuple):
            out.append(Mismatch(path, self, actual, f"expected a list, got {show(actual)}"))
            return None
        return actual

    def _candidates(self, actual: Sequence[object]) -> list[list[int]]:
        return [[j for j, got in enumerate(actual) if _matches(want, got)] for want in _list_arg(self)]

    def _unmatched(self, actual: Sequence[object], path: str, out: list[Mismatch]) -> None:
        """Report the expected items that no distinct actual item matches, each with its closest item."""
        wanted = _list_arg(self)
        assignment = _assign(self._candidates(actual), len(actual))
        for index, owner in enumerate(assignment):
            if owner is None:
                out.append(Mismatch(path, wanted[index], list(actual), _no_item_message(wanted[index], actual)))


class UnorderedMatcher(_ListMatcher):
    """The same items in any order, and no others (equal length)."""

    tag = "unordered"
    __slots__ = ()

    def check(self, actual: object, path: str, out: list[Mismatch]) -> None:
        items = self._actual_list(actual, path, out)
        if items is None:
            return
        wanted = _list_arg(self)
        if len(items) != len(wanted):
            message = f"expected {len(wanted)} item(s) in any order, got {len(items)}: {show(list(items))}"
            out.append(Mismatch(path, self, items, message))
            return
        self._unmatched(items, path, out)


class ContainsMatcher(_ListMatcher):
    """Each listed item matches a distinct actual item; other actual items are allowed."""

    tag = "contains"
    __slots__ = ()

    def check(self, actual: object, path: str, out: list[Mismatch]) -> None:
        items = self._actual_list(actual, path, out)
        if items is not None:
            self._unmatched(items, path, out)


class ExcludesMatcher(_ListMatcher):
    """No actual item matches any listed item."""

    tag = "excludes"
    __slots__ = ()

    def check(self, actual: object, path: str, out: list[Mismatch]) -> None:
        items = self._actual_list(actual, path, out)
        if items is None:
            return
        for want in _list_arg(self):
            for index, got in enumerate(items):
                if _matches(want, got):
                    out.append(Mismatch(f"{path}[{index}]", want, got, f"item matches the excluded {show(want)}"))


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


class SortedByMatcher(Matcher):
    """A list ordered ascending (ties allowed) by a JMESPath key of its items: ``!sorted_by createTime``."""

    tag = "sorted_by"
    descending: ClassVar[bool] = False
    __slots__ = ("_key",)

    def _setup(self, templated: bool) -> None:
        if not isinstance(self.arg, str) or not self.arg:
            raise MatcherArgError(f"!{self.tag} takes the key to sort by, e.g. !{self.tag} createTime")
        try:
            self._key: Any = jmespath.compile(self.arg)
        except JMESPathError as exc:
            raise MatcherArgError(f"!{self.tag} {self.arg!r} is not a JMESPath expression: {exc}") from None

    def check(self, actual: object, path: str, out: list[Mismatch]) -> None:
        if self._missing(actual, path, out):
            return
        if not isinstance(actual, list | tuple):
            out.append(Mismatch(path, self, actual, f"expected a list, got {show(actual)}"))
            return
        keys = [self._key.search(item) for item in actual]
        for index, key in enumerate(keys):
            if key is None:
                out.append(Mismatch(f"{path}[{index}]", self, actual[index], f"item has no {self.arg!r} to sort by"))
        if any(key is None for key in keys):
            return
        direction = "descending" if self.descending else "ascending"
        for index in range(len(keys) - 1):
            first, second = keys[index], keys[index + 1]
            try:
                wrong = first < second if self.descending else first > second
            except TypeError:
                out.append(Mismatch(path, self, actual, f"cannot compare {show(first)} with {show(second)}"))
                return
            if wrong:
                out.append(
                    Mismatch(
                        path,
                        self,
                        actual,
                        f"not sorted by {self.arg} {direction}: item [{index}] has {show(first)},"
                        f" item [{index + 1}] has {show(second)}",
                    )
                )
                return


class SortedByDescMatcher(SortedByMatcher):
    """A list ordered descending (ties allowed) by a key of its items."""

    tag = "sorted_by_desc"
    descending = True
    __slots__ = ()


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


MATCHERS: Mapping[str, type[Matcher]] = {
    cls.tag: cls
    for cls in (
        UuidMatcher,
        TimestampMatcher,
        AnyMatcher,
        AbsentMatcher,
        RegexMatcher,
        OneOfMatcher,
        AllOfMatcher,
        NotMatcher,
        ExactMatcher,
        UnorderedMatcher,
        ContainsMatcher,
        ExcludesMatcher,
        LenMatcher,
        SortedByMatcher,
        SortedByDescMatcher,
        GtMatcher,
        GteMatcher,
        LtMatcher,
        LteMatcher,
    )
}
"""Tag name (without ``!``) → matcher class."""


def _assign(candidates: list[list[int]], size: int) -> list[int | None]:
    """A maximum matching of expected items to distinct actual items (Kuhn's augmenting paths).

    Hand-written because the stdlib has no bipartite matching and the lists are short; a greedy pass would
    fail ``!contains [{status: PENDING}, {id: X}]`` when the first pattern grabs the item the second needs.
    """
    owner: list[int | None] = [None] * size

    def place(item: int, seen: set[int]) -> bool:
        for slot in candidates[item]:
            if slot in seen:
                continue
            seen.add(slot)
            current = owner[slot]
            if current is None or place(current, seen):
                owner[slot] = item
                return True
        return False

    for item in range(len(candidates)):
        place(item, set())
    result: list[int | None] = [None] * len(candidates)
    for slot, placed in enumerate(owner):
        if placed is not None:
            result[placed] = slot
    return result


def _no_item_message(wanted: object, actual: Sequence[object]) -> str:
    """Why no item matched ``wanted``, told through the actual item that came closest."""
    if not actual:
        return f"no item matches {show(wanted)} (the list is empty)"
    found, index = min(((match(wanted, got), i) for i, got in enumerate(actual)), key=lambda entry: len(entry[0]))
    if not found:
        why = "it matches, but another expected item needs it"
    else:
        why = f"{found[0].path}: {found[0].message}" if found[0].path else found[0].message
    return f"no item of {len(actual)} matches {show(wanted)}; closest is item [{index}]: {why}"
