from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from conformance.scenario.list_matchers import (
    ContainsMatcher,
    ExcludesMatcher,
    SortedByDescMatcher,
    SortedByMatcher,
    UnorderedMatcher,
)
from conformance.scenario.matcher_tags import MATCHERS
from conformance.scenario.matchers import MatcherArgError, join_path, match
from conformance.scenario.value_matchers import (
    AbsentMatcher,
    AllOfMatcher,
    AnyMatcher,
    ExactMatcher,
    GteMatcher,
    GtMatcher,
    LenMatcher,
    LteMatcher,
    LtMatcher,
    NotMatcher,
    OneOfMatcher,
    RegexMatcher,
    TimestampMatcher,
    UuidMatcher,
)

UUID = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
NOW = datetime(2025, 12, 1, tzinfo=UTC)


def messages(expected: object, actual: object) -> list[str]:
    return [str(m) for m in match(expected, actual)]


# --- plain values --------------------------------------------------------------------------------------


def test_mappings_match_partially_and_report_every_mismatch() -> None:
    actual = {"a": 1, "b": {"c": "x", "d": [1, 2]}, "extra": True}
    assert match({"a": 1, "b": {"c": "x"}}, actual) == []
    assert messages({"a": 2, "b": {"c": "y", "e": 1}}, actual) == [
        "a: expected 2, got 1",
        "b.c: expected 'y', got 'x'",
        "b.e: missing (expected 1)",
    ]


def test_lists_match_element_wise_with_equal_length() -> None:
    assert match([1, {"a": 1}], [1, {"a": 1, "b": 2}]) == []
    assert messages([1, 2], [2, 1]) == ["[0]: expected 1, got 2", "[1]: expected 2, got 1"]
    (only,) = messages({"l": [1]}, {"l": [1, 2]})
    assert only.startswith("l: expected 1 item(s), got 2: [1, 2]")
    assert "!contains" in only


def test_scalars_do_not_mix_types() -> None:
    assert messages(True, 1) == ["(response): expected True, got 1"]
    assert messages(1, True) == ["(response): expected 1, got True"]
    assert messages("1", 1) == ["(response): expected '1', got 1"]
    assert match(1, 1.0) == []
    assert messages({"a": {}}, {"a": []}) == ["a: expected a mapping, got []"]
    assert messages({"a": []}, {"a": {}}) == ["a: expected a list, got {}"]


def test_paths_use_the_shape_checker_notation() -> None:
    assert join_path("", "a") == "a"
    assert join_path("a", "b") == "a.b"
    assert join_path("a", 3) == "a[3]"
    assert join_path("approvals", "111111111111") == "approvals['111111111111']"
    (only,) = match({"approvals": {"111111111111": {"status": "APPROVED"}}}, {"approvals": {}})
    assert only.path == "approvals['111111111111']"


# --- each matcher, both ways ----------------------------------------------------------------------------

CASES = [
    (UuidMatcher(), UUID, "abc"),
    (UuidMatcher(), UUID, UUID.upper()),
    (TimestampMatcher(), NOW, datetime(2025, 12, 1)),
    (TimestampMatcher(), NOW, 1764547200),
    (AnyMatcher(), None, ...),
    (RegexMatcher("cr-[0-9]+"), "cr-12", "cr-12x"),
    (RegexMatcher("cr-[0-9]+"), "cr-12", 12),
    (OneOfMatcher([403, 404]), 404, 400),
    (OneOfMatcher([{"s": "A"}, {"s": "B"}]), {"s": "B", "x": 1}, {"s": "C"}),
    (UnorderedMatcher([1, 2, 2]), [2, 1, 2], [1, 2, 3]),
    (UnorderedMatcher([1, 2]), [2, 1], [1, 2, 2]),
    (ContainsMatcher([{"id": 1}]), [{"id": 0}, {"id": 1, "x": 2}], [{"id": 0}]),
    (ContainsMatcher([1, 1]), [1, 2, 1], [1, 2]),
    (ExcludesMatcher([{"status": "PENDING"}]), [{"status": "DONE"}], [{"status": "PENDING"}]),
    (LenMatcher(2), [1, 2], [1]),
    (LenMatcher(2), "ab", {"a": 1}),
    (LenMatcher({"min": 1}), [1, 2, 3], []),
    (LenMatcher({"min": 1, "max": 2}), {"a": 1}, [1, 2, 3]),
    (SortedByMatcher("t"), [{"t": 1}, {"t": 1}, {"t": 2}], [{"t": 2}, {"t": 1}]),
    (SortedByDescMatcher("t"), [{"t": 2}, {"t": 1}], [{"t": 1}, {"t": 2}]),
    (SortedByMatcher("a.t"), [{"a": {"t": NOW}}, {"a": {"t": NOW + timedelta(1)}}], [{"a": {}}]),
    (GtMatcher(1), 2, 1),
    (GteMatcher(1), 1, 0.5),
    (LtMatcher(1), 0, 1),
    (LteMatcher(1), 1, 2),
    (GtMatcher("2025-12-01T00:00:00Z"), NOW + timedelta(seconds=1), NOW),
    (GteMatcher(NOW), NOW, NOW - timedelta(seconds=1)),
    (GtMatcher(1), 2, "3"),
    (GtMatcher(1), 2, True),
    (GtMatcher(NOW), NOW + timedelta(1), 5),
    (AllOfMatcher([LenMatcher(2), ContainsMatcher([1])]), [1, 2], [2, 3]),
    (NotMatcher("PENDING"), "APPROVED", "PENDING"),
    (ExactMatcher({"a": 1}), {"a": 1}, {"a": 1, "b": 2}),
]


