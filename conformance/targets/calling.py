"""Makes one API call and classifies what happened: parsed success, service error or transport failure.

``call()`` never raises for what the *target* did (an error status, a refused or dropped connection, a
timeout, a body botocore cannot parse): those are findings, returned as a :class:`CallResult` with the raw
exchange.
It raises :class:`RequestBuildError` only for what the *caller* did wrong (an unknown parameter), because
nothing was sent and there is nothing to judge.

Each client gets :class:`Instruments`: the model layer's :class:`Recorder` for the raw exchange, a capture of
the raw response taken before parsing (the Recorder's ``after-call`` never fires when parsing fails, and that
is exactly when the raw body matters), and a per-thread body override for ``raw_body`` calls.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import replace
from types import MappingProxyType
from typing import Any

from botocore.client import BaseClient
from botocore.exceptions import ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as BotocoreConnectionError
from botocore.parsers import ResponseParserError

from conformance.model.exchange import CallResult, Exchange, Recorder, TooDeepJson, UnreadableJson, read_json
from conformance.model.service import UnknownOperationError, operation
from conformance.targets.bounded import ResponseLimitError
from conformance.targets.errors import RequestBuildError, TargetError

_TRANSPORT_ERRORS = (HTTPClientError, BotocoreConnectionError)


class Instruments:
    """The hooks ``call()`` relies on, attached once to a client."""

    def __init__(self, client: BaseClient) -> None:
        self.recorder = Recorder()
        self.recorder.attach(client)
        #: Operation name → client method name, from botocore's own table (its name conversion has quirks).
        self.methods: Mapping[str, str] = MappingProxyType(
            {op: py for py, op in client.meta.method_to_api_mapping.items()}
        )
        self._local = threading.local()
        events = client.meta.events
        tag = f"conformance-instruments-{id(self)}"
        events.register("before-sign.cleanrooms", self._replace_body, unique_id=f"{tag}-body")
        events.register("before-parse.cleanrooms", self._capture_response, unique_id=f"{tag}-response")
        # First in line, so a later handler's failure is not mistaken for an unparseable response.
        events.register_first("after-call.cleanrooms", self._mark_parsed, unique_id=f"{tag}-parsed")

    def reset(self, raw_body: bytes | None = None) -> None:
        """Forget this thread's previous call; ``raw_body`` replaces the body of the next request."""
        self.recorder.reset()
        self._local.raw_body = raw_body
        self._local.response = None
        self._local.parsed = False

    def clear_body(self) -> None:
        self._local.raw_body = None

    def exchange(self, operation_name: str = "") -> Exchange | None:
        """The raw exchange of this thread's last call, including a response botocore could not parse."""
        exchange = self.recorder.last
        response: Mapping[str, Any] | None = getattr(self._local, "response", None)
        if exchange is not None and exchange.status == 0 and response is not None:
            exchange = replace(
                exchange,
                status=int(response["status_code"]),
                response_headers=MappingProxyType({str(k).lower(): str(v) for k, v in response["headers"].items()}),
                response_body=bytes(response["body"] or b""),
            )
        if exchange is not None and not exchange.operation:
            # A request that got no response never reaches the Recorder's after-call, which names it.
            exchange = replace(exchange, operation=operation_name)
        return exchange

    @property
    def response_arrived(self) -> bool:
        return getattr(self._local, "response", None) is not None

    @property
    def parsed(self) -> bool:
        return bool(getattr(self._local, "parsed", False))

    def _replace_body(self, request: Any, **_: Any) -> None:
        body: bytes | None = getattr(self._local, "raw_body", None)
        if body is None:
            return
        # Before signing, so SigV4's payload hash covers the bytes that are really sent.
        request.data = body
        request.headers["Content-Length"] = str(len(body))
        self._local.raw_body = None  # one request only

    def _capture_response(self, response_dict: Mapping[str, Any], **_: Any) -> None:
        self._local.response = response_dict

    def note_response(self, status: int, headers: Mapping[str, str], body: bytes) -> None:
        """Keep a response botocore never parsed (one that broke the call's limits) as this call's exchange."""
        self._local.response = {"status_code": status, "headers": headers, "body": body}

    def _mark_parsed(self, **_: Any) -> None:
        self._local.parsed = True


