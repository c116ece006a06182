"""Checks a raw restJson1 HTTP response (status, headers, bytes) against what the model and protocol require.

botocore forgives a lot — an ISO-8601 string where a timestamp number belongs, a 200 for a 204 operation, an
error it cannot name (it falls back to the status code) — so these checks read the bytes, not the parsed
value. The full output-shape check is :func:`conformance.model.shapecheck.check_output`, which the runner
calls separately; here only what the parsed value can no longer show is reported.
"""

from __future__ import annotations

from collections.abc import Mapping

from conformance.model.common_errors import is_known_error
from conformance.model.exchange import UnreadableJson, read_json
from conformance.model.service import error_status, operation
from conformance.model.shapecheck import check_error_body, check_shape
from conformance.model.violations import Violation, ViolationKind

__all__ = ["UNSUPPORTED_CODES", "check_wire", "error_code_of", "unsupported_reason"]

_ERROR_TYPE_HEADER = "x-amzn-errortype"

#: Error codes by which servers say "no such operation here".
UNSUPPORTED_CODES = frozenset(
    {
        "UnknownOperationException",
        "UnknownOperation",
        "InvalidAction",
        "NotImplemented",
        "NotImplementedException",
        "UnsupportedOperation",
        "UnsupportedOperationException",
    }
)
_SHOWN_BYTES = 80


class _NotJson:
    """Marks a body that is not JSON (kept apart from a JSON ``null``)."""


_NOT_JSON = _NotJson()


def error_code_of(headers: Mapping[str, str], body: bytes) -> str | None:
    """The error a restJson1 response names, or None when nothing names it.

    The rules of the protocol [SMITHY]: the ``X-Amzn-ErrorType`` header (any case) wins, then the body's
    ``code`` (or ``Code``, which botocore also reads), then its ``__type``. The value is cleaned by keeping
    the text before the first ``:`` and then the text after the first ``#``, so ``ns#FooError:http://...``
    names ``FooError``.
    """
    return _header_code(headers) or _body_code(_decode(body))


def check_wire(
    operation_name: str, status: int, headers: Mapping[str, str], body: bytes, *, timestamps: bool = True
) -> list[Violation]:
    """What the raw response of one call of ``operation_name`` gets wrong on the wire.

    ``timestamps=False`` leaves out the timestamps of a success body, which take a walk of the whole output
    shape: for a caller that runs :func:`~conformance.model.shapecheck.check_output` on the same body with
    ``wire=True`` anyway, where they come out as the same TIMESTAMP violations.
    """
    info = operation(operation_name)
    if 200 <= status < 300:
        return _check_success(operation_name, info.success_status, status, body, timestamps)
    if status < 200:
        return [Violation("", ViolationKind.STATUS, f"expected a final HTTP status, got {status}")]
    return _check_error(operation_name, status, headers, body)


def _check_success(operation_name: str, expected: int, status: int, body: bytes, timestamps: bool) -> list[Violation]:
    found: list[Violation] = []
    if status != expected:
        message = f"{operation_name} succeeds with HTTP {expected} in the model, got {status}"
        found.append(Violation("", ViolationKind.STATUS, message))
    if not body.strip():
        return found
    if status == 204:
        message = f"a 204 response carries no content, got {_first_bytes(body)}"
        return [*found, Violation("", ViolationKind.BODY, message)]
    document = _decode(body)
    if isinstance(document, _NotJson):
        return [*found, Violation("", ViolationKind.BODY, f"success body is not JSON: {_first_bytes(body)}")]
    if not isinstance(document, dict):
        message = f"a restJson1 output body is a JSON object, got {type(document).__name__}"
        return [*found, Violation("", ViolationKind.BODY, message)]
    shape = operation(operation_name).output_shape
    if shape is not None and timestamps:
        found += [v for v in check_shape(shape, document, wire=True) if v.kind is ViolationKind.TIMESTAMP]
    return found


def _check_error(operation_name: str, status: int, headers: Mapping[str, str], body: bytes) -> list[Violation]:
    found: list[Violation] = []
    document = _decode(body)
    code = _header_code(headers) or _body_code(document)
    modelled_status = error_status(code) if code is not None else None
    if code is None:
        message = (
            f"the error response (HTTP {status}) names no error type: no X-Amzn-ErrorType header and no "
            "code or __type in a JSON body"
        )
        found.append(Violation("", ViolationKind.ERROR_TYPE, message))
    else:
        if not is_known_error(operation_name, code):
            declared = ", ".join(operation(operation_name).errors)
            message = f"{code} is neither declared by {operation_name} ({declared}) nor a common AWS error"
            found.append(Violation("", ViolationKind.UNDECLARED_ERROR, message))
        if modelled_status is not None and status != modelled_status:
            message = f"{code} is modelled with HTTP {modelled_status}, got {status}"
            found.append(Violation("", ViolationKind.STATUS, message))
    if isinstance(document, _NotJson):
        what = "empty" if not body.strip() else f"not JSON: {_first_bytes(body)}"
        message = f"an error body is the error structure as a JSON object; this one is {what}"
        found.append(Violation("", ViolationKind.BODY, message))
    elif not isinstance(document, dict):
        message = f"an error body is the error structure as a JSON object, got {type(document).__name__}"
        found.append(Violation("", ViolationKind.BODY, message))
    elif code is not None and modelled_status is not None:
        found += check_error_body(code, document)
    return found


def _header_code(headers: Mapping[str, str]) -> str | None:
    for name, value in headers.items():
        if name.lower() == _ERROR_TYPE_HEADER:
            return _clean(value) or None
    return None


def _body_code(document: object) -> str | None:
    if not isinstance(document, dict):
        return None
    for key in ("code", "Code", "__type"):
        value = document.get(key)
        if isinstance(value, str) and (code := _clean(value)):
            return code
    return None


def _clean(value: str) -> str:
    code = value.split(":", 1)[0]
    if "#" in code:
        code = code.split("#", 1)[1]
    return code.strip()


def _decode(body: bytes) -> object:
    """The JSON value of a body, or :data:`_NOT_JSON` (not UTF-8 JSON, or nested too deep to walk safely)."""
    try:
        return read_json(body)
    except UnreadableJson:
        return _NOT_JSON


def _first_bytes(body: bytes) -> str:
    shown = repr(body[:_SHOWN_BYTES])
    return shown if len(body) <= _SHOWN_BYTES else f"{shown}... ({len(body)} bytes)"


def unsupported_reason(status: int, code: str | None, headers: Mapping[str, str], body: bytes) -> str | None:
    """Why an answer says the target lacks the operation, or None.

    HTTP 501, an unknown-operation error code, or a 404/405 that is an HTML page or names no Clean Rooms error
    (no such route). The one rule for UNSUPPORTED, shared by the scenario runner and the fuzz checks so both
    agree on what "not implemented" means. A 404 naming ResourceNotFoundException is an answer, not a missing
    route.
    """
    if status == 501:
        return f"HTTP 501{f' {code}' if code else ''}"
    if code in UNSUPPORTED_CODES:
        return f"{code} (HTTP {status})"
    if status in (404, 405):
        content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
        if "html" in content_type.lower() or body.lstrip()[:1] == b"<":
            return f"HTTP {status} with an HTML page (no such route)"
        if code is None or code == str(status) or error_status(code) is None:
            named = f" {code}" if code and code != str(status) else ""
            return f"HTTP {status}{named}, not a Clean Rooms error (no such route)"
    return None
