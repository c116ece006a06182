"""Checks a value against a botocore shape and reports every violation with its exact path.

Two readings of a value (``wire``):

* ``wire=True`` — the JSON a restJson1 peer put in a body, as :func:`json.loads` returns it: timestamps are
  epoch-second numbers, blobs base64 strings, and members bound to headers/status are not in the body.
* ``wire=False`` — what boto3 parsed: timestamps are timezone-aware datetimes, blobs bytes.

The same walker validates requests in the reference emulator (:func:`check_input`), so it is compiled: each
shape becomes a tree of small closures once (per shape object and mode, cached weakly) and a check is a walk
of closures with no per-call model lookups. The paths it reports (``changes[0].specification.member``) are
the ``fieldList[].name`` form of a ValidationException.
"""

from __future__ import annotations

import base64
import binascii
import math
import threading
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import cache

from botocore.model import Shape

from conformance.model.patterns import compile_pattern, pattern_verdict
from conformance.model.releases import LATEST_MODEL, ModelAt
from conformance.model.service import operation, service_model
from conformance.model.violations import Evidence, Violation, ViolationKind

__all__ = ["check_error_body", "check_input", "check_output", "check_shape"]

Checker = Callable[[object, str, list[Violation]], None]
"""Appends the violations of ``value`` (found at ``path``) to the list."""

#: Output members bound to these locations travel outside the JSON body (restJson1).
_NON_BODY = frozenset({"header", "headers", "statusCode", "uri", "querystring"})

#: Epoch seconds of 2000-01-01 and 2100-01-01 UTC: a Clean Rooms resource time outside them is a unit or
#: encoding bug (milliseconds, nanoseconds, a zero), not a real time.
_EPOCH_LOW, _EPOCH_HIGH = 946_684_800, 4_102_444_800
#: Keys of an error body that name the error for the protocol (SMITHY) rather than carry a member.
_PROTOCOL_KEYS = frozenset({"__type", "code", "Code"})
_FLOAT_WORDS = frozenset({"NaN", "Infinity", "-Infinity"})  # restJson1's spelling of non-finite floats
_ENUM_SHOWN = 8
_VALUE_SHOWN = 60


@dataclass(frozen=True, slots=True)
class _Mode:
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


_OUTPUT_WIRE = _Mode(wire=True)
_PARSED = _Mode(wire=False)
_INPUT = _Mode(wire=True, all_locations=True, ignore_unknown=True, anchored=True)


def check_shape(shape: Shape, value: object, *, wire: bool, path: str = "") -> list[Violation]:
    """Every way ``value`` breaks ``shape`` (see the module docstring for the two modes)."""
    if not wire and not path and isinstance(value, dict) and "ResponseMetadata" in value:
        value = {k: v for k, v in value.items() if k != "ResponseMetadata"}  # boto3 adds it to every output
    return _run(shape, _OUTPUT_WIRE if wire else _PARSED, value, path)


def check_output(
    operation_name: str, value: Mapping[str, object], *, wire: bool, at: ModelAt = LATEST_MODEL
) -> list[Violation]:
    """Every way an operation's response (body JSON or parsed dict) breaks its output shape.

    At an older release (``at``, ``--api-version``) a response must conform to the model of that release *or* to
    the installed one, whichever allows more: only a violation under both is reported. A member that was optional
    then is not required (no output member added after 2025-09-03 is required today, but
    ``ProtectedJobParameters.analysisTemplateArn`` became required later), and a member or enum value that came
    later is no fault of an implementation that already returns it.
    """
    shape = operation(operation_name).output_shape
    if shape is None:
        extra = [key for key in value if wire or key != "ResponseMetadata"]
        return [_unknown(key, f"{operation_name} has no output") for key in extra]
    found = check_shape(shape, dict(value), wire=wire)
    if not found or at == LATEST_MODEL or not at.has_operation(operation_name):
        return found
    then = at.operation(operation_name).output_shape
    if then is None:
        return found
    also_then = {(v.path, v.kind) for v in check_shape(then, dict(value), wire=wire)}
    return [v for v in found if (v.path, v.kind) in also_then]


def check_input(operation_name: str, params: Mapping[str, object], *, at: ModelAt = LATEST_MODEL) -> list[Violation]:
    """Every way request parameters break the operation's input shape (server-side validation, as of ``at``).

    ``params`` holds every input member by name, whatever its HTTP location, with wire (JSON) values. Unknown
    structure members are ignored, as a restJson1 server ignores them; an unknown union member is reported.
    At an older release, a member added since is such an unknown member, and an enum value added since is no
    value of the enum.
    """
    shape = at.operation(operation_name).input_shape
    if shape is None:
        return []
    return _run(shape, _INPUT, dict(params), "")


