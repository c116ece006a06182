"""The matcher tags a scenario file may write, by name: ``!uuid`` → ``UuidMatcher`` and so on.

The loader builds a matcher from a YAML tag through :data:`MATCHERS` (its error message lists the tags in this
order); the docs test checks every tag is documented.
"""

from __future__ import annotations

from collections.abc import Mapping

from conformance.scenario import list_matchers as lists
from conformance.scenario import value_matchers as values
from conformance.scenario.matchers import Matcher

MATCHERS: Mapping[str, type[Matcher]] = {
    cls.tag: cls
    for cls in (
        values.UuidMatcher,
        values.TimestampMatcher,
        values.AnyMatcher,
        values.AbsentMatcher,
        values.RegexMatcher,
        values.OneOfMatcher,
        values.AllOfMatcher,
        values.NotMatcher,
        values.ExactMatcher,
        lists.UnorderedMatcher,
        lists.ContainsMatcher,
        lists.ExcludesMatcher,
        values.LenMatcher,
        lists.SortedByMatcher,
        lists.SortedByDescMatcher,
        values.GtMatcher,
        values.GteMatcher,
        values.LtMatcher,
        values.LteMatcher,
    )
}
"""Tag name (without ``!``) → matcher class."""
