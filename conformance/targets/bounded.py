"""Reads every answer of a target within the call's deadline and size cap (:class:`~conformance.targets.spec.Timeouts`).

Socket timeouts alone do not bound a call: a read timeout restarts with every byte, so a target that trickles
one byte a second keeps a call alive for ever, and one that sends an endless body fills memory. Every client the
targets layer builds therefore sends its requests through :func:`install`, and the fuzz layer's ``requests``
session reads through :func:`read_within` as well (``bounded_requests.py``): one loop, one set of messages.

How botocore is made to read within limits, and why this way. botocore's public ``before-send`` event lets a
handler return the response instead of the endpoint sending the request (the endpoint takes the first answer a
handler gives). Nothing else in botocore can see the body before it is read whole. The handler here sends the
request with the client's own HTTP session (so proxies, TLS, the connection pool and botocore's mapping of
connection errors are all botocore's), asks that session not to read the body (``stream_output``: urllib3's
``preload_content=False``), and reads the body itself. Each socket read waits at most
``min(read timeout, time left)`` and the clock is checked after every read, so a call ends at the deadline
however slowly the bytes come. Reading stops as soon as the body is larger than the cap (or a Content-Length
says it will be), and a body shorter than its Content-Length is a truncated body (botocore itself reads with
``enforce_content_length=False`` and would hand a cut-off ``{}`` to the parser as if it were whole). Each case is
a :class:`ResponseLimitError`, which ``calling.call`` turns into the step's transport error (ERROR).

The private botocore names used are ``client._endpoint.http_session`` (the session the client already has) and
its ``_pool_classes_by_scheme``; botocore is pinned, and ``tests/hostile`` fails if either moves. Measured on the
reference emulator, the client's CPU per call is the same as with botocore's own read (within the noise of a few
percent).

The status line and headers are read inside botocore's send, where no code of ours runs between socket reads:
a target that trickles its *headers* a byte at a time would outlive any per-read timeout. That wait is bounded by
:mod:`conformance.targets.watchdog`, which shuts the call's socket at the deadline (the module says why a
watchdog, and how it finds the socket); :func:`install` gives the client's pools its connection classes. A call
the watchdog ended is the same :class:`ResponseLimitError`, with :func:`no_complete_answer`'s message.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from typing import Any, Protocol

from botocore.awsrequest import AWSResponse
from botocore.client import BaseClient
from botocore.exceptions import ConnectionClosedError, HTTPClientError, ReadTimeoutError
from urllib3.exceptions import ProtocolError
from urllib3.exceptions import ReadTimeoutError as Urllib3ReadTimeoutError

from conformance.targets import watchdog
from conformance.targets.spec import Timeouts

_CHUNK = 64 * 1024
"""Bytes asked for per read: a socket read returns what has arrived, up to this."""


# botocore ships no type hints, so mypy sees its classes as Any; the subclass is what matters: code that catches
# BotoCoreError or HTTPClientError around a client call (the cleanup, the account guard) catches this too.
class ResponseLimitError(HTTPClientError):  # type: ignore[misc]
    """A response that broke the call's limits: too slow, too large, or cut short. The message says which.

    ``status``, ``headers`` and ``body`` hold what did arrive (the body up to the cap), for the report.
    """

    fmt = "{message}"

    def __init__(self, message: str, *, status: int, headers: Mapping[str, str], body: bytes) -> None:
        super().__init__(message=message)
        self.status = status
        self.headers = {str(k): str(v) for k, v in headers.items()}
        self.body = body


class _Raw(Protocol):
    """What :func:`read_within` needs of a streamed urllib3 response."""

    @property
    def connection(self) -> Any: ...

    def read1(self, amt: int | None = None, decode_content: bool | None = None) -> bytes: ...

    def close(self) -> None: ...

    def tell(self) -> int: ...

    def release_conn(self) -> None: ...


def read_within(
    raw: _Raw,
    *,
    status: int,
    headers: Mapping[str, str],
    timeouts: Timeouts,
    deadline: float,
    read_timeout: float,
    decode_content: bool = False,
) -> bytes:
    """The whole body of ``raw`` (not yet read), or :class:`ResponseLimitError`.

    ``headers`` must look names up case-insensitively (botocore's HeadersDict, requests' CaseInsensitiveDict).
    ``decode_content`` undoes a Content-Encoding (gzip) as ``requests`` does; the cap then counts decoded bytes.
    botocore reads the bytes as sent (the default).

    ``deadline`` is a :func:`time.monotonic` instant. urllib3's ``ReadTimeoutError`` (no byte for
    ``read_timeout`` seconds) and ``ProtocolError`` (the connection broke) pass through for the caller to name.
    On any exception the connection is closed, never handed back to the pool half read.
    """
    cap = timeouts.max_response_bytes
    declared = _content_length(headers)
    if declared is not None and declared > cap:
        _discard(raw)
        raise ResponseLimitError(
            f"the response body exceeded {_size(cap)}: HTTP {status} announces {declared:,} bytes (Content-Length); "
            f"{_CAP_HINT}",
            status=status,
            headers=headers,
            body=b"",
        )
    chunks: list[bytes] = []
    size = 0
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise _too_slow(timeouts, status, headers, chunks, size, declared)
            _set_socket_timeout(raw, min(read_timeout, left))
            try:
                chunk = raw.read1(_CHUNK, decode_content=decode_content)
            except Urllib3ReadTimeoutError:
                if deadline - time.monotonic() <= 0.001:
                    raise _too_slow(timeouts, status, headers, chunks, size, declared) from None
                raise
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > cap:
                raise ResponseLimitError(
                    f"the response body exceeded {_size(cap)}: HTTP {status} sent more than {cap:,} bytes; {_CAP_HINT}",
                    status=status,
                    headers=headers,
                    body=b"".join(chunks)[:cap],
                )
    except BaseException:
        _discard(raw)
        raise
    raw.release_conn()
    body = b"".join(chunks)
    arrived = raw.tell()  # bytes on the wire, before any decoding: what Content-Length counts
    if declared is not None and arrived < declared:
        raise ResponseLimitError(
            f"the response body was cut short: HTTP {status} announces {declared:,} bytes (Content-Length), "
            f"{arrived:,} arrived before the connection closed",
            status=status,
            headers=headers,
            body=body,
        )
    return body


_CAP_HINT = "raise --max-response-bytes (max_response_bytes in the target config) if the answer is right"
_DEADLINE_HINT = "raise --call-deadline (call_deadline in the target config) if the target is only slow"


def no_complete_answer(timeouts: Timeouts) -> ResponseLimitError:
    """The error of a call whose status line and headers had not all arrived by the deadline."""
    return ResponseLimitError(
        f"no complete answer within the {timeouts.deadline:g} s call deadline (--call-deadline): the status line "
        f"and headers were still arriving; {_DEADLINE_HINT}",
        status=0,
        headers={},
        body=b"",
    )


def _too_slow(
    timeouts: Timeouts, status: int, headers: Mapping[str, str], chunks: list[bytes], size: int, declared: int | None
) -> ResponseLimitError:
    return ResponseLimitError(
        f"the response was still arriving after {timeouts.deadline:g} s: HTTP {status}, {size:,} bytes read"
        f"{f' of {declared:,} announced' if declared is not None else ''}; {_DEADLINE_HINT}",
        status=status,
        headers=headers,
        body=b"".join(chunks),
    )


def _content_length(headers: Mapping[str, str]) -> int | None:
    """Content-Length of case-insensitive ``headers`` (botocore's HeadersDict, requests' CaseInsensitiveDict)."""
    value = headers.get("content-length")
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _set_socket_timeout(raw: _Raw, seconds: float) -> None:
    # urllib3 sets the read timeout once per request; shrinking it per read is what makes the deadline exact.
    # The connection gets its own timeout back from urllib3 on its next request.
    sock = getattr(raw.connection, "sock", None)
    if sock is not None:
        sock.settimeout(max(seconds, 0.001))


def _discard(raw: _Raw) -> None:
    raw.close()
    raw.release_conn()


def _size(count: int) -> str:
    for unit, factor in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if count >= factor and count % factor == 0:
            return f"{count // factor} {unit}"
    return f"{count:,} bytes"


# --- botocore --------------------------------------------------------------------------------------------------


class _Body:
    """A body already read, in the shape ``AWSResponse.content`` reads (``raw.stream()``)."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body


