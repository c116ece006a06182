"""Small HTTP servers that misbehave on purpose, for testing how the suite copes with broken targets.

Reusable by any test (targets, plugin, scenario runner)::

    with MisbehavingServer("status-500") as server:
        result = target_for(server.url).call("creator", "ListCollaborations", {})
        assert len(server.requests) == 1

Modes:

* ``ok`` — 200 with a JSON body (default ``{}``); records the request, e.g. to inspect a raw body.
* ``hang`` — reads the request and never answers (until the server stops).
* ``drop`` — reads the request and closes the connection without a byte of response.
* ``non-json`` — 200 with an HTML body.
* ``status-500`` — 500 ``InternalServerException`` (JSON body, ``X-Amzn-ErrorType``).
* ``wrong-status`` — a JSON success body with status 202 (no Clean Rooms operation answers 202).
* ``missing-field`` — 200 with a ``collaboration`` that lacks most required members.
* ``echo`` — 200 with the request's own body (empty for a request without one), as JSON.
* ``canned`` — whatever :class:`CannedResponse` is given.
* ``routed`` — whatever ``route(request)`` returns for each request (a :class:`CannedResponse`), e.g. to answer
  list operations differently from the others, or to pass requests on to another server and change the answer.
* ``stream`` — the :class:`StreamedResponse` given: a body sent piece by piece, slowly, without end, or cut
  short, or headers sent a byte at a time (the hostile targets of ``tests/hostile/``).

:func:`closed_port_url` gives a loopback URL nothing listens on, for "connection refused".

Bound to 127.0.0.1 only. Written with the standard library's ``socketserver``/``http.server`` because a test
server must be able to misbehave at the socket level (hang, drop), which no framework lets one do.
Responses go out in one ``sendall`` with TCP_NODELAY: a fake that writes headers and body separately hits
Nagle plus delayed ACKs and costs ~40 ms per call.
"""

from __future__ import annotations

import json
import socket
import socketserver
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from types import MappingProxyType, TracebackType
from typing import Final

MODES: Final = (
    "ok",
    "hang",
    "drop",
    "non-json",
    "status-500",
    "wrong-status",
    "missing-field",
    "echo",
    "canned",
    "routed",
    "stream",
)


@dataclass(frozen=True, slots=True)
class CannedResponse:
    """A response a :class:`MisbehavingServer` sends."""

    status: int = 200
    body: bytes = b"{}"
    headers: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({"Content-Type": "application/json"}))


@dataclass(frozen=True, slots=True)
class StreamedResponse:
    """A response whose body goes out piece by piece: slowly, without end, or cut short.

    The head (status, headers, ``declared_length`` as Content-Length when given) and ``first`` go out at once;
    then ``piece`` every ``interval`` seconds, ``pieces`` times (None: until the client hangs up or the server
    stops), and the connection is closed. A ``declared_length`` larger than what is sent is a truncated body.
    """

    status: int = 200
    headers: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({"Content-Type": "application/json"}))
    declared_length: int | None = None
    first: bytes = b""
    piece: bytes = b" "
    interval: float = 0.0
    pieces: int | None = None
    head_interval: float = 0.0
    """When set, only the status line goes out at once; the headers follow one byte every ``head_interval`` s."""


@dataclass(frozen=True, slots=True)
class SeenRequest:
    """A request as the server read it off the wire."""

    method: str
    path: str
    headers: Mapping[str, str]
    """Header names in lower case."""
    body: bytes


_PARTIAL_COLLABORATION = {"collaboration": {"id": "0b7c2a7e-1f40-4d8e-9a5e-4b2f8c1d3e5f", "name": "partial"}}

_DEFAULTS: Final[Mapping[str, CannedResponse]] = MappingProxyType(
    {
        "ok": CannedResponse(),
        "non-json": CannedResponse(
            body=b"<html><body>Service Unavailable</body></html>",
            headers=MappingProxyType({"Content-Type": "text/html"}),
        ),
        "status-500": CannedResponse(
            status=500,
            body=b'{"message": "boom"}',
            headers=MappingProxyType(
                {"Content-Type": "application/json", "X-Amzn-ErrorType": "InternalServerException"}
            ),
        ),
        "wrong-status": CannedResponse(status=202),
        "missing-field": CannedResponse(body=json.dumps(_PARTIAL_COLLABORATION).encode()),
    }
)


