"""HTTP/1.1 requests of the reference emulator's front: one connection's buffer, parsing a request, writing a reply.

The parser is hand-written (the stdlib's parses headers through the ``email`` package: about 30 µs a request,
more than the emulator's own work). :func:`request_ready` tells the dispatcher (:mod:`.connections`) when a whole
request is buffered; :class:`Request` parses it, asks the :class:`~.emulator.Emulator` and writes the answer with
one ``sendall`` (headers and body together, so Nagle never holds back a second segment).
"""

from __future__ import annotations

import re
import socket
import time
from collections.abc import Iterator
from http import HTTPStatus

from conformance.reference.emulator import Emulator
from conformance.reference.errors import ApiError
from conformance.reference.protocol import Response

#: Request bodies above this are refused unread; the largest valid Clean Rooms input here is a few kB.
MAX_BODY_BYTES = 1 << 20
#: A worker reading the rest of a request (a large or chunked body) gives up after this many quiet seconds.
READ_TIMEOUT_S = 30.0
_MAX_LINE = 65536
_MAX_FIELDS = 100
# The dispatcher waits for a body this long at most before handing the connection over (and so buffers at most
# this much, plus the head, per slow connection); a worker reads larger bodies itself.
_BUFFERED_BODY = 64 * 1024
_BUFFERED_HEAD = 128 * 1024
#: How much one ``recv`` asks for.
RECV_BYTES = 65536

REASONS = {status.value: status.phrase for status in HTTPStatus}
_HEAD_END = re.compile(rb"\n\r?\n")  # bare-LF clients too; tried after the usual CRLF CRLF


class Connection:
    """One client connection: its socket, the bytes read and not yet parsed, when it was last heard from."""

    __slots__ = ("buffer", "last_active", "sock")

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = bytearray()
        self.last_active = time.monotonic()


def request_ready(buffer: bytearray) -> bool:
    """A whole request is buffered, or enough of one for a worker to take over (see the module docstring)."""
    # Plain finds, not regular expressions: this runs on every request (a regex search here cost 9 µs).
    end = buffer.find(b"\r\n\r\n")
    if end >= 0 and buffer.find(b"\n\n", 0, end) < 0:
        head_end = end + 4
    else:
        bare = _HEAD_END.search(buffer)
        if bare is None:
            return len(buffer) > _BUFFERED_HEAD  # a head this long is refused by the parser anyway
        head_end = bare.end()
    head = bytes(buffer[:head_end]).lower()
    if b"\ntransfer-encoding:" in head or b"\nexpect:" in head:
        return True  # chunked, or a client that waits for 100 Continue: the worker reads the body
    field = head.rfind(b"\ncontent-length:")  # the parser keeps the last one
    if field < 0:
        return True
    start = field + len(b"\ncontent-length:")
    text = head[start : head.find(b"\n", start)].strip()
    if not (text.isdigit() and len(text) <= 15) or int(text) > _BUFFERED_BODY:
        return True  # refused by the parser, or read by the worker
    return len(buffer) - head_end >= int(text)


class _Reader:
    """``readline``/``read`` over a connection's buffer, receiving more (blocking, with a timeout) when needed."""

    __slots__ = ("conn", "pos")

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.pos = 0

    def _fill(self) -> bool:
        # The socket waits in short slices (see HttpServer._serve); a client quiet for READ_TIMEOUT_S mid-request is
        # given up on. Changing the socket's timeout instead would cost a system call on every request.
        deadline = time.monotonic() + READ_TIMEOUT_S
        while True:
            try:
                chunk = self.conn.sock.recv(RECV_BYTES)
                break
            except TimeoutError:
                if time.monotonic() >= deadline:
                    raise
        if not chunk:
            return False
        self.conn.buffer += chunk
        return True

    def readline(self, limit: int) -> bytes:
        buffer = self.conn.buffer
        while True:
            end = buffer.find(b"\n", self.pos, self.pos + limit)
            if end >= 0:
                line = bytes(buffer[self.pos : end + 1])
                self.pos = end + 1
                return line
            if len(buffer) - self.pos >= limit or not self._fill():
                line = bytes(buffer[self.pos : self.pos + limit])
                self.pos += len(line)
                return line

    def head_lines(self) -> list[bytes] | None:
        """The request's whole head split into lines (ends removed) when it is buffered in the usual form, else None.

        One ``split`` instead of a ``readline`` per field: a Python readline costs a microsecond a line.
        """
        buffer = self.conn.buffer
        end = buffer.find(b"\r\n\r\n", self.pos)
        if end < 0:
            return None
        head = bytes(buffer[self.pos : end])
        if b"\n\n" in head or b"\n\r\n" in head:
            return None  # an empty line before the end: a bare-LF head, read line by line
        self.pos = end + 4
        return [line[:-1] if line.endswith(b"\r") else line for line in head.split(b"\n")]

    def read(self, size: int) -> bytes:
        buffer = self.conn.buffer
        while len(buffer) - self.pos < size and self._fill():
            pass
        data = bytes(buffer[self.pos : self.pos + size])
        self.pos += len(data)
        return data

    def consume(self) -> None:
        """Drop what the request used; what follows it (a pipelined request) stays buffered."""
        del self.conn.buffer[: self.pos]
        self.pos = 0