@pytest.mark.parametrize(("matcher", "good", "bad"), CASES, ids=lambda v: repr(v)[:40])
def test_matcher_accepts_the_good_value_and_rejects_the_bad_one(matcher: object, good: object, bad: object) -> None:
    assert match({"k": matcher}, {"k": good}) == []
    if bad is not ...:
        found = match({"k": matcher}, {"k": bad})
        assert found, f"{matcher!r} accepted {bad!r}"
        assert all(m.path.startswith("k") for m in found)


def test_every_registered_matcher_is_covered_above() -> None:
    covered = {type(case[0]).tag for case in CASES} | {AbsentMatcher.tag}
    assert covered == set(MATCHERS)


def test_presence_matchers_and_missing_keys() -> None:
    assert messages({"k": AnyMatcher()}, {}) == ["k: missing (expected !any)"]
    assert messages({"k": UuidMatcher()}, {}) == ["k: missing (expected !uuid)"]
    assert match({"k": AbsentMatcher()}, {}) == []
    assert messages({"k": AbsentMatcher()}, {"k": None}) == ["k: expected no such key, got None"]
    assert match({"k": NotMatcher(AbsentMatcher())}, {"k": 1}) == []
    assert messages({"k": NotMatcher(AbsentMatcher())}, {}) == ["k: expected anything but !absent, got <missing>"]
    assert messages({"k": NotMatcher("X")}, {}) == ["k: missing (expected !not 'X')"]
    assert match({"k": OneOfMatcher([AbsentMatcher(), 1])}, {}) == []


def test_matchers_compose() -> None:
    expected = {
        "items": ContainsMatcher(
            [{"id": UuidMatcher(), "status": OneOfMatcher(["PENDING", "APPROVED"]), "tags": LenMatcher({"min": 1})}]
        )
    }
    assert match(expected, {"items": [{"id": "x"}, {"id": UUID, "status": "APPROVED", "tags": ["a"]}]}) == []
    (only,) = match(expected, {"items": [{"id": UUID, "status": "DENIED", "tags": ["a"]}]})
    assert only.path == "items"
    assert "closest is item [0]: status: expected one of ['PENDING', 'APPROVED'], got 'DENIED'" in only.message


def test_contains_assigns_distinct_items_even_when_a_greedy_pass_would_fail() -> None:
    # the first pattern matches both items; only the assignment 0->1, 1->0 satisfies both
    expected = ContainsMatcher([{"s": "P"}, {"id": 1}])
    assert match(expected, [{"id": 1, "s": "P"}, {"id": 2, "s": "P"}]) == []
    assert match(UnorderedMatcher([{"s": "P"}, {"id": 1}]), [{"id": 1, "s": "P"}, {"id": 2, "s": "P"}]) == []


def test_list_matcher_messages_are_readable() -> None:
    (empty,) = messages({"l": ContainsMatcher([{"id": 1}])}, {"l": []})
    assert empty == "l: no item matches {'id': 1} (the list is empty)"
    (sorted_msg,) = messages({"l": SortedByMatcher("t")}, {"l": [{"t": 2}, {"t": 1}]})
    assert sorted_msg == "l: not sorted by t ascending: item [0] has 2, item [1] has 1"
    (excluded,) = messages({"l": ExcludesMatcher([{"s": "P"}])}, {"l": [{"s": "A"}, {"s": "P"}]})
    assert excluded == "l[1]: item matches the excluded {'s': 'P'}"
    (missing_key,) = messages({"l": SortedByMatcher("t")}, {"l": [{"t": 1}, {}]})
    assert missing_key == "l[1]: item has no 't' to sort by"
    (length,) = messages({"l": LenMatcher({"min": 2})}, {"l": [1]})
    assert length == "l: expected length in 2.., got length 1: [1]"
    (exact,) = messages({"e": ExactMatcher({"a": 1})}, {"e": {"a": 1, "b": 2}})
    assert exact == "e.b: unexpected key (value 2)"


@pytest.mark.parametrize(
    ("build", "problem"),
    [
        (lambda: RegexMatcher("("), "is not a valid regular expression"),
        (lambda: RegexMatcher(3), "takes a pattern string"),
        (lambda: OneOfMatcher("a"), "!one_of takes a list"),
        (lambda: OneOfMatcher([]), "needs at least one item"),
        (lambda: ContainsMatcher({"a": 1}), "!contains takes a list"),
        (lambda: LenMatcher(-1), "non-negative integer"),
        (lambda: LenMatcher({"least": 1}), "takes a number or {min: N, max: M}"),
        (lambda: LenMatcher(True), "non-negative integer"),
        (lambda: UuidMatcher("x"), "!uuid takes no argument"),
        (lambda: SortedByMatcher("a..b"), "is not a JMESPath expression"),
        (lambda: GtMatcher("yesterday"), "takes a number or a timestamp"),
        (lambda: ExactMatcher([1]), "!exact takes a mapping"),
    ],
)
def test_bad_arguments_are_refused(build: Callable[[], object], problem: str) -> None:
    with pytest.raises(MatcherArgError, match=re.escape(problem)):
        build()


def test_templated_arguments_wait_for_rendering() -> None:
    regex = RegexMatcher("{{ run_id }}(", templated=True)  # not compiled yet
    assert regex.rebuild("cr-[0-9]+") == RegexMatcher("cr-[0-9]+")
    with pytest.raises(MatcherArgError):
        regex.rebuild("(")
    assert GtMatcher("{{ x }}", templated=True).rebuild(NOW) == GtMatcher(NOW)


def test_matchers_compare_by_tag_and_argument() -> None:
    assert OneOfMatcher([1]) == OneOfMatcher([1])
    assert OneOfMatcher([1]) != AllOfMatcher([1])
    assert repr(OneOfMatcher([1, 2])) == "!one_of [1, 2]"
    assert repr(UuidMatcher()) == "!uuid"
