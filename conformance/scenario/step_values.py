"""The values of a step as plain data: ruamel's scalars as builtins, and each matcher tag built into its matcher.

A tag is checked where it stands: a known matcher, with a valid argument, and only in ``expect``/``expect_error``
(a matcher in ``with`` is an error: a request sends values).
"""

from __future__ import annotations

import difflib
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from conformance.scenario.matcher_tags import MATCHERS
from conformance.scenario.matchers import MatcherArgError, join_path
from conformance.scenario.problems import Problems
from conformance.scenario.templating import has_template
from conformance.scenario.yaml_doc import Tagged, item_line, key_line, scalar, value_line

_SAME_VALUE_TAGS = frozenset({"not", "one_of", "all_of"})
"""Matchers whose argument stands for the same value as the matcher itself (so ``!not !absent`` is fine)."""


class StepValues:
    """Builds the values of one file's steps, reporting to its :class:`Problems`."""

    def __init__(self, problems: Problems) -> None:
        self.problems = problems

    def plain(
        self,
        node: Any,
        here: str,
        path: str,
        line: int,
        *,
        matchers: bool,
        lines: dict[str, int] | None,
        mapping_value: bool = False,
    ) -> Any:
        """``node`` as plain data with matchers built; records the line of each key path in ``lines``."""
        if isinstance(node, CommentedMap):
            result: dict[str, Any] = {}
            for key, value in node.items():
                key_path = join_path(path, str(key))
                if lines is not None:
                    lines[key_path] = key_line(node, key)
                result[str(key)] = self.plain(
                    value, here, key_path, value_line(node, key), matchers=matchers, lines=lines, mapping_value=True
                )
            return result
        if isinstance(node, CommentedSeq):
            return [
                self.plain(item, here, f"{path}[{i}]", item_line(node, i), matchers=matchers, lines=lines)
                for i, item in enumerate(node)
            ]
        if isinstance(node, Tagged):
            return self._matcher(node, here, path, matchers=matchers, mapping_value=mapping_value)
        return scalar(node)

    def _matcher(self, node: Tagged, here: str, path: str, *, matchers: bool, mapping_value: bool) -> Any:
        at = f"{here}{path}" if path.startswith("[") else f"{here}.{path}" if path else here
        if not matchers:
            message = f"{at}: !{node.tag} is a matcher; matchers belong in expect/expect_error, not in `with`"
            self.problems.error(node.line, message)
            return None
        cls = MATCHERS.get(node.tag)
        if cls is None:
            close = difflib.get_close_matches(node.tag, list(MATCHERS), n=1)
            hint = f"did you mean !{close[0]}? " if close else ""
            known = ", ".join(f"!{tag}" for tag in MATCHERS)
            self.problems.error(node.line, f"{at}: unknown tag !{node.tag}; {hint}(matchers: {known})")
            return None
        if cls.only_as_mapping_value and not mapping_value:
            self.problems.error(node.line, f"{at}: !{node.tag} stands only for the value of a key (`key: !{node.tag}`)")
            return None
        same_value = node.tag in _SAME_VALUE_TAGS
        value = node.value
        if isinstance(value, CommentedSeq):
            arg: Any = [
                self.plain(
                    item, here, path, node.line, matchers=True, lines=None, mapping_value=same_value and mapping_value
                )
                for item in value
            ]
        else:
            arg = self.plain(
                value, here, path, node.line, matchers=True, lines=None, mapping_value=same_value and mapping_value
            )
        try:
            return cls(arg, templated=has_template(arg))
        except MatcherArgError as exc:
            self.problems.error(node.line, f"{at}: {exc}")
            return None