class MisbehavingServer:
    """A threaded HTTP/1.1 server on 127.0.0.1 that answers every request according to ``mode``."""

    def __init__(
        self,
        mode: str = "ok",
        *,
        response: CannedResponse | None = None,
        route: Callable[[SeenRequest], CannedResponse] | None = None,
        stream: StreamedResponse | None = None,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; use one of {', '.join(MODES)}")
        if mode == "canned" and response is None:
            raise ValueError("mode 'canned' needs a response=CannedResponse(...)")
        if mode == "routed" and route is None:
            raise ValueError("mode 'routed' needs a route=function(SeenRequest) -> CannedResponse")
        if mode == "stream" and stream is None:
            raise ValueError("mode 'stream' needs a stream=StreamedResponse(...)")
        self.mode = mode
        self.response = response or _DEFAULTS.get(mode, CannedResponse())
        self.route = route
        self.stream = stream
        self._requests: list[SeenRequest] = []
        self._pieces: list[int] = []
        self._lock = threading.Lock()
        self._streams = 0
        self._streams_done = threading.Condition(self._lock)
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def requests(self) -> tuple[SeenRequest, ...]:
        """Every request read so far, in arrival order."""
        with self._lock:
            return tuple(self._requests)

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the server is not running; call start() first")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> str:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        # A short poll interval: shutdown() waits for the serve loop's next poll, 0.5 s by default.
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.02,), name=f"misbehaving-{self.mode}", daemon=True
        )
        self._thread.start()
        return self.url

    def stop(self) -> None:
        self._stopping.set()  # releases hanging handlers
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        # Handler threads are not joined by the server; a stream still being cut off would otherwise record its
        # pieces after a test already read pieces_sent.
        with self._streams_done:
            self._streams_done.wait_for(lambda: self._streams == 0, timeout=5)
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> MisbehavingServer:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def pieces_sent(self) -> tuple[int, ...]:
        """Per finished ``stream`` response, how many pieces went out before it ended."""
        with self._lock:
            return tuple(self._pieces)

    def _seen(self, request: SeenRequest) -> None:
        with self._lock:
            self._requests.append(request)

    def _streaming(self) -> None:
        with self._lock:
            self._streams += 1

    def _streamed(self, pieces: int | None) -> None:
        with self._lock:
            if pieces is not None:
                self._pieces.append(pieces)
            self._streams -= 1
            self._streams_done.notify_all()


def closed_port_url() -> str:
    """``http://127.0.0.1:PORT`` for a port that was free a moment ago: connecting to it is refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


class _Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    allow_reuse_address = True
    daemon_threads = True
    block_on_close = False
    owner: MisbehavingServer


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: object) -> None:  # keep test output clean
        pass

    def _handle(self) -> None:
        owner = self.server.owner
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        seen = SeenRequest(
            method=self.command,
            path=self.path,
            headers=MappingProxyType({k.lower(): v for k, v in self.headers.items()}),
            body=body,
        )
        owner._seen(seen)
        if owner.mode == "hang":
            owner._stopping.wait(timeout=60)
            self.close_connection = True
            return
        if owner.mode == "drop":
            self.close_connection = True
            return
        if owner.mode == "stream":
            assert owner.stream is not None
            owner._streaming()
            try:
                self._stream(owner, owner.stream)
            finally:
                owner._streamed(self._sent)
            return
        response = owner.route(seen) if owner.route is not None else owner.response
        if owner.mode == "echo":
            response = CannedResponse(body=body)
        headers = {**response.headers, "Content-Length": str(len(response.body))}
        self.wfile.write(self._head(response.status, headers) + response.body)
        self.wfile.flush()

    def _head(self, status: int, headers: Mapping[str, str]) -> bytes:
        lines = [f"HTTP/1.1 {status} {self.responses.get(status, ('',))[0]}"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        return "\r\n".join([*lines, "", ""]).encode("latin-1")

    def _stream(self, owner: MisbehavingServer, stream: StreamedResponse) -> None:
        self.close_connection = True
        headers = dict(stream.headers)
        if stream.declared_length is not None:
            headers["Content-Length"] = str(stream.declared_length)
        self._sent: int | None = None
        sent = 0
        try:
            head = self._head(stream.status, headers)
            if stream.head_interval:
                status_line, _, rest = head.partition(b"\r\n")
                self.wfile.write(status_line + b"\r\n")
                self.wfile.flush()
                for index in range(len(rest)):
                    if owner._stopping.wait(stream.head_interval):
                        return  # the headers never finished: no pieces to count
                    self.wfile.write(rest[index : index + 1])
                    self.wfile.flush()
                head = b""
            self.wfile.write(head + stream.first)
            self.wfile.flush()
            while (stream.pieces is None or sent < stream.pieces) and not owner._stopping.is_set():
                if stream.interval:
                    owner._stopping.wait(stream.interval)
                self.wfile.write(stream.piece)
                self.wfile.flush()
                sent += 1
        except OSError:  # the client hung up, as it should when it gives up on an endless body
            pass
        self._sent = sent

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _handle
