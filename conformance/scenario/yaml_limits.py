"""Bounds on what reading one scenario file may cost: its size, its nesting and what its aliases expand to.

Scenario files come from users and third parties (``--scenarios=DIR``), and collection is not covered by
pytest-timeout. Unbounded, a 700-byte "billion laughs" file (10 anchors, each a list of 9 aliases of the one
before) stands for 9^10 nodes: the YAML parser shares them, but every pass of the loader walks the tree it
stands for and never ends. A 100,000-deep ``[[[[...]]]]`` costs both parsers quadratic time and then overflows
the composer's recursion. An alias inside its own anchor (``&a [1, *a]``) is silently read as null by
ruamel's round-trip constructor, so the file would send something other than what it says.

:class:`EventBounds` watches the event stream (libyaml's or ruamel's: both parsers' events pass through it
before the composer sees them) and stops at the first event beyond a bound, so a hostile file costs a few
hundred events whatever its shape. ruamel's own ``YAML().max_depth`` is not used: it counts in the composer,
and by then libyaml has already produced (quadratically) every event of the file.

The limits are far above the library's real maxima (measured on the 102 files of ``scenarios/``: largest file
4,935 bytes, deepest nesting 11, most aliases 8, largest expansion 457 nodes) and documented in
``docs/scenario-format.md`` ("When a file is wrong").
"""

from __future__ import annotations

from typing import Any

from ruamel.yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent, ScalarEvent
from ruamel.yaml.parser import RoundTripParser
from ruamel.yaml.scanner import RoundTripScanner

#: Largest scenario file, in bytes (library: 4,935; 50 times that and more).
MAX_FILE_BYTES = 256 * 1024
#: Deepest nesting of mappings and lists (library: 11). Also keeps every recursive walk of the loader, the
#: composer and the constructor far from Python's recursion limit, under pytest's own stack.
MAX_DEPTH = 64
#: Most aliases (``*name``) in one file (library: 8).
MAX_ALIASES = 1_000
#: Most nodes the document stands for once every alias is expanded (library: 457). The loader's passes walk
#: this expanded tree, at some 10-20 µs a node (measured): at the limit a file still loads in a fraction of a second.
MAX_NODES = 10_000


_DEPTH_MESSAGE = (
    f"mappings and lists are nested more than {MAX_DEPTH} deep; a scenario needs far fewer (is a bracket left open?)"
)


class LimitExceeded(Exception):
    """A file beyond one of the bounds; ``line`` is 1-based, ``message`` names the limit and what to do."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


def check_size(size: int) -> None:
    """:class:`LimitExceeded` (at line 1) for a file larger than :data:`MAX_FILE_BYTES`."""
    if size > MAX_FILE_BYTES:
        raise LimitExceeded(
            1,
            f"the file is {size:,} bytes; a scenario file may have at most {MAX_FILE_BYTES:,} "
            "(split it into several scenarios)",
        )


class EventBounds:
    """Counts nesting, aliases and expanded nodes over a stream of ruamel events; raises :class:`LimitExceeded`."""

    __slots__ = ("_aliases", "_depth", "_nodes", "_open", "_open_anchors", "_sizes")

    def __init__(self) -> None:
        self._depth = 0
        self._aliases = 0
        self._nodes = 0
        self._open: list[tuple[str | None, int]] = []
        """Each open collection's anchor and the node count when it started."""
        self._open_anchors: set[str] = set()
        self._sizes: dict[str, int] = {}
        """Anchor → how many nodes its value stands for (the latest definition: YAML lets a name be reused)."""

    def see(self, event: Any) -> None:
        if isinstance(event, ScalarEvent):
            self._add(1, event)
            if event.anchor is not None:
                self._sizes[event.anchor] = 1
        elif isinstance(event, CollectionStartEvent):
            self._depth += 1
            if self._depth > MAX_DEPTH:
                raise LimitExceeded(_line(event), _DEPTH_MESSAGE)
            self._open.append((event.anchor, self._nodes))
            if event.anchor is not None:
                self._open_anchors.add(event.anchor)
            self._add(1, event)
        elif isinstance(event, CollectionEndEvent):
            self._depth -= 1
            anchor, start = self._open.pop()
            if anchor is not None:
                self._open_anchors.discard(anchor)
                self._sizes[anchor] = self._nodes - start
        elif isinstance(event, AliasEvent):
            self._alias(event)

    def _alias(self, event: Any) -> None:
        self._aliases += 1
        if self._aliases > MAX_ALIASES:
            raise LimitExceeded(_line(event), f"more than {MAX_ALIASES:,} aliases (*name) in one file")
        if event.anchor in self._open_anchors:
            raise LimitExceeded(
                _line(event),
                f"alias *{event.anchor} is inside its own anchor &{event.anchor}: a value cannot contain itself",
            )
        # An undefined alias counts as one node; the composer then reports it in its own words.
        self._add(self._sizes.get(event.anchor, 1), event)

    def _add(self, count: int, event: Any) -> None:
        self._nodes += count
        if self._nodes > MAX_NODES:
            raise LimitExceeded(
                _line(event),
                f"the document stands for more than {MAX_NODES:,} values once its aliases are expanded"
                " (an alias of an alias of ...: the 'billion laughs' shape); write the values out or share less",
            )


def _line(event: Any) -> int:
    mark = event.start_mark
    return int(mark.line) + 1 if mark is not None else 1


class BoundedParser(RoundTripParser):
    """ruamel's round-trip parser with :class:`EventBounds` on every event the composer takes."""

    def __init__(self, loader: Any) -> None:
        super().__init__(loader)
        self._bounds = EventBounds()

    def get_event(self) -> Any:
        event = super().get_event()
        self._bounds.see(event)
        return event


class BoundedScanner(RoundTripScanner):
    """ruamel's round-trip scanner, refusing flow collections (``[``, ``{``) nested beyond :data:`MAX_DEPTH`.

    The parser's events come too late for ``[[[[...``: to decide whether a ``[`` starts a key, the scanner reads
    up to 1,024 characters ahead, checking every pending ``[`` at every token (seconds of pure Python). Here the
    65th ``[`` stops it.
    """

    def fetch_flow_collection_start(self, TokenClass: Any, to_push: str) -> None:
        super().fetch_flow_collection_start(TokenClass, to_push)
        if self.flow_level > MAX_DEPTH:
            raise LimitExceeded(int(self.reader.get_mark().line) + 1, _DEPTH_MESSAGE)
