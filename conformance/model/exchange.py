"""Captures the raw HTTP exchange behind each botocore call, so wire checks see bytes, not parsed values.

botocore parses (and forgives) what a server sends; a conformance check has to look at what was actually on
the wire. A :class:`Recorder` hooks a client's ``before-send`` and ``after-call`` events (after-call fires
before a ``ClientError`` is raised, so errors are captured too).

:func:`read_json` is the one way the suite reads a JSON body a target sent: whatever the bytes, it returns a
value no deeper than :data:`MAX_JSON_DEPTH` or raises :class:`UnreadableJson` (a ``ValueError``), never a
``RecursionError`` from here or from the code that walks the value later.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from botocore.client import BaseClient

MAX_JSON_DEPTH = 64
"""The deepest nesting of objects and arrays :func:`read_json` accepts. The deepest Clean Rooms output shape is
10 levels; the rest is room for free-form document members. A bound far below the interpreter's recursion limit
means every recursive walk of a body (the shape checker, the report, deepdiff) stays safe."""


class UnreadableJson(ValueError):
    """A body that is not UTF-8 JSON, or nests deeper than :data:`MAX_JSON_DEPTH`; the message says which."""


class TooDeepJson(UnreadableJson):
    """JSON nested deeper than :data:`MAX_JSON_DEPTH`: well-formed, perhaps, but no Clean Rooms answer."""


def read_json(body: bytes) -> Any:
    """The JSON value of a body a target sent (restJson1 bodies are UTF-8 JSON); :class:`UnreadableJson` if none."""
    try:
        value = json.loads(body.decode("utf-8"))
    except RecursionError:
        # The C decoder stops at the interpreter's recursion limit: the body is deeper than anything readable.
        raise TooDeepJson(f"JSON nested more than {MAX_JSON_DEPTH} levels deep") from None
    except ValueError as exc:  # UnicodeDecodeError is one too
        raise UnreadableJson(f"not JSON: {exc}") from None
    # Counting brackets is a fast C loop; only a body with many of them needs its depth measured.
    if body.count(b"[") + body.count(b"{") > MAX_JSON_DEPTH and _deeper_than(value, MAX_JSON_DEPTH):
        raise TooDeepJson(f"JSON nested more than {MAX_JSON_DEPTH} levels deep")
    return value


def _deeper_than(value: Any, limit: int) -> bool:
    """Whether ``value`` nests objects/arrays more than ``limit`` deep, walked level by level (no recursion)."""
    level = [value] if type(value) in (dict, list) else []
    depth = 0
    while level:
        depth += 1
        if depth > limit:
            return True
        deeper = []
        for container in level:
            for item in container.values() if type(container) is dict else container:
                if type(item) in (dict, list):
                    deeper.append(item)
        level = deeper
    return False


#: Request headers that carry credentials or signatures; never stored in an Exchange.
SECRET_HEADERS = frozenset({"authorization", "x-amz-security-token", "x-amz-content-sha256"})


@dataclass(frozen=True, slots=True)
class Exchange:
    """One request and the raw response it got (status 0 and empty body when none arrived)."""

    operation: str
    method: str
    url: str
    request_headers: Mapping[str, str]
    request_body: bytes
    status: int = 0
    response_headers: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    response_body: bytes = b""


def redact_headers(headers: Mapping[str, Any]) -> dict[str, str]:
    """Copy of ``headers`` with credentials and signatures removed."""
    return {str(k): _text(v) for k, v in headers.items() if str(k).lower() not in SECRET_HEADERS}


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


class Recorder:
    """Remembers the last exchange of a client, per thread (clients may be shared across threads)."""

    def __init__(self) -> None:
        self._local = threading.local()

    def attach(self, client: BaseClient) -> None:
        events = client.meta.events
        events.register("before-send.cleanrooms", self._before_send, unique_id=f"conformance-rec-{id(self)}")
        events.register("after-call.cleanrooms", self._after_call, unique_id=f"conformance-ac-{id(self)}")

    def reset(self) -> None:
        self._local.request = None
        self._local.last = None

    @property
    def last(self) -> Exchange | None:
        """The last completed exchange; if the call failed on the transport, its request with status 0."""
        last: Exchange | None = getattr(self._local, "last", None)
        if last is not None:
            return last
        request: Exchange | None = getattr(self._local, "request", None)
        return request

    def _before_send(self, request: Any, **_: Any) -> None:
        body = request.body
        if body is None:
            data = b""
        elif isinstance(body, bytes):
            data = body
        elif isinstance(body, str):
            data = body.encode("utf-8")
        else:  # a file-like body; Clean Rooms never streams, so read what is there
            data = b""
        operation = str(request.context.get("operation_name", "")) if hasattr(request, "context") else ""
        self._local.last = None
        self._local.request = Exchange(
            operation=operation,
            method=str(request.method),
            url=str(request.url),
            request_headers=MappingProxyType(redact_headers(request.headers)),
            request_body=data,
        )

    def _after_call(self, http_response: Any, model: Any, **_: Any) -> None:
        request: Exchange | None = getattr(self._local, "request", None)
        base = request or Exchange(operation=model.name, method="", url="", request_headers={}, request_body=b"")
        self._local.last = Exchange(
            operation=model.name,
            method=base.method,
            url=base.url,
            request_headers=base.request_headers,
            request_body=base.request_body,
            status=int(http_response.status_code),
            response_headers=MappingProxyType({str(k).lower(): str(v) for k, v in http_response.headers.items()}),
            response_body=_content(http_response),
        )


@dataclass(frozen=True, slots=True)
class CallResult:
    """What one API call produced, as the step runner and the fuzzers see it.

    Exactly one of three things happened: a parsed success (``parsed``), a service error (``error_code``
    set, with ``error`` holding botocore's parsed error dict), or no usable answer (``transport_error``:
    refused, timed out, dropped). ``exchange`` is the raw HTTP exchange whenever a request was sent.
    """

    operation: str
    parsed: Mapping[str, Any] | None = None
    """The parsed response without ``ResponseMetadata`` (success only)."""
    error_code: str | None = None
    error: Mapping[str, Any] | None = None
    """botocore's parsed error response (``Error`` plus modelled members such as ``reason``)."""
    transport_error: str | None = None
    """A one-line description of a transport failure, e.g. ``ReadTimeoutError: ... read timeout=5``."""
    exchange: Exchange | None = None
    duration_s: float = 0.0

    @property
    def status(self) -> int:
        return self.exchange.status if self.exchange is not None else 0

    @property
    def ok(self) -> bool:
        return self.parsed is not None and self.error_code is None and self.transport_error is None


def _content(http_response: Any) -> bytes:
    # botocore's Stubber hands out responses with no raw stream (``raw=None``); reading ``content`` then fails.
    try:
        return bytes(http_response.content or b"")
    except AttributeError:
        return b""
