"""The walker of the shape checker: compiles a shape tree into closures (cached per shape and mode) and runs them.

Structures, unions, lists and maps are walked here; scalars and the wording of every violation are
:mod:`conformance.model.shape_rules`. :mod:`conformance.model.shapecheck` chooses the :class:`Mode`.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass

from botocore.model import Shape

from conformance.model.shape_rules import (
    Checker,
    accept_anything,
    blob_checker,
    count,
    float_checker,
    integer_checker,
    join,
    missing,
    null,
    quote,
    sdk_unknown_tag,
    string_checker,
    timestamp_checker,
    type_checker,
    unknown,
    wrong_type,
)
from conformance.model.violations import Violation, ViolationKind

#: Output members bound to these locations travel outside the JSON body (restJson1).
_NON_BODY = frozenset({"header", "headers", "statusCode", "uri", "querystring"})


@dataclass(frozen=True, slots=True)
class Mode:
    wire: bool
    all_locations: bool = False
    """Members from every HTTP location are in the value (check_input), not only the body's."""
    ignore_unknown: bool = False
    """Unknown structure members are allowed (a restJson1 server ignores them); union members never are."""
    anchored: bool = False
    """Also report a value that matches its pattern only under Smithy's unanchored reading (as ``inferred``).

    Only requests are held to the anchored reading (A14: the service is best read as refusing such a value, and
    the reference emulator validates with it by default). A response value that matches somewhere satisfies the
    model as Smithy defines ``pattern`` (SMITHY-C), so an implementation that follows Smithy and stores what it
    accepted is not at fault for returning it."""


# --- compilation -------------------------------------------------------------------------------------------

_compiled: weakref.WeakKeyDictionary[Shape, dict[Mode, Checker]] = weakref.WeakKeyDictionary()
_compiled_lock = threading.Lock()


def run(shape: Shape, mode: Mode, value: object, path: str) -> list[Violation]:
    with _compiled_lock:
        checker = _compiled.get(shape, {}).get(mode)
    if checker is None:
        checker = _Compiler(mode).compile(shape)  # outside the lock: a race only compiles twice
        with _compiled_lock:
            _compiled.setdefault(shape, {})[mode] = checker
    found: list[Violation] = []
    checker(value, path, found)
    return found


