"""Scenario YAML as ruamel's round-trip loader reads it: the line of every key and item, tags kept as values.

The loader parses with :func:`parse_yaml` (libyaml when it can, the bounded pure parser otherwise) and reads
positions with :func:`key_line`, :func:`value_line` and :func:`item_line`; :func:`json_view` is the document as
the JSON Schema sees it. A matcher tag (``!uuid``, ``!contains [...]``) stays a :class:`Tagged` value until the
step checks turn it into a matcher.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import ConstructorError, RoundTripConstructor
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, Node, SequenceNode

from conformance.scenario.schema import PathKey
from conformance.scenario.yaml_events import LibyamlRefused, events_parser
from conformance.scenario.yaml_limits import BoundedParser, BoundedScanner


@dataclass(frozen=True, slots=True)
class Tagged:
    """A YAML tag (``!uuid``, ``!contains [...]``) as parsed, before it is checked and becomes a matcher."""

    tag: str
    """Without the leading ``!``."""
    value: Any
    line: int


class _Constructor(RoundTripConstructor):
    """Round-trip construction, with every application tag kept as :class:`Tagged` and dates kept as text.

    Dates stay text because a scenario value such as ``name: 2025-09-03`` must be sent as written, and
    ``since`` is parsed (with a clear message) by the loader rather than failing inside the YAML parser.
    """

    def construct_tagged(self, node: Node) -> Tagged:
        value: Any
        if isinstance(node, MappingNode):
            value = CommentedMap()
            value._yaml_set_line_col(node.start_mark.line, node.start_mark.column)
            self.construct_mapping(node, value, deep=True)
        elif isinstance(node, SequenceNode):
            value = CommentedSeq()
            value._yaml_set_line_col(node.start_mark.line, node.start_mark.column)
            value.extend(self.construct_rt_sequence(node, value, deep=True))
        else:
            value = str(node.value)
        return Tagged(str(node.tag).removeprefix("!"), value, node.start_mark.line + 1)

    def construct_text_timestamp(self, node: Node) -> str:
        return str(node.value)

    def construct_bounded_int(self, node: Node) -> Any:
        """An integer, or a YAML error at its line when Python will not read that many digits."""
        try:
            return self.construct_yaml_int(node)
        except ValueError as exc:  # int() refuses more than sys.get_int_max_str_digits() digits
            problem = f"the number {str(node.value)[:12]}... cannot be read ({exc}); quote it to send it as text"
            raise ConstructorError(None, None, problem, node.start_mark) from None


_Constructor.add_constructor(None, _Constructor.construct_tagged)
_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_text_timestamp)
_Constructor.add_constructor("tag:yaml.org,2002:int", _Constructor.construct_bounded_int)


def parse_yaml(text: str, *, fast: bool = True) -> Any:
    """The document in ``text``: scanned by libyaml when it can be (see :mod:`.yaml_events`), else by ruamel.

    Both parsers are bounded (:mod:`.yaml_limits`): :class:`LimitExceeded` for a file beyond a limit.
    """
    parser = None
    # On LibyamlRefused the pure parser reads the text again and reports the problem in its own words.
    with contextlib.suppress(LibyamlRefused):
        parser = events_parser(text) if fast else None
    if parser is not None:
        try:
            return load_yaml(text, parser)
        except YAMLError:
            pass  # e.g. a duplicate key: the message (and its mark) must be the pure parser's
    return load_yaml(text, None)


def load_yaml(text: str, parser: Any) -> Any:
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    if parser is not None:
        yaml.Parser = parser
    else:
        yaml.Parser, yaml.Scanner = BoundedParser, BoundedScanner
    return yaml.load(text)


def key_line(node: CommentedMap, key: object) -> int:
    return _position(node, key, 0)


def value_line(node: CommentedMap, key: object) -> int:
    return _position(node, key, 2)


def _position(node: CommentedMap, key: object, index: int) -> int:
    """The 1-based line of a key (index 0) or its value (2).

    A key merged in with ``<<: *anchor`` has its position in the anchored mapping.
    """
    where = node.lc.data.get(key)
    if where is not None:
        return int(where[index]) + 1
    for source in getattr(node, "merge", ()):
        if isinstance(source, CommentedMap) and key in source:
            return _position(source, key, index)
    return int(node.lc.line) + 1


def item_line(node: CommentedSeq, index: int) -> int:
    return int(node.lc.item(index)[0]) + 1


def json_view(node: Any) -> Any:
    """The document as plain JSON-like data for the schema (matcher tags become ``"!tag"`` strings)."""
    if isinstance(node, Mapping):
        return {str(key): json_view(value) for key, value in node.items()}
    if isinstance(node, list):
        return [json_view(item) for item in node]
    if isinstance(node, Tagged):
        return f"!{node.tag}"
    return scalar(node)


def scalar(node: Any) -> Any:
    """The scalar subclasses of ruamel (ScalarFloat, LiteralScalarString ...) as the plain builtin types."""
    if node is None or isinstance(node, bool):
        return node
    if isinstance(node, str):
        return str(node)
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    return node


def strings(node: Any, line: int) -> Iterator[tuple[str, int]]:
    """Every string in a raw value (keys included) with its line."""
    if isinstance(node, str):
        yield node, line
    elif isinstance(node, CommentedMap):
        for key, value in node.items():
            if isinstance(key, str):
                yield key, key_line(node, key)
            yield from strings(value, value_line(node, key))
    elif isinstance(node, CommentedSeq):
        for index, item in enumerate(node):
            yield from strings(item, item_line(node, index))
    elif isinstance(node, Tagged):
        yield from strings(node.value, node.line)


def line_at(doc: CommentedMap, path: Sequence[PathKey], key: str | None) -> int:
    """The line of the value at ``path`` (or of ``key`` in the mapping there)."""
    node: Any = doc
    line = 1
    for step in path:
        if isinstance(node, CommentedMap) and step in node:
            line, node = value_line(node, step), node[step]
        elif isinstance(node, CommentedSeq) and isinstance(step, int) and 0 <= step < len(node):
            line, node = item_line(node, step), node[step]
        else:
            break
    if key is not None and isinstance(node, CommentedMap) and key in node:
        return key_line(node, key)
    return line