def check_error_body(error_code: str, body: Mapping[str, object]) -> list[Violation]:
    """Every way a decoded error body breaks the modelled error shape named ``error_code``.

    The protocol's own keys (``__type``, ``code``, ``Code``) are not members and are skipped. ``Message`` is
    what botocore also reads as the message, but the modelled member is ``message``; it is reported as an
    unknown member with inferred evidence. A code that names no modelled error shape (a common AWS error)
    has no body contract here: the result is empty.
    """
    shape = _error_shape(error_code)
    if shape is None:
        return []
    members = shape.members
    found: list[Violation] = []
    cleaned: dict[str, object] = {}
    for key, item in body.items():
        if key == "Message" and key not in members:
            message = (
                f"{shape.name} models 'message' (lowercase); botocore also reads 'Message', "
                "but it is not the modelled member"
            )
            found.append(_unknown(key, message, evidence="inferred"))
        elif key in members or key not in _PROTOCOL_KEYS:
            cleaned[key] = item
    return found + _run(shape, _OUTPUT_WIRE, cleaned, "")


@cache
def _error_shape(error_code: str) -> Shape | None:
    model = service_model()
    if error_code not in model.shape_names:
        return None
    shape = model.shape_for(error_code)
    return shape if shape.metadata.get("exception") else None


# --- compilation -------------------------------------------------------------------------------------------

_compiled: weakref.WeakKeyDictionary[Shape, dict[_Mode, Checker]] = weakref.WeakKeyDictionary()
_compiled_lock = threading.Lock()


def _run(shape: Shape, mode: _Mode, value: object, path: str) -> list[Violation]:
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

    def __init__(self, mode: _Mode) -> None:
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
                return _accept_anything
            if shape.metadata.get("union"):
                return self._union(shape)
            return self._structure(shape)
        if kind == "list":
            return self._list(shape)
        if kind == "map":
            return self._map(shape)
        if kind == "string":
            return _string_checker(shape, wire=self.mode.wire, anchored=self.mode.anchored)
        if kind in ("integer", "long"):
            return _integer_checker(shape, wire=self.mode.wire)
        if kind in ("float", "double"):
            return _float_checker(shape, wire=self.mode.wire)
        if kind == "boolean":
            return _type_checker(bool, "a boolean", wire=self.mode.wire)
        if kind == "timestamp":
            return _timestamp_checker(shape, wire=self.mode.wire)
        if kind == "blob":
            return _blob_checker(shape, wire=self.mode.wire)
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
                out.append(_wrong_type(path, f"an object ({shape_name})", value, wire))
                return
            for key, name in required:
                if key not in value:
                    out.append(_missing(_join(path, name), name, shape_name))
            for key, item in value.items():
                entry = members.get(key)
                if entry is None:
                    if not ignore_unknown:
                        out.append(_unknown(_join(path, key), f"{shape_name} has no member {key!r}"))
                    continue
                name, checker = entry
                if item is None:
                    out.append(_null(_join(path, name)))
                else:
                    checker(item, _join(path, name), out)

        return check

    def _union(self, shape: Shape) -> Checker:
        members, _ = self._members(shape)
        shape_name = shape.name
        wire = self.mode.wire
        choices = ", ".join(name for name, _ in members.values())

        def check(value: object, path: str, out: list[Violation]) -> None:
            if not isinstance(value, dict):
                out.append(_wrong_type(path, f"an object (union {shape_name})", value, wire))
                return
            chosen: list[str] = []
            for key, item in value.items():
                if wire and key == "__type":
                    continue  # restJson1 clients must ignore __type inside a union
                entry = members.get(key)
                if entry is None:
                    tag = _sdk_unknown_tag(key, item, wire)
                    message = f"union {shape_name} has no member {tag!r} (members: {choices})"
                    out.append(_unknown(_join(path, tag), message))
                    chosen.append(tag)
                    continue
                name, checker = entry
                if item is None:
                    out.append(_null(_join(path, name)))
                    continue
                chosen.append(name)
                checker(item, _join(path, name), out)
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
                out.append(_wrong_type(path, "an array" if wire else "a list", value, wire))
                return
            _count(path, len(value), low, high, "items", out)
            for index, item in enumerate(value):
                item_path = f"{path}[{index}]"
                if item is None:
                    out.append(_null(item_path))
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
                out.append(_wrong_type(path, "an object (map)", value, wire))
                return
            _count(path, len(value), low, high, "entries", out)
            for key, item in value.items():
                entry_path = f"{path}[{_quote(key)}]"
                key_found: list[Violation] = []
                key_checker(key, entry_path, key_found)
                out.extend(
                    Violation(v.path, v.kind, f"map key {_quote(key)}: {v.message}", v.evidence)
                    for v in key_found
                )
                if item is None:
                    out.append(_null(entry_path))
                else:
                    value_checker(item, entry_path, out)

        return check