class Request:
    """Reads one request with a lean HTTP/1.1 parser, hands it to the emulator and writes the answer."""

    __slots__ = ("close_connection", "command", "path", "reader", "request_version", "sock")

    def __init__(self, conn: Connection) -> None:
        self.sock = conn.sock
        self.reader = _Reader(conn)
        self.command = ""
        self.path = ""
        self.request_version = ""
        self.close_connection = True

    def serve(self, emulator: Emulator) -> bool:
        """Answer one request; True when the connection may carry another."""
        try:
            lines = self.reader.head_lines()
            if lines is None:
                line = self.reader.readline(_MAX_LINE + 1)
                if not line:
                    return False
                fields = self._read_head(line, None)
            else:
                fields = self._read_head(lines[0], iter(lines[1:]))
            body = self._read_body(fields)
        except TimeoutError:
            return False  # a client that stopped mid-request
        except ApiError as error:
            self.close_connection = True  # framing is lost, so the connection cannot be reused
            self._write(emulator.error_response(error))
            return False
        if body is None:
            return False  # the client went away mid-request
        response = emulator.handle(self.command, self.path, fields.get("authorization"), body)
        self._write(response)
        self.reader.consume()
        return not self.close_connection

    def _read_head(self, line: bytes, rest: Iterator[bytes] | None) -> dict[str, str]:
        """Parse the request line and header fields (names lower-cased); set command, path, keep-alive.

        ``rest`` are the head's other lines when it was buffered whole; None reads them from the connection.
        """
        words = line.decode("latin-1").split()
        if len(line) > _MAX_LINE or len(words) != 3 or words[2] not in ("HTTP/1.1", "HTTP/1.0"):
            raise _malformed(f"Malformed request line {line[:80]!r}")
        self.command, self.path, self.request_version = words
        fields: dict[str, str] = {}
        for _ in range(_MAX_FIELDS):
            raw = self.reader.readline(_MAX_LINE + 1) if rest is None else next(rest, b"")
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
            self.sock.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
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
        body = self.reader.read(length) if length else b""
        return body if len(body) == length else None

    def _read_chunked(self) -> bytes | None:
        chunks: list[bytes] = []
        total = 0
        while True:
            line = self.reader.readline(1024)
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
                while self.reader.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(chunks)
            chunk = self.reader.read(size)
            if len(chunk) < size or not self.reader.readline(1024):
                return None
            chunks.append(chunk)

    def _write(self, response: Response) -> None:
        lines = [f"HTTP/1.1 {response.status} {REASONS.get(response.status, 'Unknown')}"]
        lines.extend(f"{name}: {value}" for name, value in response.headers)
        lines.append(f"Content-Length: {len(response.body)}")
        if self.close_connection:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        self.sock.sendall(head if self.command == "HEAD" else head + response.body)


def _malformed(message: str) -> ApiError:
    return ApiError("MalformedHttpRequestException", 400, message)


def _too_large() -> ApiError:
    return ApiError("RequestEntityTooLargeException", 413, f"The request body is over {MAX_BODY_BYTES} bytes")