class _BoundedSender:
    """The ``before-send`` handler of one client: sends the request, reads the answer within the limits."""

    def __init__(self, client: BaseClient, timeouts: Timeouts) -> None:
        self._session = client._endpoint.http_session
        self._timeouts = timeouts

    def __call__(self, request: Any, **_: Any) -> AWSResponse | None:
        if request.stream_output:  # an event-stream operation (Clean Rooms has none): left to botocore
            return None
        timeouts = self._timeouts
        deadline = time.monotonic() + timeouts.deadline
        read_timeout = min(timeouts.read, timeouts.deadline)
        # The client's read timeout bounds the wait for the headers; a shorter deadline goes in as botocore's
        # per-request read timeout (request.context["read_timeout"]). Only then: it costs a Timeout per call.
        if read_timeout < timeouts.read and getattr(request, "context", None) is not None:
            request.context["read_timeout"] = read_timeout
        request.stream_output = True
        try:
            with watchdog.watching(deadline) as watch:
                response = self._session.send(request)
        except Exception:
            request.stream_output = False
            if watch.shut:  # the watchdog shut the socket: botocore saw a dropped connection
                raise no_complete_answer(timeouts) from None
            raise
        raw = response.raw
        if watch.shut:  # the headers came just as the watchdog shut the socket: the body cannot follow
            request.stream_output = False
            _discard(raw)
            raise no_complete_answer(timeouts)
        try:
            body = read_within(
                raw,
                status=int(response.status_code),
                headers=response.headers,
                timeouts=timeouts,
                deadline=deadline,
                read_timeout=read_timeout,
            )
        except Urllib3ReadTimeoutError as exc:
            raise ReadTimeoutError(endpoint_url=request.url, error=exc) from None
        except ProtocolError as exc:
            raise ConnectionClosedError(error=exc, request=request, endpoint_url=request.url) from None
        finally:
            request.stream_output = False
        # The response as botocore built it, with the body already read in place of the socket it reads from
        # (AWSResponse.content joins raw.stream()).
        response.raw = _Body(body)
        return response


def install(client: BaseClient, timeouts: Timeouts) -> None:
    """Make every request of ``client`` (any service) obey ``timeouts``' deadline and size cap.

    Registered last, so the handlers that only look at the request (the Recorder) have run before it sends.
    The client's pools get connection classes that the watchdog can stop while the headers arrive: botocore's
    session keeps them in one dict that its pool managers share (``_pool_classes_by_scheme``), changed in place.
    """
    classes = client._endpoint.http_session._pool_classes_by_scheme
    for scheme, pool_class in tuple(classes.items()):
        classes[scheme] = watchdog.watched_pool(pool_class)
    client.meta.events.register_last(
        "before-send", _BoundedSender(client, timeouts), unique_id=f"conformance-bounded-{id(client)}"
    )