# --- scalar checkers ---------------------------------------------------------------------------------------


def _accept_anything(value: object, path: str, out: list[Violation]) -> None:
    """Document values are free-form JSON."""


def _type_checker(expected: type, label: str, *, wire: bool) -> Checker:
    def check(value: object, path: str, out: list[Violation]) -> None:
        if type(value) is not expected:
            out.append(_wrong_type(path, label, value, wire))

    return check


def _string_checker(shape: Shape, *, wire: bool, anchored: bool) -> Checker:
    meta = shape.metadata
    enum = frozenset(meta.get("enum", ()))
    enum_text = _enum_text(shape.name, meta.get("enum", ()))
    low, high = meta.get("min"), meta.get("max")
    pattern: str | None = meta.get("pattern")
    compiled = compile_pattern(pattern) if pattern is not None else None
    sensitive = bool(meta.get("sensitive"))

    def check(value: object, path: str, out: list[Violation]) -> None:
        if not isinstance(value, str):
            out.append(_wrong_type(path, "a string", value, wire))
            return
        shown = _show(value, sensitive)
        if enum and value not in enum:
            out.append(Violation(path, ViolationKind.ENUM, f"expected {enum_text}, found {shown}"))
        size = len(value)  # code points, as Smithy counts length (SMITHY-C)
        if (low is not None and size < low) or (high is not None and size > high):
            message = f"expected length {_bounds(low, high)}, found {size} ({shown})"
            out.append(Violation(path, ViolationKind.LENGTH, message))
        if pattern is not None and compiled is not None and compiled.fullmatch(value) is None:
            verdict = pattern_verdict(pattern, value)
            if verdict == "no-match":
                message = f"{shown} does not match the pattern {pattern!r}"
                out.append(Violation(path, ViolationKind.PATTERN, message))
            elif verdict == "search-only" and anchored:
                message = (
                    f"{shown} does not match the whole pattern {pattern!r}; it matches only under Smithy's "
                    "unanchored reading"
                )
                out.append(Violation(path, ViolationKind.PATTERN, message, "inferred"))

    return check


def _integer_checker(shape: Shape, *, wire: bool) -> Checker:
    low, high = shape.metadata.get("min"), shape.metadata.get("max")

    def check(value: object, path: str, out: list[Violation]) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            out.append(_wrong_type(path, "an integer", value, wire))
            return
        _range(path, value, low, high, out)

    return check


def _float_checker(shape: Shape, *, wire: bool) -> Checker:
    low, high = shape.metadata.get("min"), shape.metadata.get("max")

    def check(value: object, path: str, out: list[Violation]) -> None:
        if wire and isinstance(value, str) and value in _FLOAT_WORDS:
            return
        if isinstance(value, bool) or not isinstance(value, int | float):
            out.append(_wrong_type(path, "a number", value, wire))
            return
        if not math.isnan(value):
            _range(path, value, low, high, out)

    return check


def _timestamp_checker(shape: Shape, *, wire: bool) -> Checker:
    style = shape.serialization.get("timestampFormat", "epoch-seconds")

    def check_wire(value: object, path: str, out: list[Violation]) -> None:
        if style == "epoch-seconds":
            if isinstance(value, bool) or not isinstance(value, int | float):
                message = f"expected a JSON number of epoch seconds, found {_describe(value, wire=True)}"
                out.append(Violation(path, ViolationKind.TIMESTAMP, message))
                return
            _plausible(path, value, out)
            return
        moment = _parse_text_timestamp(value, style)
        if moment is None:
            message = f"expected a {style} timestamp string, found {_describe(value, wire=True)}"
            out.append(Violation(path, ViolationKind.TIMESTAMP, message))
        else:
            _plausible(path, moment.timestamp(), out)

    def check_parsed(value: object, path: str, out: list[Violation]) -> None:
        if not isinstance(value, datetime):
            message = f"expected a datetime, found {_describe(value, wire=False)}"
            out.append(Violation(path, ViolationKind.TIMESTAMP, message))
        elif value.tzinfo is None or value.utcoffset() is None:
            out.append(
                Violation(path, ViolationKind.TIMESTAMP, f"expected a timezone-aware datetime, found {value}")
            )
        else:
            _plausible(path, value.timestamp(), out)

    return check_wire if wire else check_parsed