class _Compiler:
    """Turns one shape tree into closures; shapes are memoised by name, so recursive shapes terminate."""

    def __init__(self, mode: Mode) -> None:
        self.mode = mode
        self.memo: dict[tuple[str, str | None], Checker] = {}

    def compile(self, shape: Shape) -> Checker:
        key = (shape.name, shape.serialization.get("timestampFormat"))
        known = self.memo.get(key)
        if known is not None:
            return known
        # A recursive shape reaches itself before its checker exists; route through a cell filled below.
        cell: list[Checker] = []
        self.memo[key] = lambda value, path, out: cell[0](value, path, out)
        checker = self._build(shape)
        cell.append(checker)
        self.memo[key] = checker
        return checker

    def _build(self, shape: Shape) -> Checker:
        kind = shape.type_name
        if kind == "structure":
            if shape.metadata.get("document"):
                return accept_anything
            if shape.metadata.get("union"):
                return self._union(shape)
            return self._structure(shape)
        if kind == "list":
            return self._list(shape)
        if kind == "map":
            return self._map(shape)
        if kind == "string":
            return string_checker(shape, wire=self.mode.wire, anchored=self.mode.anchored)
        if kind in ("integer", "long"):
            return integer_checker(shape, wire=self.mode.wire)
        if kind in ("float", "double"):
            return float_checker(shape, wire=self.mode.wire)
        if kind == "boolean":
            return type_checker(bool, "a boolean", wire=self.mode.wire)
        if kind == "timestamp":
            return timestamp_checker(shape, wire=self.mode.wire)
        if kind == "blob":
            return blob_checker(shape, wire=self.mode.wire)
        raise ValueError(f"shape {shape.name} has type {kind!r}, which the shape checker does not know")

    def _members(self, shape: Shape) -> tuple[dict[str, tuple[str, Checker]], tuple[tuple[str, str], ...]]:
        """JSON key → (member name, checker) for the members this mode expects; the required (key, name)."""
        members: dict[str, tuple[str, Checker]] = {}
        # A body holds only body members, each under its JSON name; check_input and parsed values hold every
        # member under its member name.
        body_only = self.mode.wire and not self.mode.all_locations
        for name, member in shape.members.items():
            if body_only and member.serialization.get("location") in _NON_BODY:
                continue
            key = member.serialization.get("name", name) if body_only else name
            members[key] = (name, self.compile(member))
        by_name = {name: key for key, (name, _) in members.items()}
        required = tuple((by_name[name], name) for name in shape.required_members if name in by_name)
        return members, required

    def _structure(self, shape: Shape) -> Checker:
        members, required = self._members(shape)
        shape_name = shape.name
        ignore_unknown = self.mode.ignore_unknown
        wire = self.mode.wire

        def check(value: object, path: str, out: list[Violation]) -> None:
            if not isinstance(value, dict):
                out.append(wrong_type(path, f"an object ({shape_name})", value, wire))
                return
            for key, name in required:
                if key not in value:
                    out.append(missing(join(path, name), name, shape_name))
            for key, item in value.items():
                entry = members.get(key)
                if entry is None:
                    if not ignore_unknown:
                        out.append(unknown(join(path, key), f"{shape_name} has no member {key!r}"))
                    continue
                name, checker = entry
                if item is None:
                    out.append(null(join(path, name)))
                else:
                    checker(item, join(path, name), out)

        return check

    def _union(self, shape: Shape) -> Checker:
        members, _ = self._members(shape)
        shape_name = shape.name
        wire = self.mode.wire
        choices = ", ".join(name for name, _ in members.values())

        def check(value: object, path: str, out: list[Violation]) -> None:
            if not isinstance(value, dict):
                out.append(wrong_type(path, f"an object (union {shape_name})", value, wire))
                return
            chosen: list[str] = []
            for key, item in value.items():
                if wire and key == "__type":
                    continue  # restJson1 clients must ignore __type inside a union
                entry = members.get(key)
                if entry is None:
                    tag = sdk_unknown_tag(key, item, wire)
                    message = f"union {shape_name} has no member {tag!r} (members: {choices})"
                    out.append(unknown(join(path, tag), message))
                    chosen.append(tag)
                    continue
                name, checker = entry
                if item is None:
                    out.append(null(join(path, name)))
                    continue
                chosen.append(name)
                checker(item, join(path, name), out)
            if len(chosen) != 1:
                found = f"{len(chosen)} ({', '.join(chosen)})" if chosen else "none"
                message = f"exactly one member of union {shape_name} must be set ({choices}); found {found}"
                out.append(Violation(path, ViolationKind.UNION, message))

        return check

    def _list(self, shape: Shape) -> Checker:
        item_checker = self.compile(shape.member)
        low, high = shape.metadata.get("min"), shape.metadata.get("max")
        wire = self.mode.wire

        def check(value: object, path: str, out: list[Violation]) -> None:
            if not isinstance(value, list):
                out.append(wrong_type(path, "an array" if wire else "a list", value, wire))
                return
            count(path, len(value), low, high, "items", out)
            for index, item in enumerate(value):
                item_path = f"{path}[{index}]"
                if item is None:
                    out.append(null(item_path))
                else:
                    item_checker(item, item_path, out)

        return check

    def _map(self, shape: Shape) -> Checker:
        key_checker = self.compile(shape.key)
        value_checker = self.compile(shape.value)
        low, high = shape.metadata.get("min"), shape.metadata.get("max")
        wire = self.mode.wire

        def check(value: object, path: str, out: list[Violation]) -> None:
            if not isinstance(value, dict):
                out.append(wrong_type(path, "an object (map)", value, wire))
                return
            count(path, len(value), low, high, "entries", out)
            for key, item in value.items():
                entry_path = f"{path}[{quote(key)}]"
                key_found: list[Violation] = []
                key_checker(key, entry_path, key_found)
                out.extend(
                    Violation(v.path, v.kind, f"map key {quote(key)}: {v.message}", v.evidence) for v in key_found
                )
                if item is None:
                    out.append(null(entry_path))
                else:
                    value_checker(item, entry_path, out)

        return check
