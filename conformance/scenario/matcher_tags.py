"""The matcher tags a scenario file may write, by name: ``!uuid`` → :class:`UuidMatcher` and so on.

The loader builds a matcher from a YAML tag through :data:`MATCHERS`; the docs test checks every tag is
documented.
"""

from __future__ import annotations

from collections.abc import Mapping

from conformance.scenario.list_matchers import (
    ContainsMatcher,
    ExcludesMatcher,
    SortedByDescMatcher,
    SortedByMatcher,
    UnorderedMatcher,
)
from conformance.scenario.matchers import Matcher
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
