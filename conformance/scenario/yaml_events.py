"""libyaml's parser feeding ruamel's composer: the scenario files' YAML read about five times faster.

Scanning and parsing in pure Python is what loading a scenario file costs (ruamel's round-trip scanner is about
85% of it, ~10 ms a file), and every pytest process pays it for the whole library before the first test runs:
the serial run, and each xdist worker again. libyaml (PyYAML's C extension) produces the same event stream in
C. Only the events are taken from it: ruamel's own composer, resolver (YAML 1.2) and the loader's round-trip
constructor still build the document, so values, tags, anchors, merge keys and line numbers come out as the
pure path makes them (``tests/scenario/test_yaml_events.py`` compares the two on every library file).

:func:`events_parser` returns None when libyaml is not available; a document libyaml refuses is re-read by the
pure path, so error messages are always ruamel's. Events are checked against :mod:`.yaml_limits` as libyaml
produces them, so a hostile file stops at the first event beyond a bound (:class:`~.yaml_limits.LimitExceeded`)
rather than after libyaml has (quadratically, for deep nesting) read all of it.
"""

from __future__ import annotations

import importlib
import re
from collections import deque
from collections.abc import Callable
from typing import Any

from ruamel.yaml import events as ruamel_events
from ruamel.yaml.error import StreamMark
from ruamel.yaml.tag import Tag

from conformance.scenario.yaml_limits import EventBounds

_pyyaml: Any
_CParser: Any
try:  # PyYAML comes with schemathesis (it ships no type hints, hence the untyped import); libyaml is optional
    _pyyaml = importlib.import_module("yaml")
    # CBaseLoader is libyaml's parser with PyYAML's do-nothing resolver; only its events are used.
    _CParser = _pyyaml.CBaseLoader if _pyyaml.__with_libyaml__ else None
except ImportError:  # pragma: no cover - PyYAML is a dependency of a dependency
    _pyyaml = None
    _CParser = None

_ANCHORS = re.compile(r"(?:^|[\s\[{,])[&*]([^\s\[\]{},]*)")
_PLAIN_ANCHOR = re.compile(r"[A-Za-z0-9_-]*")
#: libyaml's scalar styles → ruamel's (libyaml says '' for a plain scalar, ruamel None).
_STYLES = {"": None}


class LibyamlRefused(Exception):
    """libyaml could not parse the text; the caller reads it with the pure parser instead."""


def available() -> bool:
    return _CParser is not None


def events_parser(text: str) -> Callable[..., Any] | None:
    """A ruamel ``Parser`` class stand-in serving libyaml's events for ``text`` (None without libyaml).

    ruamel instantiates ``YAML.Parser`` as ``Parser(loader=yaml)``; the result answers the composer's
    ``check_event`` / ``peek_event`` / ``get_event`` from a queue filled once.
    """
    if _CParser is None or not suits_libyaml(text):
        return None
    converted = _convert(text)

    def make(loader: Any = None) -> _EventQueue:
        return _EventQueue(converted)

    return make


def suits_libyaml(text: str) -> bool:
    """False for the constructs where libyaml and ruamel are known to read the same text differently.

    Tabs (libyaml accepts some that ruamel refuses), ``!!`` tags (ruamel's round-trip loader keeps some as
    tagged scalars) and anchor or alias names with characters beyond letters, digits, ``_`` and ``-`` (libyaml
    ends ``&name:`` at the colon). Scenario files need none of them; such a file is read by the pure parser.
    """
    if "\t" in text or "!!" in text:
        return False
    return all(_PLAIN_ANCHOR.fullmatch(name) for name in _ANCHORS.findall(text))


class _EventQueue:
    """The part of ruamel's Parser interface its Composer uses."""

    def __init__(self, events: deque[Any]) -> None:
        self._events = events

    def check_event(self, *choices: Any) -> bool:
        if not self._events:
            return False
        if not choices:
            return True
        return isinstance(self._events[0], choices)

    def peek_event(self) -> Any:
        return self._events[0]

    def get_event(self) -> Any:
        return self._events.popleft()

    def dispose(self) -> None:
        self._events.clear()


def _convert(text: str) -> deque[Any]:
    """Libyaml's events for ``text`` as ruamel events; :class:`LibyamlRefused` when libyaml raises.

    :class:`~.yaml_limits.LimitExceeded` at the first event beyond a bound.
    """
    assert _pyyaml is not None
    assert _CParser is not None
    parser = _CParser(text)
    out: deque[Any] = deque()
    marks: dict[tuple[int, int, int], StreamMark] = {}

    def mark(found: Any) -> StreamMark:
        key = (found.index, found.line, found.column)
        made = marks.get(key)
        if made is None:
            made = marks[key] = StreamMark("<unicode string>", found.index, found.line, found.column)
        return made

    py = _pyyaml.events
    bounds = EventBounds()
    try:
        while True:
            event = parser.get_event()
            start, end = mark(event.start_mark), mark(event.end_mark)
            kind = type(event)
            if kind is py.ScalarEvent:
                out.append(
                    ruamel_events.ScalarEvent(
                        event.anchor,
                        _tag(event.tag),
                        event.implicit,
                        event.value,
                        start,
                        end,
                        style=_STYLES.get(event.style, event.style),
                    )
                )
            elif kind is py.MappingStartEvent:
                out.append(
                    ruamel_events.MappingStartEvent(
                        event.anchor, _tag(event.tag), event.implicit, start, end, flow_style=event.flow_style
                    )
                )
            elif kind is py.SequenceStartEvent:
                out.append(
                    ruamel_events.SequenceStartEvent(
                        event.anchor, _tag(event.tag), event.implicit, start, end, flow_style=event.flow_style
                    )
                )
            elif kind is py.MappingEndEvent:
                out.append(ruamel_events.MappingEndEvent(start, end))
            elif kind is py.SequenceEndEvent:
                out.append(ruamel_events.SequenceEndEvent(start, end))
            elif kind is py.AliasEvent:
                out.append(ruamel_events.AliasEvent(event.anchor, start, end))
            elif kind is py.DocumentStartEvent:
                if event.version is not None or event.tags:
                    # %YAML / %TAG directives: libyaml reads them as YAML 1.1; leave them to ruamel.
                    raise LibyamlRefused("directives")
                out.append(ruamel_events.DocumentStartEvent(start, end, explicit=event.explicit))
            elif kind is py.DocumentEndEvent:
                out.append(ruamel_events.DocumentEndEvent(start, end, explicit=event.explicit))
            elif kind is py.StreamStartEvent:
                out.append(ruamel_events.StreamStartEvent(start, end))
            elif kind is py.StreamEndEvent:
                out.append(ruamel_events.StreamEndEvent(start, end))
                return out
            else:  # pragma: no cover - libyaml has no other event kinds
                raise LibyamlRefused(f"unexpected event {kind.__name__}")
            bounds.see(out[-1])
    except _pyyaml.YAMLError as exc:
        raise LibyamlRefused(str(exc)) from None
    finally:
        parser.dispose()


def _tag(tag: str | None) -> Tag | None:
    # libyaml hands out resolved tags ("!uuid", "tag:yaml.org,2002:str"); a handle-less Tag keeps them as they
    # are. "!" alone (the non-specific tag) stays "!", which ruamel's composer resolves as it would.
    return None if tag is None else Tag(suffix=tag)
