"""The ``request`` and ``response`` mappings of a :class:`~conformance.report.records.CheckRecord`.

Every reader of results.json (the HTML report, coverage, comparison, redaction) relies on one layout, so it is
built in one place:

- request: ``{"params": {...}, "method": "POST", "url": "...", "headers": {...}, "body": <json|text|None>}``
  (``params`` are the rendered API parameters; the wire keys are present only when a request was sent);
- response: ``{"status": 409, "headers": {...}, "body": <json|text|None>}``, header names lower-case.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from conformance.model.exchange import Exchange, redact_headers
from conformance.model.wire import error_code_of

from .records import to_plain


def request_mapping(params: Mapping[str, Any] | None, exchange: Exchange | None) -> dict[str, Any]:
    """The request of one step: what the scenario asked for and, when sent, what went on the wire."""
    request: dict[str, Any] = {"params": to_plain(params) if params is not None else None}
    if exchange is not None and exchange.method:
        request.update(
            method=exchange.method,
            url=exchange.url,
            headers=redact_headers(exchange.request_headers),
            body=decode_body(exchange.request_body),
        )
    return request


def response_mapping(exchange: Exchange | None) -> dict[str, Any] | None:
    """The raw response of one step, or None when nothing came back (status 0)."""
    if exchange is None or exchange.status == 0:
        return None
    return {
        "status": exchange.status,
        "headers": {k.lower(): str(v) for k, v in exchange.response_headers.items()},
        "body": decode_body(exchange.response_body),
    }


def decode_body(raw: bytes) -> Any:
    """JSON when the bytes are JSON, text otherwise, None when empty."""
    if not raw:
        return None
    text = raw.decode("utf-8", "replace")
    try:
        return json.loads(text)
    except ValueError:
        return text


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
