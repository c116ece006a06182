"""The HTTP front of the reference emulator: HTTP/1.1 keep-alive, a bounded worker pool, a cap on connections.

Speed matters here (the suite's floor is boto3 itself, about 2,000 calls/s per core): TCP_NODELAY, one
``sendall`` per response (headers and body together, so Nagle never holds back a second segment), no logging
per request. Binds 127.0.0.1 unless told otherwise.

``cleanrooms-conformance serve`` may be left running for a team's CI, so no client may starve the others, and
no number of clients may exhaust the machine (one thread per connection made 902 threads for 900 idle ones):

* One dispatcher thread accepts connections and watches every connection no worker is serving (idle
  keep-alive ones, slow senders). It reads what they send without blocking into the connection's buffer and
  hands the connection to a worker only once a whole request is there (head, and a Content-Length body up to
  64 KiB). Idle and slow connections hold no thread, however many there are.
* At most ``max_workers`` worker threads parse and answer. After answering, a worker keeps its connection for up
  to :data:`LINGER_S` for the next request (a client's back-to-back calls, the hot path: no hand-over between
  threads, the same two system calls a request as a thread per connection), then parks it with the dispatcher;
  it parks it at once when other connections are waiting for a worker.
* At most ``max_connections`` are open. One more makes room by closing the parked connection that has been quiet
  longest (an idle keep-alive connection, which HTTP clients re-open transparently, or a slow sender); when
  every open connection is being served, the new one is answered 503 ServiceUnavailableException and closed.
  Parked connections quiet for :data:`IDLE_TIMEOUT_S` are closed as well.

The defaults (:class:`ServerLimits`) suit a team's CI: a suite run uses a few connections per xdist worker.
The request parser is hand-written (the stdlib's parses headers through the ``email`` package: about 30 µs a
request, more than the emulator's own work), and so is the connection handling: no stdlib server bounds both
threads and connections, and an asyncio front would put an event-loop hop on every request.
"""

from __future__ import annotations

import contextlib
import re
import selectors
import socket
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http import HTTPStatus
from types import TracebackType

from conformance.reference.config import EmulatorConfig
from conformance.reference.emulator import Emulator
from conformance.reference.errors import ApiError
from conformance.reference.protocol import Response

#: Request bodies above this are refused unread; the largest valid Clean Rooms input here is a few kB.
MAX_BODY_BYTES = 1 << 20
#: Parked connections (idle keep-alive, or a slow sender) are closed after this many quiet seconds.
IDLE_TIMEOUT_S = 120.0
#: A worker reading the rest of a request (a large or chunked body) gives up after this many quiet seconds.
READ_TIMEOUT_S = 30.0
#: How long a worker keeps a connection after answering, waiting for its next request.
LINGER_S = 0.5
DEFAULT_MAX_WORKERS = 32
DEFAULT_MAX_CONNECTIONS = 512
_MAX_LINE = 65536
_MAX_FIELDS = 100
# The dispatcher waits for a body this long at most before handing the connection over (and so buffers at most
# this much, plus the head, per slow connection); a worker reads larger bodies itself.
_BUFFERED_BODY = 64 * 1024
_BUFFERED_HEAD = 128 * 1024
_RECV = 65536

_REASONS = {status.value: status.phrase for status in HTTPStatus}
_HEAD_END = re.compile(rb"\n\r?\n")  # bare-LF clients too; tried after the usual CRLF CRLF
# A worker's socket waits in slices this long, so it can notice others waiting (and stopping) while it lingers.
_SLICE_S = 0.05


@dataclass(frozen=True, slots=True)
class ServerLimits:
    """How many threads and connections the HTTP front may use (``serve --max-workers/--max-connections``)."""

    max_workers: int = DEFAULT_MAX_WORKERS
    """Requests answered at the same time (threads); more wait in line, a fraction of a second."""
    max_connections: int = DEFAULT_MAX_CONNECTIONS
    """Open connections; one more closes the quietest parked one, or gets a 503 when all are busy."""

    def __post_init__(self) -> None:
        if self.max_workers < 1 or self.max_connections < 1:
            raise ValueError(
                f"max_workers and max_connections must be at least 1, got {self.max_workers} and {self.max_connections}"
            )


class _Connection:
    """One client connection: its socket, the bytes read and not yet parsed, when it was last heard from."""

    __slots__ = ("buffer", "last_active", "sock")

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = bytearray()
        self.last_active = time.monotonic()


def _request_ready(buffer: bytearray) -> bool:
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

    def __init__(self, conn: _Connection) -> None:
        self.conn = conn
        self.pos = 0

    def _fill(self) -> bool:
        # The socket waits in short slices (see _Server._serve); a client quiet for READ_TIMEOUT_S mid-request is
        # given up on. Changing the socket's timeout instead would cost a system call on every request.
        deadline = time.monotonic() + READ_TIMEOUT_S
        while True:
            try:
                chunk = self.conn.sock.recv(_RECV)
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


