"""The rules of the shape checker: one closure per scalar shape, and the violations every check builds.

:mod:`conformance.model.shape_walk` calls these for the leaves of a shape tree and uses the violation builders
(``missing``, ``unknown``, ``wrong_type`` ...) for the containers, so every message is worded in one place.
"""

from __future__ import annotations

import base64
import binascii
import math
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from botocore.model import Shape

from conformance.model.patterns import compile_pattern, pattern_verdict
from conformance.model.violations import Violation, ViolationKind
from conformance.model.vocabulary import EvidenceLevel

Checker = Callable[[object, str, list[Violation]], None]
"""Appends the violations of ``value`` (found at ``path``) to the list."""

#: Epoch seconds of 2000-01-01 and 2100-01-01 UTC: a Clean Rooms resource time outside them is a unit or
#: encoding bug (milliseconds, nanoseconds, a zero), not a real time.
_EPOCH_LOW, _EPOCH_HIGH = 946_684_800, 4_102_444_800
_FLOAT_WORDS = frozenset({"NaN", "Infinity", "-Infinity"})  # restJson1's spelling of non-finite floats
_ENUM_SHOWN = 8
_VALUE_SHOWN = 60


# --- scalar checkers ---------------------------------------------------------------------------------------


def accept_anything(value: object, path: str, out: list[Violation]) -> None:
    """Document values are free-form JSON."""


def type_checker(expected: type, label: str, *, wire: bool) -> Checker:
    def check(value: object, path: str, out: list[Violation]) -> None:
        if type(value) is not expected:
            out.append(wrong_type(path, label, value, wire))

    return check


def string_checker(shape: Shape, *, wire: bool, anchored: bool) -> Checker:
    meta = shape.metadata
    enum = frozenset(meta.get("enum", ()))
    enum_text = _enum_text(shape.name, meta.get("enum", ()))
    low, high = meta.get("min"), meta.get("max")
    pattern: str | None = meta.get("pattern")
    compiled = compile_pattern(pattern) if pattern is not None else None
    sensitive = bool(meta.get("sensitive"))

    def check(value: object, path: str, out: list[Violation]) -> None:
        if not isinstance(value, str):
            out.append(wrong_type(path, "a string", value, wire))
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
                out.append(Violation(path, ViolationKind.PATTERN, message, EvidenceLevel.INFERRED))

    return check


def integer_checker(shape: Shape, *, wire: bool) -> Checker:
    low, high = shape.metadata.get("min"), shape.metadata.get("max")

    def check(value: object, path: str, out: list[Violation]) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            out.append(wrong_type(path, "an integer", value, wire))
            return
        _range(path, value, low, high, out)

    return check


def float_checker(shape: Shape, *, wire: bool) -> Checker:
    low, high = shape.metadata.get("min"), shape.metadata.get("max")

    def check(value: object, path: str, out: list[Violation]) -> None:
        if wire and isinstance(value, str) and value in _FLOAT_WORDS:
            return
        if isinstance(value, bool) or not isinstance(value, int | float):
            out.append(wrong_type(path, "a number", value, wire))
            return
        if not math.isnan(value):
            _range(path, value, low, high, out)

    return check


def timestamp_checker(shape: Shape, *, wire: bool) -> Checker:
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
            out.append(Violation(path, ViolationKind.TIMESTAMP, f"expected a timezone-aware datetime, found {value}"))
        else:
            _plausible(path, value.timestamp(), out)

    return check_wire if wire else check_parsed


def blob_checker(shape: Shape, *, wire: bool) -> Checker:
    low, high = shape.metadata.get("min"), shape.metadata.get("max")

    def check(value: object, path: str, out: list[Violation]) -> None:
        data: bytes
        if wire:
            if not isinstance(value, str):
                out.append(wrong_type(path, "a base64 string", value, wire))
                return
            try:
                data = base64.b64decode(value, validate=True)
            except (binascii.Error, ValueError):
                out.append(Violation(path, ViolationKind.WRONG_TYPE, f"expected base64, found {_show(value, False)}"))
                return
        elif isinstance(value, bytes | bytearray):
            data = bytes(value)
        else:
            out.append(wrong_type(path, "bytes", value, wire))
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


def join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def quote(key: object) -> str:
    text = str(key).replace("\\", "\\\\").replace("'", "\\'")
    return f"'{text}'"


def missing(path: str, name: str, shape_name: str) -> Violation:
    return Violation(path, ViolationKind.MISSING_REQUIRED, f"required member {name!r} of {shape_name} is missing")


def unknown(path: str, message: str, *, evidence: EvidenceLevel = EvidenceLevel.MODEL) -> Violation:
    return Violation(path, ViolationKind.UNKNOWN_MEMBER, message, evidence)


def null(path: str) -> Violation:
    message = "null was sent; a restJson1 peer omits an absent member instead of sending null"
    return Violation(path, ViolationKind.WRONG_TYPE, message)


def wrong_type(path: str, expected: str, value: object, wire: bool) -> Violation:
    return Violation(path, ViolationKind.WRONG_TYPE, f"expected {expected}, found {_describe(value, wire)}")


def sdk_unknown_tag(key: str, item: object, wire: bool) -> str:
    """Botocore parses an unknown union member into ``{"SDK_UNKNOWN_MEMBER": {"name": tag}}``."""
    if not wire and key == "SDK_UNKNOWN_MEMBER" and isinstance(item, dict) and isinstance(item.get("name"), str):
        return str(item["name"])
    return key


def count(path: str, size: int, low: int | None, high: int | None, noun: str, out: list[Violation]) -> None:
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
