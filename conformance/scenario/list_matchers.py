"""The matcher tags that judge a list as a whole (the order, the items it holds or lacks).

``!unordered``, ``!contains``, ``!excludes``, ``!sorted_by`` and ``!sorted_by_desc``.

Item expectations are compared with :func:`conformance.scenario.matchers.matches`; which expected item takes
which actual one is a bipartite matching (:func:`_assign`), so a pattern never grabs the item another needs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import jmespath
from jmespath.exceptions import JMESPathError

from conformance.scenario.matchers import Matcher, MatcherArgError, Mismatch, list_arg, match, matches, show


class _ListMatcher(Matcher):
    """Base of the matchers that compare a list with a list of item expectations."""

    __slots__ = ()

    def _setup(self, templated: bool) -> None:
        list_arg(self)

    def _actual_list(self, actual: object, path: str, out: list[Mismatch]) -> Sequence[object] | None:
        if self._missing(actual, path, out):
            return None
        if not isinstance(actual, list | tuple):
            out.append(Mismatch(path, self, actual, f"expected a list, got {show(actual)}"))
            return None
        return actual

    def _candidates(self, actual: Sequence[object]) -> list[list[int]]:
        return [[j for j, got in enumerate(actual) if matches(want, got)] for want in list_arg(self)]

    def _unmatched(self, actual: Sequence[object], path: str, out: list[Mismatch]) -> None:
        """Report the expected items that no distinct actual item matches, each with its closest item."""
        wanted = list_arg(self)
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
        wanted = list_arg(self)
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
        for want in list_arg(self):
            for index, got in enumerate(items):
                if matches(want, got):
                    out.append(Mismatch(f"{path}[{index}]", want, got, f"item matches the excluded {show(want)}"))


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