class _Request:
    """Reads one request with a lean HTTP/1.1 parser, hands it to the emulator and writes the answer."""

    __slots__ = ("close_connection", "command", "path", "reader", "request_version", "sock")

    def __init__(self, conn: _Connection) -> None:
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
        lines = [f"HTTP/1.1 {response.status} {_REASONS.get(response.status, 'Unknown')}"]
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


class _Server:
    """The listening socket, the dispatcher loop, the worker pool and the open connections."""

    def __init__(self, host: str, port: int, emulator: Emulator, limits: ServerLimits | None = None) -> None:
        self.emulator = emulator
        self.limits = limits or ServerLimits()
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._listener = socket.socket(family, socket.SOCK_STREAM)
        try:
            self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self._listener.bind((host, port))
            self._listener.listen(128)
        except OSError:
            self._listener.close()
            raise
        self._listener.setblocking(False)
        self.server_address = self._listener.getsockname()
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._listener, selectors.EVENT_READ, None)
        self._wake_in, self._wake_out = socket.socketpair()
        self._wake_in.setblocking(False)
        self._wake_out.setblocking(False)
        self._selector.register(self._wake_in, selectors.EVENT_READ, self._wake_in)
        self._workers = ThreadPoolExecutor(self.limits.max_workers, thread_name_prefix="cleanrooms-reference-worker")
        self._lock = threading.Lock()
        self._open: set[_Connection] = set()
        self._parked: dict[socket.socket, _Connection] = {}  # dispatcher thread only
        self._returned: list[_Connection] = []  # parked by workers, registered by the dispatcher
        self._waiting = 0  # connections handed to the pool and not yet taken by a worker
        self._stopping = threading.Event()
        self._stopped = threading.Event()
        self._stopped.set()

    @property
    def url(self) -> str:
        host, port = str(self.server_address[0]), int(self.server_address[1])
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"

    @property
    def open_connections(self) -> int:
        with self._lock:
            return len(self._open)

    # -- the dispatcher ----------------------------------------------------------------------------------------

    def serve_forever(self, poll_interval: float = 0.5) -> None:
        self._stopped.clear()
        try:
            next_sweep = time.monotonic() + 1.0
            while not self._stopping.is_set():
                for key, _ in self._selector.select(timeout=poll_interval):
                    if key.data is None:
                        self._accept()
                    elif key.data is self._wake_in:
                        self._take_returned()
                    else:
                        self._readable(key.data)
                if time.monotonic() >= next_sweep:
                    self._close_quiet()
                    next_sweep = time.monotonic() + 1.0
        finally:
            self._stopped.set()

    def _accept(self) -> None:
        while True:
            try:
                sock, _ = self._listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                return  # the listener was closed (stopping), or the peer reset before accept
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if self.open_connections >= self.limits.max_connections and not self._evict_quietest():
                self._refuse(sock)
                continue
            conn = _Connection(sock)
            with self._lock:
                self._open.add(conn)
            self._park_here(conn)

    def _park_here(self, conn: _Connection) -> None:
        conn.sock.setblocking(False)
        self._parked[conn.sock] = conn
        try:
            self._selector.register(conn.sock, selectors.EVENT_READ, conn)
        except (ValueError, OSError):  # closed meanwhile
            self._close(conn)
            return
        if _request_ready(conn.buffer):  # a pipelined request already buffered
            self._dispatch(conn)

    def _readable(self, conn: _Connection) -> None:
        try:
            chunk = conn.sock.recv(_RECV)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            chunk = b""
        if not chunk:
            self._close(conn)
            return
        conn.buffer += chunk
        conn.last_active = time.monotonic()
        if _request_ready(conn.buffer):
            self._dispatch(conn)

    def _dispatch(self, conn: _Connection) -> None:
        self._unpark(conn)
        with self._lock:
            self._waiting += 1
        try:
            self._workers.submit(self._serve, conn)
        except RuntimeError:  # the pool is shut down: stopping
            self._close(conn)

    def _unpark(self, conn: _Connection) -> None:
        if self._parked.pop(conn.sock, None) is not None:
            with contextlib.suppress(KeyError, ValueError, OSError):
                self._selector.unregister(conn.sock)

    def _take_returned(self) -> None:
        with contextlib.suppress(BlockingIOError, OSError):
            self._wake_in.recv(4096)
        with self._lock:
            returned, self._returned = self._returned, []
        for conn in returned:
            self._park_here(conn)

    def _evict_quietest(self) -> bool:
        """Close the parked connection heard from least recently; False when none is parked."""
        if not self._parked:
            return False
        quietest = min(self._parked.values(), key=lambda c: c.last_active)
        self._close(quietest)
        return True

    def _refuse(self, sock: socket.socket) -> None:
        error = ApiError(
            "ServiceUnavailableException",
            503,
            f"All {self.limits.max_connections} connections are busy; retry shortly "
            "(raise the cap with `cleanrooms-conformance serve --max-connections`)",
        )
        response = self.emulator.error_response(error)
        lines = [f"HTTP/1.1 503 {_REASONS[503]}", *(f"{n}: {v}" for n, v in response.headers)]
        lines += [f"Content-Length: {len(response.body)}", "Retry-After: 1", "Connection: close"]
        with contextlib.suppress(OSError):
            sock.settimeout(1.0)
            sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + response.body)
        sock.close()

    def _close_quiet(self) -> None:
        limit = time.monotonic() - IDLE_TIMEOUT_S
        for conn in [c for c in self._parked.values() if c.last_active < limit]:
            self._close(conn)

    # -- the workers -------------------------------------------------------------------------------------------

    def _serve(self, conn: _Connection) -> None:
        with self._lock:
            self._waiting -= 1
        try:
            conn.sock.settimeout(_SLICE_S)
            while not self._stopping.is_set():
                if not _request_ready(conn.buffer) and not self._next_request(conn):
                    return  # parked, or closed
                if not _Request(conn).serve(self.emulator):
                    break
                conn.last_active = time.monotonic()
        except OSError:
            pass  # the client reset the connection, or the server is stopping
        self._forget(conn)

    def _next_request(self, conn: _Connection) -> bool:
        """Wait up to LINGER_S for a whole next request; park the connection (False) when none comes."""
        deadline = time.monotonic() + LINGER_S
        while True:
            # An int read needs no lock; a stale value only delays parking by one slice.
            if self._waiting > 0 or time.monotonic() >= deadline:
                self._park(conn)
                return False
            try:
                chunk = conn.sock.recv(_RECV)
            except TimeoutError:
                continue
            if not chunk:
                self._forget(conn)
                return False
            conn.buffer += chunk
            conn.last_active = time.monotonic()
            if _request_ready(conn.buffer):
                return True

    def _park(self, conn: _Connection) -> None:
        with self._lock:
            self._returned.append(conn)
        with contextlib.suppress(OSError):
            self._wake_out.send(b"\0")

    # -- lifecycle ---------------------------------------------------------------------------------------------

    def _close(self, conn: _Connection) -> None:
        """Close a connection the dispatcher holds (dispatcher thread only)."""
        self._unpark(conn)
        self._forget(conn)

    def _forget(self, conn: _Connection) -> None:
        """Close a connection and stop counting it (a worker's, or one the dispatcher has unparked)."""
        with self._lock:
            self._open.discard(conn)
        with contextlib.suppress(OSError):
            conn.sock.close()

    def shutdown(self) -> None:
        """Stop the dispatcher loop and wait for it to end."""
        self._stopping.set()
        with contextlib.suppress(OSError):
            self._wake_out.send(b"\0")
        self._stopped.wait()

    def close_connections(self) -> None:
        """Wake every worker blocked on a read and close every connection, so stopping leaves nothing behind."""
        with self._lock:
            open_now = list(self._open)
        for conn in open_now:
            with contextlib.suppress(OSError):  # already closed by the peer
                conn.sock.shutdown(socket.SHUT_RDWR)
        for conn in list(self._parked.values()):
            self._close(conn)

    def server_close(self) -> None:
        self._workers.shutdown(wait=False, cancel_futures=True)
        for closable in (self._selector, self._listener, self._wake_in, self._wake_out):
            with contextlib.suppress(OSError):
                closable.close()


class ReferenceServer:
    """The reference emulator served over HTTP in a background thread (a context manager)."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        config: EmulatorConfig | None = None,
        limits: ServerLimits | None = None,
    ) -> None:
        self.emulator = Emulator(config)
        self.limits = limits or ServerLimits()
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
            server = _Server(self._host, self._port, self.emulator, self.limits)
            thread = threading.Thread(
                target=server.serve_forever,
                kwargs={"poll_interval": 0.5},
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

    @property
    def open_connections(self) -> int:
        """Connections open right now (parked and being served)."""
        return self._server.open_connections if self._server is not None else 0

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


def serve_forever(
    host: str,
    port: int,
    config: EmulatorConfig,
    *,
    ready: Callable[[str], None],
    limits: ServerLimits | None = None,
) -> None:
    """Serve in the calling thread until interrupted (Ctrl-C returns cleanly); ``ready`` gets the base URL."""
    server = _Server(host, port, Emulator(config), limits)
    try:
        ready(server.url)
        server.serve_forever(poll_interval=0.5)
    except KeyboardInterrupt:
        pass
    finally:
        server.close_connections()
        server.server_close()
