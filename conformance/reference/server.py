"""The HTTP front of the reference emulator: HTTP/1.1 keep-alive on a threading stdlib server.

Speed matters here (the suite's floor is boto3 itself, about 2,000 calls/s per core): TCP_NODELAY, one
``write`` per response (headers and body together, so Nagle never holds back a second segment), no logging
per request, and a daemon thread per connection. Binds 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from conformance.reference.config import EmulatorConfig
from conformance.reference.emulator import Emulator
from conformance.reference.errors import ApiError
from conformance.reference.protocol import Response

#: Request bodies above this are refused unread; the largest valid Clean Rooms input here is a few kB.
MAX_BODY_BYTES = 1 << 20
#: Idle keep-alive connections are closed after this many seconds.
IDLE_TIMEOUT_S = 120.0
_MAX_LINE = 65536
_MAX_FIELDS = 100

_REASONS = {status.value: status.phrase for status in HTTPStatus}


class _Handler(BaseHTTPRequestHandler):
    """Reads requests with a lean HTTP/1.1 parser and hands them to the emulator.

    The stdlib's ``parse_request`` parses headers through the ``email`` package (about 30 µs a request,
    more than the emulator's own work), so ``handle_one_request`` is replaced by a parser that reads just
    what is needed: request line, header fields, Content-Length or chunked body, keep-alive.
    """

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    timeout = IDLE_TIMEOUT_S
    server: _Server

    def handle_one_request(self) -> None:
        try:
            line = self.rfile.readline(_MAX_LINE + 1)
            if not line:
                self.close_connection = True
                return
            fields = self._read_head(line)
            body = self._read_body(fields)
        except TimeoutError:
            self.close_connection = True  # an idle keep-alive connection
            return
        except ApiError as error:
            self.close_connection = True  # framing is lost, so the connection cannot be reused
            self._write(self.server.emulator.error_response(error))
            return
        if body is None:
            self.close_connection = True  # the client went away mid-request
            return
        response = self.server.emulator.handle(self.command, self.path, fields.get("authorization"), body)
        self._write(response)

    def _read_head(self, line: bytes) -> dict[str, str]:
        """Parse the request line and header fields (names lower-cased); set command, path, keep-alive."""
        self.command = ""
        self.close_connection = True
        words = line.decode("latin-1").split()
        if len(line) > _MAX_LINE or len(words) != 3 or words[2] not in ("HTTP/1.1", "HTTP/1.0"):
            raise _malformed(f"Malformed request line {line[:80]!r}")
        self.command, self.path, self.request_version = words
        fields: dict[str, str] = {}
        for _ in range(_MAX_FIELDS):
            raw = self.rfile.readline(_MAX_LINE + 1)
            if raw in (b"\r\n", b"\n", b""):
                break
            name, colon, value = raw.decode("latin-1").partition(":")
            if not colon or len(raw) > _MAX_LINE or name != name.strip():
                raise _malformed(f"Malformed header line {raw[:80]!r}")
            fields[name.lower()] = value.strip()
        else:
            raise _malformed(f"More than {_MAX_FIELDS} header fields")
        connection = fields.get("connection", "").lower()
        keep_alive = connection != "close" if self.request_version == "HTTP/1.1" else connection == "keep-alive"
        self.close_connection = not keep_alive
        if fields.get("expect", "").lower() == "100-continue":
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        return fields

    def _read_body(self, fields: dict[str, str]) -> bytes | None:
        """The request body (Content-Length or chunked), None if the peer closed early."""
        if "chunked" in fields.get("transfer-encoding", "").lower():
            return self._read_chunked()
        text = fields.get("content-length") or "0"
        # Bounded before int(): a header of thousands of digits would otherwise raise inside int().
        if not (text.isascii() and text.isdigit() and len(text) <= 15):
            raise _malformed(f"Invalid Content-Length {text[:40]!r}")
        length = int(text)
        if length > MAX_BODY_BYTES:
            raise _too_large()
        body = self.rfile.read(length) if length else b""
        return body if len(body) == length else None

    def _read_chunked(self) -> bytes | None:
        chunks: list[bytes] = []
        total = 0
        while True:
            line = self.rfile.readline(1024)
            if not line:
                return None
            size_text = line.split(b";", 1)[0].strip()
            try:
                size = int(size_text, 16) if len(size_text) <= 8 else -1
            except ValueError:
                size = -1
            if size < 0:
                raise _malformed("Invalid chunk size in a chunked request body")
            total += size
            if total > MAX_BODY_BYTES:
                raise _too_large()
            if size == 0:
                # Trailer section: header lines up to an empty line.
                while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(chunks)
            chunk = self.rfile.read(size)
            if len(chunk) < size or not self.rfile.readline(1024):
                return None
            chunks.append(chunk)

    def _write(self, response: Response) -> None:
        lines = [f"HTTP/1.1 {response.status} {_REASONS.get(response.status, 'Unknown')}"]
        lines.extend(f"{name}: {value}" for name, value in response.headers)
        lines.append(f"Content-Length: {len(response.body)}")
        if self.close_connection:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        self.wfile.write(head if self.command == "HEAD" else head + response.body)

    def log_message(self, format: str, *args: Any) -> None:
        """No per-request logging (it would cost more than the request)."""


def _malformed(message: str) -> ApiError:
    return ApiError("MalformedHttpRequestException", 400, message)


def _too_large() -> ApiError:
    return ApiError("RequestEntityTooLargeException", 413, f"The request body is over {MAX_BODY_BYTES} bytes")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, host: str, port: int, emulator: Emulator) -> None:
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.emulator = emulator
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__((host, port), _Handler)

    @property
    def url(self) -> str:
        address, port = self.server_address[0], self.server_address[1]
        host = address.decode() if isinstance(address, bytes) else str(address)
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Wake every keep-alive connection thread so that stopping does not leave them blocked on a read."""
        with self._connections_lock:
            open_now = list(self._connections)
        for connection in open_now:
            with contextlib.suppress(OSError):  # already closed by the peer
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Transport errors (a client resetting its connection) are not the emulator's to report.

        Application errors never get here: the emulator answers them as 500 InternalServerException.
        """


class ReferenceServer:
    """The reference emulator served over HTTP in a background thread (a context manager)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, config: EmulatorConfig | None = None) -> None:
        self.emulator = Emulator(config)
        self._host = host
        self._port = port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def config(self) -> EmulatorConfig:
        return self.emulator.config

    def start(self) -> str:
        """Start serving (idempotent) and return the base URL, e.g. ``http://127.0.0.1:40123``."""
        if self._server is None:
            server = _Server(self._host, self._port, self.emulator)
            thread = threading.Thread(
                target=server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name="cleanrooms-reference",
                daemon=True,
            )
            thread.start()
            self._server, self._thread = server, thread
        return self._server.url

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the reference server is not started; call start() first")
        return self._server.url

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None:
            return
        server.shutdown()
        server.close_connections()
        server.server_close()
        if thread is not None:
            thread.join()
        self._server = self._thread = None

    def set_defects(self, defects: frozenset[str]) -> None:
        """Switch the active defects at runtime (test seam); unknown names raise ValueError."""
        self.emulator.defects.set(defects)

    def reset(self) -> None:
        """Drop all state (collaborations, members, memberships, change requests)."""
        self.emulator.store.reset()

    def __enter__(self) -> ReferenceServer:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def serve_forever(host: str, port: int, config: EmulatorConfig, *, ready: Callable[[str], None]) -> None:
    """Serve in the calling thread until interrupted (Ctrl-C returns cleanly); ``ready`` gets the base URL."""
    server = _Server(host, port, Emulator(config))
    try:
        ready(server.url)
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.close_connections()
        server.server_close()