def _blob_checker(shape: Shape, *, wire: bool) -> Checker:
    low, high = shape.metadata.get("min"), shape.metadata.get("max")

    def check(value: object, path: str, out: list[Violation]) -> None:
        data: bytes
        if wire:
            if not isinstance(value, str):
                out.append(_wrong_type(path, "a base64 string", value, wire))
                return
            try:
                data = base64.b64decode(value, validate=True)
            except (binascii.Error, ValueError):
                out.append(
                    Violation(path, ViolationKind.WRONG_TYPE, f"expected base64, found {_show(value, False)}")
                )
                return
        elif isinstance(value, bytes | bytearray):
            data = bytes(value)
        else:
            out.append(_wrong_type(path, "bytes", value, wire))
            return
        if (low is not None and len(data) < low) or (high is not None and len(data) > high):
            message = f"expected {_bounds(low, high)} bytes, found {len(data)}"
            out.append(Violation(path, ViolationKind.LENGTH, message))

    return check


def _parse_text_timestamp(value: object, style: str) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        if style == "http-date":
            moment = parsedate_to_datetime(value)
        else:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _plausible(path: str, seconds: float, out: list[Violation]) -> None:
    if not _EPOCH_LOW <= seconds < _EPOCH_HIGH:
        hint = "; it looks like milliseconds" if _EPOCH_LOW * 1000 <= seconds < _EPOCH_HIGH * 1000 else ""
        message = f"{seconds!r} is not a plausible time in epoch seconds (2000-01-01 to 2100-01-01){hint}"
        out.append(Violation(path, ViolationKind.TIMESTAMP, message))


# --- violation builders ------------------------------------------------------------------------------------


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _quote(key: object) -> str:
    text = str(key).replace("\\", "\\\\").replace("'", "\\'")
    return f"'{text}'"


def _missing(path: str, name: str, shape_name: str) -> Violation:
    return Violation(
        path, ViolationKind.MISSING_REQUIRED, f"required member {name!r} of {shape_name} is missing"
    )


def _unknown(path: str, message: str, *, evidence: Evidence = "model") -> Violation:
    return Violation(path, ViolationKind.UNKNOWN_MEMBER, message, evidence)


def _null(path: str) -> Violation:
    message = "null was sent; a restJson1 peer omits an absent member instead of sending null"
    return Violation(path, ViolationKind.WRONG_TYPE, message)


def _wrong_type(path: str, expected: str, value: object, wire: bool) -> Violation:
    return Violation(path, ViolationKind.WRONG_TYPE, f"expected {expected}, found {_describe(value, wire)}")


def _sdk_unknown_tag(key: str, item: object, wire: bool) -> str:
    """Botocore parses an unknown union member into ``{"SDK_UNKNOWN_MEMBER": {"name": tag}}``."""
    if (
        not wire
        and key == "SDK_UNKNOWN_MEMBER"
        and isinstance(item, dict)
        and isinstance(item.get("name"), str)
    ):
        return str(item["name"])
    return key


def _count(path: str, size: int, low: int | None, high: int | None, noun: str, out: list[Violation]) -> None:
    if (low is not None and size < low) or (high is not None and size > high):
        message = f"expected {_bounds(low, high)} {noun}, found {size}"
        out.append(Violation(path, ViolationKind.ITEM_COUNT, message))


def _range(path: str, value: float, low: float | None, high: float | None, out: list[Violation]) -> None:
    if (low is not None and value < low) or (high is not None and value > high):
        message = f"expected a value {_bounds(low, high)}, found {value!r}"
        out.append(Violation(path, ViolationKind.RANGE, message))


def _bounds(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f"exactly {low}" if low == high else f"between {low} and {high}"
    return f"at least {low}" if low is not None else f"at most {high}"


def _enum_text(shape_name: str, values: list[str] | tuple[str, ...]) -> str:
    shown = ", ".join(values[:_ENUM_SHOWN]) + (", ..." if len(values) > _ENUM_SHOWN else "")
    return f"one of {shape_name} ({shown})"


def _show(value: str, sensitive: bool) -> str:
    if sensitive:
        return f"<sensitive, {len(value)} characters>"
    text = repr(value)
    return text if len(text) <= _VALUE_SHOWN else f"{text[:_VALUE_SHOWN]}...' ({len(value)} characters)"


_JSON_TYPES: Mapping[type, str] = {
    bool: "a boolean",
    int: "a number",
    float: "a number",
    str: "a string",
    list: "an array",
    dict: "an object",
}


def _describe(value: object, wire: bool) -> str:
    """What was found, in JSON words on the wire and Python words for parsed values."""
    if value is None:
        return "null" if wire else "None"
    name = type(value).__name__
    label = _JSON_TYPES.get(type(value), name) if wire else name
    if isinstance(value, dict | list):
        return label
    shown = _show(value, False) if isinstance(value, str) else repr(value)[:_VALUE_SHOWN]
    return f"{label} {shown}"
