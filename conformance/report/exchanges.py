"""The ``request`` and ``response`` mappings of a :class:`~conformance.report.records.CheckRecord`.

Every reader of results.json (the HTML report, coverage, comparison, redaction) relies on one layout, so it is
built in one place:

- request: ``{"params": {...}, "method": "POST", "url": "...", "headers": {...}, "body": <json|text|None>}``
  (``params`` are the rendered API parameters; the wire keys are present only when a request was sent);
- response: ``{"status": 409, "headers": {...}, "body": <json|text|None>}``, header names lower-case.

A record keeps at most :data:`KEPT_BYTES` of any body, of the parameters and of the URL, and
:data:`KEPT_HEADER_CHARS` of a header value: a target may answer with megabytes, a scenario may send them, and
every record of a run is held in memory until the report is written. What is cut keeps its first bytes as text,
with ``<key>_size`` (the full size) and ``<key>_cut: true`` beside it (``body_size``, ``params_size``...).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from conformance.model.exchange import Exchange, UnreadableJson, read_json, redact_headers
from conformance.model.wire import error_code_of

from .records import to_plain

KEPT_BYTES = 64 * 1024
"""The most of a body (request or response), of the parameters or of a URL that a record keeps. A Clean Rooms
answer is a few KB (a list page of 100 entries ~30 KB), so only the abnormal is ever cut."""
KEPT_HEADER_CHARS = 4096
"""The most of one header value a record keeps (a hostile target may send 100 headers of 64 KiB each)."""


def request_mapping(params: Mapping[str, Any] | None, exchange: Exchange | None) -> dict[str, Any]:
    """The request of one step: what the scenario asked for and, when sent, what went on the wire."""
    request: dict[str, Any] = _kept_params(params)
    if exchange is not None and exchange.method:
        request.update(method=exchange.method)
        request.update(_kept_text("url", exchange.url))
        request.update(headers=_kept_headers(redact_headers(exchange.request_headers)))
        request.update(body_fields(exchange.request_body))
    return request


def response_mapping(exchange: Exchange | None) -> dict[str, Any] | None:
    """The raw response of one step, or None when nothing came back (status 0)."""
    if exchange is None or exchange.status == 0:
        return None
    return {
        "status": exchange.status,
        "headers": _kept_headers({k.lower(): str(v) for k, v in exchange.response_headers.items()}),
        **body_fields(exchange.response_body),
    }


def body_fields(raw: bytes) -> dict[str, Any]:
    """``{"body": ...}`` as :func:`decode_body` gives it; a body over :data:`KEPT_BYTES` keeps its first bytes."""
    if len(raw) <= KEPT_BYTES:
        return {"body": decode_body(raw)}
    return {"body": raw[:KEPT_BYTES].decode("utf-8", "replace"), "body_size": len(raw), "body_cut": True}


def decode_body(raw: bytes) -> Any:
    """JSON when the bytes are JSON (no deeper than the model layer reads), text otherwise, None when empty."""
    if not raw:
        return None
    try:
        return read_json(raw)
    except UnreadableJson:
        return raw.decode("utf-8", "replace")


def _kept_params(params: Mapping[str, Any] | None) -> dict[str, Any]:
    if params is None:
        return {"params": None}
    plain = to_plain(params)
    if not _larger_than(plain, KEPT_BYTES):
        return {"params": plain}
    text = json.dumps(plain, ensure_ascii=False, default=str)
    return {"params": text[:KEPT_BYTES], "params_size": len(text), "params_cut": True}


def _kept_text(key: str, text: str) -> dict[str, Any]:
    if len(text) <= KEPT_BYTES:
        return {key: text}
    return {key: text[:KEPT_BYTES], f"{key}_size": len(text), f"{key}_cut": True}


def _kept_headers(headers: Mapping[str, str]) -> dict[str, str]:
    return {
        k: v if len(v) <= KEPT_HEADER_CHARS else f"{v[:KEPT_HEADER_CHARS]}... (cut: {len(v):,} characters)"
        for k, v in headers.items()
    }


def _larger_than(value: Any, limit: int) -> bool:
    """Whether plain JSON ``value`` takes more than about ``limit`` characters; stops as soon as it does."""
    size = 0
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            size += len(item) + 2
        elif isinstance(item, dict):
            size += 2
            for key, member in item.items():
                size += len(key) + 4
                pending.append(member)
        elif isinstance(item, list):
            size += 2 + len(item)
            pending.extend(item)
        else:
            size += 8
        if size > limit:
            return True
    return False


def error_code(response: Mapping[str, Any] | None) -> str | None:
    """The restJson1 error a recorded response names (None for a success or when nothing names it)."""
    if not response:
        return None
    status = response.get("status")
    if isinstance(status, int) and status < 300:
        return None
    body = response.get("body")
    # The model's rules read raw bytes; the record holds the decoded body, so it is encoded back.
    raw = json.dumps(body).encode() if isinstance(body, Mapping) else b""
    headers = {str(k): str(v) for k, v in (response.get("headers") or {}).items()}
    return error_code_of(headers, raw)