def call(
    client: BaseClient,
    instruments: Instruments,
    operation_name: str,
    params: Mapping[str, Any],
    *,
    raw_body: bytes | None = None,
) -> CallResult:
    """Call ``operation_name`` with ``params``; the module docstring says what is raised, what returned."""
    method = _method(client, instruments, operation_name)
    kwargs = _checked_params(operation_name, params)
    if raw_body is not None and not isinstance(raw_body, bytes):
        raise RequestBuildError(f"raw_body of {operation_name} must be bytes, got {type(raw_body).__name__}")
    instruments.reset(raw_body)
    start = time.perf_counter()
    try:
        response = method(**kwargs)
    except ClientError as exc:
        error = {k: v for k, v in exc.response.items() if k != "ResponseMetadata"}
        code = str(exc.response.get("Error", {}).get("Code", "")) or "Unknown"
        return _result(operation_name, instruments, start, error_code=code, error=error)
    except ResponseParserError as exc:
        return _result(operation_name, instruments, start, transport_error=f"unparseable response: {_line(exc)}")
    except ResponseLimitError as exc:
        # Too slow, too large or cut short: botocore never saw a response, so what did arrive is kept here
        # (nothing, status 0, when the headers themselves never all came).
        if exc.status:
            instruments.note_response(exc.status, exc.headers, exc.body)
        return _result(operation_name, instruments, start, transport_error=str(exc))
    except _TRANSPORT_ERRORS as exc:
        return _result(operation_name, instruments, start, transport_error=_line(exc))
    except TargetError:
        raise  # a guard refused the request before sending (targets.aws); its message says why
    except Exception as exc:
        if instruments.response_arrived and not instruments.parsed:
            # botocore's parsers raise plain ValueError/AttributeError/... on bodies they cannot read.
            return _result(operation_name, instruments, start, transport_error=f"unparseable response: {_line(exc)}")
        if instruments.recorder.last is None:
            raise RequestBuildError(
                f"botocore could not build the {operation_name} request from {dict(kwargs)!r}: {_line(exc)}; "
                "check the parameters against the model"
            ) from exc
        raise
    finally:
        instruments.clear_body()  # a raw body is for this call only, even if it failed before sending
    parsed = {k: v for k, v in response.items() if k != "ResponseMetadata"}
    exchange = instruments.recorder.last
    problem = _unparseable_success(exchange, parsed)
    if problem is not None:
        return CallResult(operation_name, transport_error=problem, exchange=exchange, duration_s=_since(start))
    return CallResult(operation_name, parsed=parsed, exchange=exchange, duration_s=_since(start))


def _method(client: BaseClient, instruments: Instruments, operation_name: str) -> Any:
    try:
        operation(operation_name)
    except UnknownOperationError as exc:
        raise TargetError(f"{exc}; operation names are the model's, like CreateCollaboration") from None
    name = instruments.methods.get(operation_name)
    if name is None:  # the model has it but this client's botocore does not: a version mismatch
        raise TargetError(f"the botocore client has no method for {operation_name}; reinstall the pinned botocore")
    return getattr(client, name)


def _checked_params(operation_name: str, params: Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(params, Mapping):
        raise RequestBuildError(f"parameters of {operation_name} must be a mapping, got {type(params).__name__}")
    shape = operation(operation_name).input_shape
    members = tuple(shape.members) if shape is not None else ()
    unknown = [k for k in params if k not in members]
    if unknown:
        # botocore would fail with a bare KeyError deep in its serializer; say which names are wrong instead.
        raise RequestBuildError(
            f"{operation_name} has no parameter {', '.join(map(repr, unknown))}; "
            f"its parameters are: {', '.join(members) or '(none)'}"
        )
    return dict(params)


def _unparseable_success(exchange: Exchange | None, parsed: Mapping[str, Any]) -> str | None:
    """A 2xx body that is not JSON: botocore quietly turns it into an empty result, which would hide it."""
    if exchange is None or parsed or not exchange.response_body.strip():
        return None
    try:
        read_json(exchange.response_body)
    except UnreadableJson as exc:
        kind = exchange.response_headers.get("content-type", "no content-type")
        what = str(exc) if isinstance(exc, TooDeepJson) else "not JSON"
        return f"unparseable response: HTTP {exchange.status} body is {what} ({kind}): {exchange.response_body[:80]!r}"
    return None


def _result(operation_name: str, instruments: Instruments, start: float, **outcome: Any) -> CallResult:
    return CallResult(
        operation_name, exchange=instruments.exchange(operation_name), duration_s=_since(start), **outcome
    )


def _since(start: float) -> float:
    return time.perf_counter() - start


def _line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
