"""restJson1 on the wire: decoding request bodies, encoding success and error responses (docs/behaviour.md §6).

Errors carry their shape name twice over for clients of every age: the ``X-Amzn-ErrorType`` header (what a
new server must send) and the modelled body members with a lowercase ``message``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from conformance.reference.errors import ApiError, serialization

_JSON = "application/json"
_encode = json.JSONEncoder(separators=(",", ":")).encode


@dataclass(frozen=True, slots=True)
class Response:
    """One HTTP response before framing; the server adds Content-Length and connection headers."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


def decode_body(raw: bytes, refuse: Callable[[str], ApiError] = serialization) -> dict[str, Any]:
    """The JSON object in a request body ({} for an empty body), or the error ``refuse`` makes (400).

    ``refuse`` is :func:`~conformance.reference.errors.serialization` unless the emulator reads a malformed
    body as a validation failure (``bad_json=validation``).
    """
    if not raw.strip():
        return {}
    try:
        # Decode strictly first: json.loads(bytes) would guess UTF-16/32, which restJson1 does not allow.
        value = json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)
    except UnicodeDecodeError:
        raise refuse("The request body is not valid UTF-8") from None
    except (ValueError, RecursionError) as exc:
        raise refuse(f"The request body is not valid JSON: {_first_line(exc)}") from None
    if not isinstance(value, dict):
        raise refuse(f"The request body must be a JSON object, not {type(value).__name__}")
    return value


def success(status: int, body: dict[str, Any] | None, request_id: str) -> Response:
    if body is None:
        return Response(status, (("x-amzn-requestid", request_id),), b"")
    return Response(status, (("Content-Type", _JSON), ("x-amzn-requestid", request_id)), _encode(body).encode())


def failure(error: ApiError, request_id: str, *, typed: bool = True) -> Response:
    """``typed=False`` is the ``untyped-errors`` defect: the same body without any error-type component."""
    headers: tuple[tuple[str, str], ...] = (("Content-Type", _JSON), ("x-amzn-requestid", request_id))
    if typed:
        headers += (("X-Amzn-ErrorType", error.code),)
    return Response(error.status, headers, _encode(error.body()).encode())


def _refuse_constant(name: str) -> Any:
    # Python's json accepts NaN/Infinity literals; JSON (RFC 8259) does not.
    raise ValueError(f"{name} is not a JSON value")


def _first_line(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0][:200]
